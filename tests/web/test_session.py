"""Console session and CSRF rules, without a browser (fast)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from server.runtime import Runtime
from server.web import session as web_session
from server.web.deps import safe_next
from tests.factories import PASSWORD, add_users, seed_two_communes
from tests.web.http import console_sign_in


@pytest.fixture
def console(client: TestClient, runtime: Runtime) -> TestClient:
    seed_two_communes(runtime.engine)
    add_users(runtime.engine, [("officer", "officer", "W001"), ("auditor", "auditor", "P01")])
    return client


def test_sign_in_needs_the_form_token(console: TestClient) -> None:
    console.get("/login")
    response = console.post("/login", data={"username": "auditor", "password": PASSWORD, "csrf_token": "forged"},
                            follow_redirects=False)
    assert response.status_code == 200 and "Biểu mẫu đã hết hạn" in response.text
    assert "loa_session" not in response.headers.get("set-cookie", "")


def test_logout_requires_csrf_and_ends_the_session(console: TestClient) -> None:
    token = console_sign_in(console, "auditor")
    refused = console.post("/logout", data={"csrf_token": "wrong"}, follow_redirects=False)
    assert refused.status_code == 403
    assert console.get("/", follow_redirects=False).status_code == 200
    done = console.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    assert console.get("/", follow_redirects=False).headers["location"] == "/login?next=/"


def test_expired_session_returns_to_sign_in_then_to_the_page(console: TestClient, runtime: Runtime) -> None:
    console_sign_in(console, "auditor")
    start = runtime.clock()
    runtime.clock = lambda: start + timedelta(minutes=runtime.settings.session_minutes + 1)
    response = console.get("/?a=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/%3Fa%3D1"
    # htmx fragments ask the browser to navigate instead of swapping the sign-in page in.
    fragment = console.get("/", headers={"HX-Request": "true"}, follow_redirects=False)
    assert fragment.headers["HX-Redirect"].startswith("/login?next=")


def test_cookie_authenticated_api_writes_need_the_csrf_header(console: TestClient) -> None:
    token = console_sign_in(console, "officer")
    assert console.get("/api/v1/areas").status_code == 200  # reads work with the cookie alone
    body = {"title": "x"}
    refused = console.post("/api/v1/bulletins", json=body)
    assert refused.status_code == 403 and refused.json()["detail"]["code"] == "csrf_failed"
    allowed = console.post("/api/v1/bulletins", json=body, headers={web_session.CSRF_HEADER: token})
    assert allowed.status_code == 422  # past authentication: the body itself is checked


def test_session_cookie_is_not_an_access_token(runtime: Runtime, console: TestClient) -> None:
    cookie = web_session.issue(runtime.jwt_secret, 1, 10, runtime.clock())
    response = console.get("/api/v1/areas", headers={"Authorization": f"Bearer {cookie}"})
    assert response.status_code == 401


@pytest.mark.parametrize("value", ["//evil.example/x", "https://evil.example", "/\\evil", "", None, "x",
                                   "/\t/evil.example", "/\n/evil.example", "/ /evil", "/%0a" + "é"])
def test_next_never_leaves_the_site(value: str | None) -> None:
    assert safe_next(value) == "/"


def test_next_keeps_a_page_with_its_query() -> None:
    assert safe_next("/ban-tin?q=tiem%20phong&trang=2") == "/ban-tin?q=tiem%20phong&trang=2"


def test_docs_are_served_from_this_server(console: TestClient) -> None:
    page = console.get("/docs").text
    assert "/static/swagger-ui/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert console.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert console.get("/redoc").status_code == 404


def test_a_deactivated_user_is_signed_out(console: TestClient, runtime: Runtime) -> None:
    from sqlmodel import Session, select

    from server.models.users import User

    console_sign_in(console, "auditor")
    with Session(runtime.engine) as session:
        user = session.exec(select(User).where(User.username == "auditor")).one()
        user.active = False
        session.add(user)
        session.commit()
    assert console.get("/", follow_redirects=False).headers["location"] == "/login?next=/"
    assert console.get("/api/v1/areas").status_code == 401
