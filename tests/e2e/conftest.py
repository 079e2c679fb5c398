"""A real Loa server (uvicorn in a thread, managed Mosquitto on a free port, SQLite) whose
clock is the simulator's ManualClock, plus helpers to drive the workflow over HTTP."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import uvicorn

from firmware_sim.clock import ManualClock
from firmware_sim.env import DeviceOptions
from playlists.model import LOCAL_TZ
from server.app import create_app
from server.components import default_components
from server.runtime import Runtime, build_runtime
from server.services import areas as area_service
from server.settings import Settings
from tests.brokers import free_port, require_mosquitto, wait_until
from tests.factories import PASSWORD, add_users, seed_two_communes

USERS = [("mot.canbo", "officer", "W001"), ("mot.duyet", "approver", "W001"),
         ("kiemtra", "auditor", "P01"), ("quantri", "admin", "P01")]
TOKEN = "e2e-enrolment-token"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def quick_options(**overrides: Any) -> DeviceOptions:
    values: dict[str, Any] = {"asrun_flush_delay_s": 0.0, "asrun_flush_jitter_s": 0.0, "backoff_base_s": 0.2,
                              "jitter_s": 0.2, "http_check_s": None, "heartbeat_min_real_s": 0.0}
    return DeviceOptions(**(values | overrides))


@dataclass
class LiveServer:
    runtime: Runtime
    url: str
    clock: ManualClock
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def login(self) -> None:
        with self.http() as c:
            for username, *_ in USERS:
                r = c.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
                r.raise_for_status()
                self.headers[username] = {"Authorization": f"Bearer {r.json()['access_token']}"}

    def post(self, who: str, path: str, body: dict[str, Any] | None = None) -> Any:
        with self.http() as c:
            r = c.post(path, json=body, headers=self.headers[who])
        assert r.status_code in (200, 201), r.text
        return r.json()

    def session_slot(self, area: str, start: datetime, minutes: int, who: str = "quantri") -> Any:
        local = start.astimezone(LOCAL_TZ)
        return self.post(who, f"/api/v1/areas/{area}/slots", {
            "name": f"Phiên {local:%H%M%S}", "start_local": local.strftime("%H:%M:%S"),
            "duration_s": minutes * 60, "rrule": None, "dtstart": local.date().isoformat(), "template": ["commune"]})

    def compile(self) -> Any:
        return self.runtime.scheduler.compile_now()


@pytest.fixture
def live(tmp_path: Path, sqlite_template: Path) -> Iterator[LiveServer]:
    require_mosquitto()
    data_dir = tmp_path / "server"
    data_dir.mkdir()
    shutil.copy(sqlite_template, data_dir / "loa.db")
    port = free_port()
    settings = Settings(data_dir=data_dir, port=port, broker_port=free_port(), broker_kind="mosquitto",
                        tts_engines="espeak", public_url=f"http://127.0.0.1:{port}")
    settings.enrolment_token_path.write_text(TOKEN)
    # A little behind real now: tokens the server issues on this clock are never "from the future".
    clock = ManualClock(datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=5))
    runtime = build_runtime(settings, default_components(settings))
    runtime.clock = clock.now
    seed_two_communes(runtime.engine)
    add_users(runtime.engine, USERS)
    server = uvicorn.Server(uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="e2e-server", daemon=True)
    thread.start()
    try:
        assert wait_until(lambda: server.started, 30), "server did not start"
        live = LiveServer(runtime, f"http://127.0.0.1:{port}", clock)
        live.login()
        yield live
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        area_service.invalidate(runtime.engine)
        runtime.engine.dispose()


def bulletin(title: str, start: datetime, **overrides: Any) -> dict[str, Any]:
    body = {"title": title, "body": f"{title}. Ủy ban nhân dân xã thông báo tới toàn thể bà con.",
            "board_text": title, "category": "notice", "priority": "normal", "targets": ["W001"],
            "valid_from": (start - timedelta(minutes=5)).isoformat(),
            "valid_until": (start + timedelta(days=5)).isoformat(), "repeats_per_day": 1}
    body.update(overrides)
    return body
