"""What a signed-in user should notice now: bulletins waiting for their approval, offline devices
of their area, and today's overflowing or skipped items (officers and approvers).

Scope is the user's area subtree, as everywhere else; the counts are cheap (one indexed count
each) because the console's badge asks every few seconds. The day's programme problems come from
``services.preview`` (the same code as ``GET /api/v1/preview``) and are computed only for the
notifications page, for at most ``MAX_PREVIEW_AREAS`` areas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from playlists.model import LOCAL_TZ
from server.models.bulletins import Bulletin, BulletinStatus
from server.models.devices import Device
from server.models.users import User
from server.scheduling.inputs import load_inputs
from server.services.areas import AreaTree
from server.services.preview import day_preview

APPROVING_ROLES = frozenset({"approver"})
DEVICE_ROLES = frozenset({"officer", "approver", "admin"})
MAX_PREVIEW_AREAS = 40
MAX_LISTED = 50


@dataclass
class Notices:
    pending: int = 0
    offline: int = 0
    pending_bulletins: list[Bulletin] = field(default_factory=list)
    offline_devices: list[Device] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)  # {area, area_name, slot, title, message}

    @property
    def total(self) -> int:
        return self.pending + self.offline + len(self.problems)


def _pending_query(user: User, tree: AreaTree) -> Any:
    # Bulletins of units inside the approver's scope; their own submissions included (they see
    # them but cannot approve them: the workflow refuses an author).
    return select(Bulletin).where(col(Bulletin.area_code).in_(tree.descendants(user.area_code)),
                                  Bulletin.status == BulletinStatus.submitted)


def _offline_query(user: User, tree: AreaTree) -> Any:
    return select(Device).where(col(Device.area_code).in_(tree.descendants(user.area_code)),
                                Device.status == "offline", col(Device.revoked_at).is_(None))


def _count(session: Session, query: Any) -> int:
    return int(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())


def counts(session: Session, user: User, tree: AreaTree) -> Notices:
    """The badge's numbers (no programme check: that needs packing)."""
    out = Notices()
    if user.role in APPROVING_ROLES:
        out.pending = _count(session, _pending_query(user, tree))
    if user.role in DEVICE_ROLES:
        out.offline = _count(session, _offline_query(user, tree))
    return out


def details(session: Session, user: User, tree: AreaTree, now: datetime) -> Notices:
    """Everything the notifications page lists."""
    out = counts(session, user, tree)
    if user.role in APPROVING_ROLES:
        stmt = _pending_query(user, tree).order_by(col(Bulletin.id).desc()).limit(MAX_LISTED)
        out.pending_bulletins = list(session.exec(stmt).all())
    if user.role in DEVICE_ROLES:
        stmt = _offline_query(user, tree).order_by(col(Device.last_seen_at), col(Device.id)).limit(MAX_LISTED)
        out.offline_devices = list(session.exec(stmt).all())
    if user.role in ("officer", "approver"):
        out.problems = programme_problems(session, tree, user.area_code, now)
    return out


def programme_problems(session: Session, tree: AreaTree, root: str, now: datetime) -> list[dict[str, Any]]:
    """Today's overflowing and skipped items in ``root``'s subtree (nearest areas first)."""
    areas = tree.descendants(root)[:MAX_PREVIEW_AREAS]
    day = now.astimezone(LOCAL_TZ).date()
    start = datetime.combine(day, time.min, tzinfo=LOCAL_TZ)
    loaded = load_inputs(session, tree, min(start, now), 1)
    problems: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for code in areas:
        preview = day_preview(loaded, code, day)
        for slot in preview["slots"]:
            for skipped in slot["skipped"]:
                key = (slot["slot_id"], slot["start"], skipped["bulletin_id"], skipped["reason"])
                if key in seen:  # an inherited slot shows the same item on every hamlet
                    continue
                seen.add(key)
                problems.append({"area": code, "area_name": tree.get(code).name, "slot": slot["name"],
                                 "start_local": slot["start_local"], "title": skipped.get("title"),
                                 "reason": skipped["reason"], "message": skipped.get("message")})
        for item in preview["unplaced"]:
            key = ("unplaced", code, item["bulletin_id"], item["reason"])
            if key not in seen and item["reason"] not in ("not_valid_in_slot",):
                seen.add(key)
                problems.append({"area": code, "area_name": tree.get(code).name, "slot": None,
                                 "start_local": None, "title": item.get("title"),
                                 "reason": item["reason"], "message": item.get("message")})
    return problems[:MAX_LISTED]
