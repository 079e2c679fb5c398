"""The OpenAPI document declares domain errors and bounds, and out-of-range values never reach a 500.
Schemathesis runs over every operation as each role in tests/security/test_fuzz_roles.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.server.conftest import World


def test_domain_errors_are_declared_with_their_schema(world: World) -> None:
    spec = world.client.get("/openapi.json").json()
    operation = spec["paths"]["/api/v1/bulletins/{bulletin_id}/approve"]["post"]
    assert {"401", "403", "404", "409", "413", "422"} <= set(operation["responses"])
    domain = {"$ref": "#/components/schemas/DomainError"}
    assert operation["responses"]["404"]["content"]["application/json"]["schema"] == domain
    assert domain in operation["responses"]["422"]["content"]["application/json"]["schema"]["anyOf"]
    assert spec["components"]["schemas"]["DomainError"]["properties"]["detail"]["required"] == ["code", "message"]
    login = spec["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert "429" in login and "Retry-After" in login["429"]["headers"]
    assert "401" not in spec["paths"]["/healthz"]["get"]["responses"]
    bulletin_id = next(p for p in operation["parameters"] if p["name"] == "bulletin_id")
    assert (bulletin_id["schema"]["minimum"], bulletin_id["schema"]["maximum"]) == (1, 2**31 - 1)


@pytest.mark.parametrize(("method", "path", "body"), [
    ("get", f"/api/v1/bulletins/{2**63}", None), ("post", f"/api/v1/bulletins/{2**64}/approve", {}),
    ("get", f"/api/v1/jobs/{2**63 - 1}", None), ("patch", f"/api/v1/users/{2**70}", {"active": False}),
    ("put", f"/api/v1/slots/{2**63}/order", {"date": "2025-07-01", "bulletin_ids": [1]}),
    ("delete", f"/api/v1/areas/W001/slots/{2**63}", None), ("get", f"/api/v1/bulletins?offset={2**63}", None),
    ("get", "/api/v1/preview?area=W001&date=9999-12-31", None),
    ("get", "/api/v1/preview?area=W001&date=0001-01-01", None),
    ("post", "/api/v1/areas/W001/slots", {"name": "x", "start_local": "06:00", "duration_s": 10**20,
                                          "dtstart": "2025-07-01"}),
    ("post", "/api/v1/areas/W001/slots", {"name": "x", "start_local": "06:00", "duration_s": 600,
                                          "dtstart": "9999-12-31"}),
    ("put", "/api/v1/slots/1/order", {"date": "0001-01-01", "bulletin_ids": [2**70]}),
    ("post", "/api/v1/areas/W001/holidays", {"date": "9999-12-31"}),
    ("post", "/api/v1/bulletins", {"title": "t", "body": "b", "board_text": "b", "targets": ["W001"],
                                   "valid_from": "2025-07-01T00:00:00+07:00",
                                   "valid_until": "9999-12-31T23:59:59+07:00",
                                   "pin_date": "2025-07-02", "pin_slot_id": 2**70}),
])
def test_out_of_range_values_are_refused_at_the_edge(world: World, method: str, path: str, body: Any) -> None:
    who = "mot.admin" if "/users/" in path or "/jobs/" in path else "mot.duyet" if "approve" in path else "mot.canbo"
    response = world.client.request(method, path, json=body, headers=world.headers[who])
    assert response.status_code in (404, 422), response.text
