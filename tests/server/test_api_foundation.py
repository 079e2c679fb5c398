"""Health, login and the area tree over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.factories import add_user, login, seed_two_communes


def test_healthz_reports_database(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["database"] == {"state": "ok", "backend": "sqlite"}


def test_openapi_and_docs_served(client: TestClient) -> None:
    assert "/api/v1/areas" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200


def test_areas_need_login_then_list_tree(client: TestClient, engine: Engine) -> None:
    seed_two_communes(engine)
    add_user(engine, "canbo1", "officer", "W001")
    assert client.get("/api/v1/areas").status_code == 401
    headers = login(client, "canbo1")
    codes = {a["code"] for a in client.get("/api/v1/areas", headers=headers).json()}
    assert {"P01", "W001", "W002", "W001-T01"} <= codes
    subtree = client.get("/api/v1/areas", params={"root": "W001"}, headers=headers).json()
    assert {a["code"] for a in subtree} == {"W001", "W001-T01", "W001-T02"}
    one = client.get("/api/v1/areas/W001-T01", headers=headers).json()
    assert one["parent_code"] == "W001" and one["level"] == "hamlet"
    missing = client.get("/api/v1/areas/NOPE", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["detail"]["code"] == "area_not_found"


def test_wrong_password_is_401_and_rate_limited(client: TestClient, engine: Engine) -> None:
    seed_two_communes(engine)
    add_user(engine, "canbo1", "officer", "W001")
    for _ in range(5):
        r = client.post("/api/v1/auth/token", data={"username": "canbo1", "password": "wrong-pass"})
        assert r.status_code == 401
        assert r.json()["detail"]["code"] == "bad_credentials"
    blocked = client.post("/api/v1/auth/token", data={"username": "canbo1", "password": "test-password-1"})
    assert blocked.status_code == 429
    assert blocked.json()["detail"]["code"] == "too_many_attempts"


def test_forged_token_rejected(client: TestClient) -> None:
    r = client.get("/api/v1/areas", headers={"Authorization": "Bearer not.a.token"})
    assert r.status_code == 401
    assert r.json()["detail"]["code"] == "invalid_token"
