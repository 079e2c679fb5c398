"""A real Loa server in this process for the `fanout` and `reconnect` benches, and a fleet of
simulated speakers connected to it (DESIGN.md §5).

Setup is never timed: a fresh SQLite database in the data dir with one province, one commune
per 20 speakers and one hamlet per commune (inserted as rows), an officer and an approver (tokens
issued directly: argon2 logins are not what is measured), N speakers with one known broker
password, then ``loa serve``'s components (managed Mosquitto on a free port, manifest publisher,
scheduler, ingest…) behind uvicorn in a thread. The simulated devices run in a child process
(``bench._fleet_proc``: ten thousand of them need a core of their own, and must not share the
server's interpreter lock) with a ``WallClock``; they get their identities the way enrolment
would give them (server key, kid, broker URL), without 10,000 HTTP enrolments.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import uvicorn
from sqlmodel import Session

from bench._fleet_proc import FleetProcess, connect_all
from bench._setup import backend, free_port, insert_rows, prepare_empty, table

if TYPE_CHECKING:
    import subprocess
from devices.broker import hash_password_mosquitto
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
    # One client for every call, as a browser keeps its connection: making an httpx.Client
    # costs ~20 ms (its TLS context), which would be timed as part of the approve call.
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.url, timeout=120)

    @property
    def broker_kind(self) -> str:
        broker = self.runtime.broker
        managed = getattr(broker, "broker", None)
        return str(managed.kind) if managed is not None else "external"

    @property
    def backend(self) -> str:
        return backend(self.runtime.engine)

    def call(self, method: str, who: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.http.request(method, path, json=body, headers=self.headers[who])
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
        with live.http:
            live.add_users()
            yield live, live.identities(pairs)
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        area_service.invalidate(runtime.engine)
        runtime.engine.dispose()
        dispose_engines()


def start_fleet(live: LiveServer, identities: list[Identity], cache_dir: Path) -> FleetProcess:
    """Sync the broker accounts, compile every manifest, then connect every speaker (in a child
    process) and wait until each holds its manifest (untimed setup)."""
    broker = live.runtime.broker
    if broker is not None and not broker.wait_synced(120):
        raise RuntimeError("the broker accounts were not synced")
    scheduler = live.runtime.scheduler
    if scheduler is None:
        raise RuntimeError("the live server runs without a scheduler")
    scheduler.compile_now()
    fleet = FleetProcess(live.url, identities, cache_dir)
    try:
        connected = fleet.call(connect_all, 60.0 + len(identities) / 50, timeout=90.0 + len(identities) / 40)
    except BaseException:
        fleet.close()
        raise
    if connected != len(identities):
        fleet.close()
        raise RuntimeError(f"only {connected} of {len(identities)} devices connected")
    return fleet


def emergency_body(title: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {"title": title, "body": f"{title}. Đề nghị bà con chằng chống nhà cửa, không ra khơi.",
            "board_text": title, "category": "disaster", "priority": "emergency", "targets": [PROVINCE],
            "valid_from": (now - timedelta(seconds=5)).isoformat(),
            "valid_until": (now + timedelta(hours=6)).isoformat(), "repeats_per_day": 1}


Runner = Callable[[LiveServer, FleetProcess, int], tuple[float, float, dict[str, float]]]


def compare(data_dir: Path, devices: int, runner: Runner) -> dict[str, Any]:
    """Start a live server with ``devices`` speakers connected (a child process), run ``runner``
    (returning Loa's and the broker's seconds, and extra metrics); the bench JSON with both side
    by side."""
    if devices < 1:
        raise ValueError("--devices must be at least 1")
    with live_server(data_dir, devices) as (live, identities):
        fleet = start_fleet(live, identities, data_dir / "sim")
        try:
            loa, broker, extra = runner(live, fleet, devices)
        finally:
            fleet.close()
        kind, db = live.broker_kind, live.backend
    return {
        "metrics": {
            "devices": devices,
            "loa_seconds": round(loa, 3),
            "broker_seconds": round(broker, 3),
            "ratio": round(loa / broker, 2) if broker > 0 else None,
            **{key: round(value, 3) for key, value in extra.items()},
        },
        "backend": db,
        "broker": kind,
    }


def wait_served(base: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    """Until a `loa serve` child process answers ``/healthz``; fails if it exits or stays silent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"loa serve exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)  # polling a child process's start-up, not a test
    raise RuntimeError("loa serve did not answer /healthz in time")
