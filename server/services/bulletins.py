"""Bulletins: reading within scope, drafting, editing, recordings, and the public view.

Scope: a bulletin belongs to the unit (area) of the user who created it; a user sees and acts
on bulletins whose unit lies in their own area subtree, and may target only areas there.
Transitions (submit, approve…) live in ``server.services.workflow``.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Concatenate, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Table, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from server.errors import Conflict, Forbidden, NotFound, TooLarge
from server.models.bulletins import (
    TERMINAL_STATUSES,
    ApprovedPublic,
    AudioPublic,
    Bulletin,
    BulletinCreate,
    BulletinPublic,
    BulletinStatus,
    BulletinTarget,
    BulletinUpdate,
    BulletinVersion,
)
from server.models.users import User
from server.services import audit, synthesis
from server.services.airing import may_air
from server.services.areas import AreaTree
from server.services.bulletin_fields import (
    check_content,
    check_pin_slot,
    check_targets,
    content_of,
    out_of_scope,
    version_hash,
)
from server.services.text_search import fold, like_pattern, version_search_text
from server.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")
MAX_RECORDING_BYTES = 50 * 1024 * 1024  # tts.upload's limit; checked while reading the upload
LIST_LIMIT = 200


@contextmanager
def lost_race(session: Session) -> Iterator[None]:
    """Turn a lost race (optimistic lock, duplicate version number) into HTTP 409."""
    try:
        yield
    except (StaleDataError, IntegrityError) as exc:
        session.rollback()
        raise Conflict("Bản tin vừa được người khác thay đổi. Hãy tải lại rồi thử lại.",
                       code="stale_version") from exc


def guarded(fn: Callable[Concatenate[Session, P], R]) -> Callable[Concatenate[Session, P], R]:
    """Any flush of the decorated unit of work may lose a race, not only its commit."""

    @functools.wraps(fn)
    def run(session: Session, *args: P.args, **kwargs: P.kwargs) -> R:
        with lost_race(session):
            return fn(session, *args, **kwargs)

    return run


def commit(session: Session) -> None:
    with lost_race(session):
        session.commit()


def subject(bulletin: Bulletin) -> str:
    return f"bulletin:{bulletin.id}"


def get_bulletin(session: Session, bulletin_id: int) -> Bulletin:
    bulletin = session.get(Bulletin, bulletin_id)
    if bulletin is None:
        raise NotFound(f"Không tìm thấy bản tin số {bulletin_id}.", code="bulletin_not_found")
    return bulletin


def ensure_visible(user: User, tree: AreaTree, bulletin: Bulletin) -> None:
    if not tree.is_within(bulletin.area_code, user.area_code):
        raise Forbidden("Bản tin này thuộc đơn vị nằm ngoài phạm vi được giao cho tài khoản của bạn.",
                        code="out_of_scope")


def current_version(session: Session, bulletin: Bulletin) -> BulletinVersion:
    version = session.get(BulletinVersion, bulletin.current_version_id)
    assert version is not None, f"bulletin {bulletin.id} has no current version"
    return version


def targets_of(session: Session, version_id: int | None) -> list[str]:
    stmt = select(BulletinTarget.area_code).where(BulletinTarget.version_id == version_id)
    return sorted(session.exec(stmt).all())


def ensure_open(bulletin: Bulletin) -> None:
    if bulletin.status in TERMINAL_STATUSES:
        raise Conflict(f"Bản tin đã ở trạng thái '{bulletin.status}', không thể thay đổi.",
                       code="bad_transition")


def expect_version(bulletin: Bulletin, version: int | None) -> None:
    if version is not None and version != bulletin.version:
        raise Conflict(
            f"Bản tin đã được thay đổi (phiên bản {bulletin.version}, bạn gửi {version}). Hãy tải lại.",
            code="stale_version",
        )


def set_pointer(session: Session, bulletin: Bulletin, name: str, value: int | None) -> None:
    """Set a bookkeeping column with a Core UPDATE: the optimistic lock (``version``) stays put."""
    table: Table = Bulletin.__table__  # type: ignore[attr-defined]
    session.execute(update(table).where(table.c.id == bulletin.id).values({name: value}))
    set_committed_value(bulletin, name, value)


def _add_author(version: BulletinVersion, user: User) -> None:
    if user.id is not None and user.id not in version.authors:
        version.authors = [*version.authors, user.id]  # a new list: JSON columns track assignment


def _set_targets(session: Session, version: BulletinVersion, codes: list[str]) -> None:
    existing = session.exec(select(BulletinTarget).where(BulletinTarget.version_id == version.id)).all()
    for row in existing:
        session.delete(row)
    session.flush()
    assert version.id is not None
    for code in codes:
        session.add(BulletinTarget(version_id=version.id, area_code=code))


def _rehash(version: BulletinVersion, targets: list[str]) -> None:
    """Called on every content change: the hash, and the folded text search reads."""
    assert version.bulletin_id is not None
    version.search_text = version_search_text(version.title, version.body, version.board_text)
    version.version_hash = version_hash(
        version.bulletin_id, content_of(version), targets, version.recording_sha256
    )


def new_bulletin(session: Session, user: User, content: dict[str, Any], targets: list[str],
                 now: datetime) -> tuple[Bulletin, BulletinVersion]:
    """Insert a bulletin and its first version (not committed); the caller finishes both."""
    assert user.id is not None
    assert user.id is not None
    bulletin = Bulletin(area_code=user.area_code, priority=content["priority"], category=content["category"],
                        created_by=user.id, created_at=now, updated_at=now)
    session.add(bulletin)
    session.flush()
    assert bulletin.id is not None
    version = BulletinVersion(**content, bulletin_id=bulletin.id, number=1, version_hash="",
                              authors=[user.id], created_by=user.id, created_at=now)
    _rehash(version, targets)
    session.add(version)
    session.flush()
    _set_targets(session, version, targets)
    set_pointer(session, bulletin, "current_version_id", version.id)
    return bulletin, version


@guarded
def create_draft(session: Session, user: User, tree: AreaTree, data: BulletinCreate,
                 *, now: datetime, tz: ZoneInfo) -> Bulletin:
    content = check_content(data.model_dump(exclude={"targets", "approve"}), now=now, tz=tz)
    targets = check_targets(data.targets, tree, user)
    check_pin_slot(session, tree, content["pin_slot_id"], targets)
    bulletin, version = new_bulletin(session, user, content, targets, now)
    audit.record(session, user, "bulletin_created", subject(bulletin), {
        "version_number": 1, "version_hash": version.version_hash, "targets": targets,
        "priority": str(version.priority),
    })
    commit(session)
    return bulletin


def _working_copy(session: Session, bulletin: Bulletin, current: BulletinVersion, user: User,
                  now: datetime) -> BulletinVersion:
    """The version to change: the current one while it is unsubmitted, else a new next version."""
    if not current.frozen:
        return current
    assert user.id is not None and bulletin.id is not None
    fresh = BulletinVersion(
        **content_of(current), bulletin_id=bulletin.id, number=current.number + 1,
        recording_sha256=current.recording_sha256, recording_name=current.recording_name,
        version_hash="", authors=[user.id], created_by=user.id, created_at=now,
    )
    session.add(fresh)
    session.flush()
    _set_targets(session, fresh, targets_of(session, current.id))
    bulletin.current_version_id = fresh.id
    return fresh


def _back_to_draft(session: Session, bulletin: Bulletin, version: BulletinVersion, user: User,
                   now: datetime) -> None:
    _add_author(version, user)
    # Any change of content invalidates the audio; submit makes it again (recordings are re-mastered).
    for name in ("audio_sha256", "audio_size", "audio_duration_ms", "audio_engine", "audio_voice"):
        setattr(version, name, None)
    bulletin.status, bulletin.rejected_reason, bulletin.updated_at = BulletinStatus.draft, None, now
    if bulletin.approved_version_id is None:
        bulletin.priority, bulletin.category = version.priority, version.category
    session.add(version)
    session.add(bulletin)


@guarded
def edit(session: Session, user: User, tree: AreaTree, bulletin: Bulletin, data: BulletinUpdate,
         *, now: datetime, tz: ZoneInfo) -> Bulletin:
    expect_version(bulletin, data.version)
    ensure_open(bulletin)
    current = current_version(session, bulletin)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    old_targets = targets_of(session, current.id)
    targets = check_targets(changes.pop("targets"), tree, user) if "targets" in changes else old_targets
    content = check_content({**content_of(current), **changes}, now=now, tz=tz)
    check_pin_slot(session, tree, content["pin_slot_id"], targets)
    if content == content_of(current) and targets == old_targets:
        return bulletin  # nothing changed: no new version, no audit event
    previous_status, previous_hash = bulletin.status, current.version_hash
    version = _working_copy(session, bulletin, current, user, now)
    for name, value in content.items():
        setattr(version, name, value)
    if targets != old_targets:  # a new working copy starts with the old targets
        _set_targets(session, version, targets)
    _rehash(version, targets)
    _back_to_draft(session, bulletin, version, user, now)
    fields = sorted(set(changes) | ({"targets"} if targets != old_targets else set()))
    audit.record(session, user, "bulletin_edited", subject(bulletin), {
        "from_status": previous_status, "version_number": version.number,
        "version_hash": version.version_hash, "previous_hash": previous_hash, "fields": fields,
    })
    commit(session)
    return bulletin


def store_recording(settings: Settings, upload: BinaryIO) -> tuple[str, Path, bool]:
    """Copy an upload into ``{data_dir}/recordings/{sha256}``, refusing more than the limit (413).

    Returns the sha256, the path and whether the file is new.
    """
    folder = synthesis.recordings_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".upload-", delete=False) as tmp:
        try:
            while chunk := upload.read(1 << 20):
                size += len(chunk)
                if size > MAX_RECORDING_BYTES:
                    raise TooLarge(f"Tệp âm thanh quá lớn: tối đa {MAX_RECORDING_BYTES // 1024 // 1024} MB.",
                                   code="upload_too_large")
                digest.update(chunk)
                tmp.write(chunk)
        except BaseException:
            Path(tmp.name).unlink(missing_ok=True)
            raise
    target = folder / digest.hexdigest()
    if target.exists():
        Path(tmp.name).unlink()
        return digest.hexdigest(), target, False
    shutil.move(tmp.name, target)
    return digest.hexdigest(), target, True


@guarded
def upload_recording(
    session: Session, settings: Settings, user: User, bulletin: Bulletin, upload: BinaryIO, filename: str,
    *, expected_version: int | None, now: datetime,
) -> Bulletin:
    """Use an officer's recording instead of TTS for the bulletin's next version."""
    expect_version(bulletin, expected_version)
    ensure_open(bulletin)
    current = current_version(session, bulletin)
    sha, path, new = store_recording(settings, upload)
    try:  # validates the audio (4xx for anything unusable) before anything is written
        asset = synthesis.master_upload(settings, path, reads_per_play=current.reads_per_play,
                                        gap_seconds=current.gap_seconds)
    except BaseException:
        if new:
            path.unlink(missing_ok=True)
        raise
    targets = targets_of(session, current.id)
    previous_status = bulletin.status
    version = _working_copy(session, bulletin, current, user, now)
    version.recording_sha256, version.recording_name = sha, (filename or "recording")[:200]
    _rehash(version, targets)
    _back_to_draft(session, bulletin, version, user, now)
    synthesis.attach(version, asset)
    audit.record(session, user, "bulletin_recording_uploaded", subject(bulletin), {
        "from_status": previous_status, "version_number": version.number,
        "version_hash": version.version_hash, "recording_sha256": sha, "filename": version.recording_name,
        **synthesis.audio_summary(asset),
    })
    commit(session)
    return bulletin


def list_bulletins(session: Session, user: User, tree: AreaTree, *, status: str | None = None,
                   area: str | None = None, limit: int = 50, offset: int = 0, q: str | None = None,
                   category: str | None = None, priority: str | None = None,
                   before_id: int | None = None) -> list[Bulletin]:
    """Bulletins of units in the user's scope, newest first; ``area``: targeting that subtree;
    ``q``: words in the current version's title, body or board text, ignoring diacritics and case;
    ``before_id``: the page after a cursor (ids below it)."""
    stmt = select(Bulletin).where(col(Bulletin.area_code).in_(tree.descendants(user.area_code)))
    if status is not None:
        stmt = stmt.where(Bulletin.status == status)
    if category is not None:
        stmt = stmt.where(Bulletin.category == category)
    if priority is not None:
        stmt = stmt.where(Bulletin.priority == priority)
    if before_id is not None:
        stmt = stmt.where(col(Bulletin.id) < before_id)
    if q is not None and fold(q):
        matching = select(BulletinVersion.id).where(col(BulletinVersion.search_text).like(like_pattern(q), escape="\\"))
        stmt = stmt.where(col(Bulletin.current_version_id).in_(matching))
    if area is not None:
        tree.get(area)
        if not tree.is_within(area, user.area_code):
            raise out_of_scope(area)
        inside = col(BulletinTarget.area_code).in_(tree.descendants(area))
        versions = select(BulletinTarget.version_id).where(inside)
        stmt = stmt.where(
            col(Bulletin.current_version_id).in_(versions) | col(Bulletin.approved_version_id).in_(versions)
        )
    stmt = stmt.order_by(col(Bulletin.id).desc()).offset(offset).limit(min(max(limit, 1), LIST_LIMIT))
    return list(session.exec(stmt).all())


def to_public(session: Session, bulletin: Bulletin, now: datetime) -> BulletinPublic:
    current = current_version(session, bulletin)
    approved = None
    if bulletin.approved_version_id is not None:
        approved = session.get(BulletinVersion, bulletin.approved_version_id)
    assert bulletin.id is not None and current.id is not None
    audio = None
    if current.audio_sha256:
        audio = AudioPublic(sha256=current.audio_sha256, size=current.audio_size,
                            duration_ms=current.audio_duration_ms, engine=current.audio_engine,
                            voice=current.audio_voice)
    approved_view = None
    if approved is not None:
        assert approved.id is not None
        approved_view = ApprovedPublic(
            version_id=approved.id, version_number=approved.number, version_hash=approved.version_hash,
            audio_sha256=approved.approved_audio_sha256, approved_by=approved.approved_by,
            approved_at=approved.approved_at, one_step=approved.one_step, title=approved.title,
            valid_from=approved.valid_from, valid_until=approved.valid_until,
        )
    return BulletinPublic(
        id=bulletin.id, status=BulletinStatus(bulletin.status), version=bulletin.version,
        area_code=bulletin.area_code, created_by=bulletin.created_by, created_at=bulletin.created_at,
        updated_at=bulletin.updated_at, rejected_reason=bulletin.rejected_reason, job_id=bulletin.last_job_id,
        version_id=current.id, version_number=current.number, version_hash=current.version_hash,
        **content_of(current), targets=targets_of(session, current.id), recording_name=current.recording_name,
        audio=audio, submitted_at=current.submitted_at, approved=approved_view,
        airing=approved is not None and may_air(approved, now, bulletin=bulletin),
    )
