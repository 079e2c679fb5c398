"""The FastAPI application: routers, error handlers and the lifespan that owns resources."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

import server.routes as routes_pkg
from devices.protocol import MAX_ASRUN_BATCH_BYTES
from server.auth.ratelimit import LoginRateLimiter
from server.body_limit import MULTIPART_SLACK, BodyLimit
from server.errors import install_handlers
from server.runtime import Runtime
from server.services.bulletins import MAX_RECORDING_BYTES
from server.web.console import install_console

log = logging.getLogger(__name__)


def body_limits() -> list[tuple[str, str, int]]:
    """Routes that take more than a JSON document; every other body stops at 1 MiB."""
    return [
        ("POST", r"/api/v1/bulletins/\d+/audio", MAX_RECORDING_BYTES + MULTIPART_SLACK),
        ("POST", r"/ban-tin/\d+/ghi-am", MAX_RECORDING_BYTES + MULTIPART_SLACK),  # console upload
        ("POST", r"/api/v1/devices/[^/]+/asrun", MAX_ASRUN_BATCH_BYTES),
    ]


def create_app(runtime: Runtime, *, start_runtime: bool = True) -> FastAPI:
    """Build the app around a runtime; the lifespan starts and stops it (scheduler, broker…)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if start_runtime:
            runtime.start()
        try:
            yield
        finally:
            if start_runtime:
                runtime.stop()

    app = FastAPI(
        title="Loa",
        description="Lập lịch và phát bản tin cho cụm loa truyền thanh và bảng điện tử cấp xã.",
        version="0.1.0",
        lifespan=lifespan,
        # /docs is served from vendored Swagger UI files (server/web/routes/api_docs.py); no ReDoc.
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.login_limiter = LoginRateLimiter()
    install_handlers(app)
    app.add_middleware(BodyLimit, limits=body_limits())
    for info in sorted(pkgutil.iter_modules(routes_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{routes_pkg.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if router is not None:
            app.include_router(router)
    install_console(app)
    return app
