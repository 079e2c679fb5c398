"""Emergencies (`/khan-cap`): pick a saved template, confirm what will happen and to how many
speakers, send it in one step (create + approve, approvers only, as the API allows), then watch
devices start it live. Rules stay in ``workflow.create_emergency``/``cancel``."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from server.deps import AreaTreeDep, RuntimeDep, SessionDep
from server.errors import LoaError, NotFound
from server.models.bulletins import BulletinCreate, Category, Priority
from server.models.console import EmergencyTemplate
from server.models.users import User
from server.routes.bulletins import on_air_changed
from server.services import bulletins as bulletin_service
from server.services import emergency_templates as template_service
from server.services import workflow
from server.services.bulletin_fields import TEXT_FIELDS
from server.web.deps import CsrfChecked, console_roles
from server.web.templating import render
from server.web.viewmodels.emergency import EmergencyView, active_emergencies, delivery_view, reach
from server.web.views import area_choices, area_path

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Query(max_length=64)]  # codes, dates and hashes in the query string
ApproverPage = Annotated[User, Depends(console_roles("approver"))]
MAX_HOURS = template_service.MAX_VALIDITY_HOURS
FIELD_LABELS = {"title": "Tiêu đề", "body": "Nội dung đọc", "board_text": "Chữ trên bảng điện tử",
                "target": "Nơi phát", "hours": "Thời gian hiệu lực"}
REPEAT_NOTE = "Phát ngay, sau đó nhắc lại mỗi 2 giờ cho tới khi hết hiệu lực hoặc khi bạn kết thúc."


def templates_for(session: SessionDep, tree: AreaTreeDep, user: User) -> list[EmergencyTemplate]:
    """Saved templates of the approver's area chain; the built-ins exist everywhere, even on a
    server that was never seeded by ``loa demo``."""
    found = template_service.visible_templates(session, tree, user.area_code)
    if not any(t.area_code is None for t in found) and template_service.ensure_builtins(session):
        session.commit()
        found = template_service.visible_templates(session, tree, user.area_code)
    return found


def _template(session: SessionDep, tree: AreaTreeDep, user: User, mau: str) -> EmergencyTemplate | None:
    if not mau.isdigit() or len(mau) > 12:
        return None
    try:
        return template_service.get_template(session, tree, user, int(mau))
    except LoaError:
        return None


@router.get("/khan-cap")
def start(request: Request, user: ApproverPage, session: SessionDep, runtime: RuntimeDep,
          tree: AreaTreeDep) -> Response:
    return render(request, "khan_cap.html", {
        "templates": templates_for(session, tree, user),
        "active": active_emergencies(session, user, tree, runtime.clock()),
    })


def _form(request: Request, session: SessionDep, tree: AreaTreeDep, user: User, values: dict[str, str],
          errors: dict[str, str] | None = None) -> Response:
    target = values.get("target") or user.area_code
    return render(request, "khan_cap_xac_nhan.html", {
        "values": values, "errors": errors or {}, "labels": FIELD_LABELS, "repeat_note": REPEAT_NOTE,
        "areas": area_choices(tree, user.area_code), "target": target, "max_hours": MAX_HOURS,
        "reach": reach(session, tree, [target] if target in tree.by_code else []),
        "target_path": area_path(tree, target) if target in tree.by_code else target,
    })


@router.get("/khan-cap/moi")
def confirm(request: Request, user: ApproverPage, session: SessionDep, tree: AreaTreeDep,
            mau: Short = "") -> Response:
    """The confirmation screen, pre-filled from a template: one more tap sends it."""
    template = _template(session, tree, user, mau)
    values = {"title": "", "body": "", "board_text": "", "category": "disaster", "hours": "24", "template": ""}
    if template is not None:
        values.update(title=template.title, body=template.body, board_text=template.board_text,
                      category=template.category, hours=str(template.validity_hours), template=mau)
    return _form(request, session, tree, user, values)


@router.get("/khan-cap/pham-vi")
def reach_fragment(request: Request, user: ApproverPage, session: SessionDep, tree: AreaTreeDep,
                   target: Short = "") -> Response:
    """htmx: the speaker count for another chosen area (only areas of the approver's scope)."""
    code = target if target in tree.by_code and tree.is_within(target, user.area_code) else user.area_code
    return render(request, "_khan_cap_pham_vi.html", {
        "reach": reach(session, tree, [code]), "target_path": area_path(tree, code)})


def _hours(text: str) -> int | None:
    try:
        hours = int(text)
    except ValueError:
        return None
    return hours if 1 <= hours <= MAX_HOURS else None


def _field_of(exc: LoaError) -> str | None:
    for name, (_max, label) in TEXT_FIELDS.items():
        if exc.message.startswith(label):
            return name
    return "target" if exc.code in ("out_of_scope", "area_not_found", "bad_targets") else None


@router.post("/khan-cap/phat", dependencies=[CsrfChecked])
def send(request: Request, user: ApproverPage, session: SessionDep, runtime: RuntimeDep, tree: AreaTreeDep,
         title: Annotated[str, Form(max_length=400)] = "", body: Annotated[str, Form(max_length=10_000)] = "",
         board_text: Annotated[str, Form(max_length=600)] = "", category: Annotated[str, Form(max_length=16)] = "",
         target: Annotated[str, Form(max_length=64)] = "", hours: Annotated[str, Form(max_length=8)] = "",
         template: Annotated[str, Form(max_length=32)] = "") -> Response:
    values = {"title": title, "body": body, "board_text": board_text, "category": category or "disaster",
              "target": target, "hours": hours, "template": template}
    valid_hours = _hours(hours)
    if valid_hours is None:
        return _form(request, session, tree, user, values,
                     errors={"hours": f"Nhập số giờ hiệu lực từ 1 đến {MAX_HOURS}."})
    now = runtime.clock()
    try:
        data = BulletinCreate(
            title=title, body=body, board_text=board_text, priority=Priority.emergency,
            category=Category(values["category"]) if values["category"] in set(Category) else Category.disaster,
            valid_from=now, valid_until=now + timedelta(hours=valid_hours), targets=[target or user.area_code],
            reads_per_play=2, approve=True,  # read twice, as the templates' prefill does
        )
        bulletin = workflow.create_emergency(session, user, tree, data, settings=runtime.settings, now=now)
    except ValidationError:
        return _form(request, session, tree, user, values,
                     errors={"title": "Thông tin bản tin khẩn cấp không hợp lệ; hãy kiểm tra lại."})
    except LoaError as exc:
        session.rollback()
        field = _field_of(exc)
        if field is None:
            return _form(request, session, tree, user, values,
                         errors={"title": exc.message})
        return _form(request, session, tree, user, values, errors={field: exc.message})
    on_air_changed(runtime, bulletin, ended=False)
    return RedirectResponse(f"/khan-cap/{bulletin.id}", status_code=303)


def _emergency(session: SessionDep, user: User, tree: AreaTreeDep, bulletin_id: int) -> EmergencyView:
    bulletin = bulletin_service.get_bulletin(session, bulletin_id)
    bulletin_service.ensure_visible(user, tree, bulletin)
    if bulletin.priority != Priority.emergency:
        raise NotFound("Không tìm thấy bản tin khẩn cấp này.", code="not_emergency")
    version = bulletin_service.current_version(session, bulletin)
    codes = bulletin_service.targets_of(session, version.id)
    return EmergencyView(bulletin, version, [area_path(tree, c) for c in codes], codes)


def _status_context(session: SessionDep, user: User, tree: AreaTreeDep, bulletin_id: int) -> dict[str, object]:
    view = _emergency(session, user, tree, bulletin_id)
    return {"e": view, "delivery": delivery_view(session, tree, view)}


@router.get("/khan-cap/{bulletin_id}")
def status_page(request: Request, bulletin_id: int, user: ApproverPage, session: SessionDep,
                tree: AreaTreeDep) -> Response:
    return render(request, "khan_cap_trang_thai.html", _status_context(session, user, tree, bulletin_id))


@router.get("/khan-cap/{bulletin_id}/trang-thai")
def status_fragment(request: Request, bulletin_id: int, user: ApproverPage, session: SessionDep,
                    tree: AreaTreeDep) -> Response:
    """htmx polls this every few seconds: devices that started the alert / devices targeted."""
    return render(request, "_khan_cap_giao.html", _status_context(session, user, tree, bulletin_id))


@router.post("/khan-cap/{bulletin_id}/ket-thuc", dependencies=[CsrfChecked])
def end(request: Request, bulletin_id: int, user: ApproverPage, session: SessionDep, runtime: RuntimeDep,
        tree: AreaTreeDep) -> Response:
    bulletin = _emergency(session, user, tree, bulletin_id).bulletin
    workflow.cancel(session, user, bulletin, now=runtime.clock())
    on_air_changed(runtime, bulletin, ended=True)
    return RedirectResponse(f"/khan-cap/{bulletin_id}", status_code=303)
