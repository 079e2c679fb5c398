"""In Chromium, without signing in: the citizens' index finds the commune by name, its page shows
the approved bulletin with a playable MP3 and never a draft, and the feed's enclosure is that MP3.
Both pages pass check_page (lang=vi, 360 px, axe, no foreign request)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.web.live import LiveServer

CheckPage = Callable[[Page, str], None]


def _token(client: httpx.Client, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _bulletin(title: str, **extra: object) -> dict[str, object]:
    now = datetime.now(UTC)
    return {"title": title, "body": f"{title}. Đề nghị bà con chú ý theo dõi.", "board_text": title,
            "category": "disaster", "priority": "normal", "targets": ["W001"],
            "valid_from": (now - timedelta(minutes=1)).isoformat(),
            "valid_until": (now + timedelta(days=2)).isoformat(), **extra}


def test_citizen_finds_the_commune_and_hears_the_approved_bulletin(
    browser_page: Page, live_server: LiveServer, check_page: CheckPage,
) -> None:
    with httpx.Client(base_url=live_server.url, timeout=120) as api:
        # An emergency is created and approved in one step by the approver (audio made inline).
        approved = api.post("/api/v1/bulletins", headers=_token(api, "approver"), json=_bulletin(
            "Cảnh báo lũ trên sông Hồng", priority="emergency", approve=True))
        assert approved.status_code == 201, approved.text
        draft = api.post("/api/v1/bulletins", headers=_token(api, "officer"), json=_bulletin("Bản nháp họp dân"))
        assert draft.status_code == 201, draft.text
        feed = api.get("/public/W001/feed.xml")
        assert feed.status_code == 200
        enclosures = ET.fromstring(feed.content).findall("./channel/item/enclosure")
        assert len(enclosures) == 1 and enclosures[0].get("type") == "audio/mpeg"
        mp3 = api.get(enclosures[0].get("url") or "")
        assert mp3.status_code == 200 and mp3.headers["content-type"] == "audio/mpeg"
        # An MP3: an ID3 tag or an MPEG audio frame sync at the start.
        assert mp3.content[:3] == b"ID3" or (mp3.content[0] == 0xFF and mp3.content[1] & 0xE0 == 0xE0)

    page = browser_page
    page.goto(f"{live_server.url}/public")
    check_page(page, "cong-khai-chon-xa")
    page.get_by_label("Tìm xã, phường, thôn theo tên").fill("xa mot")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="Xã Một, Tỉnh Thử").click()
    page.wait_for_url("**/public/W001")
    expect(page.get_by_role("heading", name="Cảnh báo lũ trên sông Hồng")).to_be_visible()
    expect(page.get_by_text("Bản nháp họp dân")).to_have_count(0)
    audio = page.locator("#ban-tin-{} audio".format(approved.json()["id"]))
    # The browser can actually decode it: metadata loads and the duration is real.
    audio.evaluate("a => { a.preload = 'metadata'; a.load(); }")
    page.wait_for_function("a => a.readyState >= 1 && a.duration > 0.5", arg=audio.element_handle(),
                           timeout=15_000)
    check_page(page, "cong-khai-xa")
