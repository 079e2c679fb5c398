"""Drill-down of the airtime dashboard: one device's airings in a period (when exactly it aired
what, with outcome and reason) through ``services.airings``, as ``GET /api/v1/airings?device=``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from playlists.model import LOCAL_TZ
from server.deps import AreaTreeDep, RuntimeDep, SessionDep
from server.errors import LoaError
from server.models.users import User
from server.services.airings import AiringQuery, airings
from server.services.devices import get_device
from server.services.reports_query import bulletin_titles, check_access, parse_period, scope_of
from server.web.deps import console_roles
from server.web.templating import render

router = APIRouter(include_in_schema=False)
ReportUser = Annotated[User, Depends(console_roles("auditor", "approver", "admin", "officer"))]
PAGE_SIZE = 100


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


@router.get("/bao-cao/thiet-bi/{device_id}")
def device_airings(request: Request, device_id: str, user: ReportUser, runtime: RuntimeDep, session: SessionDep,
                   tree: AreaTreeDep, tu: str = "", den: str = "", sau: str = "") -> HTMLResponse:
    device = get_device(session, device_id[:64])
    check_access(tree, user.area_code, device.area_code)  # before anything of the device is shown
    today = runtime.clock().astimezone(LOCAL_TZ).date().isoformat()
    context: dict[str, Any] = {"device": device, "area": tree.by_code.get(device.area_code), "items": [],
                               "error": None, "next_url": None}
    try:
        start, end = parse_period(tu[:10] or den[:10] or today, den[:10] or tu[:10] or today)
        query = AiringQuery(scope_of(tree, device.area_code).codes, start, end, device.id, None,
                            sau[:400] or None, PAGE_SIZE)
        items, cursor = airings(runtime.engine, query, runtime.clock(), runtime.settings.asrun_grace)
    except LoaError as exc:
        context["error"] = exc.message
        return render(request, "reports/device_airings.html", context)
    titles = bulletin_titles(session, {i["bulletin_id"] for i in items})
    for item in items:
        item["title"] = titles.get(item["bulletin_id"])
        for key in ("planned_start", "actual_start", "actual_end"):
            item[key + "_at"] = _at(item[key])
    period = {"tu": start.isoformat(), "den": end.isoformat()}
    api = {"device": device.id, "from": start.isoformat(), "to": end.isoformat()}
    context.update(items=items, start=start, end=end, first_page=not sau,
                   next_url=f"{request.url.path}?{urlencode({**period, 'sau': cursor})}" if cursor else None,
                   back_url="/bao-cao?" + urlencode({"dia_ban": device.area_code, "ky": "tuy-chon",
                                                    "tu": start.strftime("%d/%m/%Y"),
                                                    "den": end.strftime("%d/%m/%Y")}),
                   csv_url="/api/v1/airings?" + urlencode({**api, "format": "csv", "limit": 1000}))
    return render(request, "reports/device_airings.html", context)
