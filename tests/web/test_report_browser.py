"""In Chromium: an auditor reaches the airtime dashboard by a link, picks a preset, and the page
passes check_page (charts are inline SVG; tables scroll inside keyboard-reachable regions)."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.web.live import LiveServer

CheckPage = Callable[[Page, str], None]
SignIn = Callable[[Page, str], None]


def test_auditor_opens_the_dashboard(browser_page: Page, live_server: LiveServer, sign_in: SignIn,
                                     check_page: CheckPage) -> None:
    page = browser_page
    sign_in(page, "auditor")
    page.get_by_role("navigation").get_by_role("link", name="Báo cáo").click()
    page.wait_for_url("**/bao-cao")
    page.get_by_label("Quý này").check()
    page.get_by_role("button", name="Xem báo cáo").click()
    page.wait_for_url("**ky=quy**")
    expect(page.locator("#tong-ke-hoach")).to_have_text("0")
    expect(page.locator("svg.chart").first).to_be_visible()
    check_page(page, "bao-cao")
    page.get_by_role("navigation").get_by_role("link", name="Nhật ký").click()
    page.wait_for_url("**/nhat-ky")
    expect(page.get_by_role("status")).to_contain_text("Chuỗi nhật ký nguyên vẹn")
    check_page(page, "nhat-ky")
