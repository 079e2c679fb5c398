"""`kill -9` of `loa serve` (and its managed Mosquitto) while manifests are being published and
while as-run logs are being ingested. After the restart every device's retained manifest is its
current one and verifies; no acknowledged as-run record is missing and none is stored twice."""

from __future__ import annotations

import json
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from devices import protocol
from devices.mqtt import MqttClient, MqttError, ReceivedMessage
from server.db import dispose_engines, get_engine
from tests.brokers import free_port, require_mosquitto, wait_until
from tests.factories import PASSWORD
from tests.faults.live_server import LiveServer

pytestmark = pytest.mark.slow


@pytest.fixture
def broker_port() -> int:
    require_mosquitto()
    return free_port()  # the same across the restart: devices keep their broker address


def _serve(data_dir: Path, broker_port: int) -> LiveServer:
    return LiveServer(data_dir, LOA_BROKER_PORT=str(broker_port), LOA_BROKER_KIND="mosquitto",
                      LOA_TTS_ENGINES="espeak")


def _token(server: LiveServer) -> dict[str, str]:
    r = httpx.post(f"{server.url}/api/v1/auth/token", data={"username": "quantri1", "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _retained_manifest(device: dict[str, Any], timeout: float = 15) -> bytes:
    got: queue.Queue[bytes] = queue.Queue()
    client = MqttClient(device["mqtt_url"], username=device["username"], password=device["password"],
                        client_id=device["device_id"])
    client.connect(timeout=15)
    try:
        client.subscribe(protocol.manifest_topic(device["device_id"]), callback=lambda m: got.put(m.payload))
        return got.get(timeout=timeout)
    finally:
        client.disconnect()


def test_kill_9_during_a_publish_burst_leaves_every_device_its_current_manifest(
    data_dir: Path, broker_port: int
) -> None:
    first = _serve(data_dir, broker_port)
    enrolled: list[dict[str, Any]] = []
    try:
        admin = _token(first)

        def enrol(i: int) -> dict[str, Any] | None:
            area = ("W001-T01", "W001-T02", "W002-T01")[i % 3]
            try:  # every enrolment compiles, signs, stores and publishes that device's manifest
                r = httpx.post(f"{first.url}/api/v1/devices", json={"kind": "speaker", "area_code": area},
                               headers=admin, timeout=30)
            except httpx.HTTPError:
                return None  # cut by the kill
            return dict(r.json()) if r.status_code == 201 else None

        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(enrol, i) for i in range(80)]
            assert wait_until(lambda: sum(f.done() for f in futures) >= 30, timeout=120, interval=0.02)
            first.kill9()  # mid-burst: more enrolments are in flight, manifests half published
            enrolled = [d for f in futures if (d := f.result()) is not None]
    finally:
        first.stop()
    assert 30 <= len(enrolled) < 80, len(enrolled)

    second = _serve(data_dir, broker_port)
    try:
        key = enrolled[0]
        verifier = protocol.Verifier({key["kid"]: protocol.public_key_from_b64(key["server_public_key"])})
        mismatched: dict[str, str] = {}
        for device in enrolled:
            def current(device: dict[str, Any] = device) -> bool:
                served = httpx.get(f"{second.url}/api/v1/devices/{device['device_id']}/manifest",
                                   auth=(device["username"], device["password"]), timeout=10)
                retained = _retained_manifest(device)
                payload = verifier.verify(retained, protocol.ManifestPayload, 1 << 20)  # whole and signed
                same = served.status_code == 200 and json.loads(retained) == served.json()
                if not same:
                    mismatched[device["device_id"]] = f"http {served.status_code}, retained seq {payload.seq}"
                return same and payload.device_id == device["device_id"]

            assert wait_until(current, timeout=30, interval=0.5), mismatched
    finally:
        second.stop()


def _record(device_id: str, n: int, at: datetime) -> dict[str, Any]:
    stamp = (at - timedelta(seconds=n)).isoformat().replace("+00:00", "Z")
    return {"key": f"{device_id}-{n}", "device_id": device_id, "kind": "audio", "planned_start": stamp,
            "actual_start": stamp, "actual_end": stamp, "device_time": stamp, "outcome": "played",
            "duration_ms": 30_000, "aired_ms": 30_000}


class AsRunDevice:
    """A device's as-run queue over MQTT: a record leaves it only when the server acknowledges it."""

    def __init__(self, creds: dict[str, Any], records: int) -> None:
        self.creds, self.id = creds, creds["device_id"]
        now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
        self.pending = {r["key"]: r for r in (_record(self.id, n, now) for n in range(records))}
        self.acked: set[str] = set()
        self.lock = threading.Lock()
        self.sent: set[str] = set()
        self.client: MqttClient | None = None
        self.batches = 0

    def _on_ack(self, message: ReceivedMessage) -> None:
        stored = json.loads(message.payload)["stored"]
        with self.lock:
            self.acked.update(stored)
            for key in stored:
                self.pending.pop(key, None)

    def connect(self) -> None:
        self.client = MqttClient(self.creds["mqtt_url"], username=self.id, password=self.creds["password"],
                                 client_id=self.id)
        self.client.connect(timeout=15)
        self.client.subscribe(protocol.asrun_ack_topic(self.id), callback=self._on_ack)

    def send(self, size: int = 10, *, resend: bool = False) -> bool:
        """The next ``size`` records not yet sent (or, resending, not yet acknowledged)."""
        with self.lock:
            records = [r for key, r in self.pending.items() if resend or key not in self.sent][:size]
            self.sent.update(r["key"] for r in records)
        if not records or self.client is None:
            return False
        self.batches += 1
        batch = {"device_id": self.id, "batch_id": f"{self.id}-b{self.batches}", "records": records}
        try:
            self.client.publish(protocol.asrun_topic(self.id), json.dumps(batch).encode(), timeout=5)
        except MqttError:
            return False
        return True

    def close(self) -> None:
        if self.client is not None:
            self.client.disconnect()


def test_kill_9_during_ingest_loses_no_acknowledged_record_and_stores_none_twice(
    data_dir: Path, broker_port: int
) -> None:
    first = _serve(data_dir, broker_port)
    devices: list[AsRunDevice] = []
    try:
        admin = _token(first)
        for area in ("W001-T01", "W001-T02", "W002-T01"):
            r = httpx.post(f"{first.url}/api/v1/devices", json={"kind": "speaker", "area_code": area},
                           headers=admin, timeout=30)
            assert r.status_code == 201, r.text
            devices.append(AsRunDevice(r.json(), records=200))
        assert wait_until(lambda: _broker_knows(devices), timeout=30, interval=0.2)
        stop = threading.Event()

        def pump(device: AsRunDevice) -> None:
            while not stop.is_set() and device.send():
                stop.wait(0.01)  # a steady stream: the kill lands mid-way

        threads = [threading.Thread(target=pump, args=(d,)) for d in devices]
        for thread in threads:
            thread.start()
        acked_before = lambda: sum(len(d.acked) for d in devices)  # noqa: E731
        assert wait_until(lambda: acked_before() >= 100, timeout=60, interval=0.01)
        first.kill9()  # batches in flight, acks unsent: the devices keep what was not acknowledged
        stop.set()
        for thread in threads:
            thread.join(30)
    finally:
        first.stop()
        for device in devices:
            device.close()
    acked_at_kill = {key for d in devices for key in d.acked}
    in_flight = {key for d in devices for key in d.sent} - acked_at_kill
    assert in_flight, "the kill came too late to cut the ingest"  # sent, stored or not, never acknowledged

    second = _serve(data_dir, broker_port)
    try:
        for device in devices:
            device.connect()

        def drained() -> bool:
            for device in devices:
                device.send(50, resend=True)
            return not any(d.pending for d in devices)

        assert wait_until(drained, timeout=120, interval=0.5), {d.id: len(d.pending) for d in devices}
    finally:
        for device in devices:
            device.close()
        second.stop()

    engine = get_engine(f"sqlite:///{data_dir / 'loa.db'}")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT key, COUNT(*) FROM asrun GROUP BY key")).all()
    dispose_engines()
    stored = {key: count for key, count in rows}
    every_key = {f"{d.id}-{n}" for d in devices for n in range(200)}
    assert acked_at_kill <= set(stored)  # nothing acknowledged before the kill is missing
    assert set(stored) == every_key  # every record arrived in the end
    assert set(stored.values()) == {1}  # and none twice


def _broker_knows(devices: list[AsRunDevice]) -> bool:
    try:
        for device in devices:
            if device.client is None:
                device.connect()
        return True
    except MqttError:
        for device in devices:
            device.close()
            device.client = None
        return False
