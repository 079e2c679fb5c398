"""Slots of an area (`/lich-phat/phien`): own and inherited slots with their relays (read-only),
and a form for officers to add a slot. Creation goes through the API's slot route function, so
validation (times, recurrence, overlaps) is the API's own."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from playlists.model import LOCAL_TZ
from server.deps import AreaTreeDep, RuntimeDep, SessionDep, ensure_in_scope
from server.errors import LoaError, NotFound
from server.models.schedule import Slot
from server.models.users import User
from server.routes.slots import create_slot, edit_slot, list_slots
from server.web.deps import CsrfChecked, console_roles
from server.web.templating import render
from server.web.viewmodels.slots import BYDAY, FIELD_LABELS, describe_rrule, form_values, slot_input, slot_patch
from server.web.views import area_choices, area_path

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Query(max_length=64)]  # codes, dates and hashes in the query string
SchedulePage = Annotated[User, Depends(console_roles("officer", "approver"))]
Text = Annotated[str, Form(max_length=64)]


def _page(request: Request, user: User, session: SessionDep, tree: AreaTreeDep, code: str, *,
          values: dict[str, Any], errors: dict[str, str] | None = None) -> Response:
    slots = list_slots(code, session, user, tree)
    for s in slots:
        s["when"] = describe_rrule(s["rrule"], s["dtstart"])
        s["owner_path"] = area_path(tree, s["area_code"])
    return render(request, "lich_phien.html", {
        "areas": area_choices(tree, user.area_code), "area": code, "area_path": area_path(tree, code),
        "slots": slots, "values": values, "errors": errors or {}, "labels": FIELD_LABELS, "byday": BYDAY,
    })


def _defaults(today: date) -> dict[str, Any]:
    return {"name": "", "start_local": "06:00", "minutes": "30", "days": ["MO", "TU", "WE", "TH", "FR", "SA"],
            "dtstart": today.strftime("%d/%m/%Y"), "until": ""}


@router.get("/lich-phat/phien")
def slots_page(request: Request, user: SchedulePage, session: SessionDep, runtime: RuntimeDep,
               tree: AreaTreeDep, dia_ban: Short = "") -> Response:
    code = dia_ban or user.area_code
    ensure_in_scope(user, tree, code)
    return _page(request, user, session, tree, code,
                 values=_defaults(runtime.clock().astimezone(LOCAL_TZ).date()))


@router.post("/lich-phat/phien", dependencies=[CsrfChecked])
async def add_slot(request: Request, user: SchedulePage, session: SessionDep, runtime: RuntimeDep,
                   tree: AreaTreeDep, dia_ban: Text = "", name: Text = "", start_local: Text = "",
                   minutes: Text = "", dtstart: Text = "", until: Text = "") -> Response:
    form = await request.form()
    days = [str(d) for d in form.getlist("days")][:7]
    values = {"name": name, "start_local": start_local, "minutes": minutes, "days": days,
              "dtstart": dtstart, "until": until}
    code = dia_ban or user.area_code
    ensure_in_scope(user, tree, code)
    body, errors = slot_input(values)
    if body is None:
        return _page(request, user, session, tree, code, values=values, errors=errors)
    try:
        create_slot(code, body, session, user, tree, runtime)
    except LoaError as exc:
        session.rollback()
        return _page(request, user, session, tree, code, values=values, errors={"name": exc.message})
    return RedirectResponse(f"/lich-phat/phien?dia_ban={code}&da-them=1", status_code=303)




def _own_slot(session: SessionDep, user: User, tree: AreaTreeDep, slot_id: int) -> dict[str, Any]:
    row = session.get(Slot, slot_id)
    if row is None:
        raise NotFound("Không tìm thấy phiên phát.", code="slot_not_found")
    ensure_in_scope(user, tree, row.area_code)  # a slot of a higher level is read-only here
    return next(s for s in list_slots(row.area_code, session, user, tree) if s["id"] == slot_id)


def _edit_page(request: Request, slot: dict[str, Any], tree: AreaTreeDep, values: dict[str, Any] | None,
               errors: dict[str, str] | None = None) -> Response:
    return render(request, "lich_phien_sua.html", {
        "slot": slot, "values": values, "errors": errors or {}, "labels": FIELD_LABELS, "byday": BYDAY,
        "area_path": area_path(tree, slot["area_code"]),
    })


@router.get("/lich-phat/phien/{slot_id}/sua")
def edit_form(request: Request, slot_id: int, user: SchedulePage, session: SessionDep,
              tree: AreaTreeDep) -> Response:
    slot = _own_slot(session, user, tree, slot_id)
    return _edit_page(request, slot, tree, form_values(slot))


@router.post("/lich-phat/phien/{slot_id}/sua", dependencies=[CsrfChecked])
async def edit(request: Request, slot_id: int, user: SchedulePage, session: SessionDep, runtime: RuntimeDep,
               tree: AreaTreeDep, name: Text = "", start_local: Text = "", minutes: Text = "", dtstart: Text = "",
               until: Text = "", enabled: Text = "") -> Response:
    slot = _own_slot(session, user, tree, slot_id)
    form = await request.form()
    values = {"name": name, "start_local": start_local, "minutes": minutes, "dtstart": dtstart, "until": until,
              "days": [str(d) for d in form.getlist("days")][:7], "enabled": bool(enabled)}
    body, errors = slot_patch(values)
    if body is None:
        return _edit_page(request, slot, tree, values, errors)
    try:
        edit_slot(slot_id, body, session, user, tree, runtime)
    except LoaError as exc:
        session.rollback()
        return _edit_page(request, slot, tree, values, {"name": exc.message})
    return RedirectResponse(f"/lich-phat/phien?dia_ban={slot['area_code']}&da-sua=1", status_code=303)
