"""A real Loa server in this process for the `fanout` and `reconnect` benches, and a fleet of
simulated speakers connected to it (DESIGN.md §5).

Setup is never timed: a fresh SQLite database in the data dir with one province, one commune
per 20 speakers and one hamlet per commune (inserted as rows), an officer and an approver (tokens
issued directly: argon2 logins are not what is measured), N speakers with one known broker
password, then ``loa serve``'s components (managed Mosquitto on a free port, manifest publisher,
scheduler, ingest…) behind uvicorn in a thread. The simulated devices run on this process's
asyncio loop with a ``WallClock``; they get their identities the way enrolment would give them
(server key, kid, broker URL), without 10,000 HTTP enrolments.

Waiting for "every device did X" polls only the devices that have not yet (every 5 ms), so the
measured end is within a few ms of the last device, not a ``Fleet.wait_for`` interval late.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlmodel import Session

from bench._setup import backend, free_port, insert_rows, prepare_empty, table
from devices.broker import hash_password_mosquitto
from firmware_sim.clock import WallClock
from firmware_sim.device import Device as SimDevice
from firmware_sim.env import DeviceOptions
from firmware_sim.fleet import Fleet
from firmware_sim.store import Identity
from server.app import create_app
from server.auth.tokens import issue_token
from server.components import default_components
from server.db import dispose_engines
from server.delivery.keys import signer_for
from server.models.areas import Area
from server.models.devices import Device
from server.runtime import Runtime, build_runtime
from server.services import areas as area_service
from server.services.users import create_user
from server.settings import Settings

PROVINCE = "P01"
SPEAKERS_PER_COMMUNE = 20
DEVICE_PASSWORD = "bench-device-password"
USER_PASSWORD = "bench-user-password-1"
START_TIMEOUT = 60.0


def commune_code(index: int) -> str:
    return f"W{index + 1:05d}"


def hamlet_code(index: int) -> str:
    return f"{commune_code(index)}-T01"


def seed_tree(runtime: Runtime, devices: int) -> list[tuple[str, str]]:
    """Province P01 → communes → one hamlet each; speakers on the hamlets, 20 per commune.
    Returns ``(device_id, hamlet)`` pairs."""
    communes = -(-devices // SPEAKERS_PER_COMMUNE)
    areas: list[dict[str, Any]] = [{"code": PROVINCE, "name": "Tỉnh Đo Thử", "level": "province", "parent_code": None}]
    for i in range(communes):
        areas.append({"code": commune_code(i), "name": f"Xã Đo Thử {i + 1}", "level": "commune",
                      "parent_code": PROVINCE})
        areas.append({"code": hamlet_code(i), "name": f"Thôn Một {i + 1}", "level": "hamlet",
                      "parent_code": commune_code(i)})
    insert_rows(runtime.engine, table(Area), areas)
    now = datetime.now(UTC)
    hashed = hash_password_mosquitto(DEVICE_PASSWORD)
    pairs = [(f"spk-{n:06d}", hamlet_code(n // SPEAKERS_PER_COMMUNE)) for n in range(devices)]
    insert_rows(runtime.engine, table(Device), [
        {"id": d, "kind": "speaker", "area_code": area, "name": "", "board_ascii": False,
         "password_hash": hashed, "status": "unknown", "created_at": now}
        for d, area in pairs
    ])
    area_service.invalidate(runtime.engine)
    return pairs


@dataclass
class LiveServer:
    runtime: Runtime
    url: str
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def broker_kind(self) -> str:
        broker = self.runtime.component("broker")
        managed = getattr(broker, "broker", None)
        return str(managed.kind) if managed is not None else "external"

    @property
    def backend(self) -> str:
        return backend(self.runtime.engine)

    def call(self, method: str, who: str, path: str, body: dict[str, Any] | None = None) -> Any:
        with httpx.Client(base_url=self.url, timeout=120) as client:
            response = client.request(method, path, json=body, headers=self.headers[who])
        if response.status_code not in (200, 201):
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return response.json()

    def add_users(self) -> None:
        """An officer and an approver for the whole province, with tokens issued directly."""
        rt = self.runtime
        with Session(rt.engine) as session:
            users = [create_user(session, name, USER_PASSWORD, role, PROVINCE)
                     for name, role in (("bench.canbo", "officer"), ("bench.duyet", "approver"))]
            session.commit()
            for user in users:
                session.refresh(user)
                assert user.id is not None
                token = issue_token(rt.jwt_secret, user.id, rt.settings.token_minutes, now=rt.clock())
                self.headers[user.username] = {"Authorization": f"Bearer {token}"}

    def identities(self, pairs: list[tuple[str, str]]) -> list[Identity]:
        signer = signer_for(self.runtime.settings.signing_key_path)
        url = self.runtime.settings.effective_mqtt_url
        device_url = url.split("://", 1)[0] + "://" + url.split("://", 1)[1].split("@")[-1]
        return [Identity(d, "speaker", area, device_url, DEVICE_PASSWORD, signer.public_key_b64, signer.kid)
                for d, area in pairs]


@contextmanager
def live_server(data_dir: Path, devices: int) -> Iterator[tuple[LiveServer, list[Identity]]]:
    """Seed, start the server (uvicorn thread) and yield it with the speakers' identities."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    settings = Settings(data_dir=data_dir, port=port, broker_port=free_port(), tts_engines="espeak",
                        public_url=f"http://127.0.0.1:{port}")
    prepare_empty(settings)
    runtime = build_runtime(settings, default_components(settings))
    pairs = seed_tree(runtime, devices)
    server = uvicorn.Server(uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="bench-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Loa server did not start")
            time.sleep(0.05)
        live = LiveServer(runtime, f"http://127.0.0.1:{port}")
        live.add_users()
        yield live, live.identities(pairs)
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        area_service.invalidate(runtime.engine)
        runtime.engine.dispose()
        dispose_engines()


