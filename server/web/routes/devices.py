"""Officers' devices page: every speaker and board of their area with its state
(``services.device_status``; the same scope as ``GET /api/v1/devices``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from server.deps import AreaTreeDep, RuntimeDep, SessionDep
from server.models.users import User
from server.services.device_status import OUTAGE_DAYS, device_rows
from server.web.deps import console_roles
from server.web.templating import render

router = APIRouter(include_in_schema=False)
StaffPageUser = Annotated[User, Depends(console_roles("officer", "approver", "admin"))]


@router.get("/thiet-bi")
def devices_page(request: Request, user: StaffPageUser, session: SessionDep, tree: AreaTreeDep,
                 runtime: RuntimeDep) -> HTMLResponse:
    rows = device_rows(session, tree, user.area_code, runtime.clock())
    return render(request, "devices.html", {"rows": rows, "days": OUTAGE_DAYS})
