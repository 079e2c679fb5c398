"""Manifest compilation: one device's programme for a rolling window, as a plain dict or bytes.

Cost model (66k devices in the compile bench): packing depends only on the rows attached to the
areas of a device's chain. Areas with no rows of their own (most hamlets) are dropped from the
cache key, so every hamlet of a commune shares one packing; per device the work is a chain
lookup, cache hits and one small dict. Item dicts are shared between devices: treat payloads
as read-only. ``manifest_bytes`` splices cached canonical JSON of the item list, so the
serialisation a signature needs costs microseconds instead of re-encoding ~40 KiB per device.

Payload keys follow DESIGN §4 and ``devices.protocol.ManifestPayload``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from playlists.boards import BoardOptions, Renderer, item_seconds_for_budget, pages_for, rotation
from playlists.cache import Lru
from playlists.emergency import active_for, repeat_times
from playlists.model import (
    Alert,
    AreaNode,
    BoardGeometry,
    BoardPages,
    BulletinPlay,
    DayPlan,
    DeviceDef,
    PlannedItem,
    RelayDef,
    ScheduleInputs,
    SlotOccurrence,
    local_to_utc,
)
from playlists.packing import DEFAULT_GAP_S, latest_versions, pack_day, plan_day
from playlists.payload import (
    ItemRow,
    ItemShape,
    alert_dict,
    board_fields,
    canonical_json,
    iso_z,
    planned_item_dict,
)
from playlists.recurrence import drop_overlaps, expand, index_by_area

Payload = dict[str, Any]
Items = tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class CompileOptions:
    gap_s: int = DEFAULT_GAP_S
    board: BoardOptions = field(default_factory=BoardOptions)
    cache_size: int = 1024  # packings kept; compile_many visits devices grouped by packing


def _parents(areas: Iterable[AreaNode] | Mapping[str, str | None]) -> dict[str, str | None]:
    if isinstance(areas, Mapping):
        return dict(areas)
    return {a.code: a.parent_code for a in areas}


class Compiler:
    """Compiles many devices over one window, sharing packing between areas with equal inputs."""

    def __init__(
        self,
        areas: Iterable[AreaNode] | Mapping[str, str | None],
        inputs: ScheduleInputs,
        first_day: date,
        *,
        days: int = 4,
        options: CompileOptions | None = None,
        render: Renderer | None = None,
    ) -> None:
        self.days = [first_day + timedelta(days=i) for i in range(days)]
        self.window_from = local_to_utc(first_day, time.min)
        self.window_to = local_to_utc(first_day + timedelta(days=days), time.min)
        self.options = options or CompileOptions()
        self.render = render
        self._inputs = inputs
        self._parent = _parents(areas)
        self._slots = index_by_area(inputs.slots)
        self._extras = index_by_area(inputs.extras)
        self._holidays = index_by_area(inputs.holidays)
        self._relays: dict[int, list[RelayDef]] = {}
        for relay in inputs.relays:
            self._relays.setdefault(relay.slot_id, []).append(relay)
        self._bulletins: dict[str, list[BulletinPlay]] = {}
        for b in latest_versions(inputs.bulletins):
            if b.priority != "emergency" and self._overlaps_window(b):
                for code in sorted(set(b.target_areas)):
                    self._bulletins.setdefault(code, []).append(b)
        self._alerts = inputs.alerts
        self._alert_areas = {a.area_code for a in inputs.alerts}
        self._relevant = set(self._slots) | set(self._extras) | set(self._holidays) | set(self._bulletins)
        self._chains: dict[str, tuple[str, ...]] = {}
        # All keyed by packing_key: rows = (start, shape, value), then dicts or canonical bytes.
        self._row_cache = Lru(self.options.cache_size)
        self._items = Lru(self.options.cache_size)
        self._items_json = Lru(self.options.cache_size)
        self._digests = Lru(self.options.cache_size)
        self._shapes: dict[tuple[Any, ...], ItemShape] = {}
        self._alert_cache: dict[tuple[Any, ...], tuple[Items, str]] = {}
        self._board_shapes: dict[tuple[int, str, BoardGeometry], tuple[BoardPages, ItemShape] | None] = {}
        self._window = (iso_z(self.window_from), iso_z(self.window_to))
        self._window_tail = f',"window_from":"{self._window[0]}","window_to":"{self._window[1]}"}}'

    def _overlaps_window(self, b: BulletinPlay) -> bool:
        return b.airs_from < self.window_to and (b.valid_until is None or b.valid_until > self.window_from)

    def area_chain(self, area_code: str) -> tuple[str, ...]:
        """The area, then its ancestors, nearest first (unknown codes: just the code)."""
        chain = self._chains.get(area_code)
        if chain is None:
            out: list[str] = []
            code: str | None = area_code
            while code is not None and code not in out:  # `not in`: a cycle in bad data stops here
                out.append(code)
                code = self._parent.get(code)
            chain = self._chains[area_code] = tuple(out)
        return chain

    def packing_key(self, device: DeviceDef) -> tuple[tuple[str, ...], BoardGeometry | None]:
        """Devices with equal keys get equal items (boards also need equal geometry)."""
        key = tuple(code for code in self.area_chain(device.area_code) if code in self._relevant)
        return key, (device.board if device.kind == "board" else None)

    def day_plan(self, area_code: str, day: date) -> DayPlan:
        """The officer-facing preview of one area and local date (devices of the area share it)."""
        return preview(self.area_chain(area_code), self._inputs, day, gap_s=self.options.gap_s)

    def _bulletins_of(self, key: Sequence[str]) -> list[BulletinPlay]:
        return latest_versions(b for code in key for b in self._bulletins.get(code, ()))

    def _speaker_rows(self, key: tuple[str, ...]) -> list[ItemRow]:
        planned: list[PlannedItem] = []
        if key:
            # From the day before: a slot of that day running past midnight (23:50–00:20) keeps the
            # part of its programme that lies in the window (the items are cut at window_from).
            eve = self.days[0] - timedelta(days=1)
            occs = drop_overlaps(expand(key, self._slots, self._extras, self._holidays, eve, self.days[-1]))
            by_day: dict[date, list[SlotOccurrence]] = {}
            for occ in occs:
                by_day.setdefault(occ.local_date, []).append(occ)
            if not any(occ.end_utc > self.window_from for occ in by_day.get(eve, ())):
                by_day.pop(eve, None)
            bulletins = self._bulletins_of(key)
            gap = self.options.gap_s
            for day in sorted(by_day):
                plan = pack_day(key[0], day, by_day[day], bulletins, self._relays, gap_s=gap)
                planned.extend(item for packed in plan.slots for item in packed.items
                               if item.start_utc >= self.window_from)
        planned.sort(key=lambda i: (i.start_utc, i.slot_id))
        return [(math.floor(i.start_utc.timestamp()), self._speaker_shape(i), i.slot_id) for i in planned]

    def _speaker_shape(self, item: PlannedItem) -> ItemShape:
        # One approved version has one set of fields; idents and relays are keyed by all of theirs.
        k: tuple[Any, ...] = (item.bulletin_id, item.version_hash)
        if item.bulletin_id is None:
            k = (item.kind, item.title, item.sha256, item.size, item.stream_url, item.duration_ms)
        shape = self._shapes.get(k)
        if shape is None:
            fields = planned_item_dict(item)
            del fields["start"], fields["slot_id"]
            shape = self._shapes[k] = ItemShape(fields, "slot_id")
        return shape

    def _board_shape(self, b: BulletinPlay, geometry: BoardGeometry) -> tuple[BoardPages, ItemShape] | None:
        k = (b.bulletin_id, b.version_hash, geometry)
        if k not in self._board_shapes:
            pages = pages_for(b.board_pages, b.board_text, geometry, self.render)
            self._board_shapes[k] = None if pages is None else (pages, ItemShape(board_fields(b, pages), "duration_ms"))
        return self._board_shapes[k]

    def _board_rows(self, key: tuple[str, ...], geometry: BoardGeometry) -> list[ItemRow]:
        shows: list[tuple[BulletinPlay, BoardPages]] = []
        shapes: list[ItemShape] = []
        for b in self._bulletins_of(key):
            found = self._board_shape(b, geometry)
            if found is not None:
                shows.append((b, found[0]))
                shapes.append(found[1])
        board = self.options.board
        board = replace(board, min_item_s=item_seconds_for_budget(shows, len(self.days), board))
        return [
            (start // 1000, shapes[index], duration)
            for day in self.days
            for start, duration, index in rotation(shows, day, board)
        ]

    def _rows(self, device: DeviceDef) -> list[ItemRow]:
        k = self.packing_key(device)
        rows = self._row_cache.get(k)
        if rows is None:
            key, geometry = k
            if device.kind == "speaker":
                rows = self._speaker_rows(key)
            else:
                # A board without a known geometry cannot get pages: it only gets the alerts.
                rows = self._board_rows(key, geometry) if geometry else []
            self._row_cache.put(k, rows)
        return rows

    def items(self, device: DeviceDef) -> Items:
        """The device's manifest items (dicts shared between devices: read-only)."""
        k = self.packing_key(device)
        items = self._items.get(k)
        if items is None:
            items = self._items.put(k, tuple(shape.item(start, value) for start, shape, value in self._rows(device)))
        return items

    def _items_bytes(self, device: DeviceDef) -> bytes:
        k = self.packing_key(device)
        body = self._items_json.get(k)
        if body is None:
            texts = ",".join(shape.text(start, value) for start, shape, value in self._rows(device))
            body = self._items_json.put(k, f"[{texts}]".encode())
        return body

    def alerts(self, device: DeviceDef, at: datetime) -> tuple[Items, str]:
        """Active alerts for the device at ``at`` (dicts and their canonical text)."""
        chain = self.area_chain(device.area_code)
        geometry = device.board if device.kind == "board" else None
        key = (tuple(c for c in chain if c in self._alert_areas), geometry, at)
        cached = self._alert_cache.get(key)
        if cached is None:
            out = []
            for a in sorted(active_for(self._alerts, key[0], at), key=lambda a: (a.starts_at, a.alert_id)):
                if a.sha256 is None or a.size is None or a.duration_ms <= 0:
                    continue  # the wire model requires audio: one bad alert would void the manifest
                pages = pages_for(a.board_pages, a.board_text, geometry, self.render) if geometry else None
                out.append(alert_dict(a, pages))
            cached = self._alert_cache[key] = (tuple(out), canonical_json(out))
        return cached

    def alert_plays(self, area_code: str) -> list[tuple[Alert, datetime]]:
        """Every planned play of the area's alerts inside the window (the audit's emergency plan)."""
        plays = []
        for a in active_for(self._alerts, self.area_chain(area_code), self.window_from):
            if a.sha256 is not None and a.duration_ms > 0:
                plays += [(a, at) for at in repeat_times(a, self.window_from, self.window_to)]
        return sorted(plays, key=lambda p: (p[1], p[0].bulletin_id))

    def content_digest(self, device: DeviceDef, at: datetime) -> str:
        """sha256 of everything in the manifest except ``seq``/``issued_at``/``expires_at``.

        Equal digests mean the device already has this programme: the caller may skip signing,
        storing and publishing (and keep the old ``seq``).
        """
        k = self.packing_key(device)
        items_digest = self._digests.get(k)
        if items_digest is None:
            items_digest = self._digests.put(k, hashlib.sha256(self._items_bytes(device)).hexdigest())
        rest = canonical_json([device.device_id, self.area_chain(device.area_code), self._window])
        return hashlib.sha256(f"{items_digest}|{self.alerts(device, at)[1]}|{rest}".encode()).hexdigest()

    def manifest(self, device: DeviceDef, *, seq: int, issued_at: datetime, expires_at: datetime) -> Payload:
        return {
            "type": "manifest",
            "device_id": device.device_id,
            "area_codes": list(self.area_chain(device.area_code)),
            "seq": seq,
            "issued_at": iso_z(issued_at),
            "expires_at": iso_z(expires_at),
            "window_from": self._window[0],
            "window_to": self._window[1],
            "items": list(self.items(device)),
            "alerts": list(self.alerts(device, issued_at)[0]),
        }

    def manifest_bytes(self, device: DeviceDef, *, seq: int, issued_at: datetime, expires_at: datetime) -> bytes:
        """``canonical_json(manifest(...)).encode()``, built from cached fragments."""
        # Top-level keys in sorted order, as json.dumps(sort_keys=True) would write them.
        head = (
            '{"alerts":' + self.alerts(device, issued_at)[1]
            + ',"area_codes":' + canonical_json(list(self.area_chain(device.area_code)))
            + ',"device_id":' + canonical_json(device.device_id)
            + ',"expires_at":"' + iso_z(expires_at)
            + '","issued_at":"' + iso_z(issued_at)
            + '","items":'
        )  # fmt: skip
        tail = ',"seq":' + canonical_json(seq) + ',"type":"manifest"' + self._window_tail
        # The item list is the bulk: spliced as cached UTF-8 bytes, never re-encoded.
        return b"".join((head.encode(), self._items_bytes(device), tail.encode()))


