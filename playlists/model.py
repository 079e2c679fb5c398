"""Plain frozen inputs and outputs of the scheduling core (no I/O, no clock, no database).

Conventions: ``*_local`` values are Asia/Ho_Chi_Minh wall time (Vietnam has no DST since 1975, so
local arithmetic is exact); every ``datetime`` must be timezone-aware; ids are the database ids
(ints) because the wire models carry ``bulletin_id``/``slot_id`` as ints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

Priority = Literal["normal", "priority", "emergency"]
OriginLevel = Literal["province", "district", "commune"]
AreaLevel = Literal["province", "district", "commune", "hamlet"]
DeviceKind = Literal["speaker", "board"]

# Template sections, in the default programme order (DESIGN §1 "phiên phát").
SECTIONS: tuple[str, ...] = ("opening", "relay", "province", "district", "commune", "closing")
BULLETIN_SECTIONS: frozenset[str] = frozenset({"province", "district", "commune"})
DEFAULT_TEMPLATE: tuple[str, ...] = SECTIONS

# Sort rank: lower airs first.
PRIORITY_RANK: dict[str, int] = {"emergency": 0, "priority": 1, "normal": 2}


def require_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{name} must be timezone-aware")


def local_to_utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LOCAL_TZ).astimezone(UTC)


def local_date(instant: datetime) -> date:
    return instant.astimezone(LOCAL_TZ).date()


@dataclass(frozen=True, slots=True)
class AreaNode:
    code: str
    parent_code: str | None
    level: AreaLevel


@dataclass(frozen=True, slots=True)
class MediaRef:
    """A ready, mastered audio file (station ident, closing jingle)."""

    title: str
    sha256: str
    size: int
    duration_ms: int


@dataclass(frozen=True, slots=True)
class SlotDef:
    """A recurring broadcast window defined on an area and inherited by its descendants.

    A descendant's slot with the same ``name`` replaces the inherited one for that subtree;
    ``enabled=False`` on such an override removes the inherited slot there.
    """

    id: int
    area_code: str
    name: str
    start_local: time
    duration_s: int
    rrule: str  # RFC 5545 RRULE body, e.g. "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA"
    dtstart: date
    until: date | None = None  # inclusive, local date
    exdates: tuple[date, ...] = ()  # local dates without this slot (holidays)
    template: tuple[str, ...] = DEFAULT_TEMPLATE
    opening: MediaRef | None = None
    closing: MediaRef | None = None
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class ExtraSession:
    """A one-off session on a date, inherited by descendants. ``id`` shares the slot id space."""

    id: int
    area_code: str
    date: date
    start_local: time
    duration_s: int
    name: str = "extra"
    template: tuple[str, ...] = DEFAULT_TEMPLATE
    opening: MediaRef | None = None
    closing: MediaRef | None = None


@dataclass(frozen=True, slots=True)
class Holiday:
    """No recurring slot (or only the slot named ``slot_name``) on ``date`` in the area's subtree.

    Extra sessions are explicit and are not cancelled by holidays.
    """

    area_code: str
    date: date
    slot_name: str | None = None


@dataclass(frozen=True, slots=True)
class RelayDef:
    """A live stream played in the slot's "relay" section for a fixed duration.

    Only ``approved`` relays air (an approver of the area approved exactly this source); the
    default is closed, so a caller that forgets to say so airs nothing.
    """

    id: int
    slot_id: int
    stream_url: str
    duration_s: int
    title: str
    stream_id: int | None = None
    approved: bool = False


@dataclass(frozen=True, slots=True)
class Pin:
    """Officer pin: air in ``slot_id`` on ``date``; ``position`` orders pinned items (0 first)."""

    date: date
    slot_id: int
    position: int | None = None


@dataclass(frozen=True, slots=True)
class BoardPages:
    """Board text already rendered for one geometry (by devices' renderer)."""

    cols: int
    rows: int
    ascii_only: bool
    pages: tuple[tuple[str, ...], ...]
    page_seconds: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class BulletinPlay:
    """One approved, may-air bulletin version (the caller already filtered status/withdrawal)."""

    bulletin_id: int
    version_hash: str
    title: str
    category: str
    priority: Priority
    target_areas: tuple[str, ...]
    valid_from: datetime
    valid_until: datetime | None
    approved_at: datetime
    repeats_per_day: int = 1
    duration_ms: int = 0  # mastered audio including all reads and the gaps between them
    sha256: str | None = None  # None while audio is not ready
    size: int | None = None
    board_text: str | None = None
    board_pages: tuple[BoardPages, ...] = ()
    origin_level: OriginLevel = "commune"
    pins: tuple[Pin, ...] = ()

    def __post_init__(self) -> None:
        for name in ("valid_from", "valid_until", "approved_at"):
            require_aware(name, getattr(self, name))
        if not 1 <= self.repeats_per_day <= 10:
            raise ValueError("repeats_per_day must be within 1..10")

    @property
    def airs_from(self) -> datetime:
        # Never retroactively: a slot that started before approval keeps its old programme.
        return max(self.valid_from, self.approved_at)


@dataclass(frozen=True, slots=True)
class BoardGeometry:
    cols: int
    rows: int
    diacritics: bool = True


@dataclass(frozen=True, slots=True)
class DeviceDef:
    device_id: str
    kind: DeviceKind
    area_code: str
    board: BoardGeometry | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    """An emergency alert for one area (see ``playlists.emergency``)."""

    alert_id: str
    bulletin_id: int
    version_hash: str
    area_code: str
    starts_at: datetime
    expires_at: datetime
    repeat_every_s: int
    title: str
    duration_ms: int
    sha256: str | None
    size: int | None
    board_text: str | None = None
    board_pages: tuple[BoardPages, ...] = ()
    action: Literal["start", "cancel"] = "start"
    approved_at: datetime | None = None  # orders versions for supersede


@dataclass(frozen=True, slots=True)
class ScheduleInputs:
    """Everything compile needs besides the area tree; pass only rows of the relevant areas."""

    slots: tuple[SlotDef, ...] = ()
    extras: tuple[ExtraSession, ...] = ()
    holidays: tuple[Holiday, ...] = ()
    relays: tuple[RelayDef, ...] = ()
    bulletins: tuple[BulletinPlay, ...] = ()
    alerts: tuple[Alert, ...] = ()


# --- outputs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlotOccurrence:
    slot_id: int
    area_code: str  # the area this occurrence was expanded for
    start_utc: datetime
    end_utc: datetime
    template: tuple[str, ...]
    name: str = ""
    defined_on: str = ""  # area that defines the slot (differs from area_code when inherited)
    opening: MediaRef | None = None
    closing: MediaRef | None = None

    @property
    def local_date(self) -> date:
        return local_date(self.start_utc)


@dataclass(frozen=True, slots=True)
class PlannedItem:
    start_utc: datetime
    duration_ms: int
    kind: Literal["audio", "relay"]
    section: str
    title: str
    slot_id: int
    priority: Priority = "normal"
    bulletin_id: int | None = None
    version_hash: str | None = None
    sha256: str | None = None
    size: int | None = None
    stream_url: str | None = None
    pinned: bool = False

    @property
    def end_utc(self) -> datetime:
        return self.start_utc + timedelta(milliseconds=self.duration_ms)


@dataclass(frozen=True, slots=True)
class Overflow:
    """A bulletin that did not fit: ``missing_s`` more seconds would have made it fit."""

    bulletin_id: int
    title: str
    needed_s: int
    missing_s: int


@dataclass(frozen=True, slots=True)
class Skipped:
    bulletin_id: int | None  # None for idents/relays
    reason_code: str
    reason_vi: str


@dataclass(frozen=True, slots=True)
class PackedSlot:
    occurrence: SlotOccurrence
    items: tuple[PlannedItem, ...]
    overflow: tuple[Overflow, ...]
    skipped: tuple[Skipped, ...]


@dataclass(frozen=True, slots=True)
class DayPlan:
    """What one area airs on one local date (the officer-facing preview)."""

    area_code: str
    date: date
    slots: tuple[PackedSlot, ...]
    unplaced: tuple[Skipped, ...] = field(default=())  # pins/repeats that found no slot

    @property
    def overflow(self) -> tuple[Overflow, ...]:
        return tuple(o for packed in self.slots for o in packed.overflow)
