from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

from playlists.compile import preview
from playlists.model import MediaRef, Pin, RelayDef, ScheduleInputs
from playlists.packing import spread
from tests.playlists.factories import CHAIN_T01, MONDAY, SUNDAY, at, bulletin, sha, slot

MORNING = slot(1, name="sáng", start=time(6))
NOON = slot(2, name="trưa", start=time(11))
EVENING = slot(3, name="chiều", start=time(17))


def _plan(*bulletins, slots=(MORNING,), relays=(), day=MONDAY, gap_s=2):
    inputs = ScheduleInputs(slots=tuple(slots), relays=tuple(relays), bulletins=tuple(bulletins))
    return preview(CHAIN_T01, inputs, day, gap_s=gap_s)


def _ids(packed):
    return [i.bulletin_id for i in packed.items if i.bulletin_id is not None]


def test_spread_indices():
    assert spread(3, 2) == [0, 2]
    assert spread(4, 2) == [0, 3]
    assert spread(4, 3) == [0, 2, 3]
    assert spread(5, 5) == [0, 1, 2, 3, 4]
    assert spread(3, 1) == [0]
    assert spread(0, 2) == []


def test_back_to_back_with_gap_on_whole_seconds():
    plan = _plan(bulletin(1, duration_ms=10_500), bulletin(2, duration_ms=20_000))
    first, second = plan.slots[0].items
    assert first.start_utc == at(MONDAY, 6)
    # 10.5 s rounds up to 11 s of room, then the 2 s gap.
    assert second.start_utc == at(MONDAY, 6, 0, 13)


def test_priority_before_normal_then_earlier_approval():
    late_priority = bulletin(1, priority="priority", approved_at=at(MONDAY, 5))
    early_normal = bulletin(2, approved_at=at(MONDAY, 1))
    earlier_normal = bulletin(3, approved_at=at(MONDAY, 0))
    assert _ids(_plan(early_normal, late_priority, earlier_normal).slots[0]) == [1, 3, 2]


def test_pinned_items_first_in_position_order_and_only_at_their_pin():
    pinned_b = bulletin(1, pins=(Pin(MONDAY, 1, position=1),))
    pinned_a = bulletin(2, pins=(Pin(MONDAY, 1, position=0),))
    pinned_loose = bulletin(3, pins=(Pin(MONDAY, 1),))
    urgent = bulletin(4, priority="priority")
    evening_pin = bulletin(5, pins=(Pin(MONDAY, 3),))
    plan = _plan(pinned_b, pinned_a, pinned_loose, urgent, evening_pin, slots=(MORNING, EVENING))
    morning, evening = plan.slots
    assert _ids(morning) == [2, 1, 3, 4]
    assert [i.pinned for i in morning.items] == [True, True, True, False]
    # Pins are exclusive: the evening pin airs only in the evening, the morning pins only there.
    assert _ids(evening) == [5]
    # On another day none of the pinned bulletins air.
    assert _ids(_plan(pinned_a, evening_pin, slots=(MORNING, EVENING), day=MONDAY + timedelta(days=1)).slots[0]) == []


def test_pin_to_missing_slot_or_outside_validity_is_reported():
    gone = bulletin(1, pins=(Pin(MONDAY, 99),))
    expired = bulletin(2, valid_until=at(MONDAY, 5), pins=(Pin(MONDAY, 1),))
    plan = _plan(gone, expired)
    assert [s.reason_code for s in plan.unplaced] == ["pin_slot_missing"]
    assert [(s.bulletin_id, s.reason_code) for s in plan.slots[0].skipped] == [(2, "pin_not_valid")]
    assert plan.slots[0].items == ()


def test_pins_beyond_repeats_are_capped():
    b = bulletin(1, repeats=1, pins=(Pin(MONDAY, 1, 0), Pin(MONDAY, 3, 0)))
    morning, evening = _plan(b, slots=(MORNING, EVENING)).slots
    assert _ids(morning) == [1]
    assert [s.reason_code for s in evening.skipped] == ["repeats_exhausted"]


def test_repeats_spread_over_slots_never_twice_in_one():
    b = bulletin(1, repeats=2)
    plan = _plan(b, slots=(MORNING, NOON, EVENING))
    assert [_ids(p) for p in plan.slots] == [[1], [], [1]]
    b5 = bulletin(2, repeats=5)
    assert [_ids(p) for p in _plan(b5, slots=(MORNING, NOON, EVENING)).slots] == [[2], [2], [2]]


