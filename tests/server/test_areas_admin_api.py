"""POST/PATCH /api/v1/areas: admins create, rename and retire hamlets in their scope; audited."""

from __future__ import annotations

from sqlmodel import select

from server.models.audit import AuditEvent
from tests.server.conftest import World


def test_admin_creates_renames_and_retires_a_hamlet(world: World) -> None:
    admin = world.headers["mot.admin"]
    created = world.client.post("/api/v1/areas", headers=admin,
                                json={"code": "W001-T09", "name": "  Thôn   Chín ", "parent_code": "W001"})
    assert created.status_code == 201, created.text
    got = created.json()
    assert (got["code"], got["name"], got["level"], got["parent_code"]) == ("W001-T09", "Thôn Chín", "hamlet", "W001")
    # The tree is fresh at once: a bulletin may target the new hamlet.
    assert world.client.get("/api/v1/areas/W001-T09", headers=admin).status_code == 200
    renamed = world.client.patch("/api/v1/areas/W001-T09", headers=admin, json={"name": "Thôn Chín Mới"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Thôn Chín Mới"
    retired = world.client.patch("/api/v1/areas/W001-T09", headers=admin,
                                 json={"retire": True, "successor_code": "W001-T01"})
    assert retired.status_code == 200, retired.text
    assert retired.json()["successor_code"] == "W001-T01" and retired.json()["retired_at"]
    with world.session() as session:
        actions = [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.subject == "area:W001-T09"))]
    assert actions == ["area_created", "area_updated", "area_updated"]


def test_scope_role_and_rules(world: World) -> None:
    body = {"code": "W002-T09", "name": "Thôn Hai Chín", "parent_code": "W002"}
    assert world.client.post("/api/v1/areas", headers=world.headers["mot.admin"], json=body).status_code == 403
    assert world.client.post("/api/v1/areas", headers=world.headers["mot.canbo"],
                             json={**body, "parent_code": "W001", "code": "W001-T08"}).status_code == 403
    province_admin = world.headers["tinh.admin"]
    assert world.client.post("/api/v1/areas", headers=province_admin, json=body).status_code == 201
    duplicate = world.client.post("/api/v1/areas", headers=province_admin, json=body)
    assert duplicate.status_code == 409 and duplicate.json()["detail"]["code"] == "area_exists"
    bad_code = world.client.post("/api/v1/areas", headers=province_admin, json={**body, "code": "a/b"})
    assert bad_code.status_code == 422 and bad_code.json()["detail"]["code"] == "bad_area_code"
    below_province = world.client.post("/api/v1/areas", headers=province_admin,
                                       json={**body, "code": "P01-X", "parent_code": "P01"})
    assert below_province.json()["detail"]["code"] == "bad_parent"
    commune = world.client.patch("/api/v1/areas/W002", headers=province_admin, json={"name": "Đổi tên xã"})
    assert commune.status_code == 403 and commune.json()["detail"]["code"] == "area_not_editable"
    no_successor = world.client.patch("/api/v1/areas/W002-T09", headers=province_admin, json={"retire": True})
    assert no_successor.status_code == 404
    other_level = world.client.patch("/api/v1/areas/W002-T09", headers=province_admin,
                                     json={"retire": True, "successor_code": "W002"})
    assert other_level.json()["detail"]["code"] == "bad_successor"
