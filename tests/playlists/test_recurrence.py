from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from playlists.errors import ScheduleError
from playlists.model import ExtraSession, Holiday
from playlists.recurrence import occurrences, parse_rule, resolve_slots
from tests.playlists.factories import CHAIN_T01, DAILY, MONDAY, SUNDAY, slot


def _starts(occs):
    return [o.start_utc for o in occs]


def test_weekday_rule_skips_sunday_and_converts_to_utc():
    occs = occurrences(CHAIN_T01, [slot()], MONDAY, SUNDAY)
    # Mon..Sat at 06:00 local = 23:00 UTC the day before (UTC+7, no DST).
    assert _starts(occs) == [datetime(2025, 3, 2 + i, 23, 0, tzinfo=UTC) for i in range(6)]
    assert all(o.end_utc - o.start_utc == timedelta(minutes=30) for o in occs)
    assert {o.area_code for o in occs} == {"W001-T01"}
    assert {o.defined_on for o in occs} == {"P01"}


def test_zone_has_no_dst_all_year():
    occs = occurrences(("P01",), [slot(rrule=DAILY)], date(2025, 1, 1), date(2025, 12, 31))
    assert len(occs) == 365
    assert {(o.start_utc.hour, o.start_utc.minute) for o in occs} == {(23, 0)}


def test_dtstart_until_and_exdates_bound_the_rule():
    s = slot(rrule=DAILY, dtstart=date(2025, 3, 4), until=date(2025, 3, 7), exdates=(date(2025, 3, 5),))
    occs = occurrences(("P01",), [s], MONDAY, SUNDAY)
    assert [o.local_date for o in occs] == [date(2025, 3, 4), date(2025, 3, 6), date(2025, 3, 7)]


def test_interval_rule_counts_from_dtstart():
    s = slot(rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", dtstart=date(2025, 3, 3))
    occs = occurrences(("P01",), [s], MONDAY, MONDAY + timedelta(days=27))
    assert [o.local_date for o in occs] == [date(2025, 3, 3), date(2025, 3, 17)]


def test_inherited_slots_reach_descendants_but_not_siblings():
    commune = slot(2, area_code="W001", name="chiều", start=time(17))
    other = slot(3, area_code="W002", name="trưa", start=time(11))
    occs = occurrences(CHAIN_T01, [slot(), commune, other], MONDAY, MONDAY)
    assert [o.name for o in occs] == ["sáng", "chiều"]


def test_nearer_area_overrides_same_name_and_others_add():
    province = slot(1, name="sáng", start=time(6))
    hamlet = slot(2, area_code="W001-T01", name="sáng", start=time(6, 30), duration_s=900)
    extra_name = slot(3, area_code="W001-T01", name="tối", start=time(19))
    occs = occurrences(CHAIN_T01, [province, hamlet, extra_name], MONDAY, MONDAY)
    assert [(o.slot_id, o.name) for o in occs] == [(2, "sáng"), (3, "tối")]
    # The sibling hamlet still inherits the province slot.
    sibling = occurrences(("W001-T02", "W001", "P01"), [province, hamlet, extra_name], MONDAY, MONDAY)
    assert [o.slot_id for o in sibling] == [1]


def test_disabled_override_removes_inherited_slot_in_subtree():
    off = slot(9, area_code="W001", name="sáng", enabled=False)
    assert occurrences(CHAIN_T01, [slot(), off], MONDAY, SUNDAY) == []
    assert [s.id for s in resolve_slots(("W002", "P01"), {"P01": [slot()], "W001": [off]})] == [1]


def test_holiday_cancels_all_or_one_named_slot_for_the_subtree():
    evening = slot(2, name="chiều", start=time(17))
    all_off = Holiday("W001", date(2025, 3, 4))
    evening_off = Holiday("P01", date(2025, 3, 5), slot_name="chiều")
    occs = occurrences(CHAIN_T01, [slot(), evening], MONDAY, date(2025, 3, 5), holidays=[all_off, evening_off])
    assert [(o.local_date.day, o.name) for o in occs] == [(3, "sáng"), (3, "chiều"), (5, "sáng")]
    # Another commune is not affected by W001's holiday.
    other = occurrences(("W002", "P01"), [slot(), evening], date(2025, 3, 4), date(2025, 3, 4), holidays=[all_off])
    assert len(other) == 2


def test_extra_session_adds_one_off_occurrence_even_on_holiday():
    extra = ExtraSession(50, "W001", date(2025, 3, 9), time(8, 0), 1200, name="họp dân")
    occs = occurrences(CHAIN_T01, [slot()], SUNDAY, SUNDAY, extras=[extra], holidays=[Holiday("P01", SUNDAY)])
    assert [(o.slot_id, o.name, o.start_utc) for o in occs] == [(50, "họp dân", datetime(2025, 3, 9, 1, 0, tzinfo=UTC))]


def test_overlapping_occurrences_keep_the_earlier_one():
    a = slot(1, name="a", start=time(6), duration_s=1800)
    b = slot(2, name="b", start=time(6, 15), duration_s=600)
    c = slot(3, name="c", start=time(6, 30), duration_s=600)
    occs = occurrences(("P01",), [a, b, c], MONDAY, MONDAY)
    assert [o.slot_id for o in occs] == [1, 3]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("FREQ=WEEKLY;BYDAY=XX", "rrule_malformed"),
        ("BYDAY=MO", "rrule_malformed"),
        ("", "rrule_malformed"),
        ("FREQ=DAILY;;", "rrule_malformed"),
        ("FREQ=HOURLY", "rrule_unsupported"),
        ("FREQ=DAILY;COUNT=3", "rrule_unsupported"),
        ("FREQ=DAILY;BYHOUR=5", "rrule_unsupported"),
        ("FREQ=DAILY;UNTIL=20250101T000000Z", "rrule_unsupported"),
        ("DTSTART:20250101\nRRULE:FREQ=DAILY", "rrule_malformed"),
    ],
)
def test_bad_rules_raise_typed_errors(text, code):
    with pytest.raises(ScheduleError) as info:
        parse_rule(text, datetime(2025, 1, 1, 6, 0))
    assert info.value.code == code
    assert info.value.message_vi


def test_rrule_prefix_is_accepted():
    rule = parse_rule("RRULE:FREQ=WEEKLY;BYDAY=SU", datetime(2025, 3, 3, 6, 0))
    assert rule.after(datetime(2025, 3, 3)) == datetime(2025, 3, 9, 6, 0)
