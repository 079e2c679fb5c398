"""Property tests: packing honours each item's validity at its own start (issue: a bulletin valid
from mid-slot was left for the next day while the preview said nothing)."""

from __future__ import annotations

import itertools
from datetime import time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from playlists.compile import preview
from playlists.model import ScheduleInputs
from tests.playlists.factories import CHAIN_T01, MONDAY, at, bulletin, slot

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True)
SLOT_START = at(MONDAY, 6)
SLOT = slot(1, start=time(6), duration_s=900, rrule="FREQ=DAILY")
GAP = 2


@st.composite
def windowed_bulletins(draw) -> list:
    out = []
    for bid in range(1, draw(st.integers(1, 8)) + 1):
        offset = draw(st.integers(-300, 1000))
        length = draw(st.one_of(st.none(), st.integers(1, 1200)))
        valid_from = SLOT_START + timedelta(seconds=offset)
        out.append(bulletin(
            bid, approved_at=SLOT_START - timedelta(hours=1), valid_from=valid_from,
            valid_until=None if length is None else valid_from + timedelta(seconds=length),
            duration_ms=draw(st.integers(1_000, 240_000)),
            priority=draw(st.sampled_from(["normal", "priority"])),
        ))
    return out


@SETTINGS
@given(windowed_bulletins())
def test_placed_items_lie_inside_their_validity_and_every_bulletin_is_explained(bulletins):
    plan = preview(CHAIN_T01, ScheduleInputs(slots=(SLOT,), bulletins=tuple(bulletins)), MONDAY, gap_s=GAP)
    (packed,) = plan.slots
    by_id = {b.bulletin_id: b for b in bulletins}
    for item in packed.items:
        b = by_id[item.bulletin_id]
        assert item.start_utc >= b.valid_from and item.start_utc >= packed.occurrence.start_utc
        assert b.valid_until is None or item.end_utc <= b.valid_until
        assert item.end_utc <= packed.occurrence.end_utc
    for a, b in itertools.pairwise(packed.items):
        assert a.start_utc + timedelta(seconds=-(-a.duration_ms // 1000) + GAP) <= b.start_utc
    placed = {i.bulletin_id for i in packed.items}
    explained = placed | {o.bulletin_id for o in packed.overflow} | {s.bulletin_id for s in packed.skipped} \
        | {u.bulletin_id for u in plan.unplaced}
    assert explained == set(by_id)


@SETTINGS
@given(windowed_bulletins())
def test_a_lone_bulletin_with_room_inside_its_validity_is_always_placed(bulletins):
    b = bulletins[0]
    plan = preview(CHAIN_T01, ScheduleInputs(slots=(SLOT,), bulletins=(b,)), MONDAY, gap_s=GAP)
    lo = max(b.valid_from, SLOT_START)
    hi = min(b.valid_until or plan.slots[0].occurrence.end_utc, plan.slots[0].occurrence.end_utc)
    needed = timedelta(seconds=-(-b.duration_ms // 1000) + 1)  # whole seconds, rounding of valid_from
    if lo + needed <= hi:
        (item,) = plan.slots[0].items
        assert lo <= item.start_utc < lo + timedelta(seconds=1)  # as early as its validity allows