def compile_manifest(
    device: DeviceDef,
    area_chain: Sequence[str],
    inputs: ScheduleInputs,
    window_start: date,
    days: int = 4,
    *,
    seq: int,
    issued_at: datetime,
    expires_at: datetime,
    options: CompileOptions | None = None,
    render: Renderer | None = None,
) -> Payload:
    """The manifest payload of one device; ``area_chain`` = its area then ancestors, nearest first."""
    if not area_chain or area_chain[0] != device.area_code:
        raise ValueError("area_chain must start with the device's area")
    parents: dict[str, str | None] = {
        code: (area_chain[i + 1] if i + 1 < len(area_chain) else None) for i, code in enumerate(area_chain)
    }
    compiler = Compiler(parents, inputs, window_start, days=days, options=options, render=render)
    return compiler.manifest(device, seq=seq, issued_at=issued_at, expires_at=expires_at)


def _grouped(compiler: Compiler, devices: Iterable[DeviceDef]) -> list[DeviceDef]:
    # Visit devices that share a packing together, so the bounded cache always hits.
    def order(d: DeviceDef) -> tuple[Any, ...]:
        key, geometry = compiler.packing_key(d)
        shape = (geometry.cols, geometry.rows, geometry.diacritics) if geometry else ()
        return (key, d.kind, shape, d.device_id)

    return sorted(devices, key=order)


