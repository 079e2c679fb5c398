"""A real console server for browser tests: uvicorn in a thread, on a free port, over a temp data dir."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from server.app import create_app
from server.db import migrate
from server.runtime import Runtime, build_runtime
from server.services import areas as area_service
from server.settings import Settings
from tests.factories import add_users, seed_two_communes

# Signed-in roles of the browser tests (password: tests.factories.PASSWORD).
USERS = [
    ("officer", "officer", "W001"),
    ("approver", "approver", "W001"),
    ("auditor", "auditor", "P01"),
    ("admin", "admin", "P01"),
]


@dataclass
class LiveServer:
    url: str
    runtime: Runtime


class _Server(uvicorn.Server):
    """Tells the test when it accepts connections instead of the test polling for it."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(data_dir: Path) -> Iterator[LiveServer]:
    data_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    settings = Settings(data_dir=data_dir, host="127.0.0.1", port=port, tts_engines="espeak")
    migrate(settings.db_url)
    runtime = build_runtime(settings)
    seed_two_communes(runtime.engine)
    add_users(runtime.engine, USERS)
    # The lifespan starts the job runner (synthesis) but no broker: nothing here needs devices.
    app = create_app(runtime)
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="live-console", daemon=True)
    thread.start()
    if not server.ready.wait(30):
        raise RuntimeError("the console server did not start within 30 s")
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", runtime=runtime)
    finally:
        server.should_exit = True
        thread.join(30)
        area_service.invalidate(runtime.engine)
        runtime.engine.dispose()
