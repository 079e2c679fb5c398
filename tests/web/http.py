"""Console helpers for fast tests over TestClient (no browser)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.factories import PASSWORD


def console_sign_in(client: TestClient, username: str, next_url: str = "/") -> str:
    """Signs in through the form; returns the session's CSRF token for later posts."""
    page = client.get(f"/login?next={next_url}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": token.group(1), "next": next_url}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == next_url
    cookie = response.headers["set-cookie"]
    assert "loa_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    found = re.search(r'"X-CSRF-Token": "([0-9a-f]+)"', client.get(next_url).text)
    assert found
    return found.group(1)
