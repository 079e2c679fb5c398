"""What the citizens' page and podcast feed of an area show (no sign-in).

Only versions that ``airing.airable_versions`` says may air right now (approved, binding
intact, not withdrawn/cancelled/expired, valid now; during re-approval the last approved
version) *and* that are marked ``public``. An area's page carries bulletins targeting the area,
one of its ancestors (province-wide bulletins) or, for a commune or hamlet, an area below it.

A busy feed must not load the database: each answer is kept in memory until the bulletin table
changes (one aggregate query per request compares ``max(updated_at)`` and the row count) or an
item's validity starts or ends, and at most ``cache_seconds``.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from server.models.bulletins import Bulletin, BulletinVersion
from server.services.airing import airable_versions
from server.services.areas import AreaInfo, AreaTree

MAX_ITEMS = 200  # newest first; a commune rarely has more than a few dozen valid bulletins
SUBTREE_LEVELS = frozenset({"commune", "hamlet"})


@dataclass(frozen=True, slots=True)
class PublicItem:
    bulletin_id: int
    version_hash: str
    title: str
    body: str
    board_text: str
    priority: str
    category: str
    approved_at: datetime
    valid_from: datetime
    valid_until: datetime
    audio_sha256: str
    audio_size: int
    duration_ms: int


@dataclass(frozen=True, slots=True)
class PublicPage:
    area: AreaInfo
    path: list[AreaInfo]  # province … area, for the heading
    items: tuple[PublicItem, ...]
    etag: str
    computed_at: datetime
    fresh_until: datetime
    stamp: tuple[object, ...]

    def item(self, bulletin_id: int) -> PublicItem | None:
        return next((i for i in self.items if i.bulletin_id == bulletin_id), None)


def _stamp(session: Session) -> tuple[object, ...]:
    row = session.execute(select(func.max(col(Bulletin.updated_at)), func.count())).one()
    return (row[0], row[1])


def _codes(tree: AreaTree, area: AreaInfo) -> list[str]:
    codes = tree.ancestors(area.code)
    if area.level in SUBTREE_LEVELS:
        codes += tree.descendants(area.code)[1:]
    return codes


def compute(session: Session, tree: AreaTree, area: AreaInfo, now: datetime,
            stamp: tuple[object, ...], cache_seconds: float) -> PublicPage:
    airable = airable_versions(session, now, _codes(tree, area))
    ids = [a.version_id for a in airable]
    public_ids: set[int] = set()
    for start in range(0, len(ids), 500):
        stmt = select(BulletinVersion.id).where(
            col(BulletinVersion.id).in_(ids[start:start + 500]), col(BulletinVersion.public).is_(True))
        public_ids.update(i for i in session.execute(stmt).scalars() if i is not None)
    chosen = sorted((a for a in airable if a.version_id in public_ids),
                    key=lambda a: (a.approved_at, a.bulletin_id), reverse=True)[:MAX_ITEMS]
    items = tuple(PublicItem(
        bulletin_id=a.bulletin_id, version_hash=a.version_hash, title=a.title, body=a.body,
        board_text=a.board_text, priority=a.priority, category=a.category, approved_at=a.approved_at,
        valid_from=a.valid_from, valid_until=a.valid_until, audio_sha256=a.audio_sha256,
        audio_size=a.audio_size, duration_ms=a.duration_ms) for a in chosen)
    # The page changes when an item ends, or when a bulletin valid later starts.
    fresh_until = now + timedelta(seconds=cache_seconds)
    upcoming = session.execute(
        select(func.min(col(BulletinVersion.valid_from))).where(col(BulletinVersion.valid_from) > now)
    ).scalar()
    for moment in [i.valid_until for i in items] + ([upcoming] if upcoming is not None else []):
        fresh_until = min(fresh_until, moment)
    digest = hashlib.sha256()
    digest.update(f"{area.code}|{area.name}".encode())
    for i in items:
        digest.update(f"|{i.bulletin_id}:{i.version_hash}:{i.audio_sha256}".encode())
    path = [tree.get(code) for code in reversed(tree.ancestors(area.code))]
    return PublicPage(area=area, path=path, items=items, etag=digest.hexdigest()[:32], computed_at=now,
                      fresh_until=fresh_until, stamp=stamp)


class PublicCache:
    """Computed pages per area code, valid while the bulletin table's stamp is unchanged."""

    def __init__(self) -> None:
        self._pages: dict[str, PublicPage] = {}
        self._lock = threading.Lock()

    def page(self, session: Session, tree: AreaTree, area: AreaInfo, now: datetime,
             cache_seconds: float) -> PublicPage:
        stamp = _stamp(session)
        with self._lock:
            cached = self._pages.get(area.code)
        if cached is not None and cached.stamp == stamp and cached.computed_at <= now < cached.fresh_until:
            return cached
        page = compute(session, tree, area, now, stamp, cache_seconds)
        with self._lock:
            if len(self._pages) > 5000:  # bounded: one entry per area at most, cleared if it ever grows
                self._pages.clear()
            self._pages[area.code] = page
        return page
