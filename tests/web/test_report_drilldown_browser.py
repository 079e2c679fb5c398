"""In Chromium: an auditor drills down from the dashboard's commune row to the commune's devices
and from a device to its airings, by links; both pages pass check_page at 1280 and 360 px."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect
from sqlmodel import Session

from playlists.model import LOCAL_TZ
from server.models.asrun import PlannedAiring
from server.models.devices import Device
from tests.web.live import LiveServer

CheckPage = Callable[[Page, str], None]
SignIn = Callable[[Page, str], None]


def _seed_device_with_an_airing(live_server: LiveServer) -> None:
    now = datetime.now(UTC)
    start = now - timedelta(hours=2)
    with Session(live_server.runtime.engine) as session:
        session.add(Device(id="loa-chi-tiet", kind="speaker", area_code="W001-T01", name="Cụm loa đầu thôn",
                           password_hash="x", created_at=now - timedelta(days=3)))
        session.add(PlannedAiring(area_code="W001-T01", local_date=start.astimezone(LOCAL_TZ).date(), start=start,
                                  duration_ms=60_000, kind="audio", bulletin_id=1, priority="normal",
                                  category="health"))
        session.commit()


def test_auditor_drills_down_to_a_devices_airings(browser_page: Page, live_server: LiveServer, sign_in: SignIn,
                                                  check_page: CheckPage) -> None:
    _seed_device_with_an_airing(live_server)
    page = browser_page
    sign_in(page, "auditor")
    page.get_by_role("navigation").get_by_role("link", name="Báo cáo").click()
    page.wait_for_url("**/bao-cao")
    page.get_by_role("link", name="Xã Một").click()
    page.wait_for_url("**dia_ban=W001**")
    device_link = page.get_by_role("link", name="Cụm loa đầu thôn (từng lượt phát)")
    expect(device_link).to_be_visible()
    check_page(page, "bao-cao-xa")
    device_link.click()
    page.wait_for_url("**/bao-cao/thiet-bi/loa-chi-tiet**")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cụm loa đầu thôn")
    expect(page.locator("#luot-phat tbody tr")).to_have_count(1)
    check_page(page, "bao-cao-thiet-bi")
