"""In Chromium: sign-in through the form, each role's home, sign-out, and the offline /docs."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.web.live import LiveServer


def test_signed_out_page_goes_to_sign_in_and_back(
    browser_page: Page, live_server: LiveServer, check_page: Callable[[Page, str], None]
) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/?tu=1")
    assert page.url == f"{live_server.url}/login?next=/%3Ftu%3D1"
    check_page(page, "dang-nhap")
    page.get_by_label("Tên đăng nhập").fill("auditor")
    page.get_by_label("Mật khẩu").fill("sai mật khẩu")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator(".field-error")).to_contain_text("không đúng")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("auditor")  # input kept
    check_page(page, "dang-nhap-loi")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/?tu=1")  # back to the page asked for


def test_roles_land_on_their_home_and_sign_out(
    browser_page: Page, live_server: LiveServer, sign_in: Callable[[Page, str], None],
    check_page: Callable[[Page, str], None],
) -> None:
    page = browser_page
    for username in ("auditor", "admin"):
        sign_in(page, username)
        assert page.url == f"{live_server.url}/"
        expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
        check_page(page, f"trang-chu-{username}")
        page.get_by_role("button", name="Đăng xuất").click()
        page.wait_for_url(f"{live_server.url}/login")
        page.goto(f"{live_server.url}/")
        assert "/login?next=/" in page.url


def test_sign_in_with_the_keyboard_only(browser_page: Page, live_server: LiveServer) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/login")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.get_by_text("Bỏ qua, đến nội dung chính")).to_be_focused()
    page.keyboard.press("Enter")  # past the header, into the page
    page.keyboard.press("Tab")
    expect(page.get_by_label("Tên đăng nhập")).to_be_focused()
    page.keyboard.type("auditor")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def test_docs_render_operations_offline(
    browser_page: Page, live_server: LiveServer, sign_in: Callable[[Page, str], None],
) -> None:
    page = browser_page
    sign_in(page, "auditor")
    page.goto(f"{live_server.url}/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 20  # every API operation rendered by the vendored Swagger UI
    watcher = page.watch  # type: ignore[attr-defined]
    assert not watcher.foreign_requests, watcher.foreign_requests
    assert page.evaluate("document.documentElement.lang") == "vi"
