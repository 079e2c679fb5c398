"""Escalation over every route the app has, discovered from the app itself (so a route added later
is covered without editing this file): auditors write nothing, officers reach no admin or approver
action, device credentials and strangers call no user API."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

import pytest

from server.services import devices as registry
from tests.server.conftest import World

WRITE = {"POST", "PUT", "PATCH", "DELETE"}
# Writes any signed-in user may make on their own account or session.
OPEN_TO_EVERY_USER = {"/api/v1/auth/token", "/api/v1/drafts/{key}", "/logout", "/login"}
# POSTs that compute a preview from their body and store nothing: any reader may call them.
PREVIEWS = {"/api/v1/tts/normalize", "/api/v1/boards/render", "/api/v1/text/convert"}
# Writes that belong to devices (HTTP Basic with their own credentials), not to users.
DEVICE_ROUTES = {"/api/v1/devices/{device_id}/asrun"}
ADMIN_ONLY = re.compile(r"^/api/v1/(users|devices)(/|$)")
APPROVER_ONLY = re.compile(r"/(approve|reject)$")


def _routes(world: World) -> Iterator[tuple[str, str]]:
    """Every API operation, from the app's own OpenAPI document."""
    paths = world.client.get("/openapi.json").json()["paths"]
    for path, operations in sorted(paths.items()):
        if path.startswith("/api/"):
            for method in sorted(operations):
                yield method.upper(), path


def _fill(path: str) -> str:
    """Real-looking values for path parameters: the checks must refuse before looking them up."""
    values = {"code": "W001", "id": "1", "device_id": "dev-1", "term": "KDC", "key": "bulletin-new"}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "1"), path)


def _call(world: World, method: str, path: str, headers: dict[str, str]) -> int:
    return world.client.request(method, _fill(path), json={}, headers=headers).status_code


def test_auditors_write_nothing(world: World) -> None:
    refused = {(m, p): _call(world, m, p, world.headers["mot.kiemtra"]) for m, p in _routes(world)
               if m in WRITE and p not in OPEN_TO_EVERY_USER | DEVICE_ROUTES | PREVIEWS}
    assert refused, "no write route found"
    allowed = {k: v for k, v in refused.items() if v not in (401, 403)}
    assert not allowed, f"an auditor was not refused (should be 401/403 before anything else): {allowed}"


def test_officers_reach_no_admin_or_approver_action(world: World) -> None:
    targets = [(m, p) for m, p in _routes(world) if m in WRITE and (ADMIN_ONLY.match(p) or APPROVER_ONLY.search(p))
               and p not in DEVICE_ROUTES and not p.endswith("/manifest")]
    assert targets
    allowed = {(m, p): s for m, p in targets if (s := _call(world, m, p, world.headers["mot.canbo"])) not in (401, 403)}
    assert not allowed, f"an officer was not refused: {allowed}"


def test_device_credentials_and_strangers_call_no_user_api(world: World) -> None:
    with world.session() as session:
        creds = registry.enrol(session, kind="speaker", area_code="W001")
        session.commit()
        device_id, password = creds.device.id, creds.password
    basic = {"Authorization": "Basic " + base64.b64encode(f"{device_id}:{password}".encode()).decode()}
    as_bearer = {"Authorization": f"Bearer {password}"}
    user_routes = [(m, p) for m, p in _routes(world)
                   if p not in OPEN_TO_EVERY_USER | DEVICE_ROUTES and not p.endswith("/manifest")]
    for who, headers in (("device (Basic)", basic), ("device password as a token", as_bearer), ("stranger", {})):
        allowed = {(m, p): s for m, p in user_routes if (s := _call(world, m, p, headers)) not in (401, 403)}
        # Reading the area tree needs a user too; nothing may answer 2xx or 5xx.
        assert not allowed, f"{who} was not refused: {allowed}"


@pytest.mark.parametrize("who", ["mot.canbo", "mot.duyet", "mot.kiemtra"])
def test_nobody_changes_their_own_role_or_scope(world: World, who: str) -> None:
    me = world.ids[who]
    for body in ({"role": "admin"}, {"area_code": "P01"}, {"active": True}):
        r = world.client.patch(f"/api/v1/users/{me}", json=body, headers=world.headers[who])
        assert r.status_code in (401, 403), (body, r.status_code)


def test_the_sweep_covers_the_api(world: World) -> None:
    """Guards the guards: the sweeps above see every resource's write operations."""
    writes = {p for m, p in _routes(world) if m in WRITE}
    for expected in ("/api/v1/bulletins", "/api/v1/bulletins/{bulletin_id}/approve", "/api/v1/users",
                     "/api/v1/areas/{code}/slots", "/api/v1/devices/{device_id}/revoke"):
        assert expected in writes, sorted(writes)
