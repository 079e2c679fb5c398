"""The approver's queue: submitted bulletins of the approver's scope, with what a decision needs.

Whether the approver may decide is shown as a hint only; ``workflow.approve``/``reject`` enforce it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from server.models.bulletins import Bulletin, BulletinStatus, BulletinVersion
from server.models.users import User
from server.services import bulletins as bulletin_service
from server.services import synthesis
from server.services.areas import AreaTree
from server.settings import Settings
from server.web.views.areas import area_path

QUEUE_LIMIT = 100


@dataclass
class QueueItem:
    id: int
    version: int  # optimistic lock value sent back with the decision
    version_number: int
    version_hash: str
    audio_sha256: str | None
    audio_ready: bool
    audio_duration_ms: int | None
    title: str
    body: str
    board_text: str
    priority: str
    category: str
    valid_from: datetime
    valid_until: datetime
    repeats_per_day: int
    reads_per_play: int
    submitted_at: datetime | None
    author: str
    targets: list[str]  # full area paths
    is_edit: bool  # a previous version was approved (and may still be airing)
    blocked: str | None  # why this approver cannot decide, when the service would refuse
    diff: list[dict[str, Any]] = field(default_factory=list)


def _blocked(user: User, tree: AreaTree, bulletin: Bulletin, version: BulletinVersion,
             targets: list[str]) -> str | None:
    if any(not tree.is_within(c, user.area_code) for c in [bulletin.area_code, *targets]):
        return "Bản tin có địa bàn ngoài phạm vi phê duyệt của bạn."
    if user.id == bulletin.created_by or user.id in version.authors:
        return "Bạn đã soạn, sửa hoặc gửi bản tin này nên không thể tự phê duyệt."
    return None


def queue_item(session: Session, settings: Settings, user: User, tree: AreaTree, bulletin: Bulletin,
               authors: dict[int, str]) -> QueueItem:
    version = bulletin_service.current_version(session, bulletin)
    targets = bulletin_service.targets_of(session, version.id)
    sha = version.audio_sha256
    assert bulletin.id is not None
    return QueueItem(
        id=bulletin.id, version=bulletin.version, version_number=version.number,
        version_hash=version.version_hash, audio_sha256=sha,
        audio_ready=bool(sha) and synthesis.media_path(settings, sha or "").is_file(),
        audio_duration_ms=version.audio_duration_ms, title=version.title, body=version.body,
        board_text=version.board_text, priority=str(version.priority), category=str(version.category),
        valid_from=version.valid_from, valid_until=version.valid_until,
        repeats_per_day=version.repeats_per_day, reads_per_play=version.reads_per_play,
        submitted_at=version.submitted_at, author=authors.get(version.submitted_by or version.created_by, ""),
        targets=[area_path(tree, c) for c in targets], is_edit=bulletin.approved_version_id is not None,
        blocked=_blocked(user, tree, bulletin, version, targets),
    )


def users_by_id(session: Session, ids: set[int]) -> dict[int, str]:
    users = session.exec(select(User).where(col(User.id).in_(ids))).all() if ids else []
    return {u.id: (u.full_name or u.username) for u in users if u.id is not None}


def approval_queue(session: Session, settings: Settings, user: User, tree: AreaTree) -> list[QueueItem]:
    """Oldest submission first: it has waited longest."""
    rows = bulletin_service.list_bulletins(session, user, tree, status=BulletinStatus.submitted,
                                           limit=QUEUE_LIMIT)
    rows.sort(key=lambda b: b.updated_at)
    author_ids = {b.created_by for b in rows}
    versions = [bulletin_service.current_version(session, b) for b in rows]
    author_ids |= {v.submitted_by for v in versions if v.submitted_by is not None}
    authors = users_by_id(session, author_ids)
    return [queue_item(session, settings, user, tree, b, authors) for b in rows]
