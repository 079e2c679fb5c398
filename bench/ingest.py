"""`loa bench ingest`: as-run records sent over MQTT by N devices until every one is stored and
acknowledged (DESIGN.md §5).

Setup (not timed): a fresh database (SQLite in the data dir, or the empty one at
``LOA_DATABASE_URL``), N speakers enrolled as rows with a known password, approved bulletins
for their communes, and the server side of ``loa serve`` that ingest needs: the managed broker
(Mosquitto when installed) on a free port and the ``Ingest`` component. The devices run in a
child process (one MQTT connection each, as the ACL demands: a device may only publish its own
topic), so the load generator does not share the server's interpreter lock.

Timed: from the first publish to the last acknowledgement. Each device sends batches of 100
records (QoS 1) like an outbox draining after an outage: the next batch as soon as an earlier
one is acknowledged, with ``IN_FLIGHT`` unacknowledged batches over the fleet (at least one per
device). Every 20th batch is sent a second time (5 % duplicates: dedup must absorb them and
still acknowledge). At the end the database must hold exactly the unique records; ``lost``
counts records sent but not both stored and acknowledged (must be 0).

Default: 200 devices × 5 batches × 100 records = 100,000 records; ``--devices`` and ``--rows``
(total records) scale it. Target: >= 10,000 records/s into PostgreSQL on two cores, 0 lost.
"""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench._setup import backend, free_port, prepare_empty, seed_bulletins, seed_fleet, table
from devices import protocol
from devices.mqtt import MqttClient, ReceivedMessage
from server.db import dispose_engines
from server.delivery.broker_component import BrokerComponent
from server.delivery.ingest import Ingest
from server.models.asrun import AsRun
from server.runtime import build_runtime
from server.services import areas as area_service
from server.settings import Settings

DEFAULT_DEVICES = 200
DEFAULT_RECORDS = 100_000
RECORDS_PER_BATCH = 100
DUPLICATE_EVERY = 20  # every 20th batch is resent: 5 %
PASSWORD = "bench-device-password"
SETUP_TIMEOUT = 120.0
IN_FLIGHT = 500  # unacknowledged batches over the whole fleet (per device: at least one)


@dataclass(frozen=True)
class Plan:
    """What the fleet sends; both processes derive the same keys from it."""

    devices: tuple[str, ...]
    batches: int  # per device
    records: int = RECORDS_PER_BATCH  # per batch
    bulletins: tuple[int, ...] = ()

    def batch_ids(self, device_index: int) -> list[str]:
        """Batches in sending order; the duplicated ones appear again at the end."""
        ids = [f"b{n:05d}" for n in range(self.batches)]
        return ids + [b for n, b in enumerate(ids) if self.duplicated(device_index, n)]

    def duplicated(self, device_index: int, n: int) -> bool:
        return (device_index * self.batches + n) % DUPLICATE_EVERY == DUPLICATE_EVERY // 2 or (
            device_index == 0 and n == 0 and self.total_batches < DUPLICATE_EVERY)  # tiny runs resend one

    @property
    def total_batches(self) -> int:
        return len(self.devices) * self.batches

    def keys(self) -> set[tuple[str, str]]:
        return {(d, f"b{n:05d}-r{r:03d}") for d in self.devices for n in range(self.batches)
                for r in range(self.records)}


def batch_payload(plan: Plan, device_id: str, batch_id: str, now: datetime) -> bytes:
    """A realistic batch: yesterday's and today's airings, mostly played, some missed."""
    records = []
    for r in range(plan.records):
        planned = now - timedelta(hours=2 + r % 30, minutes=7 * (r % 8))
        played = r % 10 != 9
        bulletin = plan.bulletins[r % len(plan.bulletins)] if plan.bulletins else None
        records.append({
            "key": f"{batch_id}-r{r:03d}", "device_id": device_id, "bulletin_id": bulletin,
            "kind": "audio", "planned_start": protocol.iso(planned),
            "actual_start": protocol.iso(planned + timedelta(seconds=1)) if played else None,
            "actual_end": protocol.iso(planned + timedelta(seconds=91)) if played else None,
            "device_time": protocol.iso(now), "outcome": "played" if played else "missed",
            "reason": None if played else "offline", "duration_ms": 90_000, "aired_ms": 90_000 if played else 0,
        })
    batch = {"device_id": device_id, "batch_id": batch_id,
             "records": [{k: v for k, v in rec.items() if v is not None} for rec in records]}
    return json.dumps(batch, separators=(",", ":")).encode()


