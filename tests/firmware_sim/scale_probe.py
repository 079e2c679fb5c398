"""Scale probe (not a test): N simulated devices in one process against a project-managed
Mosquitto (generated passwords + ACL) and the small fake HTTP server.

    .venv/bin/python -m tests.firmware_sim.scale_probe --devices 2000 [--restart] [--burst]

Measures connect time, retained-manifest fan-out, RSS per device, as-run round trips, and
(``--restart``) reconnection after a broker restart. The "server" (HTTP API, manifest publisher,
as-run acknowledger) runs in its own process, as the real one would, so it does not share the
simulator's CPU. ``--stock-broker`` keeps Mosquitto's default per-client queue limits (20 in
flight + 1000 queued), under which the single ingest subscriber loses QoS 1 messages in a
burst; the default raises them so the probe measures the devices.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import secrets
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from devices import protocol as p
from devices.broker import MosquittoBroker
from firmware_sim.clock import WallClock
from firmware_sim.env import DeviceOptions
from firmware_sim.fleet import Fleet
from firmware_sim.mqtt_paho import PahoFactory
from firmware_sim.runner import rss_bytes
from firmware_sim.store import Identity
from tests.brokers import SERVER_USERNAME, RunningBroker, free_port, mosquitto_binary, start_test_broker
from tests.firmware_sim import fakes
from tests.firmware_sim.http_fake import FakeHttpServer, ServerState

OFFSETS = (20, 40)  # item starts after the manifests are published, 10 s each


def _media(i: int) -> bytes:
    return f"probe bulletin {i}".encode() * 5000


def _items(now: datetime) -> list[p.ManifestItem]:
    return [fakes.item(now + timedelta(seconds=off), 10, f"Tin {i}", _media(i), bulletin_id=i + 1)
            for i, off in enumerate(OFFSETS)]


class _UnboundedQueues(MosquittoBroker):
    def render_config(self) -> str:
        return super().render_config() + "max_inflight_messages 1000\nmax_queued_messages 0\n"


def _start_broker(directory: Path, ids: list[str], stock: bool) -> RunningBroker:
    if stock:
        return start_test_broker(directory, "mosquitto", ids)
    running = RunningBroker(_UnboundedQueues(directory, free_port(), binary=mosquitto_binary()))
    running.passwords[SERVER_USERNAME] = secrets.token_urlsafe(12)
    running.set_devices(ids)
    running.broker.start()
    return running


# -- the server role (child process) ---------------------------------------------------------------
async def server_role(url: str, password: str, key_path: str, accounts_path: str) -> None:
    signer = p.Signer(p.load_or_create_private_key(key_path))
    accounts: dict[str, str] = json.loads(Path(accounts_path).read_text())
    ids = [name for name in accounts if name != SERVER_USERNAME]
    state = ServerState(signer, url, accounts=accounts)
    for built in _items(fakes.START):
        state.media[built.media or ""] = _media((built.bulletin_id or 1) - 1)
    http = FakeHttpServer(state).__enter__()
    print(http.url, flush=True)
    acked = 0
    holder: list[object] = []

    def on_message(topic: str, payload: bytes) -> None:
        nonlocal acked
        batch = p.AsRunBatch.model_validate_json(payload)
        acked += len(batch.records)
        ack = p.AsRunAck(batch_id=batch.batch_id, stored=[r.key for r in batch.records])
        holder[0].publish(p.asrun_ack_topic(batch.device_id), ack.model_dump_json().encode())  # type: ignore[attr-defined]

    factory = PahoFactory()
    server = factory(url=url, client_id="probe-server", username=SERVER_USERNAME, password=password,
                     will_topic="loa/v1/probe", on_message=on_message)
    holder.append(server)
    await server.connect(b"", 10)
    server.subscribe(["loa/v1/dev/+/asrun"])
    loop = asyncio.get_running_loop()
    while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
        command, _, arg = line.partition(" ")
        if command == "publish":
            items = _items(datetime.fromisoformat(arg))
            for device_id in ids:
                server.publish(p.manifest_topic(device_id), signer.sign(fakes.manifest(device_id, items)), retain=True)
        print(f"{command} {acked}", flush=True)
    await server.disconnect()
    await factory.aclose()
    http.__exit__()


# -- the devices (this process) ----------------------------------------------------------------------
async def probe(devices: int, restart: bool, workdir: Path, burst: bool, stock: bool) -> dict[str, object]:
    ids = [f"probe-{i:05d}" for i in range(devices)]
    t = time.monotonic()
    broker = _start_broker(workdir / "broker", ids, stock)
    try:
        return await _run(broker, ids, restart, workdir, burst, round(time.monotonic() - t, 2))
    finally:
        broker.stop()


async def _run(broker: RunningBroker, ids: list[str], restart: bool, workdir: Path, burst: bool,
               setup_s: float) -> dict[str, object]:
    devices = len(ids)
    result: dict[str, object] = {"devices": devices, "broker_setup_s": setup_s}
    key_path, accounts_path = workdir / "server.pem", workdir / "accounts.json"
    signer = p.Signer(p.load_or_create_private_key(key_path))
    accounts_path.write_text(json.dumps(broker.passwords))
    # The server side (HTTP + manifest publisher + as-run acknowledger) in its own process.
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.firmware_sim.scale_probe", "--server-role", broker.url,
        broker.passwords[SERVER_USERNAME], str(key_path), str(accounts_path),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )
    assert server.stdin is not None and server.stdout is not None
    http_url = (await server.stdout.readline()).decode().strip()

    async def ask(line: str) -> int:
        server.stdin.write(f"{line}\n".encode())  # type: ignore[union-attr]
        await server.stdin.drain()  # type: ignore[union-attr]
        return int((await server.stdout.readline()).split()[1])  # type: ignore[union-attr]

    rss0 = rss_bytes()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    options = DeviceOptions(keep_history=False, http_check_s=None, asrun_flush_jitter_s=0.0 if burst else 5.0)
    fleet = Fleet(http_url, workdir / "sim", clock=WallClock(start=fakes.START), options=options)
    try:
        for device_id in ids:
            fleet.add(Identity(device_id, "speaker", "W001-T01", broker.url, broker.passwords[device_id],
                               signer.public_key_b64, signer.kid))
        t = time.monotonic()
        await fleet.start()
        await fleet.wait_for(lambda: fleet.connected_count() == devices, 600, "connected")
        result["connect_s"] = round(time.monotonic() - t, 2)
        result["rss_kib_per_device_connected"] = round((rss_bytes() - rss0) / devices / 1024, 1)
        now = fleet.clock.now()
        t = time.monotonic()
        await ask(f"publish {now.isoformat()}")
        result["server_publish_s"] = round(time.monotonic() - t, 2)
        await fleet.wait_for(lambda: all(d.counters.manifests for d in fleet.devices), 600, "manifests")
        result["manifests_s"] = round(time.monotonic() - t, 2)
        last_end = now + timedelta(seconds=OFFSETS[-1] + 16)  # + 10 s item + flush delay and jitter
        await fleet.wait_for(lambda: fleet.clock.now() >= last_end, 600, "items over")
        t = time.monotonic()
        await fleet.wait_for(lambda: fleet.unacknowledged() == 0, 600, "as-run acked")
        result["acks_settled_s"] = round(time.monotonic() - t, 2)
        result["rss_kib_per_device"] = round((rss_bytes() - rss0) / devices / 1024, 1)
        stats = fleet.stats()
        result |= {
            "outcomes": dict(stats.outcomes), "refused": stats.refused, "server_acked": await ask("count"),
            "resends": sum(d.counters.ack_timeouts for d in fleet.devices),
            "media_downloads": fleet.media.downloads,
        }
        if restart:
            broker.broker.stop()
            await fleet.wait_for(lambda: fleet.connected_count() == 0, 60, "all disconnected")
            t = time.monotonic()
            await asyncio.to_thread(broker.broker.start)
            await fleet.wait_for(lambda: fleet.connected_count() == devices, 600, "reconnected")
            result["reconnect_after_restart_s"] = round(time.monotonic() - t, 2)
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        result["sim_cpu_s"] = round(cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime, 1)
    finally:
        t = time.monotonic()
        await fleet.aclose()
        result["shutdown_s"] = round(time.monotonic() - t, 2)
        server.stdin.close()
        await server.wait()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=2000)
    parser.add_argument("--restart", action="store_true")
    parser.add_argument("--burst", action="store_true", help="no as-run jitter: every device at once")
    parser.add_argument("--stock-broker", action="store_true", help="Mosquitto's default queue limits")
    parser.add_argument("--workdir", type=Path, default=None, help="keep broker files and caches here")
    parser.add_argument("--server-role", nargs=4, metavar=("URL", "PASSWORD", "KEY", "IDS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.server_role:
        asyncio.run(server_role(*args.server_role))
        return
    with tempfile.TemporaryDirectory(prefix="loa-sim-probe-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        result = probe(args.devices, args.restart, workdir, args.burst, args.stock_broker)
        print(json.dumps(asyncio.run(result)))


if __name__ == "__main__":
    main()
