"""Which bulletins go into which slot of a day, and how one slot occurrence is laid out.

Day assignment (``assign_day``), per bulletin, over the area's occurrences of one local date:
- Emergency bulletins are never packed: they air as alerts (``playlists.emergency``).
- A bulletin with any pins airs only at its pins (the officer chose; DESIGN §1 "else
  auto-packed"): each pin of that date is one play in that slot, in pin order, at most
  ``repeats_per_day`` a day; duplicate pins of one slot collapse into one.
- Otherwise it is auto-packed. A slot is *eligible* when the bulletin's validity leaves room for
  one play inside it: each item is checked at its own start, so a bulletin valid from 08:00 goes
  into a 07:56–08:11 slot at or after 08:00 (``valid_until`` is exclusive). Approved after the slot
  started, it may still air there, ``LATE_LEAD_S`` after approval at the earliest and after every
  other item (a running slot's programme is never rewritten, only extended into its free room).
  A bulletin with no eligible slot is listed in ``unplaced`` with the reason (``no_slot``, ``not_valid_in_slot``,
  ``approved_after_slot_start``, ``pinned_elsewhere``). With one occurrence that day, all
  ``repeats_per_day`` plays go into it; with several, at most one play per slot,
  ``k = min(repeats, eligible)`` plays spread evenly over the eligible slots: index
  ``round(i·(m−1)/(k−1))`` (half up), so 2 plays over 3 slots take the first and the last, one play
  takes the first eligible slot ("priority: first in the next slot").

Slot layout (``pack_slot``): template sections in order; fixed items (opening/closing idents,
relays) keep their full length and their room is reserved up front; bulletins go in the section of
their ``origin_level`` (or "commune" when the template lacks it). Within a section: pinned items
first by (position, approval), then ``priority`` before ``normal``, then repeat copy number (so a
single-slot day plays every bulletin once before any second read), then earlier approval. Items
keep ``gap_s`` between them and start on whole seconds; placement is first fit at the earliest
start inside both the section and the item's validity: an item valid only from mid-slot waits for
its time and shorter items fill the room before it; one that does not fit is reported as overflow
(or skipped ``not_valid_in_slot`` when it expires first) and a later, shorter one may still fit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from playlists.errors import skip_message
from playlists.model import (
    BULLETIN_SECTIONS,
    PRIORITY_RANK,
    BulletinPlay,
    DayPlan,
    MediaRef,
    Overflow,
    PackedSlot,
    PlannedItem,
    RelayDef,
    Skipped,
    SlotOccurrence,
)

DEFAULT_GAP_S = 2
LATE_LEAD_S = 60  # approval → first possible start in a running slot (compile, publish, download)
_UNPOSITIONED = 1 << 30


@dataclass(frozen=True, slots=True)
class Entry:
    """One planned play of a bulletin in one occurrence."""

    bulletin: BulletinPlay
    copy: int = 0
    pinned: bool = False
    position: int | None = None

    def order(self) -> tuple[int, int, int, datetime, int]:
        b = self.bulletin
        if self.pinned:
            pos = _UNPOSITIONED if self.position is None else self.position
            return (0, pos, 0, b.approved_at, b.bulletin_id)
        return (1, PRIORITY_RANK[b.priority], self.copy, b.approved_at, b.bulletin_id)


def _skip(bulletin_id: int | None, code: str) -> Skipped:
    return Skipped(bulletin_id, code, skip_message(code))


def targets(bulletin: BulletinPlay, area_chain: Iterable[str]) -> bool:
    return not set(bulletin.target_areas).isdisjoint(area_chain)


def eligible(bulletin: BulletinPlay, occ: SlotOccurrence) -> bool:
    """Valid (and approved) long enough inside the occurrence to air once."""
    return ineligible_reason(bulletin, occ) is None


def approved_late(bulletin: BulletinPlay, occ: SlotOccurrence) -> bool:
    return bulletin.approved_at > occ.start_utc


def ineligible_reason(bulletin: BulletinPlay, occ: SlotOccurrence) -> str | None:
    lo, hi = validity_bounds(bulletin, occ)
    whole = int(occ.end_utc.timestamp()) - int(occ.start_utc.timestamp())
    # Too long for the whole slot is a capacity problem (overflow), not a validity one.
    if hi <= lo or (lo + _ceil_s(bulletin.duration_ms) > hi and hi - lo < whole):
        late = approved_late(bulletin, occ) and bulletin.approved_at < occ.end_utc
        return "approved_after_slot_start" if late else "not_valid_in_slot"
    return None


def validity_bounds(bulletin: BulletinPlay, occ: SlotOccurrence) -> tuple[int, int]:
    """Whole seconds inside the occurrence where the bulletin may air: its own start, not the slot's.

    Approved after the slot started: no earlier than ``LATE_LEAD_S`` after approval, so the new
    manifest reaches the devices before the item is due."""
    lo = max(int(occ.start_utc.timestamp()), _ceil_s(round(bulletin.valid_from.timestamp() * 1000)))
    if approved_late(bulletin, occ):
        lo = max(lo, _ceil_s(round(bulletin.approved_at.timestamp() * 1000)) + LATE_LEAD_S)
    hi = int(occ.end_utc.timestamp())
    if bulletin.valid_until is not None:
        hi = min(hi, int(bulletin.valid_until.timestamp()))  # floor: the item ends at or before it
    return lo, hi


def latest_versions(bulletins: Iterable[BulletinPlay]) -> list[BulletinPlay]:
    """One version per bulletin (the latest approved), in a stable order."""
    best: dict[int, BulletinPlay] = {}
    for b in bulletins:
        cur = best.get(b.bulletin_id)
        if cur is None or (b.approved_at, b.version_hash) > (cur.approved_at, cur.version_hash):
            best[b.bulletin_id] = b
    return sorted(best.values(), key=lambda b: (PRIORITY_RANK[b.priority], b.approved_at, b.bulletin_id))


def spread(m: int, k: int) -> list[int]:
    """``k`` distinct indices out of ``range(m)``, evenly spread, first and last included (k ≥ 2)."""
    if k <= 0 or m <= 0:
        return []
    if k == 1:
        return [0]
    return [(2 * i * (m - 1) + (k - 1)) // (2 * (k - 1)) for i in range(k)]


def assign_day(
    occs: Sequence[SlotOccurrence], bulletins: Iterable[BulletinPlay], day: date
) -> tuple[list[list[Entry]], list[list[Skipped]], list[Skipped]]:
    """Entries and skips per occurrence (same order as ``occs``), plus skips with no slot.

    ``bulletins``: one version per bulletin (``latest_versions``), all targeting the area.
    """
    entries: list[list[Entry]] = [[] for _ in occs]
    skipped: list[list[Skipped]] = [[] for _ in occs]
    unplaced: list[Skipped] = []
    first_index: dict[int, int] = {}
    for i, occ in enumerate(occs):
        first_index.setdefault(occ.slot_id, i)
    for b in bulletins:
        if b.priority == "emergency":
            continue
        if b.pins:
            if not any(p.date == day for p in b.pins):
                unplaced.append(_skip(b.bulletin_id, "pinned_elsewhere"))
            _assign_pins(b, day, occs, first_index, entries, skipped, unplaced)
            continue
        reasons = [ineligible_reason(b, occ) for occ in occs]
        good = [i for i, reason in enumerate(reasons) if reason is None]
        if not good:
            # Say why, once: no slot at all that day, or none where it is valid long enough.
            found = [r for r in reasons if r is not None]
            unplaced.append(_skip(b.bulletin_id, "no_slot" if not found else
                                  "approved_after_slot_start" if "approved_after_slot_start" in found
                                  and all(r != "not_valid_in_slot" for r in found) else "not_valid_in_slot"))
            continue
        if len(occs) == 1:
            entries[0].extend(Entry(b, copy) for copy in range(b.repeats_per_day))
            continue
        for pick in spread(len(good), min(b.repeats_per_day, len(good))):
            entries[good[pick]].append(Entry(b))
    return entries, skipped, unplaced


def _assign_pins(
    b: BulletinPlay,
    day: date,
    occs: Sequence[SlotOccurrence],
    first_index: Mapping[int, int],
    entries: list[list[Entry]],
    skipped: list[list[Skipped]],
    unplaced: list[Skipped],
) -> None:
    pins = sorted(
        (p for p in b.pins if p.date == day),
        key=lambda p: (_UNPOSITIONED if p.position is None else p.position, p.slot_id),
    )
    used: set[int] = set()
    for pin in pins:
        index = first_index.get(pin.slot_id)
        if index is None:
            unplaced.append(_skip(b.bulletin_id, "pin_slot_missing"))
        elif index in used:
            continue  # the same slot pinned twice: one play
        elif not eligible(b, occs[index]):
            skipped[index].append(_skip(b.bulletin_id, "pin_not_valid"))
        elif len(used) >= b.repeats_per_day:
            skipped[index].append(_skip(b.bulletin_id, "repeats_exhausted"))
        else:
            used.add(index)
            entries[index].append(Entry(b, pinned=True, position=pin.position))


def _ceil_s(ms: int) -> int:
    return -(-ms // 1000)


def _at(epoch_s: int) -> datetime:
    return datetime.fromtimestamp(epoch_s, UTC)


def _fixed_items(occ: SlotOccurrence, section: str, relays: Sequence[RelayDef]) -> list[PlannedItem]:
    """Unplaced (start = slot start) fixed items of one section; start is set when placed."""

    def ident(media: MediaRef | None) -> list[PlannedItem]:
        if media is None:
            return []
        return [
            PlannedItem(
                occ.start_utc,
                media.duration_ms,
                "audio",
                section,
                media.title,
                occ.slot_id,
                sha256=media.sha256,
                size=media.size,
            )
        ]

    if section == "opening":
        return ident(occ.opening)
    if section == "closing":
        return ident(occ.closing)
    if section == "relay":
        return [
            PlannedItem(
                occ.start_utc,
                r.duration_s * 1000,
                "relay",
                section,
                r.title,
                occ.slot_id,
                stream_url=r.stream_url,
            )
            for r in sorted(relays, key=lambda r: r.id)
        ]
    return []


def _section_of(b: BulletinPlay, template: Sequence[str]) -> str | None:
    if b.origin_level in template:
        return b.origin_level
    return "commune" if "commune" in template else None


def _first_fit(placed: Sequence[tuple[int, int]], earliest: int, need: int, latest_end: int, gap_s: int) -> int | None:
    """The earliest start ≥ ``earliest`` ending by ``latest_end`` that keeps ``gap_s`` from every
    placed item; an item valid only from mid-slot leaves room that shorter ones fill before it."""
    candidates = sorted({earliest, *(end + gap_s for _s, end in placed if end + gap_s > earliest)})
    for at in candidates:
        if at + need > latest_end:
            return None
        if all(at + need + gap_s <= start or at >= end + gap_s for start, end in placed):
            return at
    return None


def pack_slot(
    occ: SlotOccurrence,
    entries: Sequence[Entry],
    relays: Sequence[RelayDef] = (),
    *,
    gap_s: int = DEFAULT_GAP_S,
    skipped: Sequence[Skipped] = (),
) -> PackedSlot:
    """Lay out one occurrence (see module doc); never exceeds the occurrence's end."""
    start_s = int(occ.start_utc.timestamp())
    end_s = int(occ.end_utc.timestamp())
    skips: list[Skipped] = list(skipped)
    by_section: dict[str, list[Entry]] = {}
    for entry in entries:
        section = _section_of(entry.bulletin, occ.template)
        if section is None:
            skips.append(_skip(entry.bulletin.bulletin_id, "no_section"))
        else:
            by_section.setdefault(section, []).append(entry)
    # One unit per fixed item or bulletin section; reserve[i] = room the later fixed items need.
    units: list[PlannedItem | str] = []
    for section in occ.template:
        units.extend(_fixed_items(occ, section, relays))
        if section in BULLETIN_SECTIONS:
            units.append(section)
    reserve = [0] * len(units)
    for i in range(len(units) - 2, -1, -1):
        nxt = units[i + 1]
        reserve[i] = reserve[i + 1] + (gap_s + _ceil_s(nxt.duration_ms) if isinstance(nxt, PlannedItem) else 0)

    items: list[PlannedItem] = []
    section_items: list[PlannedItem] = []
    overflow: list[Overflow] = []
    cursor = start_s
    for unit, reserved in zip(units, reserve, strict=True):
        limit = end_s - reserved
        if isinstance(unit, PlannedItem):
            at = cursor + (gap_s if items else 0)
            if at + _ceil_s(unit.duration_ms) <= limit and unit.duration_ms > 0:
                items.append(replace(unit, start_utc=_at(at)))
                cursor = at + _ceil_s(unit.duration_ms)
            else:
                skips.append(_skip(None, "fixed_item_does_not_fit"))
            continue
        section_start = cursor + (gap_s if items else 0)
        placed: list[tuple[int, int]] = []  # (start, end) in this section, whole seconds
        # Approved after the slot started: placed after everything else, in the room left, so
        # what was already planned (and maybe already aired) keeps its place.
        late_last = sorted(by_section.get(unit, ()), key=lambda e: (not e.pinned and approved_late(e.bulletin, occ),
                                                                    e.order()))
        for entry in late_last:
            b = entry.bulletin
            if b.sha256 is None or b.size is None:
                skips.append(_skip(b.bulletin_id, "audio_not_ready"))
                continue
            if b.duration_ms <= 0:
                skips.append(_skip(b.bulletin_id, "invalid_duration"))
                continue
            need = _ceil_s(b.duration_ms)
            valid_lo, valid_hi = validity_bounds(b, occ)
            fit = _first_fit(placed, max(section_start, valid_lo), need, min(limit, valid_hi), gap_s)
            if fit is None:
                last = max(end for _s, end in placed) + gap_s if placed else section_start
                earliest = max(last, valid_lo)
                if earliest + need <= limit:  # room after the others, but the bulletin expires first
                    skips.append(_skip(b.bulletin_id, "not_valid_in_slot"))
                else:
                    overflow.append(Overflow(b.bulletin_id, b.title, need, earliest + need - limit))
                continue
            placed.append((fit, fit + need))
            placed.sort()
            section_items.append(
                PlannedItem(
                    _at(fit),
                    b.duration_ms,
                    "audio",
                    unit,
                    b.title,
                    occ.slot_id,
                    b.priority,
                    b.bulletin_id,
                    b.version_hash,
                    b.sha256,
                    b.size,
                    pinned=entry.pinned,
                )
            )
        section_items.sort(key=lambda i: i.start_utc)
        items.extend(section_items)
        section_items.clear()
        if placed:
            cursor = max(end for _s, end in placed)
    return PackedSlot(occ, tuple(items), tuple(overflow), tuple(dict.fromkeys(skips)))


