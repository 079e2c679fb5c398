"""Roles and area scope on every bulletin endpoint: two communes (W001, W002), their province
(P01), four roles. Refusals are 403 with a stable code; nothing changes when refused."""

from __future__ import annotations

import io
from typing import Any

import httpx2 as httpx
import pytest

from tests.server.conftest import World

WRITE_ACTIONS = ["submit", "approve", "reject", "withdraw", "cancel"]


def _code(r: httpx.Response) -> str:
    return str(r.json()["detail"]["code"])


def _try(world: World, who: str, bid: int, action: str, version: int) -> httpx.Response:
    headers = world.headers[who]
    if action == "edit":
        return world.patch(who, bid, version, title="Sửa trái phép")
    if action == "upload":
        files = {"file": ("a.wav", io.BytesIO(b"RIFF0000WAVE"), "audio/wav")}
        return world.client.post(f"/api/v1/bulletins/{bid}/audio", files=files, headers=headers)
    body: dict[str, Any] | None = {"reason": "Không đạt"} if action == "reject" else None
    return world.act(who, bid, action, body)


@pytest.mark.parametrize("who", ["mot.kiemtra", "hai.kiemtra", "mot.admin", "tinh.admin"])
def test_auditors_and_admins_never_write_bulletins(world: World, who: str) -> None:
    sub = world.submitted()
    create = world.client.post("/api/v1/bulletins", json={}, headers=world.headers[who])
    assert create.status_code == 403 and _code(create) == "role_forbidden"
    for action in ["edit", "upload", *WRITE_ACTIONS]:
        r = _try(world, who, sub["id"], action, sub["version"])
        assert r.status_code == 403, (who, action, r.text)
        assert _code(r) == "role_forbidden"
    assert world.get("mot.canbo", sub["id"]).json()["version"] == sub["version"]


def test_officers_cannot_approve_or_reject(world: World) -> None:
    sub = world.submitted()
    for who in ("mot.canbo", "mot.canbo2", "hai.canbo"):
        for action in ("approve", "reject"):
            r = _try(world, who, sub["id"], action, sub["version"])
            assert r.status_code == 403 and _code(r) == "role_forbidden", (who, action)
    assert world.get("mot.canbo", sub["id"]).json()["status"] == "submitted"


def test_commune_b_cannot_see_edit_or_act_on_commune_a(world: World) -> None:
    sub = world.submitted()
    bid = sub["id"]
    for who in ("hai.canbo", "hai.duyet", "hai.kiemtra"):
        r = world.get(who, bid)
        assert r.status_code == 403 and _code(r) == "out_of_scope", who
        audio = world.client.get(f"/api/v1/bulletins/{bid}/audio", headers=world.headers[who])
        assert audio.status_code == 403
        listed = world.client.get("/api/v1/bulletins", headers=world.headers[who]).json()
        assert bid not in {b["id"] for b in listed}
    for who, actions in (("hai.canbo", ["edit", "upload", "submit", "withdraw", "cancel"]),
                         ("hai.duyet", ["edit", "approve", "reject", "withdraw"])):
        for action in actions:
            r = _try(world, who, bid, action, sub["version"])
            assert r.status_code == 403 and _code(r) == "out_of_scope", (who, action, r.text)
    assert world.get("mot.canbo", bid).json()["status"] == "submitted"


def test_everyone_of_commune_a_and_the_province_reads_it(world: World) -> None:
    bid = world.create()["id"]
    readers = ("mot.canbo", "mot.canbo2", "mot.duyet", "mot.kiemtra", "mot.admin", "tinh.duyet", "tinh.admin")
    for who in readers:
        assert world.get(who, bid).status_code == 200, who


@pytest.mark.parametrize("targets", [["W002-T01"], ["W002"], ["P01"], ["W001-T01", "W002-T01"]])
def test_officer_cannot_target_outside_their_commune(world: World, targets: list[str]) -> None:
    from tests.server.conftest import bulletin_body

    r = world.client.post("/api/v1/bulletins", json=bulletin_body(targets=targets),
                          headers=world.headers["mot.canbo"])
    assert r.status_code == 403 and _code(r) == "out_of_scope"
    created = world.create()
    r = world.patch("mot.canbo", created["id"], created["version"], targets=targets)
    assert r.status_code == 403 and _code(r) == "out_of_scope"
    assert world.get("mot.canbo", created["id"]).json()["targets"] == ["W001-T01"]


def test_list_by_area_outside_scope_is_refused(world: World) -> None:
    r = world.client.get("/api/v1/bulletins", params={"area": "W002"}, headers=world.headers["mot.canbo"])
    assert r.status_code == 403 and _code(r) == "out_of_scope"


def test_approvers_approve_only_within_their_subtree(world: World) -> None:
    # A province bulletin targeting both communes: commune approvers can neither see nor approve it.
    province = world.submitted("tinh.duyet", targets=["W001", "W002"])
    for who in ("mot.duyet", "hai.duyet"):
        r = world.act(who, province["id"], "approve")
        assert r.status_code == 403 and _code(r) == "out_of_scope", who
    # The province approver decides for a commune's bulletin (it lies in the province's subtree).
    commune = world.submitted()
    assert world.act("tinh.duyet", commune["id"], "approve").status_code == 200


def test_province_approver_targets_both_communes(world: World) -> None:
    created = world.create("tinh.duyet", targets=["W001-T01", "W002-T01"])
    assert created["area_code"] == "P01"
    province = world.client.get("/api/v1/bulletins", headers=world.headers["tinh.admin"]).json()
    assert created["id"] in {b["id"] for b in province}
    mine = world.client.get("/api/v1/bulletins", headers=world.headers["mot.canbo"]).json()
    assert created["id"] not in {b["id"] for b in mine}


def test_every_endpoint_needs_a_login(world: World) -> None:
    bid = world.create()["id"]
    one = f"/api/v1/bulletins/{bid}"
    for method, path in [("GET", "/api/v1/bulletins"), ("POST", "/api/v1/bulletins"), ("GET", one),
                         ("PATCH", one), ("GET", f"{one}/audio"), ("POST", f"{one}/audio"),
                         *[("POST", f"{one}/{a}") for a in WRITE_ACTIONS],
                         ("GET", "/api/v1/users"), ("POST", "/api/v1/users")]:
        r = world.client.request(method, path)
        assert r.status_code == 401, (method, path)


def test_unknown_bulletin_is_404(world: World) -> None:
    r = world.get("mot.canbo", 999_999)
    assert r.status_code == 404 and _code(r) == "bulletin_not_found"
