"""The approver's pages: the queue (`/duyet`), a bulletin under review, a check-your-answers step
before approving, and rejection with a reason. Decisions go through ``workflow.approve``/``reject``,
the same services as the API, so every rule (scope, own bulletin, audio ready) holds here too."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from server.deps import AreaTreeDep, RuntimeDep, SessionDep
from server.errors import Conflict, LoaError, NotFound
from server.models.bulletins import Bulletin, BulletinStatus, TransitionRequest
from server.models.users import User
from server.routes.bulletins import on_air_changed
from server.services import bulletins as bulletin_service
from server.services import workflow
from server.services.areas import AreaTree
from server.services.bulletin_history import diff_against_approved
from server.web.deps import CsrfChecked, console_roles
from server.web.templating import render
from server.web.viewmodels.approvals import (
    QUEUE_PAGE,
    QueueItem,
    approval_queue,
    change_view,
    queue_item,
    queue_size,
    users_by_id,
)
from server.web.viewmodels.emergency import reach

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Query(max_length=64)]  # codes, dates and hashes in the query string
ApproverPage = Annotated[User, Depends(console_roles("approver"))]
HASH = Annotated[str, Form(max_length=64)]


def _bulletin(session: SessionDep, user: User, tree: AreaTree, bulletin_id: int) -> Bulletin:
    bulletin = bulletin_service.get_bulletin(session, bulletin_id)
    bulletin_service.ensure_visible(user, tree, bulletin)
    return bulletin


def _review(request: Request, session: SessionDep, runtime: RuntimeDep, user: User, tree: AreaTree,
            bulletin: Bulletin, *, errors: dict[str, str] | None = None, reason: str = "",
            error: LoaError | None = None) -> Response:
    item = _item(session, runtime, user, tree, bulletin)
    return render(request, "duyet_xem.html", {
        "item": item, "errors": errors or {}, "reason": reason, "error": error,
        "open": bulletin.status == BulletinStatus.submitted,
    })  # shown again with the problem: 200, as every console form (see docs/console.md)


def _item(session: SessionDep, runtime: RuntimeDep, user: User, tree: AreaTree, bulletin: Bulletin) -> QueueItem:
    version = bulletin_service.current_version(session, bulletin)
    ids = {bulletin.created_by, *([version.submitted_by] if version.submitted_by else [])}
    item = queue_item(session, runtime.settings, user, tree, bulletin, users_by_id(session, ids))
    item.change = change_view(diff_against_approved(session, bulletin), tree)
    return item


@router.get("/duyet")
def queue(request: Request, user: ApproverPage, session: SessionDep, runtime: RuntimeDep,
          tree: AreaTreeDep, da: int | None = None, trang: int = 1) -> Response:
    total = queue_size(session, user, tree)
    pages = max(1, -(-total // QUEUE_PAGE))
    page = min(max(trang, 1), pages)
    items = approval_queue(session, runtime.settings, user, tree, page=page)
    for item in items:
        item.change = change_view(diff_against_approved(session, bulletin_service.get_bulletin(session, item.id)), tree)
    return render(request, "duyet.html", {"items": items, "decided": da, "total": total, "page": page,
                                          "pages": pages})


@router.get("/duyet/{bulletin_id}")
def review(request: Request, bulletin_id: int, user: ApproverPage, session: SessionDep, runtime: RuntimeDep,
           tree: AreaTreeDep) -> Response:
    return _review(request, session, runtime, user, tree, _bulletin(session, user, tree, bulletin_id))


@router.get("/duyet/{bulletin_id}/xac-nhan")
def confirm(request: Request, bulletin_id: int, user: ApproverPage, session: SessionDep,
            runtime: RuntimeDep, tree: AreaTreeDep, ma: Short = "", am_thanh: Short = "") -> Response:
    """Check your answers: exactly which version and audio the approval binds, and where it airs.
    ``ma``/``am_thanh`` are the text hash and audio the approver reviewed: a change in between
    sends them back to the review instead of confirming something they did not hear."""
    bulletin = _bulletin(session, user, tree, bulletin_id)
    item = _item(session, runtime, user, tree, bulletin)
    if bulletin.status != BulletinStatus.submitted:
        raise NotFound("Bản tin này không còn chờ duyệt.", code="not_in_queue")
    if (ma and ma != item.version_hash) or (am_thanh and am_thanh != item.audio_sha256):
        changed = Conflict("Bản tin đã thay đổi so với bản bạn vừa xem. Hãy xem và nghe lại.",
                           code="stale_version")
        return _review(request, session, runtime, user, tree, bulletin, error=changed)
    if not item.audio_ready:  # the service refuses too (audio_not_ready): say so before the last step
        missing = Conflict("Âm thanh của bản tin chưa tạo xong; hãy nghe lại khi đã có âm thanh rồi mới duyệt.",
                           code="audio_not_ready")
        return _review(request, session, runtime, user, tree, bulletin, error=missing)
    return render(request, "duyet_xac_nhan.html", {"item": item, "reach": reach(session, tree, item.target_codes)})


def _decided(bulletin_id: int) -> Response:
    return RedirectResponse(f"/duyet?da={bulletin_id}", status_code=303)


@router.post("/duyet/{bulletin_id}/phe-duyet", dependencies=[CsrfChecked])
def approve(request: Request, bulletin_id: int, user: ApproverPage, session: SessionDep, runtime: RuntimeDep,
            tree: AreaTreeDep, version: Annotated[int, Form()], version_hash: HASH,
            audio_sha256: HASH = "") -> Response:
    bulletin = _bulletin(session, user, tree, bulletin_id)
    # Empty only when there was no audio to hear: the service then refuses (audio_not_ready).
    req = TransitionRequest(version=version, version_hash=version_hash, audio_sha256=audio_sha256 or None)
    try:
        workflow.approve(session, user, tree, bulletin, settings=runtime.settings, now=runtime.clock(), req=req)
    except LoaError as exc:
        session.rollback()
        return _review(request, session, runtime, user, tree, _bulletin(session, user, tree, bulletin_id),
                       error=exc)
    on_air_changed(runtime, bulletin, ended=False)
    return _decided(bulletin_id)


@router.post("/duyet/{bulletin_id}/tu-choi", dependencies=[CsrfChecked])
def reject(request: Request, bulletin_id: int, user: ApproverPage, session: SessionDep, runtime: RuntimeDep,
           tree: AreaTreeDep, version: Annotated[int, Form()], version_hash: HASH,
           reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    bulletin = _bulletin(session, user, tree, bulletin_id)
    req = TransitionRequest(version=version, version_hash=version_hash)
    try:
        workflow.reject(session, user, tree, bulletin, reason, now=runtime.clock(), req=req)
    except LoaError as exc:
        session.rollback()
        fresh = _bulletin(session, user, tree, bulletin_id)
        if exc.message.startswith("Lý do từ chối"):  # the reason's own problem goes beside the field
            return _review(request, session, runtime, user, tree, fresh, errors={"reason": exc.message},
                           reason=reason)
        return _review(request, session, runtime, user, tree, fresh, reason=reason, error=exc)
    return _decided(bulletin_id)
