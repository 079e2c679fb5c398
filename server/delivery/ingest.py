"""As-run and presence ingest over MQTT.

Messages go from paho's network thread into a queue; a parser thread drains it in passes
(bounded by count and bytes) and validates; a store thread writes each pass in one transaction
and only then publishes its acks. The two overlap: while the database stores one pass, the next
is being validated (validation is the CPU-bound part; the database mostly waits on I/O or runs
in its own process). At most ``STORE_BACKLOG`` validated passes wait, so memory stays bounded.
Bad input (malformed JSON, oversize, unknown or revoked device, a device speaking for another
id) is counted and logged once per reason, never crashes the loop, and never loses the valid
messages beside it.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from devices import protocol
from devices.asrun_parse import parse_asrun
from devices.mqtt import MqttClient, MqttError, ReceivedMessage
from server.delivery.presence import apply_statuses
from server.delivery.publisher import server_client
from server.models.devices import Device
from server.services.asrun import BulletinFacts, IngestStats, store_with_refused

log = logging.getLogger(__name__)

ASRUN_FILTER = "loa/v1/dev/+/asrun"
STATUS_FILTER = "loa/v1/dev/+/status"
SHARE_GROUP = "$share/loa-ingest/"
DRAIN_MAX = 2000  # messages per pass
DRAIN_MAX_BYTES = 2 * 1024 * 1024  # ≈ 7,000 records: big transactions, yet passes still overlap
STORE_BACKLOG = 4  # validated passes waiting for the store thread; the parser waits beyond that


@dataclass
class Pass:
    """One drained pass, validated: what the store thread writes, then acknowledges."""

    received_at: datetime
    runs: list[tuple[Device, protocol.AsRunBatch]] = field(default_factory=list)
    refused: dict[int, list[dict[str, str]]] = field(default_factory=dict)  # run index → records refused at parse
    statuses: list[protocol.Status] = field(default_factory=list)  # in arrival order, all of them


def topic_device(topic: str) -> str | None:
    parts = topic.split("/")
    return parts[3] if len(parts) >= 5 and parts[:3] == ["loa", "v1", "dev"] else None


class Ingest:
    name = "ingest"

    def __init__(self) -> None:
        self.client: MqttClient | None = None
        self.runtime: Any = None
        self.stats = IngestStats()
        self._queue: queue.Queue[ReceivedMessage | None] = queue.Queue()
        self._passes: queue.Queue[Pass | None] = queue.Queue(maxsize=STORE_BACKLOG)
        self._worker: threading.Thread | None = None
        self._writer: threading.Thread | None = None
        self._busy = 0  # passes drained but not yet stored
        self._busy_lock = threading.Lock()
        self._logged: set[str] = set()
        self._devices: dict[str, Device | None] = {}
        self._heard: dict[str, datetime] = {}  # presence: device time each device was last heard online
        self.facts: BulletinFacts | None = None
        self.idle = threading.Event()

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self, runtime: Any) -> None:
        self.runtime = runtime
        self.facts = BulletinFacts(runtime.engine)
        self._worker = threading.Thread(target=self._run, name="loa-ingest", daemon=True)
        self._writer = threading.Thread(target=self._write, name="loa-ingest-store", daemon=True)
        self._worker.start()
        self._writer.start()
        broker = runtime.broker
        shared = broker is None or broker.broker is None or broker.broker.supports_shared_subscriptions
        prefix = SHARE_GROUP if shared else ""
        self.client = server_client(
            runtime.settings, "ingest", clean_session=False, on_message=self._queue.put,
        )
        try:
            self.client.connect(timeout=15)
            self.client.subscribe(prefix + ASRUN_FILTER, qos=1)
            self.client.subscribe(prefix + STATUS_FILTER, qos=1)
        except MqttError as exc:
            log.error("ingest could not subscribe (%s); devices fall back to HTTP upload", exc)

    def stop(self) -> None:
        if self.client is not None:
            self.client.disconnect()
        self._queue.put(None)  # the parser finishes its pass, then tells the store thread to stop
        if self._worker is not None:
            self._worker.join(timeout=10)
        if self._writer is not None:
            self._writer.join(timeout=30)

    def state(self) -> dict[str, Any]:
        s = self.stats
        return {"records": s.records, "stored": s.stored, "duplicates": s.duplicates,
                "rejected": s.rejected, "reasons": dict(s.reasons), "ok": True}

    def forget_device(self, device_id: str) -> None:
        """Called when a device is revoked or rotated so the cache never authorises it."""
        self._devices.pop(device_id, None)

    # -- worker threads -------------------------------------------------------------------------
    def _run(self) -> None:
        """Parser thread: drain a pass, validate it, hand it to the store thread."""
        while True:
            with self._busy_lock:
                if self._busy == 0:
                    self.idle.set()
            first = self._queue.get()
            if first is None:
                self._passes.put(None)
                return
            with self._busy_lock:
                self._busy += 1
                self.idle.clear()
            batch, size, stop = [first], len(first.payload), False
            while len(batch) < DRAIN_MAX and size < DRAIN_MAX_BYTES:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
                size += len(nxt.payload)
            try:
                self._passes.put(self.parse(batch))
            except Exception:  # the loop must survive anything; the devices will resend
                log.exception("ingest could not read %d message(s); devices will resend", len(batch))
                self._done()
            if stop:
                self._passes.put(None)
                return

    def _write(self) -> None:
        """Store thread: one transaction per pass, then its acks."""
        while True:
            item = self._passes.get()
            if item is None:
                return
            try:
                self.store(item)
            except Exception:  # the loop must survive anything; the devices will resend
                log.exception("ingest batch of %d message(s) failed; devices will resend", len(item.runs))
            finally:
                self._done()

    def _done(self) -> None:
        with self._busy_lock:
            self._busy -= 1
            if self._busy == 0 and self._queue.empty():
                self.idle.set()

    def _reject(self, reason: str, detail: str) -> None:
        self.stats.reject(reason)
        if reason not in self._logged:
            self._logged.add(reason)
            log.warning("ingest rejected a message (%s): %s; further ones only counted", reason, detail)

    def _device(self, device_id: str) -> Device | None:
        if device_id not in self._devices:
            with Session(self.runtime.engine) as session:
                device = session.exec(
                    select(Device).where(Device.id == device_id).where(col(Device.revoked_at).is_(None))
                ).first()
                if device is not None:
                    session.expunge(device)
            self._devices[device_id] = device
        return self._devices[device_id]

    def process(self, messages: list[ReceivedMessage]) -> None:
        """Validate, store and acknowledge ``messages`` in the calling thread."""
        self.store(self.parse(messages))

    def parse(self, messages: list[ReceivedMessage]) -> Pass:
        """Validate; bad messages are counted and dropped here, never stored or acknowledged."""
        done = Pass(self.runtime.clock() if self.runtime is not None else datetime.now(UTC))
        runs, statuses = done.runs, done.statuses
        for msg in messages:
            device_id = topic_device(msg.topic)
            device = self._device(device_id) if device_id else None
            if device is None:
                self._reject("unknown_device", msg.topic)
                continue
            try:
                if msg.topic.endswith("/asrun"):
                    parsed = parse_asrun(msg.payload, protocol.MAX_ASRUN_BATCH_BYTES)
                    if parsed.batch.device_id != device.id:
                        self._reject("foreign_device", msg.topic)
                        continue
                    if parsed.rejected:
                        done.refused[len(runs)] = parsed.rejected
                        self.stats.reject("malformed", len(parsed.rejected))
                    runs.append((device, parsed.batch))
                elif msg.topic.endswith("/status"):
                    if not msg.payload:
                        continue  # a cleared retained status
                    status = protocol.parse_bounded(msg.payload, protocol.MAX_STATUS_BYTES, protocol.Status)
                    if status.device_id != device.id:
                        self._reject("foreign_device", msg.topic)
                        continue
                    statuses.append(status)
            except protocol.Rejected as exc:
                self._reject(exc.reason, f"{msg.topic}: {exc.detail}")
        return done

    def store(self, work: Pass) -> None:
        """Write one validated pass, then acknowledge exactly what it stored."""
        if work.statuses:
            apply_statuses(self.runtime.engine, work.statuses, work.received_at, self._heard)
        if work.runs:
            assert self.facts is not None
            self._send_acks(store_with_refused(self.runtime.engine, work.runs, work.refused, work.received_at,
                                               self.facts, self.stats))

    def _send_acks(self, acks: list[tuple[str, protocol.AsRunAck]]) -> None:
        if self.client is None:
            return
        messages: list[tuple[str, bytes | str, bool]] = [
            (protocol.asrun_ack_topic(device_id), ack.model_dump_json(), False) for device_id, ack in acks
        ]
        try:
            self.client.publish_many(messages, qos=1, timeout=60)
        except MqttError as exc:
            # Stored but not acknowledged: the device resends and the duplicate is acked then.
            log.warning("could not send %d ack(s): %s", len(messages), exc)
