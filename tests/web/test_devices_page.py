"""Officers' devices page: devices of their area only, with state, manifest, outages of the last
days and what plays now per the manifest."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from server.models.devices import Device, DeviceManifest, DeviceOutage
from tests.server.conftest import World
from tests.server.conftest import world as world
from tests.web.http import console_sign_in


def test_officer_sees_state_manifest_outages_and_now_playing(world: World) -> None:
    now = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
    world.runtime.clock = lambda: now
    envelope = {"payload": {"items": [
        {"start": "2026-12-05T00:59:00Z", "duration_ms": 120_000, "kind": "audio", "bulletin_id": 42},
    ]}, "sig": "x", "kid": "k"}
    with Session(world.engine) as session:
        session.add(Device(id="loa-ds-1", kind="speaker", area_code="W001-T01", name="Loa chợ", password_hash="x",
                           status="online", last_seen_at=now))
        session.add(Device(id="loa-ds-2", kind="board", area_code="W001-T02", password_hash="x", status="offline"))
        session.add(Device(id="loa-ds-3", kind="speaker", area_code="W002-T01", password_hash="x"))
        session.flush()
        session.add(DeviceManifest(device_id="loa-ds-1", seq=7, etag="e", content_hash="c",
                                   envelope=json.dumps(envelope), window_from=date(2026, 12, 5), compiled_at=now))
        session.add(DeviceOutage(device_id="loa-ds-2", started_at=now - timedelta(hours=3), ended_at=None))
        session.add(DeviceOutage(device_id="loa-ds-2", started_at=now - timedelta(days=30),
                                 ended_at=now - timedelta(days=29)))
        session.commit()
    client = TestClient(world.client.app)
    console_sign_in(client, "mot.canbo")
    page = client.get("/thiet-bi").text
    assert "Loa chợ" in page and "loa-ds-2" in page and "loa-ds-3" not in page
    assert "phiên bản 7" in page and "Bản tin số 42" in page
    assert "1 lần, tổng 3 giờ 00 phút" in page  # the month-old outage is outside the window
    assert "chưa kết nối lại" in page
