"""Slot recurrence: RRULE parsing, inheritance down the area tree, exceptions, extra sessions.

Inheritance (documented contract): walking from the farthest ancestor to the area itself, an
area's slots replace inherited slots with the same ``name`` (all of them, if several share it);
slots with other names add. An override with ``enabled=False`` removes the name in that subtree.
Holidays apply to the holiday's area and its descendants; extra sessions likewise add to them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TypeVar

from dateutil.rrule import rrule, rrulestr

from playlists.errors import ScheduleError
from playlists.model import LOCAL_TZ, ExtraSession, Holiday, SlotDef, SlotOccurrence

T = TypeVar("T", SlotDef, ExtraSession, Holiday)

_FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
# Start time, first date and end date are their own fields; letting the rule move them (or
# count occurrences) would make the stored fields lie, so those parts are refused.
_REFUSED_PARTS = frozenset({"DTSTART", "UNTIL", "COUNT", "BYHOUR", "BYMINUTE", "BYSECOND"})


def _rule_body(text: str) -> str:
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    if not body or "\n" in body or "\r" in body:
        raise ScheduleError("rrule_malformed", rule=text)
    keys = set()
    for part in body.split(";"):
        key, sep, value = part.partition("=")
        key = key.strip().upper()
        if not sep or not key or not value.strip():
            raise ScheduleError("rrule_malformed", rule=text)
        if key in _REFUSED_PARTS:
            raise ScheduleError("rrule_unsupported", part=key)
        if key == "FREQ" and value.strip().upper() not in _FREQUENCIES:
            raise ScheduleError("rrule_unsupported", part=f"FREQ={value.strip()}")
        keys.add(key)
    if "FREQ" not in keys:
        raise ScheduleError("rrule_malformed", rule=text)
    return body


@lru_cache(maxsize=4096)
def parse_rule(text: str, dtstart: datetime) -> rrule:
    """Parse an RRULE body with a naive local ``dtstart``; raise ``ScheduleError`` if invalid."""
    body = _rule_body(text)
    try:
        rule = rrulestr(body, dtstart=dtstart)
    except (ValueError, TypeError, KeyError) as exc:
        raise ScheduleError("rrule_malformed", rule=text) from exc
    if not isinstance(rule, rrule):
        raise ScheduleError("rrule_malformed", rule=text)
    return rule


@lru_cache(maxsize=65536)
def slot_local_starts(slot: SlotDef, first: date, last: date) -> tuple[datetime, ...]:
    """Naive local start times of ``slot`` on dates ``first..last`` (inclusive), exdates removed."""
    hi = min(last, slot.until) if slot.until else last
    lo = max(first, slot.dtstart)
    if lo > hi:
        return ()
    rule = parse_rule(slot.rrule, datetime.combine(slot.dtstart, slot.start_local))
    # Bounding the rule keeps iteration finite even for a rule that never matches.
    bounded = rule.replace(until=datetime.combine(hi, time.max))
    starts = bounded.between(datetime.combine(lo, time.min), datetime.combine(hi, time.max), inc=True)
    excluded = set(slot.exdates)
    return tuple(s for s in starts if s.date() not in excluded)


def _to_utc(local_naive: datetime) -> datetime:
    return local_naive.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


def index_by_area(rows: Iterable[T]) -> dict[str, list[T]]:
    out: dict[str, list[T]] = defaultdict(list)
    for row in rows:
        out[row.area_code].append(row)
    return dict(out)


def resolve_slots(area_chain: Sequence[str], slots_by_area: Mapping[str, Sequence[SlotDef]]) -> list[SlotDef]:
    """Effective slots of ``area_chain[0]`` (chain = the area, then ancestors, nearest first)."""
    by_name: dict[str, list[SlotDef]] = {}
    for code in reversed(area_chain):
        own: dict[str, list[SlotDef]] = defaultdict(list)
        for slot in sorted(slots_by_area.get(code, ()), key=lambda s: s.id):
            own[slot.name].append(slot)
        by_name.update(own)  # nearer area wins per name
    chosen = (s for group in by_name.values() for s in group if s.enabled)
    return sorted(chosen, key=lambda s: (s.start_local, s.id))


def expand(
    area_chain: Sequence[str],
    slots_by_area: Mapping[str, Sequence[SlotDef]],
    extras_by_area: Mapping[str, Sequence[ExtraSession]],
    holidays_by_area: Mapping[str, Sequence[Holiday]],
    first: date,
    last: date,
) -> list[SlotOccurrence]:
    """All occurrences for ``area_chain[0]`` on local dates ``first..last``, sorted, overlaps kept."""
    area = area_chain[0]
    off: set[tuple[date, str | None]] = {
        (h.date, h.slot_name) for code in area_chain for h in holidays_by_area.get(code, ())
    }
    out: list[SlotOccurrence] = []
    for slot in resolve_slots(area_chain, slots_by_area):
        length = timedelta(seconds=slot.duration_s)
        for local in slot_local_starts(slot, first, last):
            if (local.date(), None) in off or (local.date(), slot.name) in off:
                continue
            start = _to_utc(local)
            out.append(
                SlotOccurrence(
                    slot.id,
                    area,
                    start,
                    start + length,
                    slot.template,
                    slot.name,
                    slot.area_code,
                    slot.opening,
                    slot.closing,
                )
            )
    for code in area_chain:
        for extra in extras_by_area.get(code, ()):
            if first <= extra.date <= last:
                start = _to_utc(datetime.combine(extra.date, extra.start_local))
                end = start + timedelta(seconds=extra.duration_s)
                out.append(
                    SlotOccurrence(
                        extra.id,
                        area,
                        start,
                        end,
                        extra.template,
                        extra.name,
                        extra.area_code,
                        extra.opening,
                        extra.closing,
                    )
                )
    out.sort(key=lambda o: (o.start_utc, o.end_utc, o.slot_id))
    return out


def find_overlaps(occurrences: Sequence[SlotOccurrence]) -> list[tuple[SlotOccurrence, SlotOccurrence]]:
    """Pairs (earlier, later) of sorted occurrences whose times intersect."""
    pairs = []
    latest: SlotOccurrence | None = None  # the occurrence reaching furthest so far
    for occ in occurrences:
        if latest is not None and occ.start_utc < latest.end_utc:
            pairs.append((latest, occ))
        if latest is None or occ.end_utc > latest.end_utc:
            latest = occ
    return pairs


def drop_overlaps(occurrences: Sequence[SlotOccurrence]) -> list[SlotOccurrence]:
    """Keep the earlier of overlapping occurrences so a device never gets two at once.

    Validation refuses overlapping definitions; this only keeps bad data from reaching devices.
    """
    kept: list[SlotOccurrence] = []
    for occ in occurrences:
        if not kept or occ.start_utc >= kept[-1].end_utc:
            kept.append(occ)
    return kept


def occurrences(
    area_chain: Sequence[str],
    slots: Iterable[SlotDef],
    first: date,
    last: date,
    *,
    extras: Iterable[ExtraSession] = (),
    holidays: Iterable[Holiday] = (),
) -> list[SlotOccurrence]:
    """Public entry: what fires for ``area_chain[0]`` on ``first..last`` (no overlaps)."""
    wanted = set(area_chain)
    raw = expand(
        area_chain,
        index_by_area(s for s in slots if s.area_code in wanted),
        index_by_area(e for e in extras if e.area_code in wanted),
        index_by_area(h for h in holidays if h.area_code in wanted),
        first,
        last,
    )
    return drop_overlaps(raw)
