"""In Chromium: an administrator reaches the devices and areas pages by links, enrols a speaker
and gets the one-time credentials sheet, whose password authenticates the device over HTTP."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.web.live import LiveServer

CheckPage = Callable[[Page, str], None]
SignIn = Callable[[Page, str], None]


def test_admin_enrols_a_device(browser_page: Page, live_server: LiveServer, sign_in: SignIn,
                               check_page: CheckPage) -> None:
    page = browser_page
    sign_in(page, "admin")
    page.get_by_role("navigation").get_by_role("link", name="Người dùng").click()
    page.wait_for_url("**/quan-tri/nguoi-dung")
    check_page(page, "quan-tri-nguoi-dung")
    page.get_by_role("navigation").get_by_role("link", name="Địa bàn").click()
    page.wait_for_url("**/quan-tri/dia-ban")
    check_page(page, "quan-tri-dia-ban")
    page.get_by_role("navigation").get_by_role("link", name="Thiết bị").click()
    page.wait_for_url("**/quan-tri/thiet-bi")
    check_page(page, "quan-tri-thiet-bi")
    page.get_by_label("Cụm loa (bộ thu IP)").check()
    page.get_by_label("Địa bàn lắp đặt").select_option("W001-T01")
    page.get_by_label("Tên gọi (không bắt buộc)").fill("Cụm loa nhà văn hóa")
    page.get_by_role("button", name="Đăng ký và cấp thông tin đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thông tin đăng nhập của thiết bị")
    check_page(page, "quan-tri-phieu-dang-nhap")
    password = page.locator("#mat-khau").inner_text()
    device_id = page.locator("dt:has-text('Mã thiết bị') + dd code").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp thông tin đăng nhập").click()
    assert password in download.value.path().read_text()
    manifest = httpx.get(f"{live_server.url}/api/v1/devices/{device_id}/manifest", auth=(device_id, password))
    assert manifest.status_code in (200, 404)  # authenticated; 404 only while no manifest is compiled
    wrong = httpx.get(f"{live_server.url}/api/v1/devices/{device_id}/manifest", auth=(device_id, "sai"))
    assert wrong.status_code == 401
    page.get_by_role("link", name="← Danh sách thiết bị").click()
    expect(page.get_by_text("Cụm loa nhà văn hóa")).to_be_visible()
