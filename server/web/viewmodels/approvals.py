"""The approver's queue: submitted bulletins of the approver's scope, with what a decision needs.

Whether the approver may decide is shown as a hint only; ``workflow.approve``/``reject`` enforce it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from playlists.model import LOCAL_TZ
from server.models.bulletins import Bulletin, BulletinStatus, BulletinVersion
from server.models.users import User
from server.services import bulletins as bulletin_service
from server.services import synthesis
from server.services.areas import AreaTree
from server.services.bulletin_history import BulletinDiff
from server.settings import Settings
from server.web.labels import category_label, priority_label
from server.web.views import area_path

QUEUE_PAGE = 20  # each item carries a player, the text and a diff


@dataclass
class QueueItem:
    id: int
    version: int  # optimistic lock value sent back with the decision
    version_number: int
    version_hash: str
    audio_sha256: str | None
    audio_ready: bool
    audio_duration_ms: int | None
    audio_engine: str | None  # who read it: the approver hears and sees which voice airs
    audio_voice: str | None
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
    target_codes: list[str]
    is_edit: bool  # a previous version was approved (and may still be airing)
    blocked: str | None  # why this approver cannot decide, when the service would refuse
    change: dict[str, Any] | None = None  # against the last approved version (change_view)


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
        audio_duration_ms=version.audio_duration_ms, audio_engine=version.audio_engine,
        audio_voice=version.audio_voice, title=version.title, body=version.body,
        board_text=version.board_text, priority=str(version.priority), category=str(version.category),
        valid_from=version.valid_from, valid_until=version.valid_until,
        repeats_per_day=version.repeats_per_day, reads_per_play=version.reads_per_play,
        submitted_at=version.submitted_at, author=authors.get(version.submitted_by or version.created_by, ""),
        targets=[area_path(tree, c) for c in targets], target_codes=targets,
        is_edit=bulletin.approved_version_id is not None,
        blocked=_blocked(user, tree, bulletin, version, targets),
    )


def users_by_id(session: Session, ids: set[int]) -> dict[int, str]:
    users = session.exec(select(User).where(col(User.id).in_(ids))).all() if ids else []
    return {u.id: (u.full_name or u.username) for u in users if u.id is not None}


def _waiting(user: User, tree: AreaTree) -> Any:
    return (select(Bulletin).where(col(Bulletin.area_code).in_(tree.descendants(user.area_code)))
            .where(Bulletin.status == BulletinStatus.submitted))


def queue_size(session: Session, user: User, tree: AreaTree) -> int:
    stmt = _waiting(user, tree).with_only_columns(func.count())
    return int(session.exec(stmt).one())


def approval_queue(session: Session, settings: Settings, user: User, tree: AreaTree, *,
                   page: int = 1) -> list[QueueItem]:
    """Oldest submission first (it has waited longest), ``QUEUE_PAGE`` per page."""
    stmt = (_waiting(user, tree).order_by(col(Bulletin.updated_at), col(Bulletin.id))
            .offset((max(page, 1) - 1) * QUEUE_PAGE).limit(QUEUE_PAGE))
    rows = list(session.exec(stmt).all())
    author_ids = {b.created_by for b in rows}
    versions = [bulletin_service.current_version(session, b) for b in rows]
    author_ids |= {v.submitted_by for v in versions if v.submitted_by is not None}
    authors = users_by_id(session, author_ids)
    return [queue_item(session, settings, user, tree, b, authors) for b in rows]


TEXT_LABELS = {"title": "Tiêu đề", "body": "Nội dung đọc", "board_text": "Chữ trên bảng điện tử"}
OTHER_LABELS = {
    "priority": "Mức ưu tiên", "category": "Lĩnh vực", "valid_from": "Bắt đầu hiệu lực",
    "valid_until": "Hết hiệu lực", "repeats_per_day": "Số lần phát mỗi ngày", "reads_per_play": "Số lượt đọc mỗi lần",
    "gap_seconds": "Nghỉ giữa các lượt (giây)", "pin_date": "Ngày ghim", "pin_slot_id": "Phiên ghim",
    "targets": "Nơi phát", "recording_sha256": "Bản ghi âm",
}


def _shown(name: str, value: Any, tree: AreaTree) -> str:
    if value is None or value == "":
        return "—"
    if name == "targets":
        return "; ".join(area_path(tree, c) for c in value)
    if name in ("valid_from", "valid_until") and isinstance(value, str):
        try:
            return datetime.fromisoformat(value).astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y")
        except ValueError:
            return value
    if name == "priority":
        return priority_label(value)
    if name == "category":
        return category_label(value)
    if name == "recording_sha256":
        return "bản ghi mới" if value else "đọc bằng giọng máy"
    return str(value)


def change_view(diff: BulletinDiff | None, tree: AreaTree) -> dict[str, Any]:
    """For the template: changed text fields as runs, other changed fields as before → after.
    Nothing for a first version (there is no approved one to compare with)."""
    if diff is None or diff.base_version is None:
        return {"base": None, "texts": [], "others": []}
    texts = [{"label": TEXT_LABELS.get(name, name), "ops": ops} for name, ops in diff.fields.items()
             if any(op["op"] != "equal" for op in ops)]
    others = [{"label": OTHER_LABELS.get(c["field"], c["field"]), "before": _shown(c["field"], c["before"], tree),
               "after": _shown(c["field"], c["after"], tree)} for c in diff.changed]
    return {"base": diff.base_version, "texts": texts, "others": others}
