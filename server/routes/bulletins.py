"""Bulletins over HTTP (DESIGN.md §6): drafting, the approval workflow, recordings, audio.

Roles come from dependencies (``AuthorUser``: officer/approver, ``ApproverUser``, ``ReaderUser``:
every role); ``ScopedBulletin`` loads the bulletin and refuses one whose unit lies outside the
user's area subtree. Routes are plain ``def``: they block on the database, ffmpeg and TTS.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile, status
from fastapi.responses import FileResponse

from playlists.model import LOCAL_TZ
from server.bounds import INT4_MAX, IdPath, LimitQuery, OffsetQuery
from server.deps import (
    ApproverUser,
    AreaTreeDep,
    AuthorUser,
    CurrentUser,
    ReaderUser,
    RuntimeDep,
    SessionDep,
)
from server.errors import Forbidden, NotFound
from server.models.bulletins import (
    Bulletin,
    BulletinCreate,
    BulletinPublic,
    BulletinStatus,
    BulletinUpdate,
    BulletinVersion,
    Category,
    Priority,
    RejectRequest,
    TransitionRequest,
)
from server.runtime import Runtime
from server.services import bulletins as service
from server.services import synthesis, workflow
from server.services.text_search import MAX_QUERY

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/bulletins", tags=["bulletins"])


def on_air_changed(runtime: Runtime, bulletin: Bulletin, *, ended: bool) -> None:
    """After a commit that changes what airs, tell the scheduler (emergencies go out at once)."""
    scheduler = runtime.scheduler
    if scheduler is None or bulletin.id is None:
        return
    try:
        emergency = bulletin.priority == Priority.emergency
        scheduler.bulletin_changed(bulletin.id, emergency=emergency, ended=ended)
    except Exception:  # the transition stands; the next compile catches up
        log.exception("scheduler notification for bulletin %s failed", bulletin.id)


def scoped_bulletin(bulletin_id: IdPath, session: SessionDep, user: CurrentUser, tree: AreaTreeDep) -> Bulletin:
    bulletin = service.get_bulletin(session, bulletin_id)
    service.ensure_visible(user, tree, bulletin)
    return bulletin


ScopedBulletin = Annotated[Bulletin, Depends(scoped_bulletin)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=BulletinPublic)
def create_bulletin(
    data: BulletinCreate, user: AuthorUser, session: SessionDep, runtime: RuntimeDep, tree: AreaTreeDep,
) -> BulletinPublic:
    """Create a draft. An approver may send ``"approve": true`` with an emergency: it is
    synthesized inline and approved at once (audit action ``emergency_created_and_approved``)."""
    tz = LOCAL_TZ
    if data.approve:
        if user.role != "approver":
            raise Forbidden("Chỉ lãnh đạo phê duyệt mới được tạo và duyệt ngay bản tin khẩn cấp.",
                            code="role_forbidden")
        bulletin = workflow.create_emergency(session, user, tree, data, settings=runtime.settings,
                                             now=runtime.clock())
        on_air_changed(runtime, bulletin, ended=False)
    else:
        bulletin = service.create_draft(session, user, tree, data, now=runtime.clock(), tz=tz)
    return service.to_public(session, bulletin, runtime.clock())


@router.get("", response_model=list[BulletinPublic])
def list_bulletins(
    user: ReaderUser, session: SessionDep, runtime: RuntimeDep, tree: AreaTreeDep, response: Response,
    status: BulletinStatus | None = None, area: Annotated[str | None, Query(max_length=64)] = None,
    limit: LimitQuery = 50, offset: OffsetQuery = 0,
    q: Annotated[str | None, Query(max_length=MAX_QUERY, description="words, diacritics optional")] = None,
    category: Category | None = None, priority: Priority | None = None,
    cursor: Annotated[str | None, Query(max_length=20, pattern=r"^[0-9]+$",
                                        description="X-Next-Cursor of the previous page")] = None,
) -> list[BulletinPublic]:
    """Bulletins of units within your scope, newest first; ``area`` keeps those targeting that
    subtree; ``q`` searches title, body and board text ignoring diacritics and case ("tiem phong"
    finds "tiêm phòng"). A full page sets the ``X-Next-Cursor`` header: pass it as ``cursor``."""
    rows = service.list_bulletins(session, user, tree, status=status, area=area, limit=limit, offset=offset,
                                  q=q, category=category, priority=priority,
                                  before_id=int(cursor) if cursor else None)
    if rows and len(rows) == min(max(limit, 1), service.LIST_LIMIT) and rows[-1].id is not None:
        response.headers["X-Next-Cursor"] = str(rows[-1].id)
    now = runtime.clock()
    return [service.to_public(session, b, now) for b in rows]


@router.get("/{bulletin_id}", response_model=BulletinPublic)
def get_bulletin(user: ReaderUser, bulletin: ScopedBulletin, session: SessionDep,
                 runtime: RuntimeDep) -> BulletinPublic:
    return service.to_public(session, bulletin, runtime.clock())


@router.patch("/{bulletin_id}", response_model=BulletinPublic)
def edit_bulletin(
    data: BulletinUpdate, user: AuthorUser, bulletin: ScopedBulletin, session: SessionDep,
    runtime: RuntimeDep, tree: AreaTreeDep,
) -> BulletinPublic:
    """Edit (send the ``version`` you read). Editing a submitted, approved or rejected bulletin
    makes a new version and returns it to draft; an approved version keeps airing meanwhile."""
    service.edit(session, user, tree, bulletin, data, now=runtime.clock(), tz=LOCAL_TZ)
    return service.to_public(session, bulletin, runtime.clock())


@router.post("/{bulletin_id}/submit", response_model=BulletinPublic)
def submit_bulletin(user: AuthorUser, bulletin: ScopedBulletin, session: SessionDep, runtime: RuntimeDep,
                    req: TransitionRequest | None = None) -> BulletinPublic:
    """Send for approval; starts the synthesis job (``job_id``) unless a recording is used."""
    workflow.submit(session, user, bulletin, settings=runtime.settings, now=runtime.clock(),
                    jobs=runtime.jobs, req=req)
    return service.to_public(session, bulletin, runtime.clock())


@router.post("/{bulletin_id}/approve", response_model=BulletinPublic)
def approve_bulletin(user: ApproverUser, bulletin: ScopedBulletin, session: SessionDep,
                     runtime: RuntimeDep, tree: AreaTreeDep,
                     req: TransitionRequest | None = None) -> BulletinPublic:
    """Approve what you reviewed: send its ``version_hash`` and ``audio_sha256`` to be sure."""
    workflow.approve(session, user, tree, bulletin, settings=runtime.settings, now=runtime.clock(), req=req)
    on_air_changed(runtime, bulletin, ended=False)
    return service.to_public(session, bulletin, runtime.clock())


@router.post("/{bulletin_id}/reject", response_model=BulletinPublic)
def reject_bulletin(req: RejectRequest, user: ApproverUser, bulletin: ScopedBulletin, session: SessionDep,
                    runtime: RuntimeDep, tree: AreaTreeDep) -> BulletinPublic:
    workflow.reject(session, user, tree, bulletin, req.reason, now=runtime.clock(), req=req)
    return service.to_public(session, bulletin, runtime.clock())


@router.post("/{bulletin_id}/withdraw", response_model=BulletinPublic)
def withdraw_bulletin(user: AuthorUser, bulletin: ScopedBulletin, session: SessionDep, runtime: RuntimeDep,
                      req: TransitionRequest | None = None) -> BulletinPublic:
    """Stop the bulletin for good, including the approved version on air."""
    workflow.withdraw(session, user, bulletin, now=runtime.clock(), req=req)
    if bulletin.approved_version_id is not None:
        on_air_changed(runtime, bulletin, ended=True)
    return service.to_public(session, bulletin, runtime.clock())


@router.post("/{bulletin_id}/cancel", response_model=BulletinPublic)
def cancel_bulletin(user: AuthorUser, bulletin: ScopedBulletin, session: SessionDep, runtime: RuntimeDep,
                    req: TransitionRequest | None = None) -> BulletinPublic:
    """End an emergency."""
    workflow.cancel(session, user, bulletin, now=runtime.clock(), req=req)
    if bulletin.approved_version_id is not None:
        on_air_changed(runtime, bulletin, ended=True)
    return service.to_public(session, bulletin, runtime.clock())


@router.post("/{bulletin_id}/audio", response_model=BulletinPublic)
def upload_audio(
    user: AuthorUser, bulletin: ScopedBulletin, session: SessionDep, runtime: RuntimeDep,
    file: Annotated[UploadFile, File(description="bản ghi âm (m4a/AAC, MP3, WAV, OGG/Opus)")],
    version: Annotated[int | None, Form(ge=1, le=INT4_MAX)] = None,
) -> BulletinPublic:
    """Use a recording instead of TTS (minority languages, a phone recording)."""
    service.upload_recording(session, runtime.settings, user, bulletin, file.file, file.filename or "",
                             expected_version=version, now=runtime.clock())
    return service.to_public(session, bulletin, runtime.clock())


@router.get("/{bulletin_id}/audio", response_class=FileResponse,
            responses={200: {"content": {"audio/mpeg": {}}}})
def get_audio(user: ReaderUser, bulletin: ScopedBulletin, session: SessionDep, runtime: RuntimeDep,
              approved: bool = False) -> FileResponse:
    """The MP3 of the current version, or with ``approved=true`` of the version that airs."""
    version_id = bulletin.approved_version_id if approved else bulletin.current_version_id
    version = session.get(BulletinVersion, version_id) if version_id is not None else None
    sha = version.audio_sha256 if version is not None else None
    path = synthesis.media_path(runtime.settings, sha) if sha else None
    if sha is None or path is None or not path.is_file():
        raise NotFound("Bản tin chưa có âm thanh.", code="audio_not_found")
    return FileResponse(path, media_type="audio/mpeg", headers={"ETag": f'"{sha}"'})
