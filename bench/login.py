"""`loa bench login`: a login flood against a real `loa serve` (a child process on loopback).

``--devices N`` is the number of concurrent attackers (default 200, the review's figure). Each
keeps one `POST /api/v1/auth/token` with a random username in flight for the flood's duration,
in two rounds:

* ``single``: every attempt from one address (the review's attack);
* ``spread``: every attempt through a trusted proxy with a random `X-Forwarded-For`, as if from
  many addresses: the per-address throttle cannot help, only the bounded hashing lanes.

During each round the bench samples `/healthz` latency and the server's RSS (the `loa serve`
process itself), and a known user signs in correctly "from another address" (an
`X-Forwarded-For` address the flood never uses). Goals: `/healthz` ≤ 2 s, RSS ≤ 1 GiB, known
login ≤ 5 s. Setup (migration, one area, one user) is not timed. ``*_error_kinds`` tells client
errors apart: ``ReadError`` is a keep-alive race with the server's idle timeout, ``http_5xx`` would
be the server failing.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import Session

from bench._live import wait_served
from bench._setup import backend, free_port, prepare_empty
from server.models.areas import Area
from server.services.users import create_user
from server.settings import Settings

CONCURRENCY = 200
FLOOD_SECONDS = 8.0
KNOWN_USER, KNOWN_PASSWORD = "canbo.bench", "bench-user-password-1"
START_TIMEOUT = 60.0
SERVE = "import sys; from server.cli import main; sys.exit(main(sys.argv[1:]))"


@dataclass
class Round:
    attempts: int = 0
    refused: int = 0  # 429
    failed: int = 0  # 401
    errors: int = 0  # anything else (connection errors, 5xx)
    error_kinds: dict[str, int] = field(default_factory=dict)
    healthz: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)
    known: list[float] = field(default_factory=list)
    known_ok: int = 0


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


async def _attacker(client: httpx.AsyncClient, spread: bool, stop: float, out: Round) -> None:
    while time.monotonic() < stop:
        headers = {"X-Forwarded-For": f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.7"} if spread else {}
        try:
            res = await client.post("/api/v1/auth/token", headers=headers,
                                    data={"username": f"u{secrets.token_hex(6)}", "password": "wrong-password-1"})
            out.attempts += 1
            if res.status_code == 429:
                out.refused += 1
                await asyncio.sleep(0.05)  # a flood client that hammers on, but not a busy loop
            elif res.status_code == 401:
                out.failed += 1
            else:
                out.errors += 1
                _count(out.error_kinds, f"http_{res.status_code}")
        except httpx.HTTPError as exc:
            out.errors += 1
            _count(out.error_kinds, type(exc).__name__)


def _count(kinds: dict[str, int], kind: str) -> None:
    kinds[kind] = kinds.get(kind, 0) + 1


def _flood(base: str, concurrency: int, seconds: float, spread: bool, results: Any) -> None:
    """The attackers, in a child process: their client work must not delay the measurements."""
    async def main() -> Round:
        out = Round()
        stop = time.monotonic() + seconds
        limits = httpx.Limits(max_connections=concurrency + 10, max_keepalive_connections=concurrency + 10)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
            await asyncio.gather(*(_attacker(client, spread, stop, out) for _ in range(concurrency)))
        return out

    r = asyncio.run(main())
    results.put((r.attempts, r.refused, r.failed, r.errors, r.error_kinds))


def _known_user(base: str, stop: float, out: Round) -> None:
    with httpx.Client(base_url=base, timeout=60, headers={"X-Forwarded-For": "192.0.2.200"}) as client:
        time.sleep(1.0)  # once the flood is on
        while time.monotonic() < stop:
            t0 = time.monotonic()
            res = client.post("/api/v1/auth/token", data={"username": KNOWN_USER, "password": KNOWN_PASSWORD})
            out.known.append(time.monotonic() - t0)
            out.known_ok += res.status_code == 200
            time.sleep(1.0)


def _round(base: str, pid: int, concurrency: int, seconds: float, spread: bool) -> Round:
    out = Round()
    results: Any = multiprocessing.get_context("fork").Queue()
    attackers = multiprocessing.get_context("fork").Process(
        target=_flood, args=(base, concurrency, seconds, spread, results), daemon=True)
    attackers.start()
    stop = time.monotonic() + seconds
    known = threading.Thread(target=_known_user, args=(base, stop, out), daemon=True)
    known.start()
    with httpx.Client(base_url=base, timeout=60) as client:
        while time.monotonic() < stop:
            t0 = time.monotonic()
            client.get("/healthz")
            out.healthz.append(time.monotonic() - t0)
            out.rss.append(_rss_bytes(pid))
            time.sleep(0.25)
    known.join(120)
    out.attempts, out.refused, out.failed, out.errors, out.error_kinds = results.get(timeout=120)
    attackers.join(30)
    return out


def _metrics(prefix: str, r: Round) -> dict[str, Any]:
    return {
        f"{prefix}_attempts": r.attempts, f"{prefix}_refused_429": r.refused, f"{prefix}_failed_401": r.failed,
        f"{prefix}_errors": r.errors, f"{prefix}_error_kinds": r.error_kinds,
        f"{prefix}_healthz_max_seconds": round(max(r.healthz, default=0.0), 3),
        f"{prefix}_rss_max_mib": round(max(r.rss, default=0) / 2**20, 1),
        f"{prefix}_known_login_max_seconds": round(max(r.known, default=0.0), 3),
        f"{prefix}_known_login_ok": f"{r.known_ok}/{len(r.known)}",
    }


def _seed(settings: Settings) -> str:
    engine = prepare_empty(settings)
    with Session(engine) as session:
        session.add(Area(code="W00001", name="Xã Đo Thử", level="commune", parent_code=None))
        session.commit()
        create_user(session, KNOWN_USER, KNOWN_PASSWORD, "officer", "W00001")
        session.commit()
    engine.dispose()
    return backend(engine)


def run(data_dir: Path, devices: int | None = None, rows: int | None = None, *,
        seconds: float = FLOOD_SECONDS, port: int | None = None) -> dict[str, Any]:
    del rows
    concurrency = devices or CONCURRENCY
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")} | {
        "LOA_DATA_DIR": str(data_dir), "LOA_PORT": str(port), "LOA_BROKER_PORT": str(free_port()),
        "LOA_TRUSTED_PROXIES": "127.0.0.1", "LOA_LOG_LEVEL": "WARNING",
    }
    if os.environ.get("LOA_DATABASE_URL"):
        env["LOA_DATABASE_URL"] = os.environ["LOA_DATABASE_URL"]
    db_backend = _seed(Settings(data_dir=data_dir, database_url=env.get("LOA_DATABASE_URL")))
    base = f"http://127.0.0.1:{port}"
    log = (data_dir / "serve.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-c", SERVE, "serve"], env=env, stdout=log, stderr=log)
    try:
        wait_served(base, proc, START_TIMEOUT)
        broker = httpx.get(f"{base}/healthz", timeout=5).json().get("broker", {}).get("kind", "unknown")
        metrics: dict[str, Any] = {"concurrency": concurrency, "flood_seconds": seconds,
                                   "rss_idle_mib": round(_rss_bytes(proc.pid) / 2**20, 1)}
        for prefix, spread in (("single", False), ("spread", True)):
            metrics |= _metrics(prefix, _round(base, proc.pid, concurrency, seconds, spread))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    return {"metrics": metrics, "backend": db_backend, "broker": str(broker)}
