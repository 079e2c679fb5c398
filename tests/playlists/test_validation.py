from __future__ import annotations

from datetime import date, time

import pytest

from playlists.errors import SCHEDULE_MESSAGES, ScheduleError
from playlists.model import ExtraSession, MediaRef, RelayDef
from playlists.validation import validate_area_schedule, validate_extra, validate_slot
from tests.playlists.factories import CHAIN_T01, MONDAY, sha, slot


def _code(fn, *args, **kwargs) -> str:
    with pytest.raises(ScheduleError) as info:
        fn(*args, **kwargs)
    return info.value.code


def test_valid_slot_passes():
    validate_slot(slot(), [RelayDef(1, 1, "http://vov", 600, "VOV1")])


@pytest.mark.parametrize("duration", [0, -5, 24 * 3600 + 1])
def test_duration_must_be_within_a_day(duration):
    assert _code(validate_slot, slot(duration_s=duration)) == "slot_duration_invalid"


def test_full_day_slot_is_allowed():
    validate_slot(slot(start=time(0), duration_s=24 * 3600, rrule="FREQ=WEEKLY;BYDAY=SU"))


def test_rule_that_never_fires_within_a_year():
    assert _code(validate_slot, slot(rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")) == "rrule_never_fires"
    # Fires, but only after `until`.
    late = slot(rrule="FREQ=WEEKLY;BYDAY=SU", dtstart=date(2025, 3, 3), until=date(2025, 3, 8))
    assert _code(validate_slot, late) == "rrule_never_fires"


def test_malformed_rule_and_bad_dates():
    assert _code(validate_slot, slot(rrule="FREQ=SOMETIMES")) == "rrule_unsupported"
    assert _code(validate_slot, slot(rrule="FREQ=DAILY;BYDAY=1XY")) == "rrule_malformed"
    bad = slot(dtstart=date(2025, 3, 3), until=date(2025, 3, 1))
    assert _code(validate_slot, bad) == "until_before_start"
    assert _code(validate_slot, slot(start=time(6, 0, 0, 5))) == "slot_start_invalid"


def test_template_sections_are_known_and_unique():
    assert _code(validate_slot, slot(template=("opening", "news"))) == "template_invalid"
    assert _code(validate_slot, slot(template=("commune", "commune"))) == "template_invalid"


def test_idents_and_relays_must_fit():
    ident = MediaRef("Nhạc hiệu", sha(1), 10, 30_000)
    s = slot(duration_s=600, opening=ident, closing=ident)
    validate_slot(s, [RelayDef(1, 1, "http://vov", 530, "VOV")])  # 30 + 530 + 30 + 2 gaps = 594
    err = _code(validate_slot, s, [RelayDef(1, 1, "http://vov", 540, "VOV")])
    assert err == "fixed_items_too_long"
    extra = ExtraSession(7, "W001", MONDAY, time(8), 60)
    assert _code(validate_extra, extra, [RelayDef(2, 7, "http://vov", 61, "VOV")]) == "fixed_items_too_long"


def test_relay_needs_stream_and_duration():
    assert _code(validate_slot, slot(), [RelayDef(1, 1, "http://vov", 0, "VOV")]) == "relay_invalid"
    assert _code(validate_slot, slot(), [RelayDef(1, 1, " ", 60, "VOV")]) == "relay_invalid"
    validate_slot(slot(), [RelayDef(1, 2, " ", 0, "another slot's relay")])


def test_overlap_in_an_area_names_both_slots():
    morning = slot(1, name="sáng")
    hamlet = slot(2, area_code="W001-T01", name="họp", start=time(6, 20), rrule="FREQ=WEEKLY;BYDAY=WE")
    with pytest.raises(ScheduleError) as info:
        validate_area_schedule(CHAIN_T01, [morning, hamlet], MONDAY)
    assert info.value.code == "slot_overlap"
    assert "«họp» lúc 06:20 ngày 05/03/2025" in info.value.message_vi
    assert "«sáng»" in info.value.message_vi
    # Another hamlet does not see the hamlet's slot.
    validate_area_schedule(("W001-T02", "W001", "P01"), [morning, hamlet], MONDAY)


def test_overlap_found_even_when_it_happens_months_later():
    morning = slot(1, name="sáng", rrule="FREQ=DAILY")
    yearly = slot(2, name="tết", start=time(6, 10), rrule="FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=29")
    assert _code(validate_area_schedule, ("P01",), [morning, yearly], MONDAY) == "slot_overlap"


def test_extra_session_overlapping_a_slot_is_refused():
    extra = ExtraSession(9, "W001", MONDAY, time(6, 10), 600)
    assert _code(validate_area_schedule, CHAIN_T01, [slot()], MONDAY, extras=[extra]) == "slot_overlap"


def test_every_message_is_vietnamese_text():
    for code, template in SCHEDULE_MESSAGES.items():
        assert template.endswith("."), code
        assert any(ch in template for ch in "ăâđêôơưàáảãạ"), code
