"""Notifications in the console: a badge in the layout that refreshes itself (htmx polls a tiny
fragment) and a page listing what needs attention (``server.services.notifications``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from server.deps import AreaTreeDep, RuntimeDep, SessionDep
from server.services import notifications
from server.web.deps import ConsoleUser
from server.web.templating import render, templates

router = APIRouter(include_in_schema=False)


@router.get("/thong-bao/huy-hieu")
def badge(request: Request, user: ConsoleUser, session: SessionDep, tree: AreaTreeDep) -> HTMLResponse:
    found = notifications.counts(session, user, tree)
    response = templates.TemplateResponse(request, "notifications/_badge.html", {"n": found})
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/thong-bao")
def notifications_page(request: Request, user: ConsoleUser, session: SessionDep, tree: AreaTreeDep,
                       runtime: RuntimeDep) -> HTMLResponse:
    found = notifications.details(session, user, tree, runtime.clock())
    names = {code: tree.get(code).name for code in {d.area_code for d in found.offline_devices}
             | {b.area_code for b in found.pending_bulletins}}
    return render(request, "notifications/page.html", {"n": found, "names": names})