def bench_options() -> DeviceOptions:
    """Firmware defaults, minus what only tests need (history in RAM) and the HTTP fallback's
    timer (the server is up; MQTT is what is measured)."""
    return DeviceOptions(keep_history=False, http_check_s=None)


async def wait_all(devices: list[SimDevice], done: Callable[[SimDevice], bool], timeout: float, what: str,
                   interval: float = 0.005) -> float:
    """Wait until ``done(d)`` for every device; returns the monotonic time it was first seen."""
    pending = [d for d in devices if not done(d)]
    deadline = time.monotonic() + timeout
    while pending:
        now = time.monotonic()
        if now > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}: {len(pending)} of "
                               f"{len(devices)} devices not there")
        await asyncio.sleep(interval)
        pending = [d for d in pending if not done(d)]
    return time.monotonic()


async def start_fleet(live: LiveServer, identities: list[Identity], cache_dir: Path) -> Fleet:
    """Connect every speaker and wait until each holds its manifest (untimed setup)."""
    broker = live.runtime.component("broker")
    if broker is not None and not broker.wait_synced(120):
        raise RuntimeError("the broker accounts were not synced")
    await asyncio.to_thread(live.runtime.component("scheduler").compile_now)
    fleet = Fleet(live.url, cache_dir, clock=WallClock(), options=bench_options())
    for identity in identities:
        fleet.add(identity)
    timeout = 60.0 + len(identities) / 50
    await fleet.start()
    await wait_all(fleet.devices, lambda d: d.connected, timeout, "connections")
    await wait_all(fleet.devices, lambda d: d.counters.manifests > 0, timeout, "manifests")
    return fleet


def emergency_body(title: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {"title": title, "body": f"{title}. Đề nghị bà con chằng chống nhà cửa, không ra khơi.",
            "board_text": title, "category": "disaster", "priority": "emergency", "targets": [PROVINCE],
            "valid_from": (now - timedelta(seconds=5)).isoformat(),
            "valid_until": (now + timedelta(hours=6)).isoformat(), "repeats_per_day": 1}


Runner = Callable[[LiveServer, list[Any], Path], Any]


def compare(data_dir: Path, devices: int, runner: Runner) -> dict[str, Any]:
    """Run ``runner`` (an async function returning (loa_s, broker_s, devices)) against a live
    server with ``devices`` enrolled; the bench JSON with Loa's time beside the broker's."""
    if devices < 1:
        raise ValueError("--devices must be at least 1")
    with live_server(data_dir, devices) as (live, identities):
        loa, broker, count = asyncio.run(runner(live, identities, data_dir / "sim"))
        kind, db = live.broker_kind, live.backend
    return {
        "metrics": {
            "devices": count,
            "loa_seconds": round(loa, 3),
            "broker_seconds": round(broker, 3),
            "ratio": round(loa / broker, 2) if broker > 0 else None,
        },
        "backend": db,
        "broker": kind,
    }
