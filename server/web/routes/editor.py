"""The bulletin editor: new (/ban-tin/moi), edit (/ban-tin/{id}/sua) and duplicate (?tu=id).

Saving goes through ``services.bulletins.create_draft`` / ``edit`` and, when asked, straight on to
``workflow.submit``: the same rules as the API. The live preview (htmx) also autosaves the form
as a server-side draft, so an expired session loses nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from playlists.model import LOCAL_TZ
from server.deps import AreaTreeDep, RuntimeDep, SessionDep
from server.errors import LoaError, NotFound
from server.models.bulletins import Bulletin, BulletinCreate, BulletinStatus, BulletinUpdate
from server.models.users import User
from server.services import bulletins as service
from server.services import drafts, workflow
from server.services.areas import AreaTree
from server.web import bulletin_form as bf
from server.web import draft_guard
from server.web.deps import CsrfChecked, OfficerUser
from server.web.labels import CATEGORY_LABELS, PRIORITY_LABELS
from server.web.templating import render
from server.web.views import area_choices, slot_choices

router = APIRouter(include_in_schema=False)
NEW_KEY = "ban-tin-moi"


def draft_key(bulletin_id: int | None) -> str:
    return NEW_KEY if bulletin_id is None else f"ban-tin-{bulletin_id}"


def _saved_draft(session: Session, user: User, key: str) -> tuple[bf.BulletinForm, str] | None:
    try:
        draft = drafts.get_draft(session, user, key)
    except NotFound:
        return None
    return bf.BulletinForm.from_draft(draft.data), draft.updated_at.isoformat()


def _page(request: Request, session: Session, user: User, tree: AreaTree, form: bf.BulletinForm, *,
          bulletin: Bulletin | None, restored_at: str | None = None) -> HTMLResponse:
    return render(request, "bulletins/editor.html", {
        "form": form, "v": form.values, "errors": form.errors, "labels": bf.LABELS,
        "bulletin": bulletin, "areas": area_choices(tree, user.area_code),
        "draft_key": draft_key(bulletin.id if bulletin else None), "restored_at": restored_at,
        "form_id": draft_guard.form_id(form.form_id),
        "reapproval": bulletin is not None and bulletin.approved_version_id is not None,
        "priority_options": [(p.value, label.capitalize()) for p, label in PRIORITY_LABELS.items()],
        "category_options": [(c.value, label.capitalize()) for c, label in CATEGORY_LABELS.items()],
        "slots": slot_choices(session, tree, user.area_code),
    })


def _editable(session: Session, user: User, tree: AreaTree, bulletin_id: int) -> Bulletin:
    bulletin = service.get_bulletin(session, bulletin_id)
    service.ensure_visible(user, tree, bulletin)
    return bulletin


@router.get("/ban-tin/moi", response_class=HTMLResponse)
def new_bulletin(request: Request, user: OfficerUser, session: SessionDep, tree: AreaTreeDep,
                 runtime: RuntimeDep, tu: Annotated[int | None, Query(ge=1)] = None) -> HTMLResponse:
    now = runtime.clock()
    if tu is not None:  # "duplicate": a past bulletin's content, fresh dates
        source = _editable(session, user, tree, tu)
        version = service.current_version(session, source)
        copy = bf.duplicate_of(version, service.targets_of(session, version.id), now)
        return _page(request, session, user, tree, copy, bulletin=None)
    saved = _saved_draft(session, user, NEW_KEY)
    if saved is not None:
        return _page(request, session, user, tree, saved[0], bulletin=None, restored_at=saved[1])
    return _page(request, session, user, tree, bf.defaults(now, user.area_code), bulletin=None)


@router.get("/ban-tin/{bulletin_id:int}/sua", response_class=HTMLResponse)
def edit_bulletin(request: Request, bulletin_id: int, user: OfficerUser, session: SessionDep,
                  tree: AreaTreeDep) -> HTMLResponse:
    bulletin = _editable(session, user, tree, bulletin_id)
    saved = _saved_draft(session, user, draft_key(bulletin_id))
    if saved is not None:
        return _page(request, session, user, tree, saved[0], bulletin=bulletin, restored_at=saved[1])
    version = service.current_version(session, bulletin)
    return _page(request, session, user, tree, bf.from_version(version, service.targets_of(session, version.id)),
                 bulletin=bulletin)


def _save(request: Request, user: User, session: Session, tree: AreaTree, runtime: RuntimeDep,
          form: bf.BulletinForm, bulletin: Bulletin | None, *, submit: bool, lock: int = 0) -> Response:
    content = bf.typed_content(form)
    if content is None:
        return _page(request, session, user, tree, form, bulletin=bulletin)
    now = runtime.clock()
    try:
        if bulletin is None:
            bulletin = service.create_draft(session, user, tree, BulletinCreate(**content, targets=form.targets),
                                            now=now, tz=LOCAL_TZ)
            key = NEW_KEY
        else:
            key = draft_key(bulletin.id)
            update = BulletinUpdate(**content, targets=form.targets, version=lock)
            service.edit(session, user, tree, bulletin, update, now=now, tz=LOCAL_TZ)
        if submit and bulletin.status == BulletinStatus.draft:
            workflow.submit(session, user, bulletin, settings=runtime.settings, now=runtime.clock(),
                            jobs=runtime.jobs)
    except LoaError as exc:
        session.rollback()
        bf.place_error(form, exc)
        return _page(request, session, user, tree, form, bulletin=bulletin if bulletin and bulletin.id else None)
    draft_guard.mark_saved(session, user, key, form.form_id, runtime.clock())
    done = "gui" if submit and bulletin.status == BulletinStatus.submitted else "luu"
    return RedirectResponse(f"/ban-tin/{bulletin.id}?da={done}", status_code=303)


@router.post("/ban-tin/moi", dependencies=[CsrfChecked])
async def create_bulletin(request: Request, user: OfficerUser, session: SessionDep, tree: AreaTreeDep,
                          runtime: RuntimeDep) -> Response:
    data = await request.form()
    form = bf.read_form(data)
    return _save(request, user, session, tree, runtime, form, None, submit=data.get("action") == "submit")


@router.post("/ban-tin/{bulletin_id:int}/sua", dependencies=[CsrfChecked])
async def save_bulletin(request: Request, bulletin_id: int, user: OfficerUser, session: SessionDep,
                        tree: AreaTreeDep, runtime: RuntimeDep) -> Response:
    bulletin = _editable(session, user, tree, bulletin_id)
    data = await request.form()
    form = bf.read_form(data)
    lock = data.get("version")
    return _save(request, user, session, tree, runtime, form, bulletin, submit=data.get("action") == "submit",
                 lock=int(lock) if isinstance(lock, str) and lock.isdigit() and len(lock) < 10 else 0)


@router.post("/ban-tin/nhap/xoa", dependencies=[CsrfChecked])
async def discard_draft(request: Request, user: OfficerUser, session: SessionDep) -> Response:
    data = await request.form()
    key = data.get("draft_key")
    key = key if isinstance(key, str) else NEW_KEY
    drafts.delete_draft(session, user, key)
    number = key.removeprefix("ban-tin-")
    back = f"/ban-tin/{number}/sua" if number.isdigit() else "/ban-tin/moi"
    return RedirectResponse(back, status_code=303)
