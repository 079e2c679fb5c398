"""In Chromium: the approver's badge shows a bulletin submitted from another session without a
reload, and leads to the notifications page (check_page at 1280 and 360 px)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.web.live import LiveServer

CheckPage = Callable[[Page, str], None]
SignIn = Callable[[Page, str], None]


def test_approver_badge_shows_a_submission_from_another_session(
    browser_page: Page, live_server: LiveServer, sign_in: SignIn, check_page: CheckPage,
) -> None:
    page = browser_page
    sign_in(page, "approver")
    badge = page.locator("#huy-hieu")
    expect(badge).to_be_empty()
    now = datetime.now(UTC)
    with httpx.Client(base_url=live_server.url, timeout=60) as officer:
        token = officer.post("/api/v1/auth/token", data={"username": "officer", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        created = officer.post("/api/v1/bulletins", headers=headers, json={
            "title": "Lịch họp tổ dân phố", "body": "Tối thứ Sáu họp tổ dân phố tại nhà văn hóa.",
            "board_text": "Họp tổ dân phố tối thứ Sáu", "category": "notice", "priority": "normal",
            "targets": ["W001"], "valid_from": now.isoformat(), "valid_until": (now + timedelta(days=3)).isoformat()})
        assert created.status_code == 201, created.text
        assert officer.post(f"/api/v1/bulletins/{created.json()['id']}/submit", headers=headers).status_code == 200
    # No reload: the badge polls by itself.
    expect(badge).to_contain_text("1 bản tin chờ duyệt", timeout=15_000)
    check_page(page, "huy-hieu-cho-duyet")
    badge.get_by_role("link").click()
    page.wait_for_url("**/thong-bao")
    expect(page.get_by_role("link", name=f"Bản tin số {created.json()['id']}")).to_be_visible()
    check_page(page, "thong-bao")
    page.get_by_role("navigation").get_by_role("link", name="Thiết bị").click()
    page.wait_for_url("**/thiet-bi")
    check_page(page, "thiet-bi")
