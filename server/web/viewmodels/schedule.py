"""Schedule pages: a day's programme (from the preview) and a week at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from playlists.model import LOCAL_TZ
from server.models.bulletins import Bulletin, BulletinVersion
from server.scheduling.compiler import make_compiler
from server.scheduling.inputs import load_inputs
from server.services.areas import AreaTree

WEEK = 7


def read_date(text: str) -> date | None:
    """A date typed as dd/mm/yyyy (how Vietnamese write it) or ISO yyyy-mm-dd (links)."""
    text = text.strip()
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        return None


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def titles_for(session: Session, ids: set[int]) -> dict[int, str]:
    """Titles of the current versions, for preview entries that carry only a bulletin id."""
    if not ids:
        return {}
    stmt = (select(Bulletin.id, BulletinVersion.title)
            .join(BulletinVersion, col(BulletinVersion.id) == col(Bulletin.current_version_id))
            .where(col(Bulletin.id).in_(ids)))
    return {int(bid or 0): title for bid, title in session.exec(stmt).all()}


def _entries(preview: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for slot in preview.get("slots", []):
        for key in ("skipped", "overflow", "blocked_relays"):
            found.extend(e for e in slot.get(key, []) if isinstance(e, dict))
    for key in ("unplaced", "emergencies"):
        found.extend(e for e in preview.get(key, []) if isinstance(e, dict))
    return found


def local_text(value: Any) -> str:
    """An ISO instant of the preview (UTC) as Vietnamese local ``HH:MM dd/mm/yyyy``."""
    try:
        at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    return at.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y") if at.tzinfo else str(value)


def with_titles(session: Session, preview: dict[str, Any]) -> dict[str, Any]:
    """Fill in ``title`` where an entry names a bulletin but not its title (older preview shapes),
    and local times for an emergency's ``starts_at``/``expires_at``."""
    for e in preview.get("emergencies", []):
        if isinstance(e, dict):
            for key in ("starts_at", "expires_at"):
                if e.get(key):
                    e[f"{key}_local"] = local_text(e[key])
    entries = _entries(preview)
    missing = {e["bulletin_id"] for e in entries if e.get("bulletin_id") and not e.get("title")}
    names = titles_for(session, missing)
    for e in entries:
        if e.get("bulletin_id") in names and not e.get("title"):
            e["title"] = names[e["bulletin_id"]]
    return preview


@dataclass(frozen=True)
class SlotSummary:
    name: str
    start: str  # HH:MM local
    end: str
    items: int  # plays of bulletins (one bulletin may play twice)
    used_s: int
    capacity_s: int
    overflow: int  # bulletins that did not fit

    @property
    def fill_percent(self) -> int:
        return min(100, round(100 * self.used_s / self.capacity_s)) if self.capacity_s else 0


@dataclass(frozen=True)
class DaySummary:
    day: date
    slots: list[SlotSummary]
    unplaced: int


def week_summary(session: Session, tree: AreaTree, area_code: str, first_day: date,
                 now: datetime) -> list[DaySummary]:
    """Seven days from ``first_day``: inputs are read once, then each day is packed."""
    start = datetime.combine(first_day, time.min, tzinfo=LOCAL_TZ)
    loaded = load_inputs(session, tree, min(start, now), WEEK, area_codes=tree.ancestors(area_code))
    compiler = make_compiler(loaded, start, LOCAL_TZ, WEEK)
    days: list[DaySummary] = []
    for offset in range(WEEK):
        day = first_day + timedelta(days=offset)
        plan = compiler.day_plan(area_code, day)
        slots = [SlotSummary(
            name=p.occurrence.name,
            start=p.occurrence.start_utc.astimezone(LOCAL_TZ).strftime("%H:%M"),
            end=p.occurrence.end_utc.astimezone(LOCAL_TZ).strftime("%H:%M"),
            items=sum(1 for i in p.items if i.bulletin_id is not None),
            used_s=sum(i.duration_ms for i in p.items) // 1000,
            capacity_s=int((p.occurrence.end_utc - p.occurrence.start_utc).total_seconds()),
            overflow=len(p.overflow),
        ) for p in plan.slots]
        days.append(DaySummary(day, slots, len(plan.unplaced)))
    return days
