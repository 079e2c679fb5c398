"""Accounts: admins manage users within their subtree; user creation, role changes and failed
logins land in the audit trail (also from `loa user add`)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlmodel import Session, col, select

from server.cli import main
from server.db import get_engine
from server.models.audit import AuditEvent
from server.services.audit_verify import verify_chain
from server.settings import Settings
from tests.factories import PASSWORD, seed_two_communes
from tests.server.conftest import World


def _last_event(world: World, action: str) -> AuditEvent:
    with world.session() as s:
        stmt = select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.seq).desc())
        event = s.exec(stmt).first()
        assert event is not None, action
        return event


def _new_user(**overrides: Any) -> dict[str, Any]:
    return {"username": "moi.canbo", "password": PASSWORD, "role": "officer", "area_code": "W001-T01",
            **overrides}


def test_admin_creates_a_user_in_scope_and_it_is_audited(world: World) -> None:
    r = world.client.post("/api/v1/users", json=_new_user(full_name="Nguyễn Văn Mới"),
                          headers=world.headers["mot.admin"])
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["username"] == "moi.canbo" and body["area_code"] == "W001-T01" and "password_hash" not in body
    event = _last_event(world, "user_created")
    assert event.actor == "mot.admin" and event.subject == f"user:{body['id']}"
    assert event.details == {"username": "moi.canbo", "role": "officer", "area_code": "W001-T01"}
    assert PASSWORD not in str(event.details)
    again = world.client.post("/api/v1/users", json=_new_user(), headers=world.headers["mot.admin"])
    assert again.status_code == 409 and again.json()["detail"]["code"] == "username_taken"


@pytest.mark.parametrize(("who", "overrides", "status", "code"), [
    ("mot.admin", {"area_code": "W002"}, 403, "out_of_scope"),
    ("mot.admin", {"area_code": "P01"}, 403, "out_of_scope"),
    ("mot.admin", {"area_code": "NOWHERE"}, 404, "area_not_found"),
    ("mot.admin", {"password": "short"}, 422, "weak_password"),
    ("mot.admin", {"username": "Có Dấu"}, 422, "bad_username"),
    ("mot.canbo", {}, 403, "role_forbidden"),
    ("mot.duyet", {}, 403, "role_forbidden"),
    ("mot.kiemtra", {}, 403, "role_forbidden"),
])
def test_user_creation_refusals(world: World, who: str, overrides: dict[str, Any], status: int,
                                code: str) -> None:
    body = _new_user(**{"username": "tu.choi", **overrides})
    r = world.client.post("/api/v1/users", json=body, headers=world.headers[who])
    assert r.status_code == status and r.json()["detail"]["code"] == code


def test_list_users_within_scope(world: World) -> None:
    commune = world.client.get("/api/v1/users", headers=world.headers["mot.admin"]).json()
    names = {u["username"] for u in commune}
    assert {"mot.canbo", "mot.duyet", "mot.admin"} <= names and not names & {"hai.canbo", "tinh.admin"}
    province = world.client.get("/api/v1/users", params={"role": "approver"},
                                headers=world.headers["tinh.admin"])
    assert {u["username"] for u in province.json()} == {"mot.duyet", "hai.duyet", "tinh.duyet"}
    other = world.client.get("/api/v1/users", params={"area": "W002"}, headers=world.headers["mot.admin"])
    assert other.status_code == 403
    assert world.client.get("/api/v1/users", headers=world.headers["mot.duyet"]).status_code == 403


def test_role_change_is_audited_and_self_change_refused(world: World) -> None:
    created = world.client.post("/api/v1/users", json=_new_user(username="doi.vaitro"),
                                headers=world.headers["tinh.admin"]).json()
    r = world.client.patch(f"/api/v1/users/{created['id']}", json={"role": "approver"},
                           headers=world.headers["tinh.admin"])
    assert r.status_code == 200 and r.json()["role"] == "approver"
    event = _last_event(world, "user_role_changed")
    assert event.actor == "tinh.admin" and event.details["changes"] == {"role": ["officer", "approver"]}
    out = world.client.patch(f"/api/v1/users/{world.ids['hai.canbo']}", json={"active": False},
                             headers=world.headers["mot.admin"])
    assert out.status_code == 403 and out.json()["detail"]["code"] == "out_of_scope"
    own = world.client.patch(f"/api/v1/users/{world.ids['mot.admin']}", json={"role": "officer"},
                             headers=world.headers["mot.admin"])
    assert own.status_code == 409 and own.json()["detail"]["code"] == "cannot_change_self"
    deactivate = world.client.patch(f"/api/v1/users/{created['id']}", json={"active": False},
                                    headers=world.headers["tinh.admin"])
    assert deactivate.status_code == 200 and _last_event(world, "user_updated").details["changes"] == {
        "active": [True, False]}


def test_failed_login_is_audited(world: World) -> None:
    r = world.client.post("/api/v1/auth/token", data={"username": "mot.canbo", "password": "sai-mat-khau"})
    assert r.status_code == 401
    event = _last_event(world, "login_failed")
    assert event.actor_id is None and "mot.canbo" in event.details["usernames"] and event.details["count"] >= 1
    assert "sai-mat-khau" not in str(event.details)
    with world.session() as s:
        assert verify_chain(s, world.runtime.settings.data_dir).ok


def test_cli_user_add_is_audited(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    engine = get_engine(settings.db_url)
    seed_two_communes(engine)
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-dai\n"))
    assert main(["user", "add", "nguyenvana", "--role", "auditor", "--area", "W001",
                 "--password-stdin", "--data-dir", str(settings.data_dir)]) == 0
    with Session(engine) as s:
        event = s.exec(select(AuditEvent)).one()
        assert (event.action, event.actor_id) == ("user_created", None)
        assert event.details["username"] == "nguyenvana"
    assert main(["audit", "verify", "--data-dir", str(settings.data_dir)]) == 0
    assert "1 sự kiện" in capsys.readouterr().out