def test_single_slot_takes_all_repeats_without_back_to_back_when_possible():
    plan = _plan(bulletin(1, repeats=2), bulletin(2, repeats=2), bulletin(3, repeats=1))
    assert _ids(plan.slots[0]) == [1, 2, 3, 1, 2]


def test_single_slot_repeats_keep_priority_first():
    plan = _plan(bulletin(1, repeats=2), bulletin(2, repeats=2, priority="priority"))
    assert _ids(plan.slots[0]) == [2, 2, 1, 1]


def test_approval_after_a_slot_started_waits_for_the_next_slot():
    b = bulletin(1, priority="priority", repeats=2, approved_at=at(MONDAY, 9))
    assert [_ids(p) for p in _plan(b, slots=(MORNING, EVENING)).slots] == [[], [1]]


def test_approved_mid_slot_airs_in_the_room_left_without_moving_the_rest():
    before = (bulletin(1, duration_ms=60_000), bulletin(2, duration_ms=60_000))
    late = bulletin(3, priority="priority", approved_at=at(MONDAY, 6, 0, 30), duration_ms=30_000)
    old = _plan(*before).slots[0].items
    packed = _plan(*before, late).slots[0]
    assert packed.items[:2] == old  # what was planned (and partly aired) keeps its place
    assert packed.items[2].bulletin_id == 3 and packed.items[2].start_utc >= at(MONDAY, 6, 1, 30)
    too_late = bulletin(4, approved_at=at(MONDAY, 6, 29, 30))
    plan = _plan(*before, too_late)
    assert [(u.bulletin_id, u.reason_code) for u in plan.unplaced] == [(4, "approved_after_slot_start")]


def test_validity_is_checked_at_each_items_own_start():
    ends_mid_slot = bulletin(1, valid_until=at(MONDAY, 6, 15))
    starts_mid_slot = bulletin(2, valid_from=at(MONDAY, 6, 10))
    ends_at_slot_end = bulletin(3, valid_until=at(MONDAY, 6, 30))
    packed = _plan(ends_mid_slot, starts_mid_slot, ends_at_slot_end).slots[0]
    assert _ids(packed) == [1, 3, 2]
    by_id = {i.bulletin_id: i for i in packed.items}
    assert by_id[1].end_utc <= at(MONDAY, 6, 15)
    assert by_id[2].start_utc == at(MONDAY, 6, 10)  # waits for its validity, not the next day


def test_issue_example_valid_from_mid_slot_is_placed_in_that_slot():
    # Approved 07:00, valid from 08:00; slot 07:56–08:11 used to leave it for the next day.
    s = slot(1, start=time(7, 56), duration_s=15 * 60)
    b = bulletin(1, approved_at=at(MONDAY, 7), valid_from=at(MONDAY, 8), duration_ms=60_000)
    plan = _plan(b, bulletin(2, duration_ms=30_000), slots=(s,))
    items = {i.bulletin_id: i for i in plan.slots[0].items}
    assert items[1].start_utc == at(MONDAY, 8)
    assert items[2].start_utc == at(MONDAY, 7, 56)  # the room before 08:00 is used
    assert plan.unplaced == () and plan.slots[0].skipped == ()


def test_validity_too_short_inside_any_slot_is_reported_unplaced():
    s = slot(1, start=time(6), duration_s=600)
    late = bulletin(1, valid_from=at(MONDAY, 6, 9, 30), duration_ms=60_000)  # 30 s left, needs 60
    plan = _plan(late, slots=(s,))
    assert _ids(plan.slots[0]) == []
    assert [(u.bulletin_id, u.reason_code) for u in plan.unplaced] == [(1, "not_valid_in_slot")]


def test_expiring_before_the_room_after_others_is_a_skip_not_overflow():
    s = slot(1, start=time(6), duration_s=600)
    first = bulletin(1, duration_ms=200_000, priority="priority")
    expiring = bulletin(2, valid_until=at(MONDAY, 6, 3), duration_ms=60_000)
    packed = _plan(first, expiring, slots=(s,)).slots[0]
    assert _ids(packed) == [1]
    assert [(k.bulletin_id, k.reason_code) for k in packed.skipped] == [(2, "not_valid_in_slot")]
    assert packed.overflow == ()


