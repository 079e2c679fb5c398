"""Pronunciation lexicon of an area: officers and approvers of the area add and remove entries
through ``services.lexicon`` (as ``/api/v1/areas/{code}/lexicon``); administrators may look."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from server.deps import AreaTreeDep, RuntimeDep, SessionDep, ensure_in_scope
from server.errors import LoaError
from server.models.users import User
from server.services import lexicon as service
from server.services.areas import AreaTree
from server.services.synthesis import resynthesize
from server.web.deps import CsrfChecked, console_roles
from server.web.routes.admin_areas import tree_rows
from server.web.templating import render
from tts.normalize.lexicon import READING_MAX, TERM_MAX

router = APIRouter(include_in_schema=False)
ViewerUser = Annotated[User, Depends(console_roles("officer", "approver", "admin"))]
EditorUser = Annotated[User, Depends(console_roles("officer", "approver"))]
LABELS = {"term": "Từ cần đọc", "reading": "Cách đọc", "area": "Địa bàn"}
_FIELD_OF = {"bad_lexicon_term": "term", "bad_lexicon_reading": "reading", "lexicon_full": "term",
             "lexicon_entry_not_found": "term"}


def _page(request: Request, user: User, session: SessionDep, tree: AreaTree, code: str,
          status_code: int = 200, **extra: Any) -> HTMLResponse:
    ensure_in_scope(user, tree, code)
    area = tree.get(code)
    context: dict[str, Any] = {
        "area": area, "entries": service.effective_entries(session, tree, area.code),
        "names": {code: tree.get(code).name for code in tree.ancestors(area.code)},
        "areas": [(r.info.code, f"{r.info.name} ({r.info.code})") for r in tree_rows(tree, user.area_code)],
        "can_edit": user.role in ("officer", "approver"), "errors": {}, "values": {}, "labels": LABELS,
        "term_max": TERM_MAX, "reading_max": READING_MAX,
    }
    context.update(extra)
    return render(request, "lexicon/index.html", context, status_code=status_code)


@router.get("/phat-am")
def lexicon_page(request: Request, user: ViewerUser, session: SessionDep, tree: AreaTreeDep,
                 area: str = "") -> HTMLResponse:
    return _page(request, user, session, tree, area[:64] or user.area_code)


@router.post("/phat-am", dependencies=[CsrfChecked])
async def add_from_form(request: Request, user: EditorUser, session: SessionDep, tree: AreaTreeDep,
                        runtime: RuntimeDep) -> HTMLResponse:
    form = await request.form()
    values = {k: str(form.get(k) or "")[:200] for k in ("area", "term", "reading")}
    code = values["area"][:64] or user.area_code
    ensure_in_scope(user, tree, code)
    try:
        entry, changes = service.add_entry(session, user, tree, code, values["term"], values["reading"])
        session.commit()
    except LoaError as exc:
        session.rollback()
        return _page(request, user, session, tree, code, status_code=200,
                     errors={_FIELD_OF.get(exc.code, "term"): exc.message}, values=values)
    resynthesize(session, changes, settings=runtime.settings, jobs=runtime.jobs, user_id=user.id)
    notice = f"Đã lưu: “{entry.term}” đọc là “{entry.reading}”."
    if changes:
        notice += f" {len(changes)} bản tin đang chờ duyệt sẽ được đọc lại."
    return _page(request, user, session, tree, code, notice=notice)


@router.post("/phat-am/xoa", dependencies=[CsrfChecked])
async def remove_from_form(request: Request, user: EditorUser, session: SessionDep, tree: AreaTreeDep,
                           runtime: RuntimeDep) -> HTMLResponse:
    form = await request.form()
    code = str(form.get("area") or "")[:64] or user.area_code
    term = str(form.get("term") or "")[: TERM_MAX * 4]
    ensure_in_scope(user, tree, code)
    try:
        changes = service.remove_entry(session, user, tree, code, term)
        session.commit()
    except LoaError as exc:
        session.rollback()
        return _page(request, user, session, tree, code, remove_error=exc.message)  # e.g. removed twice
    resynthesize(session, changes, settings=runtime.settings, jobs=runtime.jobs, user_id=user.id)
    return _page(request, user, session, tree, code, notice=f"Đã xóa mục phát âm “{term}”.")
