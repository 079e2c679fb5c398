"""Bulletin transitions: submit → approve | reject, withdraw, cancel, expire, one-step emergency.

```
draft ──submit──▶ submitted ──approve──▶ approved
  ▲                  │  └──reject──▶ rejected
  └──── edit (of submitted / approved / rejected: a new version; the approved one keeps airing)
any open status ──withdraw──▶ withdrawn      emergency ──cancel──▶ cancelled
validity over ──expire_due──▶ expired        (withdrawn, cancelled, expired are final)
```

Every transition checks the optimistic lock when the client sends ``version``, appends an audit
event in the same transaction, and commits. Role checks are FastAPI dependencies (``server.deps``);
scope and "nobody approves their own bulletin" are checked here, where the bulletin is known.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from playlists.model import LOCAL_TZ
from server.errors import Conflict, Forbidden
from server.jobs import JobRunner
from server.models.bulletins import (
    TERMINAL_STATUSES,
    Bulletin,
    BulletinCreate,
    BulletinStatus,
    BulletinVersion,
    Priority,
    TransitionRequest,
)
from server.models.jobs import Job
from server.models.users import User
from server.services import audit, synthesis
from server.services.areas import AreaTree
from server.services.bulletin_fields import check_content, check_targets, clean_reason, hash_of_version
from server.services.bulletins import (
    commit,
    current_version,
    ensure_open,
    expect_version,
    guarded,
    lost_race,
    new_bulletin,
    set_pointer,
    subject,
    targets_of,
)
from server.settings import Settings


def _bad_transition(bulletin: Bulletin, action: str) -> Conflict:
    return Conflict(f"Không thể {action} bản tin đang ở trạng thái '{bulletin.status}'.",
                    code="bad_transition")


def _check_expectations(bulletin: Bulletin, version: BulletinVersion, req: TransitionRequest | None) -> None:
    if req is None:
        return
    expect_version(bulletin, req.version)
    if req.version_hash is not None and req.version_hash != version.version_hash:
        raise Conflict("Nội dung bản tin đã thay đổi so với bản bạn đã xem. Hãy xem lại.",
                       code="stale_version")
    if req.audio_sha256 is not None and req.audio_sha256 != version.audio_sha256:
        raise Conflict("Âm thanh bản tin đã thay đổi so với bản bạn đã nghe. Hãy nghe lại.",
                       code="stale_version")


@guarded
def submit(session: Session, user: User, bulletin: Bulletin, *, settings: Settings, now: datetime,
           jobs: JobRunner | None, req: TransitionRequest | None = None) -> Bulletin:
    """Freeze the current version and start its synthesis (a recording already has its audio).

    ``jobs=None`` synthesizes inline instead of in a background job (demo seeding). Submitting
    again while the audio is missing (the job failed) starts a new job.
    """
    version = current_version(session, bulletin)
    _check_expectations(bulletin, version, req)
    assert user.id is not None
    retry = bulletin.status == BulletinStatus.submitted and version.audio_sha256 is None
    if bulletin.status != BulletinStatus.draft and not retry:
        raise _bad_transition(bulletin, "gửi duyệt")
    last_job = session.get(Job, bulletin.last_job_id) if retry and bulletin.last_job_id else None
    if last_job is not None and last_job.state in ("queued", "running"):
        raise Conflict("Âm thanh của bản tin đang được tạo; hãy chờ xong rồi thử lại.",
                       code="audio_in_progress")
    if version.valid_until <= now:
        raise Conflict("Bản tin đã hết thời gian hiệu lực; hãy sửa thời gian trước khi gửi duyệt.",
                       code="validity_passed")
    if not retry:
        version.submitted_at, version.submitted_by = now, user.id
        if user.id not in version.authors:
            version.authors = [*version.authors, user.id]
        bulletin.status, bulletin.rejected_reason = BulletinStatus.submitted, None
    bulletin.updated_at = now
    if jobs is None and version.audio_sha256 is None:
        synthesis.attach(version, synthesis.make_audio(settings, version))
    session.add_all([version, bulletin])
    audit.record(session, user, "bulletin_submitted", subject(bulletin), {
        "version_number": version.number, "version_hash": version.version_hash, "retry": retry,
        "audio_sha256": version.audio_sha256, "engine": version.audio_engine,
    })
    if jobs is None or version.audio_sha256 is not None:
        commit(session)
        return bulletin
    with lost_race(session):  # commits the transition, its audit event and the job row together
        params = {"version_id": version.id, "version_hash": version.version_hash}
        job = jobs.submit(session, synthesis.JOB_KIND, params, user.id)
    set_pointer(session, bulletin, "last_job_id", job.id)
    session.commit()
    session.refresh(bulletin)
    return bulletin


def _ensure_can_decide(user: User, tree: AreaTree, bulletin: Bulletin, targets: list[str]) -> None:
    """An approver decides only within their subtree: the bulletin's unit and every target."""
    outside = [c for c in [bulletin.area_code, *targets] if not tree.is_within(c, user.area_code)]
    if outside:
        raise Forbidden(f"Địa bàn {outside[0]} nằm ngoài phạm vi phê duyệt của bạn.", code="out_of_scope")


