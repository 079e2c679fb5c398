"""In Chromium, the officer's job end to end: draft, preview, errors, submit, progress, player,
search, edit, duplicate, withdraw; every page passes check_page at 1280 and 360 px."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from server.models.bulletins import Bulletin
from tests.web.live import LiveServer
from tests.web.test_bulletin_detail_pages import wav_bytes

CheckPage = Callable[[Page, str], None]
SignIn = Callable[[Page, str], None]
BODY = "Ngày 15/3 Trạm y tế xã tổ chức tiêm phòng sởi cho trẻ từ 9 tháng tuổi. Đề nghị phụ huynh đưa con đến đúng giờ."


def test_officer_drafts_previews_submits_and_hears_the_result(
    browser_page: Page, live_server: LiveServer, sign_in: SignIn, check_page: CheckPage,
) -> None:
    page = browser_page
    sign_in(page, "officer")
    assert page.url == f"{live_server.url}/ban-tin"  # the officer's home
    check_page(page, "ban-tin-trong")

    page.get_by_role("link", name="Soạn bản tin mới").click()
    page.wait_for_url("**/ban-tin/moi")
    # Sensible defaults: normal priority, the officer's own commune, a week from now.
    expect(page.get_by_label("Thường")).to_be_checked()
    expect(page.locator('input[name=targets][value="W001"]')).to_be_checked()
    expect(page.get_by_label("Bắt đầu phát từ")).not_to_have_value("")

    page.get_by_label("Nội dung loa sẽ đọc").fill(BODY)
    page.get_by_label("Nội dung hiện trên bảng điện tử").fill("Tiêm phòng sởi ngày 15/3 tại Trạm y tế xã")
    # The live preview: the spoken form (numbers read out) and the board's pages as PNG.
    expect(page.locator("#loa-se-doc")).to_contain_text("mười lăm", timeout=15_000)
    expect(page.locator("img.board-page").first).to_be_visible()
    check_page(page, "soan-ban-tin")

    # Missing title: the error is next to the field, in the summary, and the input is kept.
    page.get_by_role("button", name="Lưu và gửi duyệt").click()
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_contain_text("Tiêu đề")
    expect(page.locator("#title-loi")).to_be_visible()
    expect(page.get_by_label("Nội dung loa sẽ đọc")).to_have_value(BODY)
    check_page(page, "soan-ban-tin-loi")

    page.get_by_label("Tiêu đề").fill("Tiêm phòng sởi cho trẻ em")
    page.get_by_role("button", name="Lưu và gửi duyệt").dblclick()  # a double click submits once
    page.wait_for_url("**/ban-tin/*?da=gui")
    expect(page.locator(".tag--submitted")).to_be_visible()
    expect(page.locator("#am-thanh audio")).to_be_attached(timeout=60_000)  # progress, then the player
    check_page(page, "ban-tin-chi-tiet")
    bulletin_url = page.url.split("?")[0]
    with Session(live_server.runtime.engine) as session:
        assert len(session.exec(select(Bulletin)).all()) == 1  # the double click made one bulletin

    # A recording instead of the synthetic voice: mastered, then the same player.
    page.get_by_label("Tệp ghi âm (MP3, M4A, WAV, OGG)").set_input_files(
        files=[{"name": "giong-doc.wav", "mimeType": "audio/wav", "buffer": wav_bytes()}])
    page.get_by_role("button", name="Tải bản ghi âm lên").click()
    page.wait_for_url("**?da=ghi-am", timeout=60_000)
    expect(page.locator("#am-thanh")).to_contain_text("giong-doc.wav")
    expect(page.locator("#am-thanh audio")).to_be_attached()

    page.goto(f"{live_server.url}/ban-tin?q=tiem+phong+soi")
    expect(page.locator(".bulletin-list li")).to_have_count(1)
    expect(page.locator(".bulletin-list")).to_contain_text("Xã Một")
    check_page(page, "ban-tin-danh-sach")
    page.goto(f"{live_server.url}/ban-tin?q=khong+co+dau")
    expect(page.locator(".bulletin-list li")).to_have_count(0)

    page.goto(bulletin_url)
    page.get_by_role("link", name="Sửa").click()
    expect(page.get_by_label("Tiêu đề")).to_have_value("Tiêm phòng sởi cho trẻ em")
    check_page(page, "sua-ban-tin")

    page.goto(bulletin_url)
    page.get_by_role("link", name="Nhân bản").first.click()
    expect(page.get_by_label("Tiêu đề")).to_have_value("Tiêm phòng sởi cho trẻ em")
    check_page(page, "nhan-ban")

    page.goto(bulletin_url)
    page.get_by_role("link", name="Rút bản tin").click()
    check_page(page, "rut-ban-tin")
    page.get_by_role("button", name="Rút bản tin").click()
    page.wait_for_url("**?da=rut")
    expect(page.locator(".tag--withdrawn")).to_be_visible()


def test_draft_survives_an_expired_session(
    browser_page: Page, live_server: LiveServer, sign_in: SignIn,
) -> None:
    page = browser_page
    sign_in(page, "officer")
    page.goto(f"{live_server.url}/ban-tin/moi")
    page.get_by_label("Tiêu đề").fill("Họp dân thôn Một A")
    expect(page.locator("#xem-truoc")).to_contain_text("Đã tự động lưu", timeout=15_000)
    page.context.clear_cookies()  # the session is gone, as after it expires
    # The next preview finds no session: htmx is told to take the page to the sign-in form.
    page.get_by_label("Nội dung hiện trên bảng điện tử").fill("Họp dân")
    page.wait_for_url(f"{live_server.url}/login?next=/ban-tin/moi")
    page.get_by_label("Tên đăng nhập").fill("officer")
    from tests.factories import PASSWORD

    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/ban-tin/moi")
    expect(page.get_by_label("Tiêu đề")).to_have_value("Họp dân thôn Một A")
    expect(page.locator(".notice")).to_contain_text("khôi phục")
