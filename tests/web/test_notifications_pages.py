"""Notifications over HTTP: the badge counts submitted bulletins in the approver's scope only and
offline devices of the officer's area; the page lists them; no sign-in, no badge."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlmodel import Session

from server.models.devices import Device
from tests.server.conftest import World
from tests.server.conftest import world as world
from tests.web.http import console_sign_in


def signed_in(world: World, username: str) -> TestClient:
    client = TestClient(world.client.app)
    console_sign_in(client, username)
    return client


def test_badge_counts_pending_bulletins_in_scope(world: World) -> None:
    approver = signed_in(world, "mot.duyet")
    assert approver.get("/thong-bao/huy-hieu").text.strip() == ""
    submitted = world.submitted(title="Thông báo chờ duyệt")
    world.submitted(officer="hai.canbo", title="Tin xã Hai chờ duyệt", targets=["W002-T01"])
    badge = approver.get("/thong-bao/huy-hieu")
    assert badge.status_code == 200 and badge.headers["cache-control"] == "no-store"
    assert "1 bản tin chờ duyệt" in badge.text  # the other commune's submission is not theirs
    assert "2 bản tin chờ duyệt" in signed_in(world, "tinh.duyet").get("/thong-bao/huy-hieu").text
    page = approver.get("/thong-bao")
    assert f'href="/ban-tin/{submitted["id"]}"' in page.text and "Xã Một" in page.text
    assert world.act("mot.duyet", submitted["id"], "approve").status_code == 200
    assert approver.get("/thong-bao/huy-hieu").text.strip() == ""


def test_officer_sees_offline_devices_of_their_area(world: World) -> None:
    with Session(world.engine) as session:
        session.add(Device(id="loa-mot-1", kind="speaker", area_code="W001-T01", name="Cụm loa thôn Một A",
                           password_hash="x", status="offline", last_seen_at=datetime(2026, 12, 1, 3, tzinfo=UTC)))
        session.add(Device(id="loa-hai-1", kind="speaker", area_code="W002-T01", password_hash="x",
                           status="offline"))
        session.add(Device(id="loa-mot-2", kind="speaker", area_code="W001-T02", password_hash="x",
                           status="online"))
        session.commit()
    officer = signed_in(world, "mot.canbo")
    assert "1 thiết bị mất kết nối" in officer.get("/thong-bao/huy-hieu").text
    page = officer.get("/thong-bao").text
    assert "Cụm loa thôn Một A" in page and "10:00 01/12/2026" in page
    assert "loa-hai-1" not in page and "loa-mot-2" not in page
    assert "bản tin chờ duyệt" not in page.lower()  # officers do not approve


def test_signed_out_badge_asks_for_sign_in(world: World) -> None:
    fresh = TestClient(world.client.app)
    response = fresh.get("/thong-bao/huy-hieu", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 204 and response.headers["HX-Redirect"].startswith("/login")
