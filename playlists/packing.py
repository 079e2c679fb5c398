"""Which bulletins go into which slot of a day, and how one slot occurrence is laid out.

Day assignment (``assign_day``), per bulletin, over the area's occurrences of one local date:
- Emergency bulletins are never packed: they air as alerts (``playlists.emergency``).
- A bulletin with any pins airs only at its pins (the officer chose; DESIGN §1 "else
  auto-packed"): each pin of that date is one play in that slot, in pin order, at most
  ``repeats_per_day`` a day; duplicate pins of one slot collapse into one.
- Otherwise it is auto-packed. A slot is *eligible* when the whole occurrence lies inside the
  bulletin's validity, counted from ``max(valid_from, approved_at)`` (a slot that started before
  approval is not rewritten) to ``valid_until`` (exclusive). With one occurrence that day, all
  ``repeats_per_day`` plays go into it; with several, at most one play per slot,
  ``k = min(repeats, eligible)`` plays spread evenly over the eligible slots: index
  ``round(i·(m−1)/(k−1))`` (half up), so 2 plays over 3 slots take the first and the last, one play
  takes the first eligible slot ("priority: first in the next slot").

Slot layout (``pack_slot``): template sections in order; fixed items (opening/closing idents,
relays) keep their full length and their room is reserved up front; bulletins go in the section of
their ``origin_level`` (or "commune" when the template lacks it). Within a section: pinned items
first by (position, approval), then ``priority`` before ``normal``, then repeat copy number (so a
single-slot day plays every bulletin once before any second read), then earlier approval. Items
are back to back with ``gap_s`` between them, starting on whole seconds; placement is first fit:
an item that does not fit is reported as overflow and a later, shorter one may still fit.
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
    if bulletin.airs_from > occ.start_utc:
        return False
    return bulletin.valid_until is None or occ.end_utc <= bulletin.valid_until


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
            _assign_pins(b, day, occs, first_index, entries, skipped, unplaced)
            continue
        good = [i for i, occ in enumerate(occs) if eligible(b, occ)]
        if len(occs) == 1 and good:
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
            if r.approved  # unapproved content never airs, whoever built the inputs
        ]
    return []


def _section_of(b: BulletinPlay, template: Sequence[str]) -> str | None:
    if b.origin_level in template:
        return b.origin_level
    return "commune" if "commune" in template else None


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
        for entry in sorted(by_section.get(unit, ()), key=Entry.order):
            b = entry.bulletin
            if b.sha256 is None or b.size is None:
                skips.append(_skip(b.bulletin_id, "audio_not_ready"))
                continue
            if b.duration_ms <= 0:
                skips.append(_skip(b.bulletin_id, "invalid_duration"))
                continue
            need = _ceil_s(b.duration_ms)
            at = cursor + (gap_s if items else 0)
            if at + need > limit:
                overflow.append(Overflow(b.bulletin_id, b.title, need, at + need - limit))
                continue
            items.append(
                PlannedItem(
                    _at(at),
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
            cursor = at + need
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
