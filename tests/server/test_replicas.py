"""Real `loa serve` processes on one PostgreSQL database: one leads the scheduler, the other stands
by, and takes over within 15 s of the leader's SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.brokers import free_port, wait_until
from tests.services import fresh_postgres_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
TAKEOVER_LIMIT_S = 15.0


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    def health(self) -> dict | None:
        try:
            response = httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
        except httpx.HTTPError:
            return None
        return response.json() if response.status_code == 200 else None

    def role(self) -> str | None:
        body = self.health()
        return body["scheduler"]["role"] if body else None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


def _serve(tmp: Path, name: str, db_url: str, mqtt_port: int, role: str = "all") -> Server:
    # No broker listens there: leadership does not depend on MQTT (paho keeps retrying).
    return _serve_env(tmp / name, db_url, role, {"LOA_MQTT_URL": f"mqtt://127.0.0.1:{mqtt_port}"})


def _serve_env(data_dir: Path, db_url: str, role: str, extra: dict[str, str]) -> Server:
    """`loa serve --role ROLE` on a free port with ``data_dir`` and ``extra`` settings."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env.update({"LOA_DATA_DIR": str(data_dir), "LOA_DATABASE_URL": db_url, "LOA_LOG_LEVEL": "WARNING",
                "LOA_PUBLIC_URL": f"http://127.0.0.1:{port}", **extra})
    log = data_dir.parent / f"server-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; from server.cli import main; sys.exit(main())",
             "serve", "--port", str(port), "--role", role],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    server = Server(proc, port, log)
    assert wait_until(lambda: server.health() is not None or proc.poll() is not None, timeout=60, interval=0.2)
    assert proc.poll() is None, log.read_text()[-3000:]
    return server


@pytest.fixture
def database() -> Iterator[str]:
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def servers(database: str) -> Iterator[list[Server]]:
    started: list[Server] = []
    try:
        yield started
    finally:
        for s in started:
            s.stop()


def test_standby_takes_over_after_the_leader_is_killed(
    servers: list[Server], database: str, tmp_path: Path
) -> None:
    db_url = database
    mqtt_port = free_port()
    first = _serve(tmp_path, "a", db_url, mqtt_port)
    servers.append(first)
    assert wait_until(lambda: first.role() == "leader", timeout=15, interval=0.2)
    second = _serve(tmp_path, "b", db_url, mqtt_port)
    third = _serve(tmp_path, "c", db_url, mqtt_port, role="api")
    servers.extend([second, third])
    assert second.role() == "standby" and third.role() == "off"

    os.killpg(first.proc.pid, signal.SIGKILL)
    first.proc.wait(10)
    killed_at = time.monotonic()
    assert wait_until(lambda: second.role() == "leader", timeout=TAKEOVER_LIMIT_S, interval=0.2), (
        second.log.read_text()[-3000:])
    took = time.monotonic() - killed_at
    print(f"takeover after SIGKILL: {took:.2f} s")
    assert took <= TAKEOVER_LIMIT_S
    assert third.role() == "off"  # an api replica never leads, even alone with a dead leader
