"""In Chromium: an officer reaches the lexicon page from the navigation, sees an error next to the
field, adds a reading, sees it inherited by a hamlet, and removes it; check_page at 1280 and 360 px."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.web.live import LiveServer

CheckPage = Callable[[Page, str], None]
SignIn = Callable[[Page, str], None]


def test_officer_manages_the_pronunciation_lexicon(browser_page: Page, live_server: LiveServer, sign_in: SignIn,
                                                   check_page: CheckPage) -> None:
    page = browser_page
    sign_in(page, "officer")
    page.get_by_role("navigation").get_by_role("link", name="Phát âm").click()
    page.wait_for_url("**/phat-am")
    check_page(page, "phat-am-trong")

    page.get_by_label("Từ cần đọc").fill("KDC")
    page.get_by_label("Cách đọc").fill("!!!")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#reading-loi")).to_contain_text("Cách đọc phải dài")
    expect(page.get_by_label("Từ cần đọc")).to_have_value("KDC")
    check_page(page, "phat-am-loi")

    page.get_by_label("Cách đọc").fill("khu dân cư")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu")
    expect(page.get_by_role("cell", name="khu dân cư")).to_be_visible()
    check_page(page, "phat-am")

    page.get_by_label("Địa bàn").select_option("W001-T01")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("cell", name="Kế thừa từ Xã Một (W001)")).to_be_visible()
    expect(page.get_by_role("button", name="Xóa mục KDC")).to_have_count(0)

    page.get_by_label("Địa bàn").select_option("W001")
    page.get_by_role("button", name="Xem").click()
    page.get_by_role("button", name="Xóa mục KDC").click()
    expect(page.get_by_role("status")).to_contain_text("Đã xóa mục phát âm")
    expect(page.get_by_role("cell", name="khu dân cư")).to_have_count(0)
