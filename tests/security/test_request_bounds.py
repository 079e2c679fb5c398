"""Every integer a client can send (path, query, form or JSON body, at any depth) is bounded in
the OpenAPI document, so an out-of-range value is a 422 at the edge, never an overflow (a 500)
in the database. The fuzz suite found ids and versions without bounds; this keeps new ones out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.server.conftest import World

INT8_MAX = 2**63 - 1  # the widest column any request value may reach


def _integers(spec: dict[str, Any], schema: Any, where: str, seen: frozenset[str]) -> Iterator[tuple[str, Any]]:
    if isinstance(schema, list):
        for i, item in enumerate(schema):
            yield from _integers(spec, item, f"{where}[{i}]", seen)
        return
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref not in seen:
        name = ref.rsplit("/", 1)[-1]
        yield from _integers(spec, spec["components"]["schemas"][name], f"{where}→{name}", seen | {ref})
    if schema.get("type") == "integer":
        yield where, schema
    for key, value in schema.items():
        if key not in ("$ref", "examples", "example", "default"):
            yield from _integers(spec, value, f"{where}/{key}", seen)


def _request_integers(spec: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            label = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                yield from _integers(spec, parameter.get("schema", {}), f"{label} {parameter['name']}", frozenset())
            for media in operation.get("requestBody", {}).get("content", {}).values():
                yield from _integers(spec, media.get("schema", {}), f"{label} body", frozenset())


def test_every_integer_a_client_sends_is_bounded(world: World) -> None:
    spec = world.client.get("/openapi.json").json()
    found = list(_request_integers(spec))
    assert len(found) >= 20  # the walk reaches parameters and nested bodies
    unbounded = [where for where, schema in found
                 if not (schema.get("minimum", schema.get("exclusiveMinimum", -2**64)) >= -INT8_MAX)
                 or not (schema.get("maximum", schema.get("exclusiveMaximum", 2**64)) <= INT8_MAX)]
    assert not unbounded, unbounded


def test_ids_in_paths_fit_an_int4_column(world: World) -> None:
    spec = world.client.get("/openapi.json").json()
    too_wide = [f"{method} {path} {p['name']}" for path, operations in spec["paths"].items()
                for method, operation in operations.items() for p in operation.get("parameters", [])
                if p["in"] == "path" and p["schema"].get("type") == "integer"
                and p["schema"].get("maximum") != 2**31 - 1]
    assert not too_wide, too_wide


def test_oversized_ids_and_versions_are_refused_at_the_edge(world: World) -> None:
    admin, approver = world.headers["mot.admin"], world.headers["mot.duyet"]
    huge = 2**70
    bulletin = world.create()["id"]
    slot = world.client.post("/api/v1/areas/W001/slots", headers=world.headers["mot.canbo"], json={
        "name": "Trưa", "start_local": "11:00", "duration_s": 900, "rrule": "FREQ=DAILY", "dtstart": "2026-11-01"})
    assert slot.status_code == 201, slot.text
    slot_id = slot.json()["id"]
    for method, path, body, headers in [
        ("get", f"/api/v1/emergency-templates/{huge}", None, approver),
        ("delete", f"/api/v1/emergency-templates/{huge}", None, approver),
        ("get", f"/api/v1/streams/{huge}", None, approver),
        ("post", f"/api/v1/streams/{huge}/approve", {}, approver),
        ("patch", f"/api/v1/slots/{huge}", {"name": "x"}, admin),
        ("post", f"/api/v1/users/{huge}/password", {"password": "mot-mat-khau-dai"}, admin),
        ("post", f"/api/v1/bulletins/{bulletin}/approve", {"version": huge}, approver),
        ("patch", f"/api/v1/slots/{slot_id}", {"duration_s": huge}, admin),
        ("patch", f"/api/v1/slots/{slot_id}", {"dtstart": "9999-12-31"}, admin),
    ]:
        response = world.client.request(method, path, json=body, headers=headers)
        assert response.status_code == 422, (method, path, body, response.status_code, response.text[:300])
