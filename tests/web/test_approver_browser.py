"""In Chromium: the approver listens to and approves a bulletin an officer submitted, the schedule
shows it, and an emergency goes out from a template in three taps; every page passes check_page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from playlists.model import LOCAL_TZ
from server.models.bulletins import BulletinCreate
from server.models.schedule import Slot
from server.models.users import User
from server.services import audit, workflow
from server.services import bulletins as bulletin_service
from server.services.areas import load_tree
from tests.web.live import LiveServer

CheckPage = Callable[[Page, str], None]
SignIn = Callable[[Page, str], None]


def _submitted_by_officer(live: LiveServer, title: str) -> int:
    """An officer's bulletin, submitted with its audio synthesized (espeak) inline."""
    runtime = live.runtime
    now = runtime.clock()
    with audit.bind(Session(runtime.engine), runtime.settings.data_dir) as session:
        officer = session.exec(select(User).where(User.username == "officer")).one()
        data = BulletinCreate(title=title, body="Xã tổ chức tiêm phòng dại cho chó, mèo vào sáng thứ Bảy.",
                              board_text="Tiêm phòng dại thứ Bảy", category="health", valid_from=now,
                              valid_until=now + timedelta(days=7), targets=["W001-T01"], repeats_per_day=2)
        tree = load_tree(runtime.engine)
        bulletin = bulletin_service.create_draft(session, officer, tree, data, now=now, tz=LOCAL_TZ)
        workflow.submit(session, officer, bulletin, settings=runtime.settings, now=now, jobs=None)
        session.add(Slot(area_code="W001", name="Phiên sáng", start_local="06:00", duration_s=1800,
                         rrule="FREQ=DAILY", dtstart=now.astimezone(LOCAL_TZ).date() - timedelta(days=1),
                         created_by=officer.id))
        session.commit()
        assert bulletin.id is not None
        return bulletin.id


def _tab_to(page: Page, text: str, limit: int = 40) -> None:
    """Press Tab until the focused element is the one labelled ``text`` (fails after ``limit``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.innerText.trim()") == text:
            return
    raise AssertionError(f"{text!r} is not reachable with the keyboard")


def _audio_duration(page: Page) -> float:
    """Loads the player's audio in the browser: the approver can really listen to it."""
    return float(page.evaluate("""() => new Promise((resolve, reject) => {
        const audio = document.querySelector('audio');
        audio.addEventListener('loadedmetadata', () => resolve(audio.duration), {once: true});
        audio.addEventListener('error', () => reject(new Error('audio error ' + audio.error.code)), {once: true});
        audio.preload = 'auto'; audio.load();
    })"""))


def test_approver_listens_approves_and_the_schedule_shows_it(
    browser_page: Page, live_server: LiveServer, sign_in: SignIn, check_page: CheckPage,
) -> None:
    page, url = browser_page, live_server.url
    bid = _submitted_by_officer(live_server, "Lịch tiêm phòng dại tháng 12")
    sign_in(page, "approver")
    assert page.url == f"{url}/duyet"  # the approver's home
    expect(page.get_by_role("heading", name="Lịch tiêm phòng dại tháng 12")).to_be_visible()
    check_page(page, "duyet-hang-doi")
    page.get_by_role("link", name="Xem xét và quyết định").click()
    page.wait_for_url(f"{url}/duyet/{bid}")
    assert _audio_duration(page) > 1
    check_page(page, "duyet-xem")
    page.get_by_role("link", name="Tiếp tục để duyệt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra trước khi duyệt")
    check_page(page, "duyet-xac-nhan")
    _tab_to(page, "Xác nhận duyệt và cho phát")  # keyboard only: the irreversible step
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/duyet?da={bid}")
    expect(page.get_by_role("status")).to_contain_text(f"bản tin số {bid}")

    page.get_by_role("link", name="Lịch phát").click()
    page.wait_for_url(f"{url}/lich-phat")
    page.get_by_label("Địa bàn").select_option("W001-T01")
    tomorrow = datetime.now(LOCAL_TZ).date() + timedelta(days=1)
    page.get_by_label("Ngày", exact=True).fill(tomorrow.strftime("%d/%m/%Y"))  # as Vietnamese write it
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url(f"{url}/lich-phat?dia_ban=W001-T01&ngay=*")
    expect(page.get_by_role("heading", level=1)).to_contain_text(tomorrow.strftime("%d/%m/%Y"))
    slot = page.locator("section.slot").first
    expect(slot).to_contain_text("06:00–06:30")
    expect(slot.get_by_role("cell", name="Lịch tiêm phòng dại tháng 12")).to_have_count(2)  # twice a day
    check_page(page, "lich-phat-ngay")
    page.get_by_role("link", name="Xem cả tuần").click()
    expect(page.locator(".week__day")).to_have_count(7)
    check_page(page, "lich-phat-tuan")


def test_emergency_in_three_taps_then_live_status(
    browser_page: Page, live_server: LiveServer, sign_in: SignIn, check_page: CheckPage,
) -> None:
    page, url = browser_page, live_server.url
    sign_in(page, "approver")
    page.set_viewport_size({"width": 360, "height": 740})  # on a phone
    page.get_by_role("link", name="Khẩn cấp").click()  # tap 1
    check_page(page, "khan-cap")
    page.get_by_role("link", name="Bão").click()  # tap 2
    expect(page.locator("#pham-vi")).to_contain_text("Sẽ phát ngay trên 0 cụm loa")
    check_page(page, "khan-cap-xac-nhan")
    page.get_by_role("button", name="Phát khẩn cấp ngay").first.click()  # tap 3
    page.wait_for_url(f"{url}/khan-cap/*")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cảnh báo bão khẩn cấp")
    expect(page.locator("#giao")).to_have_attribute("hx-trigger", "every 2s")
    check_page(page, "khan-cap-trang-thai")


def test_officer_slots_page(browser_page: Page, live_server: LiveServer, sign_in: SignIn,
                            check_page: CheckPage) -> None:
    page, url = browser_page, live_server.url
    sign_in(page, "officer")
    page.get_by_role("link", name="Lịch phát").click()
    page.get_by_role("link", name="Phiên phát của địa bàn").click()
    page.wait_for_url(f"{url}/lich-phat/phien?dia_ban=W001")
    page.get_by_label("Tên phiên").fill("Phiên chiều")
    page.get_by_label("Giờ bắt đầu").fill("17:00")
    page.get_by_role("button", name="Thêm phiên phát").click()
    page.wait_for_url(f"{url}/lich-phat/phien?dia_ban=W001&da-them=1")
    expect(page.get_by_role("cell", name="Phiên chiều")).to_be_visible()
    check_page(page, "lich-phat-phien")
    page.get_by_role("link", name="Sửa Phiên chiều").click()
    expect(page.get_by_label("Giờ bắt đầu")).to_have_value("17:00")
    check_page(page, "lich-phat-phien-sua")
    page.get_by_label("Giờ bắt đầu").fill("17:30")
    page.get_by_role("button", name="Lưu phiên phát").click()
    page.wait_for_url(f"{url}/lich-phat/phien?dia_ban=W001&da-sua=1")
    expect(page.get_by_role("cell", name="17:30, 30 phút")).to_be_visible()
