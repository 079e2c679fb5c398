"""Citizens' pages over HTTP: only approved, valid, public bulletins of the area, its ancestors and
hamlets; the RSS feed parses and its enclosures are the approved MP3s; caching never shows a
withdrawn bulletin."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from server.services.bulletin_fields import version_hash
from tests.server.conftest import World
from tests.server.conftest import world as world


@pytest.fixture
def clock_reset(world: World) -> Iterator[None]:
    original = world.runtime.clock
    yield
    world.runtime.clock = original


def titles(world: World, code: str) -> str:
    response = world.client.get(f"/public/{code}")
    assert response.status_code == 200, response.text
    assert '<html lang="vi">' in response.text
    return response.text


def feed(world: World, code: str) -> ET.Element:
    response = world.client.get(f"/public/{code}/feed.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/rss+xml")
    return ET.fromstring(response.content)


def approved(world: World, title: str, **overrides: Any) -> dict[str, Any]:
    return world.approved(title=title, **overrides)


def test_only_approved_valid_public_bulletins_show(world: World) -> None:
    shown = approved(world, "Tiêm phòng dại thôn Một A")
    draft = world.create(title="Bản nháp chưa gửi")
    submitted = world.submitted(title="Đã gửi chờ duyệt")
    withdrawn = approved(world, "Bản tin đã rút")
    assert world.act("mot.canbo", withdrawn["id"], "withdraw").status_code == 200
    private = approved(world, "Hộ ông Nguyễn Văn A nợ thuế", public=False)
    elsewhere = world.approved(officer="hai.canbo", approver="hai.duyet", title="Tin của xã Hai",
                               targets=["W002-T01"])
    later = approved(world, "Bản tin hiệu lực tuần sau",
                     valid_from=(datetime.now(UTC) + timedelta(days=3)).isoformat())
    page = titles(world, "W001")
    assert "Tiêm phòng dại thôn Một A" in page
    for hidden in ("Bản nháp chưa gửi", "Đã gửi chờ duyệt", "Bản tin đã rút", "Hộ ông Nguyễn Văn A",
                   "Tin của xã Hai", "Bản tin hiệu lực tuần sau"):
        assert hidden not in page, hidden
    # The hamlet's page carries it too; the other commune's does not.
    assert "Tiêm phòng dại thôn Một A" in titles(world, "W001-T01")
    assert "Tiêm phòng dại thôn Một A" not in titles(world, "W002")
    assert "Tin của xã Hai" in titles(world, "W002")
    # The same set in the feed, and audio only for it.
    items = feed(world, "W001").findall("./channel/item")
    assert [i.findtext("title") for i in items] == ["Tiêm phòng dại thôn Một A"]
    for bulletin in (draft, submitted, withdrawn, private, elsewhere, later):
        assert world.client.get(f"/public/W001/audio/{bulletin['id']}.mp3").status_code == 404
    assert world.client.get(f"/public/W001/audio/{shown['id']}.mp3").status_code == 200


def test_ancestor_and_hamlet_bulletins_show(world: World) -> None:
    commune_wide = approved(world, "Tin toàn xã Một", targets=["W001"])
    assert "Tin toàn xã Một" in titles(world, "W001-T01")  # an ancestor's bulletin is on the hamlet's page
    assert commune_wide["status"] == "approved"
    bulletin = world.approved(officer="mot.canbo", approver="mot.duyet", title="Tin thôn Một B",
                              targets=["W001-T02"])
    assert "Tin thôn Một B" in titles(world, "W001")  # a hamlet's bulletin is on its commune's page
    assert "Tin thôn Một B" in titles(world, "W001-T02")
    assert "Tin thôn Một B" not in titles(world, "W001-T01")  # …but not on a sibling hamlet's
    assert "Tin thôn Một B" not in titles(world, "P01")  # nor on the province's own page
    assert bulletin["status"] == "approved"


def test_feed_enclosure_is_the_approved_mp3_with_range(world: World) -> None:
    shown = approved(world, "Lịch thu gom rác")
    root = feed(world, "W001")
    assert root.tag == "rss" and root.get("version") == "2.0"
    item = next(i for i in root.findall("./channel/item") if i.findtext("title") == "Lịch thu gom rác")
    enclosure = item.find("enclosure")
    assert enclosure is not None and enclosure.get("type") == "audio/mpeg"
    url = enclosure.get("url") or ""
    base = world.runtime.settings.base_url
    assert url == f"{base}/public/W001/audio/{shown['id']}.mp3"
    audio = world.client.get(url.removeprefix(base))
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
    assert audio.content.startswith(b"ID3")
    assert audio.content == (world.runtime.settings.media_dir / f"{shown['approved']['audio_sha256']}.mp3").read_bytes()
    assert int(enclosure.get("length") or 0) == len(audio.content)
    part = world.client.get(url.removeprefix(base), headers={"Range": "bytes=0-3"})
    assert part.status_code == 206 and part.content == audio.content[:4]


def test_reapproval_shows_the_last_approved_version(world: World) -> None:
    shown = approved(world, "Họp dân lần một")
    edited = world.patch("mot.canbo", shown["id"], shown["version"], title="Họp dân lần hai")
    assert edited.status_code == 200, edited.text
    page = titles(world, "W001")
    assert "Họp dân lần một" in page and "Họp dân lần hai" not in page


def test_etag_304_and_withdraw_is_seen_at_once(world: World) -> None:
    shown = approved(world, "Thông báo cắt điện")
    first = world.client.get("/public/W001/feed.xml")
    etag = first.headers["etag"]
    assert "public" in first.headers["cache-control"]
    again = world.client.get("/public/W001/feed.xml", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert world.act("mot.canbo", shown["id"], "withdraw").status_code == 200
    after = world.client.get("/public/W001/feed.xml", headers={"If-None-Match": etag})
    assert after.status_code == 200 and "Thông báo cắt điện" not in after.text
    assert world.client.get(f"/public/W001/audio/{shown['id']}.mp3").status_code == 404


def test_expired_bulletin_disappears_with_the_clock(world: World, clock_reset: None) -> None:
    now = datetime.now(UTC)
    approved(world, "Tin hết hạn trong một giờ", valid_until=(now + timedelta(hours=1)).isoformat())
    assert "Tin hết hạn trong một giờ" in titles(world, "W001")
    world.runtime.clock = lambda: now + timedelta(hours=2)
    assert "Tin hết hạn trong một giờ" not in titles(world, "W001")


def test_public_flag_is_part_of_the_approved_version(world: World) -> None:
    private = approved(world, "Danh sách hộ nghèo", public=False)
    assert private["public"] is False
    # Making it public is an edit: it goes back to approval and stays off the page until then.
    edited = world.patch("mot.canbo", private["id"], private["version"], public=True)
    assert edited.status_code == 200 and edited.json()["status"] == "draft"
    assert edited.json()["version_hash"] != private["version_hash"]
    assert "Danh sách hộ nghèo" not in titles(world, "W001")


def test_hash_of_a_public_version_is_unchanged_by_the_flag() -> None:
    content = {"title": "a", "body": "b", "board_text": "c", "priority": "normal", "category": "notice",
               "valid_from": datetime(2026, 1, 1, tzinfo=UTC), "valid_until": datetime(2026, 1, 2, tzinfo=UTC),
               "repeats_per_day": 1, "reads_per_play": 1, "gap_seconds": 2.0, "pin_date": None, "pin_slot_id": None}
    before_flag = version_hash(1, content, ["W001"], None)
    assert version_hash(1, {**content, "public": True}, ["W001"], None) == before_flag
    assert version_hash(1, {**content, "public": False}, ["W001"], None) != before_flag


def test_index_search_ignores_diacritics_and_lists_communes(world: World) -> None:
    found = world.client.get("/public", params={"q": "xa mot"})
    assert found.status_code == 200 and 'href="/public/W001"' in found.text
    assert 'href="/public/W002"' not in found.text
    province = world.client.get("/public", params={"tinh": "P01"})
    assert 'href="/public/W001"' in province.text and 'href="/public/W002"' in province.text
    assert world.client.get("/public/NOPE").status_code == 404
    assert world.client.get("/public", params={"q": "x" * 5000}).status_code == 200


def test_page_has_opengraph_feed_link_and_qr(world: World) -> None:
    page = titles(world, "W001")
    base = world.runtime.settings.base_url
    assert f'<meta property="og:url" content="{base}/public/W001">' in page
    assert f'href="{base}/public/W001/feed.xml"' in page
    qr = world.client.get("/public/W001/qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    svg = ET.fromstring(qr.content)
    assert svg.tag.endswith("svg")