@guarded
def approve(session: Session, user: User, tree: AreaTree, bulletin: Bulletin, *, settings: Settings,
            now: datetime, req: TransitionRequest | None = None) -> Bulletin:
    version = current_version(session, bulletin)
    targets = targets_of(session, version.id)
    _ensure_can_decide(user, tree, bulletin, targets)
    if bulletin.status != BulletinStatus.submitted:
        raise _bad_transition(bulletin, "phê duyệt")
    if user.id == bulletin.created_by or user.id in version.authors:
        raise Forbidden("Không ai được tự phê duyệt bản tin do mình soạn, sửa hoặc gửi.", code="own_bulletin")
    _check_expectations(bulletin, version, req)
    sha = version.audio_sha256
    if sha is None or not synthesis.media_path(settings, sha).is_file():
        raise Conflict("Âm thanh của bản tin chưa tạo xong; hãy nghe lại khi đã có âm thanh rồi mới duyệt.",
                       code="audio_not_ready")
    if hash_of_version(version, targets) != version.version_hash:
        raise Conflict("Nội dung lưu trữ của bản tin không khớp mã băm; không thể phê duyệt.",
                       code="hash_mismatch")
    if version.valid_until <= now:
        raise Conflict("Bản tin đã hết thời gian hiệu lực.", code="validity_passed")
    previous = bulletin.approved_version_id
    _bind_approval(bulletin, version, user, now)
    session.add_all([version, bulletin])
    audit.record(session, user, "bulletin_approved", subject(bulletin), {
        "version_number": version.number, "version_hash": version.version_hash,
        "audio_sha256": version.audio_sha256, "previous_version_id": previous, "targets": targets,
    })
    commit(session)
    return bulletin


def _bind_approval(bulletin: Bulletin, version: BulletinVersion, user: User, now: datetime) -> None:
    version.approved_at, version.approved_by = now, user.id
    version.approved_hash, version.approved_audio_sha256 = version.version_hash, version.audio_sha256
    bulletin.approved_version_id = version.id
    bulletin.status, bulletin.updated_at = BulletinStatus.approved, now
    bulletin.priority, bulletin.category = version.priority, version.category


@guarded
def reject(session: Session, user: User, tree: AreaTree, bulletin: Bulletin, reason: str, *,
           now: datetime, req: TransitionRequest | None = None) -> Bulletin:
    version = current_version(session, bulletin)
    _ensure_can_decide(user, tree, bulletin, targets_of(session, version.id))
    if bulletin.status != BulletinStatus.submitted:
        raise _bad_transition(bulletin, "từ chối")
    _check_expectations(bulletin, version, req)
    text = clean_reason(reason)
    bulletin.status, bulletin.rejected_reason = BulletinStatus.rejected, text
    bulletin.updated_at = now
    session.add(bulletin)
    audit.record(session, user, "bulletin_rejected", subject(bulletin), {
        "version_number": version.number, "version_hash": version.version_hash, "reason": text,
    })
    commit(session)
    return bulletin