# -- the fleet (child process) --------------------------------------------------------------------
class _Fleet:
    """Each device keeps at most ``window`` batches unacknowledged; an ack sends the next one.

    Bounding what is in flight keeps the broker's queue for the ingest subscriber short: past
    ``max_queued_messages`` Mosquitto drops QoS 1 messages, and real devices would only resend
    them after their ack timeout (30 s), which no bench should hide or measure by accident.
    """

    def __init__(self, outbox: dict[str, list[bytes]], batch_ids: dict[str, list[str]], window: int) -> None:
        self.pending = {d: deque(payloads) for d, payloads in outbox.items()}
        self.due: dict[tuple[str, str], int] = {}
        for d, ids in batch_ids.items():
            for b in ids:
                self.due[(d, b)] = self.due.get((d, b), 0) + 1
        self.sent_batches = self.outstanding = sum(self.due.values())
        self.window = window
        self.acked: set[tuple[str, str]] = set()
        self.last = 0.0
        self.cond = threading.Condition()
        self.clients: dict[str, MqttClient] = {}
        self.sending: list[Future[None]] = []
        self.workers = ThreadPoolExecutor(max_workers=64, thread_name_prefix="fleet")

    def on_ack(self, device_id: str) -> Callable[[ReceivedMessage], None]:
        def handle(message: ReceivedMessage) -> None:
            ack = json.loads(message.payload)
            with self.cond:
                key = (device_id, ack["batch_id"])
                if self.due.get(key, 0) <= 0:
                    return  # a QoS 1 redelivery of an ack already counted
                self.due[key] -= 1
                self.outstanding -= 1
                self.acked.update((device_id, k) for k in ack["stored"])
                self.last = time.perf_counter()
                if self.outstanding == 0:
                    self.cond.notify_all()
                self._send_next(device_id)

        return handle

    def start(self) -> None:
        with self.cond:
            for device_id in self.pending:
                for _ in range(self.window):
                    self._send_next(device_id)

    def _send_next(self, device_id: str) -> None:  # holding self.cond
        if self.pending[device_id]:
            payload = self.pending[device_id].popleft()
            client = self.clients[device_id]
            topic = protocol.asrun_topic(device_id)
            self.sending.append(self.workers.submit(client.publish, topic, payload, qos=1, timeout=60))