def compile_many(
    devices: Iterable[DeviceDef],
    areas: Iterable[AreaNode] | Mapping[str, str | None],
    inputs: ScheduleInputs,
    window_start: date,
    days: int = 4,
    *,
    seq: int | Callable[[DeviceDef], int],
    issued_at: datetime,
    expires_at: datetime,
    options: CompileOptions | None = None,
    render: Renderer | None = None,
) -> Iterator[tuple[DeviceDef, Payload]]:
    """Yield ``(device, payload)`` lazily, grouped by shared packing (not in input order).

    ``seq``: one number for the whole run (a compile generation counter is monotonic per device)
    or a function of the device.
    """
    compiler = Compiler(areas, inputs, window_start, days=days, options=options, render=render)
    for device in _grouped(compiler, devices):
        n = seq if isinstance(seq, int) else seq(device)
        yield device, compiler.manifest(device, seq=n, issued_at=issued_at, expires_at=expires_at)


def compile_many_bytes(
    devices: Iterable[DeviceDef],
    areas: Iterable[AreaNode] | Mapping[str, str | None],
    inputs: ScheduleInputs,
    window_start: date,
    days: int = 4,
    *,
    seq: int | Callable[[DeviceDef], int],
    issued_at: datetime,
    expires_at: datetime,
    options: CompileOptions | None = None,
    render: Renderer | None = None,
) -> Iterator[tuple[DeviceDef, bytes]]:
    """Like ``compile_many`` but yields the canonical payload bytes (what gets signed)."""
    compiler = Compiler(areas, inputs, window_start, days=days, options=options, render=render)
    for device in _grouped(compiler, devices):
        n = seq if isinstance(seq, int) else seq(device)
        yield device, compiler.manifest_bytes(device, seq=n, issued_at=issued_at, expires_at=expires_at)


def preview(area_chain: Sequence[str], inputs: ScheduleInputs, day: date, *, gap_s: int = DEFAULT_GAP_S) -> DayPlan:
    """What ``area_chain[0]`` airs on local ``day``: packed slots, overflow, skips (officer UI)."""
    wanted = set(area_chain)
    occs = drop_overlaps(
        expand(
            area_chain,
            index_by_area(s for s in inputs.slots if s.area_code in wanted),
            index_by_area(e for e in inputs.extras if e.area_code in wanted),
            index_by_area(h for h in inputs.holidays if h.area_code in wanted),
            day,
            day,
        )
    )
    relays: dict[int, list[RelayDef]] = {}
    for relay in inputs.relays:
        relays.setdefault(relay.slot_id, []).append(relay)
    return plan_day(area_chain, day, occs, inputs.bulletins, relays, gap_s=gap_s)
