"""The officer's bulletin list (/ban-tin): status filter, diacritics-blind search, newest first, pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from server.deps import AreaTreeDep, SessionDep
from server.models.bulletins import BulletinStatus, Category, Priority
from server.services import bulletins as service
from server.web.deps import OfficerUser
from server.web.templating import render
from server.web.views import bulletin_rows

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20


@router.get("/ban-tin", response_class=HTMLResponse)
def bulletin_list(
    request: Request, user: OfficerUser, session: SessionDep, tree: AreaTreeDep,
    trang_thai: Annotated[str, Query(max_length=16)] = "",
    linh_vuc: Annotated[str, Query(max_length=16)] = "",
    muc: Annotated[str, Query(max_length=16)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    trang: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    # Unknown filter values (an edited URL) mean "all", like an empty select.
    status = trang_thai if trang_thai in BulletinStatus.__members__ else ""
    category = linh_vuc if linh_vuc in Category.__members__ else ""
    priority = muc if muc in Priority.__members__ else ""
    found = service.list_bulletins(session, user, tree, status=status or None, category=category or None,
                                   priority=priority or None, q=q or None,
                                   limit=PAGE_SIZE + 1, offset=(trang - 1) * PAGE_SIZE)
    rows = bulletin_rows(session, tree, found[:PAGE_SIZE])
    return render(request, "bulletins/list.html", {
        "rows": rows, "status": status, "category": category, "priority": priority, "q": q,
        "page": trang, "has_next": len(found) > PAGE_SIZE,
    })