def fleet_main(conn: Connection, url: str, plan: Plan, timeout: float) -> None:
    """Child process: connect every device, wait for "go", publish, wait for every ack."""
    now = datetime.now(UTC)
    batch_ids = {d: plan.batch_ids(i) for i, d in enumerate(plan.devices)}
    outbox = {d: [batch_payload(plan, d, b, now) for b in ids] for d, ids in batch_ids.items()}
    fleet = _Fleet(outbox, batch_ids, window=max(1, IN_FLIGHT // len(plan.devices)))

    def connect(device_id: str) -> None:
        client = MqttClient(url, username=device_id, password=PASSWORD, client_id=device_id)
        client.connect(timeout=30)
        fleet.clients[device_id] = client
        client.subscribe(protocol.asrun_ack_topic(device_id), qos=1, callback=fleet.on_ack(device_id))

    try:
        list(fleet.workers.map(connect, plan.devices))
        conn.send("ready")
        if conn.recv() != "go":
            return
        started = time.perf_counter()
        fleet.start()
        with fleet.cond:
            fleet.cond.wait_for(lambda: fleet.outstanding == 0, timeout)
            errors = [str(f.exception()) for f in fleet.sending if f.done() and f.exception() is not None]
            conn.send({"seconds": (fleet.last or time.perf_counter()) - started, "acked": fleet.acked,
                       "missing_acks": fleet.outstanding, "sent_batches": fleet.sent_batches,
                       "errors": errors[:3]})
    finally:
        for client in list(fleet.clients.values()):
            client.disconnect()
        fleet.workers.shutdown(wait=False, cancel_futures=True)


# -- the server side (this process) ---------------------------------------------------------------
def _expect(conn: Connection, process: BaseProcess, what: str, timeout: float) -> Any:
    """The fleet's next message; fails at once when the child dies instead of waiting it out."""
    ready = wait([conn, process.sentinel], timeout)
    if conn in ready:
        return conn.recv()
    if ready:
        raise RuntimeError(f"the device fleet exited (code {process.exitcode}) before reporting {what}")
    raise RuntimeError(f"the device fleet did not report {what} within {timeout:.0f} s")


def run(*, data_dir: Path, devices: int | None = None, rows: int | None = None) -> dict[str, Any]:
    count = devices or DEFAULT_DEVICES
    batches = max(1, -(-(rows or DEFAULT_RECORDS) // (count * RECORDS_PER_BATCH)))
    # Always the managed broker: the bench enrols its devices there (LOA_MQTT_URL is ignored).
    settings = Settings(data_dir=data_dir, broker_port=free_port(), mqtt_url=None)
    engine = prepare_empty(settings)
    try:
        now = datetime.now(UTC)
        fleet = seed_fleet(engine, count, now, password=PASSWORD)
        bulletins = seed_bulletins(engine, fleet, now)  # ids 1..n: records name them, ingest joins their facts
        plan = Plan(tuple(fleet.device_ids), batches, bulletins=tuple(range(1, bulletins + 1)))
        ingest, broker = Ingest(), BrokerComponent()
        report = _measure(settings, [broker, ingest], plan)
        asrun = table(AsRun)
        with engine.connect() as db:
            stored = {(d, k) for d, k in db.execute(select(asrun.c.device_id, asrun.c.key))}
    finally:
        area_service.invalidate(engine)
        dispose_engines()
    expected = plan.keys()
    if report["errors"]:
        raise RuntimeError(f"publishing failed: {report['errors']}")
    if stored - expected:
        raise RuntimeError(f"{len(stored - expected)} unexpected as-run row(s) stored")
    seconds = report["seconds"]
    return {
        "metrics": {
            "records": len(expected),
            "records_per_second": round(len(expected) / seconds) if seconds > 0 else 0,
            "lost": len(expected - (stored & report["acked"])),
            "seconds": round(seconds, 3),
            "devices": count,
            "batches": plan.total_batches,
            "duplicates_sent": (report["sent_batches"] - plan.total_batches) * plan.records,
            "duplicates_absorbed": ingest.stats.duplicates,
            "missing_acks": report["missing_acks"],
            "rejected": ingest.stats.rejected,
        },
        "backend": backend(engine),
        "broker": broker.broker.kind if broker.broker is not None else "external",
    }


def _measure(settings: Settings, components: list[Any], plan: Plan) -> dict[str, Any]:
    """Start broker + ingest, let the fleet (a child process) send everything, stop; the fleet's report."""
    timeout = 60.0 + plan.total_batches * plan.records / 500  # generous: a slow machine must report, not hang
    runtime = build_runtime(settings, components)
    ctx = multiprocessing.get_context("spawn")  # never fork a process that runs threads
    parent, child = ctx.Pipe()
    process = ctx.Process(target=fleet_main, args=(child, settings.effective_mqtt_url, plan, timeout),
                          name="loa-bench-fleet", daemon=True)
    try:
        runtime.start(scheduler=False)
        ingest = runtime.ingest
        if ingest is None or ingest.client is None or not ingest.client.is_connected:
            raise RuntimeError("the ingest component could not connect to the broker")
        process.start()
        _expect(parent, process, "its connections", SETUP_TIMEOUT)
        parent.send("go")
        report: dict[str, Any] = _expect(parent, process, "the acknowledgements", timeout + 30)
        process.join(timeout=30)
        return report
    finally:
        if process.is_alive():
            process.terminate()
        runtime.stop()
