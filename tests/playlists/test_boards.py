from __future__ import annotations

import itertools
from datetime import time, timedelta

import pytest

from playlists.boards import BoardOptions, board_day, item_seconds_for_budget, pages_for
from playlists.model import BoardGeometry, BoardPages
from tests.playlists.factories import MONDAY, at, bulletin

GEOMETRY = BoardGeometry(20, 2)


def _shows(*bulletins):
    return [(b, b.board_pages[0]) for b in bulletins]


def _end(item):
    return item.start_utc + timedelta(milliseconds=item.duration_ms)


def test_rotation_cycles_in_priority_order_back_to_back_within_the_display_day():
    opts = BoardOptions(min_item_s=60)
    items = board_day(_shows(bulletin(1), bulletin(2, priority="priority"), bulletin(3)), MONDAY, opts)
    assert [i.bulletin.bulletin_id for i in items[:6]] == [2, 1, 3, 2, 1, 3]
    assert items[0].start_utc == at(MONDAY, 6)
    assert _end(items[-1]) <= at(MONDAY, 22)
    assert all(_end(a) == b.start_utc for a, b in itertools.pairwise(items))
    # Each item is whole page cycles (2 pages × 5 s) and at least a minute.
    assert {i.duration_ms for i in items} == {60_000}


def test_single_bulletin_merges_into_one_item():
    items = board_day(_shows(bulletin(1)), MONDAY, BoardOptions(min_item_s=60))
    assert len(items) == 1
    assert (items[0].start_utc, _end(items[0])) == (at(MONDAY, 6), at(MONDAY, 22))


def test_validity_bounds_the_rotation():
    late = bulletin(1, valid_from=at(MONDAY, 10))
    early = bulletin(2, valid_until=at(MONDAY, 12))
    items = board_day(_shows(late, early), MONDAY, BoardOptions(min_item_s=60))
    for item in items:
        b = item.bulletin
        assert item.start_utc >= b.airs_from
        assert b.valid_until is None or _end(item) <= b.valid_until
    assert items[0].bulletin.bulletin_id == 2
    assert items[-1].bulletin.bulletin_id == 1


def test_gap_until_something_becomes_valid_and_custom_display_day():
    later = bulletin(1, valid_from=at(MONDAY, 7, 30))
    items = board_day(_shows(later), MONDAY, BoardOptions(day_start=time(7), day_end=time(8)))
    assert [(i.start_utc, _end(i)) for i in items] == [(at(MONDAY, 7, 30), at(MONDAY, 8))]


def test_emergency_and_pageless_are_not_rotated():
    empty = bulletin(2)
    empty_pages = (BoardPages(20, 2, False, (), ()),)
    items = board_day(
        [(bulletin(1, priority="emergency"), bulletin(1).board_pages[0]), (empty, empty_pages[0])], MONDAY
    )
    assert items == []


def test_pages_for_prefers_prerendered_then_renderer():
    calls = []

    def render(text, cols, rows, ascii_only):
        calls.append((text, cols, rows, ascii_only))
        return [["A"]], [3]

    b = bulletin(1)
    assert pages_for(b.board_pages, b.board_text, GEOMETRY, render) is b.board_pages[0]
    other = pages_for(b.board_pages, b.board_text, BoardGeometry(16, 1, diacritics=False), render)
    assert other == BoardPages(16, 1, True, (("A",),), (3,))
    assert calls == [("Bản tin số 1", 16, 1, True)]
    assert pages_for((), None, GEOMETRY, render) is None

    def refuse(*_args):
        raise ValueError("nothing to show")

    assert pages_for((), "…", GEOMETRY, refuse) is None


def test_long_pages_lengthen_items_to_stay_within_budget():
    big = BoardPages(40, 4, False, tuple(("x" * 40,) * 4 for _ in range(10)), (5.0,) * 10)
    shows = [(bulletin(i), big) for i in range(1, 6)]
    opts = BoardOptions(min_item_s=60, max_bytes=100_000)
    seconds = item_seconds_for_budget(shows, 4, opts)
    assert seconds > 60
    items = [
        i for d in range(4) for i in board_day(shows, MONDAY + timedelta(days=d), BoardOptions(min_item_s=seconds))
    ]
    approx_bytes = len(items) * (300 + 10 * 4 * 43)
    assert approx_bytes <= 100_000 * 1.1


def test_devices_renderer_fits_the_render_seam():
    board_module = pytest.importorskip("devices.board")

    def render(text, cols, rows, ascii_only):
        rendered = board_module.render_board(text, cols, rows, ascii_only=ascii_only)
        return rendered.pages, rendered.seconds

    pages = pages_for((), "Thông báo lịch tiêm chủng tại trạm y tế xã", BoardGeometry(16, 2, False), render)
    assert pages is not None and pages.ascii_only
    assert all(len(line) <= 16 for page in pages.pages for line in page)
    assert len(pages.page_seconds) == len(pages.pages)
    assert pages_for((), "   ", GEOMETRY, render) is None  # the renderer refuses empty text
