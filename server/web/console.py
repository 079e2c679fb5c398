"""Mounting the console on the app: static files, page routers, and HTML answers for page errors."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

import server.web.routes as pages_pkg
from server.errors import LoaError
from server.web.deps import SignInRequired
from server.web.templating import render

STATIC_DIR = Path(__file__).parent / "static"
# Paths answered by the JSON API (and devices): their errors stay JSON.
API_PREFIXES = ("/api/", "/media/", "/healthz", "/openapi.json")


def install_console(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # The console's page paths: navigation links and role homes show only pages that exist.
    app.state.console_paths = set()
    for info in sorted(pkgutil.iter_modules(pages_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{pages_pkg.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if router is not None:
            app.include_router(router)
            # "/ban-tin/{bulletin_id:int}" is listed as "/ban-tin/{bulletin_id}" (converters are details).
            app.state.console_paths.update(re.sub(r":\w+}", "}", getattr(route, "path", "")) for route in router.routes)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        if request.headers.get("HX-Request"):
            # htmx would swap a redirect's page into a fragment; make the browser navigate instead.
            return Response(status_code=204, headers={"HX-Redirect": exc.login_url})
        return RedirectResponse(exc.login_url, status_code=303)

    @app.exception_handler(LoaError)
    async def _loa_error(request: Request, exc: LoaError) -> Response:
        if request.url.path.startswith(API_PREFIXES):
            return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail()})
        return render(request, "error.html", {"error": exc}, status_code=exc.status_code)
