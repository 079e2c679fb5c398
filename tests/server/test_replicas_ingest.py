"""Issue 17: as-run ingest shared across replicas. Two real `loa serve` processes on one PostgreSQL
database subscribe to the as-run topics of a `loa broker serve` broker through one MQTT shared
subscription (`$share/loa-ingest/...`): the broker hands each batch to one of them. Every record
is stored exactly once and acknowledged to its device, a resent batch (which may land on the other
replica) stores nothing twice, and both replicas took part."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from devices import protocol
from devices.mqtt import MqttClient, ReceivedMessage
from server.db import dispose_engines, get_engine
from server.models.asrun import AsRun
from tests.brokers import wait_until
from tests.server.test_replicas_broker import _start, _token, _try_connect, deployment  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.broker, pytest.mark.slow]
DEVICES, BATCHES, RECORDS = 12, 4, 5  # 240 records in 48 batches, each then sent once more


class Speaker:
    """A device that uploads as-run batches and remembers which keys the server acknowledged."""

    def __init__(self, url: str, creds: dict[str, Any]) -> None:
        self.device_id = creds["device_id"]
        self.client = MqttClient(url, username=creds["username"], password=creds["password"],
                                 client_id=self.device_id, reconnect_max_delay=1)
        self.acked: set[str] = set()
        self.rejected: list[dict[str, str]] = []
        self._lock = threading.Lock()

    def connect(self) -> None:
        assert wait_until(lambda: _try_connect(self.client), timeout=10, interval=0.1), self.device_id
        self.client.subscribe(protocol.asrun_ack_topic(self.device_id), callback=self._on_ack)

    def _on_ack(self, msg: ReceivedMessage) -> None:
        ack = protocol.AsRunAck.model_validate_json(msg.payload)
        with self._lock:
            self.acked.update(ack.stored)
            self.rejected.extend(ack.rejected)

    def keys(self) -> list[str]:
        return [f"{self.device_id}-{b}-{r}" for b in range(BATCHES) for r in range(RECORDS)]

    def upload(self) -> None:
        now = protocol.iso(datetime.now(UTC))
        for b in range(BATCHES):
            records = [protocol.AsRunRecord(
                key=f"{self.device_id}-{b}-{r}", device_id=self.device_id, kind="audio", planned_start=now,
                actual_start=now, actual_end=now, device_time=now, outcome="played", duration_ms=1000,
                aired_ms=1000) for r in range(RECORDS)]
            batch = protocol.AsRunBatch(device_id=self.device_id, batch_id=f"b{b}", records=records)
            self.client.publish(protocol.asrun_topic(self.device_id),
                                batch.model_dump_json(exclude_none=True).encode())

    def all_acked(self) -> bool:
        with self._lock:
            return self.acked >= set(self.keys())


def _ingest(server: Any) -> dict[str, Any]:
    body = server.health()
    assert body is not None
    return dict(body["ingest"])


def test_asrun_ingest_is_shared_and_stores_each_record_once(deployment: dict[str, Any]) -> None:  # noqa: F811
    first = _start(deployment, "all")
    assert wait_until(lambda: first.role() == "leader", timeout=20, interval=0.2)
    second = _start(deployment, "api")
    admin = _token(second, "quantri")
    speakers = []
    for _ in range(DEVICES):
        enrolled = httpx.post(f"{second.url}/api/v1/devices", json={"kind": "speaker", "area_code": "W001"},
                              headers=admin)
        assert enrolled.status_code == 201, enrolled.text
        speakers.append(Speaker(deployment["env"]["LOA_MQTT_URL"], enrolled.json()))
    try:
        for speaker in speakers:
            speaker.connect()
        for speaker in speakers:
            speaker.upload()
        assert wait_until(lambda: all(s.all_acked() for s in speakers), timeout=60, interval=0.2), \
            [len(s.acked) for s in speakers]
        for speaker in speakers:  # a device that lost the acks sends everything again
            speaker.upload()
        total = DEVICES * BATCHES * RECORDS

        def settled() -> bool:
            counts = [_ingest(first), _ingest(second)]
            return sum(c["records"] for c in counts) == 2 * total

        # Each replica counts every record it received: more than twice the total in all means
        # both replicas got every batch (no shared subscription), and it never settles.
        assert wait_until(settled, timeout=60, interval=0.2), [_ingest(first), _ingest(second)]
    finally:
        for speaker in speakers:
            speaker.client.disconnect()

    counts = [_ingest(first), _ingest(second)]
    print(f"ingest counters: {counts}")
    assert all(c["records"] > 0 for c in counts), counts  # the broker shared the batches out
    assert sum(c["stored"] for c in counts) == total  # stored once, across both replicas
    assert sum(c["duplicates"] for c in counts) == total
    assert all(c["rejected"] == 0 for c in counts) and not any(s.rejected for s in speakers)
    engine = get_engine(deployment["db"])
    try:
        with Session(engine) as session:
            rows = session.exec(select(func.count()).select_from(AsRun)).one()
            devices = session.exec(select(func.count(func.distinct(col(AsRun.device_id))))).one()
    finally:
        dispose_engines()
    assert (rows, devices) == (total, DEVICES)
