"""Administrator: devices of the admin's area (state, last heartbeat), enrolment with a one-time
credentials sheet, credential rotation and revocation (``services.device_admin``, as the API)."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy import func, or_
from sqlmodel import col, select

from server.deps import AreaTreeDep, RuntimeDep, SessionDep
from server.errors import LoaError
from server.models.devices import Device
from server.models.users import User
from server.services import device_admin
from server.services.areas import AreaTree
from server.web.deps import CsrfChecked, console_roles
from server.web.templating import render

router = APIRouter(include_in_schema=False)
AdminPageUser = Annotated[User, Depends(console_roles("admin"))]
PAGE_SIZE = 100  # a province has thousands of devices: page them and let the admin search
LABELS = {"kind": "Loại thiết bị", "area_code": "Địa bàn lắp đặt", "name": "Tên gọi (không bắt buộc)"}


def _areas(tree: AreaTree, root: str) -> list[tuple[str, str]]:
    out = []
    for code in tree.descendants(root):
        info = tree.get(code)
        if not info.retired and info.level in ("commune", "hamlet"):
            out.append((code, ", ".join(tree.get(c).name for c in tree.ancestors(code)[:-1])))
    return out


def _page(request: Request, user: User, session: Any, tree: AreaTree, runtime: Any, *, page: int = 1,
          search: str = "", **extra: Any) -> HTMLResponse:
    query = select(Device).where(col(Device.area_code).in_(tree.descendants(user.area_code)))
    if search:
        query = query.where(or_(col(Device.id).icontains(search, autoescape=True),
                                col(Device.name).icontains(search, autoescape=True)))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    devices = session.exec(query.order_by(Device.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    names = {code: tree.get(code).name for code in {d.area_code for d in devices}}
    context = {"devices": devices, "names": names, "total": total, "page": page, "pages": pages, "search": search,
               "areas": _areas(tree, user.area_code), "errors": {},
               "values": {"kind": "speaker", "area_code": "", "name": ""}, "labels": LABELS,
               "token_allowed": runtime.settings.allow_enrolment_token,
               "token_exists": runtime.settings.enrolment_token_path.is_file()}
    context.update(extra)
    return render(request, "admin/devices.html", context)


def _sheet(request: Request, creds: dict[str, Any], action: str) -> HTMLResponse:
    raw = json.dumps(creds, ensure_ascii=False, indent=2)
    data_url = "data:application/json;base64," + base64.b64encode(raw.encode()).decode()
    response = render(request, "admin/credentials.html", {"creds": creds, "data_url": data_url, "action": action})
    response.headers["Cache-Control"] = "no-store"  # the password is shown once and never cached
    return response


@router.get("/quan-tri/thiet-bi")
def devices_page(request: Request, user: AdminPageUser, session: SessionDep, tree: AreaTreeDep,
                 runtime: RuntimeDep, trang: int = 1, tim: str = "") -> HTMLResponse:
    return _page(request, user, session, tree, runtime, page=min(max(trang, 1), 10**6), search=tim.strip()[:64])


@router.post("/quan-tri/thiet-bi", dependencies=[CsrfChecked])
async def enrol_from_form(request: Request, user: AdminPageUser, session: SessionDep, tree: AreaTreeDep,
                          runtime: RuntimeDep) -> HTMLResponse:
    form = await request.form()
    values = {k: str(form.get(k) or "")[:200] for k in ("kind", "area_code", "name")}
    errors: dict[str, str] = {}
    try:
        body = device_admin.DeviceEnrol(kind=values["kind"], area_code=values["area_code"] or None,
                                        name=values["name"])
    except ValidationError:
        errors["kind"] = "Chọn loa hoặc bảng điện tử."
    if not values["area_code"]:
        errors["area_code"] = "Chọn địa bàn lắp đặt."
    if not errors:
        try:
            creds = device_admin.enrol(runtime, session, tree, user, body)
        except LoaError as exc:
            session.rollback()
            errors["area_code"] = exc.message
        else:
            return _sheet(request, creds, "enrolled")
    return _page(request, user, session, tree, runtime, errors=errors, values=values)


@router.post("/quan-tri/thiet-bi/{device_id}/doi-mat-khau", dependencies=[CsrfChecked])
def rotate_from_form(device_id: str, request: Request, user: AdminPageUser, session: SessionDep,
                     tree: AreaTreeDep, runtime: RuntimeDep) -> HTMLResponse:
    return _sheet(request, device_admin.rotate(runtime, session, tree, user, device_id[:64]), "rotated")


@router.post("/quan-tri/thiet-bi/{device_id}/thu-hoi", dependencies=[CsrfChecked])
def revoke_from_form(device_id: str, request: Request, user: AdminPageUser, session: SessionDep,
                     tree: AreaTreeDep, runtime: RuntimeDep) -> HTMLResponse:
    device = device_admin.revoke(runtime, session, tree, user, device_id[:64])
    return _page(request, user, session, tree, runtime, notice=f"Đã thu hồi thiết bị {device.id}.")