def test_targeting_area_or_ancestor_only():
    plan = _plan(bulletin(1, targets=("W001-T01",)), bulletin(2, targets=("W001",)), bulletin(3, targets=("W002",)))
    assert _ids(plan.slots[0]) == [1, 2]


def test_emergency_is_not_packed():
    assert _ids(_plan(bulletin(1, priority="emergency")).slots[0]) == []


def test_audio_not_ready_is_skipped_with_reason():
    plan = _plan(bulletin(1, ready=False), bulletin(2))
    packed = plan.slots[0]
    assert _ids(packed) == [2]
    assert [(s.bulletin_id, s.reason_code) for s in packed.skipped] == [(1, "audio_not_ready")]
    assert "chưa sẵn sàng" in packed.skipped[0].reason_vi


def test_overflow_reports_missing_seconds_and_first_fit_continues():
    short_slot = slot(1, duration_s=100)
    plan = _plan(
        bulletin(1, duration_ms=50_000),
        bulletin(2, duration_ms=60_000),  # room left: 100 - 50 - 2 = 48 s → missing 12 s
        bulletin(3, duration_ms=30_000),  # fits after the gap: 50 + 2 + 30 = 82
        bulletin(4, duration_ms=20_000),  # 82 + 2 + 20 = 104 → missing 4 s
        slots=(short_slot,),
    )
    packed = plan.slots[0]
    assert _ids(packed) == [1, 3]
    assert [(o.bulletin_id, o.needed_s, o.missing_s) for o in packed.overflow] == [(2, 60, 12), (4, 20, 4)]
    assert plan.overflow == packed.overflow


def test_template_order_relay_idents_and_sections():
    ident = MediaRef("Nhạc hiệu", sha(99), 500, 10_000)
    s = slot(1, duration_s=600, opening=ident, closing=ident)
    relay = RelayDef(7, 1, "http://vov/vov1", 120, "Tiếp sóng VOV1")
    plan = _plan(
        bulletin(1, origin_level="commune"),
        bulletin(2, origin_level="province"),
        bulletin(3, origin_level="district"),
        slots=(s,),
        relays=(relay,),
    )
    items = plan.slots[0].items
    assert [(i.section, i.kind, i.bulletin_id) for i in items] == [
        ("opening", "audio", None),
        ("relay", "relay", None),
        ("province", "audio", 2),
        ("district", "audio", 3),
        ("commune", "audio", 1),
        ("closing", "audio", None),
    ]
    assert items[1].start_utc == at(MONDAY, 6, 0, 12)
    assert items[1].stream_url == "http://vov/vov1"


def test_closing_room_is_reserved_and_missing_section_falls_back_to_commune():
    ident = MediaRef("Kết thúc", sha(98), 500, 30_000)
    s = slot(1, duration_s=100, closing=ident, template=("commune", "closing"))
    plan = _plan(bulletin(1, duration_ms=60_000, origin_level="province"), bulletin(2, duration_ms=10_000), slots=(s,))
    packed = plan.slots[0]
    # 100 s − (2 + 30) for the closing = 68 s for bulletins: 60 fits, 10 does not (60 + 2 + 10 = 72).
    assert [i.section for i in packed.items] == ["commune", "closing"]
    assert [(o.bulletin_id, o.missing_s) for o in packed.overflow] == [(2, 4)]


def test_no_section_for_bulletins_is_a_visible_skip():
    s = slot(1, template=("opening", "relay", "closing"))
    packed = _plan(bulletin(1), slots=(s,)).slots[0]
    assert [(k.bulletin_id, k.reason_code) for k in packed.skipped] == [(1, "no_section")]


def test_latest_version_only():
    old = bulletin(1, approved_at=at(MONDAY, 1))
    new = replace(bulletin(1, approved_at=at(MONDAY, 2)), version_hash="v2")
    packed = _plan(old, new).slots[0]
    assert [i.version_hash for i in packed.items] == ["v2"]


def test_sunday_has_no_slot_and_no_plan():
    assert _plan(bulletin(1), day=SUNDAY).slots == ()
