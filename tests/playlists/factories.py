"""Plain factory functions for playlists tests (no fixtures: call them with what matters)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from playlists.model import (
    AreaNode,
    BoardGeometry,
    BoardPages,
    BulletinPlay,
    DeviceDef,
    SlotDef,
    local_to_utc,
)

WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA"
DAILY = "FREQ=DAILY"

# Province P01 → commune W001 (hamlets W001-T01, W001-T02) and commune W002 (hamlet W002-T01).
AREAS = (
    AreaNode("P01", None, "province"),
    AreaNode("W001", "P01", "commune"),
    AreaNode("W001-T01", "W001", "hamlet"),
    AreaNode("W001-T02", "W001", "hamlet"),
    AreaNode("W002", "P01", "commune"),
    AreaNode("W002-T01", "W002", "hamlet"),
)
CHAIN_T01 = ("W001-T01", "W001", "P01")

# 2025-03-03 is a Monday.
MONDAY = date(2025, 3, 3)
SUNDAY = date(2025, 3, 9)


def sha(n: int) -> str:
    return f"{n:064x}"


def slot(
    id: int = 1,
    area_code: str = "P01",
    name: str = "sáng",
    start: time = time(6, 0),
    duration_s: int = 1800,
    rrule: str = WEEKDAYS,
    dtstart: date = date(2025, 1, 1),
    **kw: Any,
) -> SlotDef:
    return SlotDef(id, area_code, name, start, duration_s, rrule, dtstart, **kw)


def at(day: date, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    """Local wall time → aware UTC datetime."""
    return local_to_utc(day, time(hh, mm, ss))


def bulletin(
    bulletin_id: int = 1,
    *,
    priority: str = "normal",
    targets: tuple[str, ...] = ("P01",),
    duration_ms: int = 60_000,
    approved_at: datetime | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    repeats: int = 1,
    ready: bool = True,
    pages: int = 2,
    **kw: Any,
) -> BulletinPlay:
    approved = approved_at or datetime(2025, 2, 1, tzinfo=UTC) + timedelta(minutes=bulletin_id)
    return BulletinPlay(
        bulletin_id=bulletin_id,
        version_hash=f"v{bulletin_id:011d}abcdef",
        title=f"Bản tin {bulletin_id}",
        category="notice",
        priority=priority,  # type: ignore[arg-type]
        target_areas=targets,
        valid_from=valid_from or datetime(2025, 1, 1, tzinfo=UTC),
        valid_until=valid_until,
        approved_at=approved,
        repeats_per_day=repeats,
        duration_ms=duration_ms,
        sha256=sha(bulletin_id) if ready else None,
        size=1000 + bulletin_id if ready else None,
        board_text=f"Bản tin số {bulletin_id}",
        board_pages=(
            BoardPages(20, 2, False, tuple((f"Trang {i}", "nội dung") for i in range(pages)), (5.0,) * pages),
        ),
        **kw,
    )


def speaker(device_id: str = "spk-1", area_code: str = "W001-T01") -> DeviceDef:
    return DeviceDef(device_id, "speaker", area_code)


def board(device_id: str = "brd-1", area_code: str = "W001-T01") -> DeviceDef:
    return DeviceDef(device_id, "board", area_code, BoardGeometry(20, 2))
