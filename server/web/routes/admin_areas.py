"""Administrator: the area tree of the admin's scope (retired units shown under their successor)
and hamlets created, renamed and retired through ``services.area_admin`` (as ``/api/v1/areas``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from server.deps import AreaTreeDep, RuntimeDep, SessionDep
from server.errors import LoaError
from server.models.users import User
from server.services import area_admin
from server.services.areas import AreaInfo, AreaTree, load_tree
from server.web.deps import CsrfChecked, console_roles
from server.web.templating import render

router = APIRouter(include_in_schema=False)
AdminPageUser = Annotated[User, Depends(console_roles("admin"))]
MAX_ROWS = 3000


@dataclass
class Row:
    info: AreaInfo
    depth: int
    merged: list[AreaInfo] = field(default_factory=list)  # retired units that became this one


def tree_rows(tree: AreaTree, root: str) -> list[Row]:
    merged: dict[str, list[AreaInfo]] = {}
    for info in tree.by_code.values():
        if info.retired and info.successor_code:
            merged.setdefault(info.successor_code, []).append(info)
    rows: list[Row] = []

    def walk(code: str, depth: int) -> None:
        info = tree.get(code)
        if info.retired or len(rows) >= MAX_ROWS:
            return
        rows.append(Row(info, depth, sorted(merged.get(code, []), key=lambda a: a.name)))
        for child in sorted(tree.children.get(code, ()), key=lambda c: tree.get(c).name):
            walk(child, depth + 1)

    walk(root, 0)
    return rows


def _page(request: Request, user: User, tree: AreaTree, **extra: Any) -> HTMLResponse:
    rows = tree_rows(tree, user.area_code)
    context: dict[str, Any] = {
        "rows": rows, "errors": {}, "values": {},
        "parents": [(r.info.code, r.info.name + " (" + r.info.code + ")") for r in rows
                    if r.info.level in area_admin.PARENT_LEVELS],
        "hamlets": [(r.info.code, r.info.name + " (" + r.info.code + ")") for r in rows
                    if r.info.level in area_admin.EDITABLE_LEVELS],
        "labels": {"code": "Mã", "name": "Tên", "parent_code": "Thuộc", "successor_code": "Địa bàn tiếp nhận",
                   "new_name": "Tên mới"},
    }
    context.update(extra)
    return render(request, "admin/areas.html", context)


@router.get("/quan-tri/dia-ban")
def areas_page(request: Request, user: AdminPageUser, tree: AreaTreeDep) -> HTMLResponse:
    return _page(request, user, tree)


def _field_of(exc: LoaError, default: str) -> str:
    return {"bad_area_code": "code", "area_exists": "code", "bad_parent": "parent_code", "empty_text": "name",
            "bad_area_name": "name", "bad_successor": "successor_code"}.get(exc.code, default)


@router.post("/quan-tri/dia-ban", dependencies=[CsrfChecked])
async def create_from_form(request: Request, user: AdminPageUser, session: SessionDep, tree: AreaTreeDep,
                           runtime: RuntimeDep) -> HTMLResponse:
    form = await request.form()
    values = {k: str(form.get(k) or "")[:200] for k in ("code", "name", "parent_code")}
    try:
        area = area_admin.create_area(session, runtime.engine, user, tree, area_admin.AreaCreate(**values))
    except LoaError as exc:
        session.rollback()
        return _page(request, user, tree, errors={_field_of(exc, "parent_code"): exc.message}, values=values)
    return _page(request, user, load_tree(runtime.engine), notice=f"Đã tạo {area.name} ({area.code}).")


@router.post("/quan-tri/dia-ban/sua", dependencies=[CsrfChecked])
async def update_from_form(request: Request, user: AdminPageUser, session: SessionDep, tree: AreaTreeDep,
                           runtime: RuntimeDep) -> HTMLResponse:
    form = await request.form()
    values = {k: str(form.get(k) or "")[:200] for k in ("target", "new_name", "successor_code", "action")}
    retire = values["action"] == "retire"
    data = area_admin.AreaUpdate(name=None if retire else values["new_name"], retire=retire,
                                 successor_code=values["successor_code"] or None)
    try:
        area = area_admin.update_area(session, runtime.engine, user, tree, values["target"], data, runtime.clock())
    except LoaError as exc:
        session.rollback()
        name = "successor_code" if retire else "new_name"
        return _page(request, user, tree, errors={_field_of(exc, name) if retire else name: exc.message},
                     values=values)
    done = "Đã cho thôi hoạt động" if retire else "Đã đổi tên"
    return _page(request, user, load_tree(runtime.engine), notice=f"{done}: {area.name} ({area.code}).")
