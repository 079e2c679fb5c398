"""`loa serve`: API + web + scheduler + managed broker."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from playlists.model import LOCAL_TZ
from server.cli._common import add_command

log = logging.getLogger("loa.serve")


def register(sub: Any) -> None:
    parser = add_command(sub, "serve", "chạy máy chủ (API, web, lập lịch, broker)")
    parser.add_argument("--host", default=None, help="địa chỉ lắng nghe (mặc định 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="cổng (mặc định 8000)")
    parser.add_argument("--role", choices=("all", "api", "scheduler"), default="all",
                        help="all: API và có thể dẫn lập lịch (mặc định); api: chỉ API; scheduler: dẫn lập lịch")
    parser.set_defaults(func=_serve)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from server.app import create_app
    from server.bootstrap import configure_logging, prepare
    from server.components import default_components
    from server.runtime import build_runtime
    from server.settings import get_settings

    settings = get_settings()
    updates = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    if updates:
        settings = settings.model_copy(update=updates)
    configure_logging(settings.log_level)
    engine = prepare(settings)
    runtime = build_runtime(settings, default_components(settings), role=args.role)
    if settings.demo_marker.exists():
        from server.services.demo_schedule import add_startup_session

        at = add_startup_session(engine, runtime.clock(), LOCAL_TZ)
        print(f"Chế độ demo: phiên phát thử bắt đầu lúc {at} (giờ Việt Nam). "
              "Tài khoản mẫu: xem `loa demo`; mật khẩu chung demo-loa-2026.")
    app = create_app(runtime)
    log.info("Loa listening on http://%s:%s (docs at /docs)", settings.host, settings.port)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level.lower())
    return 0
