"""The console's landing page: each role's home, or a Vietnamese overview of what the role may do."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from server.deps import AreaTreeDep
from server.web.deps import ConsoleUser
from server.web.nav import home_for
from server.web.templating import render, route_paths

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, user: ConsoleUser, tree: AreaTreeDep) -> Response:
    target = home_for(user.role, route_paths(request))
    if target is not None:
        return RedirectResponse(target, status_code=303)
    return render(request, "home.html", {"area_name": tree.get(user.area_code).name})