def _close(session: Session, user: User | None, bulletin: Bulletin, status: BulletinStatus, action: str,
           now: datetime) -> Bulletin:
    was_airing = bulletin.approved_version_id
    bulletin.status, bulletin.updated_at, bulletin.closed_at = status, now, now
    bulletin.closed_by = user.id if user else None
    session.add(bulletin)
    audit.record(session, user, action, subject(bulletin), {"approved_version_id": was_airing})
    commit(session)
    return bulletin


@guarded
def withdraw(session: Session, user: User, bulletin: Bulletin, *, now: datetime,
             req: TransitionRequest | None = None) -> Bulletin:
    """Stop the bulletin for good, including the approved version that was airing."""
    ensure_open(bulletin)
    expect_version(bulletin, req.version if req else None)
    return _close(session, user, bulletin, BulletinStatus.withdrawn, "bulletin_withdrawn", now)


@guarded
def cancel(session: Session, user: User, bulletin: Bulletin, *, now: datetime,
           req: TransitionRequest | None = None) -> Bulletin:
    """End an emergency (devices replace the retained alert with a cancel)."""
    ensure_open(bulletin)
    expect_version(bulletin, req.version if req else None)
    priorities = {current_version(session, bulletin).priority}
    if bulletin.approved_version_id is not None:
        approved = session.get(BulletinVersion, bulletin.approved_version_id)
        priorities.add(approved.priority if approved else Priority.normal)
    if Priority.emergency not in priorities:
        raise Conflict("Chỉ bản tin khẩn cấp mới hủy được; bản tin thường hãy dùng thu hồi.",
                       code="not_emergency")
    return _close(session, user, bulletin, BulletinStatus.cancelled, "bulletin_cancelled", now)


@guarded
def expire_due(session: Session, now: datetime) -> list[tuple[int, bool]]:
    """Mark open bulletins whose every version's validity is over as expired.

    Returns ``(bulletin_id, was_emergency)`` for each, so the caller can end alerts. The session
    must be bound to the data dir (``audit.bind``): each expiry is an audit event.
    """
    expired: list[tuple[int, bool]] = []
    stmt = select(Bulletin).where(col(Bulletin.status).not_in([str(s) for s in TERMINAL_STATUSES]))
    for bulletin in session.exec(stmt).all():
        ends = [current_version(session, bulletin).valid_until]
        if bulletin.approved_version_id is not None:
            approved = session.get(BulletinVersion, bulletin.approved_version_id)
            ends.append(approved.valid_until if approved else now)
        if max(ends) <= now:
            assert bulletin.id is not None
            expired.append((bulletin.id, bulletin.priority == Priority.emergency))
            _close(session, None, bulletin, BulletinStatus.expired, "bulletin_expired", now)
    return expired


@guarded
def create_emergency(session: Session, user: User, tree: AreaTree, data: BulletinCreate, *,
                     settings: Settings, now: datetime) -> Bulletin:
    """An approver's storm warning: create, synthesize inline and approve in one step.

    The audio is made before anything is written, so a TTS failure saves nothing.
    """
    if data.priority != Priority.emergency:
        raise Forbidden("Chỉ bản tin khẩn cấp mới được tạo và phê duyệt trong một bước.",
                        code="one_step_not_allowed")
    content = check_content(data.model_dump(exclude={"targets", "approve"}), now=now, tz=LOCAL_TZ)
    targets = check_targets(data.targets, tree, user)
    asset = synthesis.synthesize_text(settings, content["body"],
                                      reads_per_play=content["reads_per_play"],
                                      gap_seconds=content["gap_seconds"])
    bulletin, version = new_bulletin(session, user, content, targets, now)
    version.submitted_at, version.submitted_by, version.one_step = now, user.id, True
    synthesis.attach(version, asset)
    _bind_approval(bulletin, version, user, now)
    session.add_all([version, bulletin])
    audit.record(session, user, "emergency_created_and_approved", subject(bulletin), {
        "version_number": 1, "version_hash": version.version_hash, "targets": targets,
        **synthesis.audio_summary(asset),
    })
    commit(session)
    return bulletin
