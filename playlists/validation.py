"""Checks run before a slot is stored (the server turns ``ScheduleError`` into a 422)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from playlists.errors import ScheduleError
from playlists.model import LOCAL_TZ, SECTIONS, ExtraSession, Holiday, MediaRef, RelayDef, SlotDef
from playlists.recurrence import expand, find_overlaps, index_by_area, parse_rule, slot_local_starts

MAX_SLOT_SECONDS = 24 * 3600
FIRST_FIRE_HORIZON_DAYS = 366
OVERLAP_HORIZON_DAYS = 366  # a year covers monthly/yearly rules; expansion of one area is cheap


def _ceil_s(ms: int) -> int:
    return -(-ms // 1000)


def _check_common(
    name: str,
    start_ok: bool,
    duration_s: int,
    template: Sequence[str],
    idents: Iterable[MediaRef | None],
    relays: Iterable[RelayDef],
    gap_s: int,
) -> None:
    if not start_ok:
        raise ScheduleError("slot_start_invalid")
    if not 0 < duration_s <= MAX_SLOT_SECONDS:
        raise ScheduleError("slot_duration_invalid")
    seen: set[str] = set()
    for section in template:
        if section not in SECTIONS or section in seen:
            raise ScheduleError("template_invalid", section=section)
        seen.add(section)
    relays = list(relays)
    for relay in relays:
        if relay.duration_s <= 0 or not relay.stream_url.strip():
            raise ScheduleError("relay_invalid", title=relay.title)
    fixed = [_ceil_s(m.duration_ms) for m in idents if m is not None]
    fixed += [r.duration_s for r in relays]
    needed = sum(fixed) + gap_s * max(0, len(fixed) - 1)
    if needed > duration_s:
        raise ScheduleError("fixed_items_too_long", needed=needed, available=duration_s, name=name)


def validate_slot(slot: SlotDef, relays: Iterable[RelayDef] = (), *, gap_s: int = 2) -> None:
    """Raise ``ScheduleError`` for a slot definition that cannot be stored."""
    start_ok = slot.start_local.tzinfo is None and slot.start_local.microsecond == 0
    own_relays = [r for r in relays if r.slot_id == slot.id]
    _check_common(slot.name, start_ok, slot.duration_s, slot.template, (slot.opening, slot.closing), own_relays, gap_s)
    if slot.until is not None and slot.until < slot.dtstart:
        raise ScheduleError("until_before_start")
    parse_rule(slot.rrule, datetime.combine(slot.dtstart, slot.start_local))
    if not slot.enabled:
        return  # a disabling override never fires by design
    horizon = slot.dtstart + timedelta(days=FIRST_FIRE_HORIZON_DAYS - 1)
    if not slot_local_starts(slot, slot.dtstart, horizon):
        raise ScheduleError("rrule_never_fires", name=slot.name)


def validate_extra(extra: ExtraSession, relays: Iterable[RelayDef] = (), *, gap_s: int = 2) -> None:
    start_ok = extra.start_local.tzinfo is None and extra.start_local.microsecond == 0
    own_relays = [r for r in relays if r.slot_id == extra.id]
    _check_common(
        extra.name,
        start_ok,
        extra.duration_s,
        extra.template,
        (extra.opening, extra.closing),
        own_relays,
        gap_s,
    )


def validate_area_schedule(
    area_chain: Sequence[str],
    slots: Iterable[SlotDef],
    start: date,
    *,
    extras: Iterable[ExtraSession] = (),
    holidays: Iterable[Holiday] = (),
    days: int = OVERLAP_HORIZON_DAYS,
) -> None:
    """Raise ``slot_overlap`` if what actually fires for ``area_chain[0]`` overlaps.

    Call it with the proposed rows for the edited area and for each descendant that defines its
    own slots (a new commune slot can collide with a hamlet's own slot).
    """
    wanted = set(area_chain)
    occs = expand(
        area_chain,
        index_by_area(s for s in slots if s.area_code in wanted),
        index_by_area(e for e in extras if e.area_code in wanted),
        index_by_area(h for h in holidays if h.area_code in wanted),
        start,
        start + timedelta(days=days - 1),
    )
    for first, second in find_overlaps(occs):
        when = second.start_utc.astimezone(LOCAL_TZ).strftime("%H:%M ngày %d/%m/%Y")
        raise ScheduleError("slot_overlap", first=first.name, second=second.name, when=when)
