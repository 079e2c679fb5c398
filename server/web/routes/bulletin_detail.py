"""One bulletin for its author (/ban-tin/{id}): content, synthesis progress, the audio player,
recorded-audio upload, submit, withdraw (after a confirmation), edit and duplicate links."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import UploadFile

from server.deps import AreaTreeDep, RuntimeDep, SessionDep
from server.errors import Invalid, LoaError
from server.models.bulletins import TERMINAL_STATUSES, Bulletin, BulletinVersion
from server.models.jobs import Job
from server.models.users import User
from server.routes.bulletins import on_air_changed
from server.services import bulletins as service
from server.services import workflow
from server.services.areas import AreaTree
from server.web.deps import CsrfChecked, OfficerUser
from server.web.templating import render
from server.web.views import area_path

router = APIRouter(include_in_schema=False)
ACTIVE_JOB_STATES = ("queued", "running")


def _load(session: Session, user: User, tree: AreaTree, bulletin_id: int) -> Bulletin:
    bulletin = service.get_bulletin(session, bulletin_id)
    service.ensure_visible(user, tree, bulletin)
    return bulletin


def _job(session: Session, bulletin: Bulletin) -> Job | None:
    return session.get(Job, bulletin.last_job_id) if bulletin.last_job_id is not None else None


def _context(session: Session, tree: AreaTree, bulletin: Bulletin) -> dict:
    version = service.current_version(session, bulletin)
    approved = session.get(BulletinVersion, bulletin.approved_version_id) if bulletin.approved_version_id else None
    job = _job(session, bulletin)
    return {
        "b": bulletin, "version": version, "approved": approved, "job": job,
        "synthesizing": job is not None and job.state in ACTIVE_JOB_STATES and version.audio_sha256 is None,
        "targets": [(code, tree.by_code[code].name if code in tree.by_code else code, area_path(tree, code))
                    for code in service.targets_of(session, version.id)],
        "open": bulletin.status not in TERMINAL_STATUSES,
    }


def _page(request: Request, session: Session, tree: AreaTree, bulletin: Bulletin,
          error: str | None = None, notice: str | None = None) -> HTMLResponse:
    return render(request, "bulletins/detail.html",
                  {**_context(session, tree, bulletin), "error": error, "notice": notice})


@router.get("/ban-tin/{bulletin_id:int}", response_class=HTMLResponse)
def show(request: Request, bulletin_id: int, user: OfficerUser, session: SessionDep, tree: AreaTreeDep,
         da: str = "") -> HTMLResponse:
    notices = {"gui": "Đã gửi bản tin để lãnh đạo duyệt.", "luu": "Đã lưu bản tin.",
               "rut": "Đã rút bản tin: bản tin không còn được phát.", "ghi-am": "Đã tải bản ghi âm lên."}
    return _page(request, session, tree, _load(session, user, tree, bulletin_id), notice=notices.get(da))


@router.get("/ban-tin/{bulletin_id:int}/tien-do", response_class=HTMLResponse)
def progress(request: Request, bulletin_id: int, user: OfficerUser, session: SessionDep,
             tree: AreaTreeDep) -> HTMLResponse:
    """Polled by htmx while the audio is being made; the answer without polling ends it."""
    bulletin = _load(session, user, tree, bulletin_id)
    return render(request, "bulletins/_audio.html", _context(session, tree, bulletin))


@router.post("/ban-tin/{bulletin_id:int}/gui-duyet", dependencies=[CsrfChecked])
def submit(request: Request, bulletin_id: int, user: OfficerUser, session: SessionDep, tree: AreaTreeDep,
           runtime: RuntimeDep) -> Response:
    bulletin = _load(session, user, tree, bulletin_id)
    return _act(request, session, user, tree, bulletin, "gui", lambda: workflow.submit(
        session, user, bulletin, settings=runtime.settings, now=runtime.clock(), jobs=runtime.jobs))


@router.get("/ban-tin/{bulletin_id:int}/rut", response_class=HTMLResponse)
def confirm_withdraw(request: Request, bulletin_id: int, user: OfficerUser, session: SessionDep,
                     tree: AreaTreeDep) -> HTMLResponse:
    bulletin = _load(session, user, tree, bulletin_id)
    return render(request, "bulletins/withdraw.html", _context(session, tree, bulletin))


@router.post("/ban-tin/{bulletin_id:int}/rut", dependencies=[CsrfChecked])
def withdraw(request: Request, bulletin_id: int, user: OfficerUser, session: SessionDep, tree: AreaTreeDep,
             runtime: RuntimeDep) -> Response:
    bulletin = _load(session, user, tree, bulletin_id)

    def end() -> None:
        workflow.withdraw(session, user, bulletin, now=runtime.clock())
        if bulletin.approved_version_id is not None:
            on_air_changed(runtime, bulletin, ended=True)
    return _act(request, session, user, tree, bulletin, "rut", end)


def _act(request: Request, session: Session, user: User, tree: AreaTree, bulletin: Bulletin, done: str,
         action: Callable[[], object]) -> Response:
    """Run a workflow step; on a refusal show the page again with its Vietnamese message."""
    bulletin_id = bulletin.id
    assert bulletin_id is not None
    try:
        action()
    except LoaError as exc:
        session.rollback()
        return _page(request, session, tree, _load(session, user, tree, bulletin_id), error=exc.message)
    return RedirectResponse(f"/ban-tin/{bulletin_id}?da={done}", status_code=303)


@router.post("/ban-tin/{bulletin_id:int}/ghi-am", dependencies=[CsrfChecked])
async def upload(request: Request, bulletin_id: int, user: OfficerUser, session: SessionDep,
                 tree: AreaTreeDep, runtime: RuntimeDep) -> Response:
    bulletin = _load(session, user, tree, bulletin_id)
    form = await request.form()
    file, version = form.get("file"), form.get("version")
    try:
        if not isinstance(file, UploadFile) or not file.filename:
            raise Invalid("Chọn một tệp ghi âm để tải lên.", code="no_file")
        lock = int(version) if isinstance(version, str) and version.isdigit() and len(version) < 10 else None
        await run_in_threadpool(  # ffmpeg masters the recording: off the event loop
            service.upload_recording, session, runtime.settings, user, bulletin, file.file, file.filename,
            expected_version=lock, now=runtime.clock(),
        )
    except LoaError as exc:
        session.rollback()
        return _page(request, session, tree, _load(session, user, tree, bulletin_id), error=exc.message)
    finally:
        await form.close()  # the spooled upload file
    return RedirectResponse(f"/ban-tin/{bulletin_id}?da=ghi-am", status_code=303)


