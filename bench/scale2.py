"""`loa bench scale2`: devices per API replica on the HTTP fallback (issue 17's sizing figure).

A device that lost MQTT pulls its manifest over HTTP at most once per ``POLL_SECONDS`` (the
simulator's ``http_poll_s``), sending the ETag it holds: the server answers 304 without signing.
The bench seeds ``--devices N`` speakers (default 2,000) with compiled manifests, starts one real
`loa serve --role api` (a child process, the replica measured), and from another child process
keeps ``CONCURRENCY`` pulls in flight: one full pass (200 with the envelope) to learn the ETags,
then ``SECONDS`` of conditional pulls (304). The load generator shares the machine, so the sizing
figure divides by the CPU time the replica itself used, not by wall time:

* ``etag_per_second``, ``etag_p95_ms``: conditional pulls answered per wall second, their p95;
* ``etag_per_cpu_second``: conditional pulls per CPU second of the replica process;
* ``devices_per_core``: ``etag_per_cpu_second × POLL_SECONDS``: devices one core of an API
  replica keeps polling (every device on the fallback at once, the worst case);
* ``full_per_second``, ``full_per_cpu_second``: the same for full pulls (after a change);
* ``errors``: anything but 200/304 (goal 0).
Setup (seeding, compiling, the server start) is not timed.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench._live import wait_served
from bench._setup import backend, free_port, prepare_empty, seed_bulletins, seed_fleet, seed_slots
from playlists.model import LOCAL_TZ
from server.db import dispose_engines
from server.delivery.keys import signer_for
from server.scheduling.compiler import compile_and_store
from server.services import areas as area_service
from server.settings import Settings

DEVICES = 2000
SECONDS = 8.0
CONCURRENCY = 32
POLL_SECONDS = 60.0  # firmware_sim.env: http_poll_s
PASSWORD = "bench-device"
SERVE = "import sys; from server.cli import main; sys.exit(main(sys.argv[1:]))"
START_TIMEOUT = 60.0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


async def _pulls(base: str, ids: list[str], etags: dict[str, str] | None, stop: float | None,
                 concurrency: int) -> tuple[int, int, list[float], dict[str, str]]:
    """Pull manifests: once each (``stop`` None) or round and round until ``stop``."""
    ok = errors = 0
    latencies: list[float] = []
    learned: dict[str, str] = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        async def worker(start: int) -> None:
            nonlocal ok, errors
            i = start
            while (stop is None and i < len(ids)) or (stop is not None and time.monotonic() < stop):
                device = ids[i % len(ids)]
                headers = {"If-None-Match": etags[device]} if etags else {}
                t0 = time.perf_counter()
                try:
                    res = await client.get(f"/api/v1/devices/{device}/manifest", headers=headers,
                                           auth=(device, PASSWORD))
                except httpx.HTTPError:
                    errors += 1
                else:
                    latencies.append(time.perf_counter() - t0)
                    if res.status_code == (304 if etags else 200):
                        ok += 1
                        learned[device] = res.headers.get("ETag", "")
                    else:
                        errors += 1
                i += concurrency

        await asyncio.gather(*(worker(k) for k in range(concurrency)))
    return ok, errors, latencies, learned


def _load(base: str, ids: list[str], seconds: float, concurrency: int, pid: int, out: Any) -> None:
    """The load generator, in a child process: its client work must not share the replica's core."""
    cpu0, t0 = _cpu_seconds(pid), time.monotonic()
    full_ok, full_err, full_lat, etags = asyncio.run(_pulls(base, ids, None, None, concurrency))
    full = (full_ok, full_err, time.monotonic() - t0, _cpu_seconds(pid) - cpu0, full_lat)
    cpu0, t0 = _cpu_seconds(pid), time.monotonic()
    etag_ok, etag_err, etag_lat, _ = asyncio.run(_pulls(base, ids, etags, t0 + seconds, concurrency))
    out.put((full, (etag_ok, etag_err, time.monotonic() - t0, _cpu_seconds(pid) - cpu0, etag_lat)))


def _p95_ms(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1) if ordered else 0.0


def _seed(settings: Settings, count: int) -> tuple[list[str], str]:
    engine = prepare_empty(settings)
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        fleet = seed_fleet(engine, count, now, password=PASSWORD)
        seed_slots(engine, fleet.provinces, now.astimezone(LOCAL_TZ).date(), fleet.user_id, now)
        seed_bulletins(engine, fleet, now)
        compile_and_store(engine, signer_for(settings.signing_key_path), LOCAL_TZ, now,
                          days=settings.manifest_days)
        return fleet.device_ids, backend(engine)
    finally:
        area_service.invalidate(engine)
        dispose_engines()


def run(data_dir: Path, devices: int | None = None, rows: int | None = None, *,
        seconds: float = SECONDS, concurrency: int = CONCURRENCY) -> dict[str, Any]:
    del rows
    count = devices or DEVICES
    database_url = os.environ.get("LOA_DATABASE_URL")
    ids, db_backend = _seed(Settings(data_dir=data_dir, database_url=database_url), count)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")} | {
        "LOA_DATA_DIR": str(data_dir), "LOA_PORT": str(port), "LOA_BROKER_PORT": str(free_port()),
        "LOA_LOG_LEVEL": "WARNING", **({"LOA_DATABASE_URL": database_url} if database_url else {}),
    }
    base = f"http://127.0.0.1:{port}"
    with (data_dir / "serve.log").open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-c", SERVE, "serve", "--role", "api"], env=env,
                                stdout=log, stderr=log)
        try:
            wait_served(base, proc, START_TIMEOUT)
            ctx = multiprocessing.get_context("spawn")  # never fork a process that runs threads
            results = ctx.Queue()
            loader = ctx.Process(target=_load, args=(base, ids, seconds, concurrency, proc.pid, results),
                                 name="loa-bench-pulls", daemon=True)
            loader.start()
            full, etag = results.get(timeout=120 + count / 50 + seconds)
            loader.join(30)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    full_ok, full_err, full_wall, full_cpu, _ = full
    etag_ok, etag_err, etag_wall, etag_cpu, etag_lat = etag
    per_cpu = etag_ok / etag_cpu if etag_cpu > 0 else 0.0
    metrics = {
        "devices": count, "concurrency": concurrency, "poll_seconds": POLL_SECONDS,
        "full_per_second": round(full_ok / full_wall, 1),
        "full_per_cpu_second": round(full_ok / full_cpu, 1) if full_cpu > 0 else 0.0,
        "etag_requests": etag_ok,
        "etag_per_second": round(etag_ok / etag_wall, 1),
        "etag_p95_ms": _p95_ms(etag_lat),
        "etag_per_cpu_second": round(per_cpu, 1),
        "devices_per_core": int(per_cpu * POLL_SECONDS),
        "errors": full_err + etag_err,
    }
    return {"metrics": metrics, "backend": db_backend, "broker": "managed"}