def plan_day(
    area_chain: Sequence[str],
    day: date,
    occs: Sequence[SlotOccurrence],
    bulletins: Iterable[BulletinPlay],
    relays_by_slot: Mapping[int, Sequence[RelayDef]],
    *,
    gap_s: int = DEFAULT_GAP_S,
) -> DayPlan:
    """Pack every occurrence of ``day`` (local date) for ``area_chain[0]``.

    ``occs`` must not overlap (``recurrence.occurrences`` guarantees it); only the occurrences
    starting on ``day`` are used. ``bulletins`` is the may-air list; targeting is checked here.
    """
    chain = set(area_chain)
    todays = [o for o in occs if o.local_date == day]
    wanted = latest_versions(b for b in bulletins if targets(b, chain))
    return pack_day(area_chain[0], day, todays, wanted, relays_by_slot, gap_s=gap_s)


def pack_day(
    area_code: str,
    day: date,
    todays: Sequence[SlotOccurrence],
    bulletins: Sequence[BulletinPlay],
    relays_by_slot: Mapping[int, Sequence[RelayDef]],
    *,
    gap_s: int = DEFAULT_GAP_S,
) -> DayPlan:
    """``plan_day`` without filtering: ``todays`` = that day's occurrences, ``bulletins`` as for
    ``assign_day`` (compile prepares both once per area and reuses them)."""
    todays = sorted(todays, key=lambda o: (o.start_utc, o.slot_id))
    entries, skipped, unplaced = assign_day(todays, bulletins, day)
    slots = tuple(
        pack_slot(occ, entries[i], relays_by_slot.get(occ.slot_id, ()), gap_s=gap_s, skipped=skipped[i])
        for i, occ in enumerate(todays)
    )
    return DayPlan(area_code, day, slots, tuple(dict.fromkeys(unplaced)))
