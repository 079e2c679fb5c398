"""What a device (or someone holding its credentials) may publish cannot stop the server or sink
good records: malformed, oversized, truncated, deeply nested, replayed and cross-device payloads on
every topic a device may publish to are dropped and counted (/healthz `ingest`), and the next good
batch is stored and acknowledged."""

from __future__ import annotations

import json
import queue
from datetime import UTC, datetime, timedelta
from typing import Any

from devices import protocol
from devices.mqtt import MqttClient, ReceivedMessage
from tests.brokers import wait_until
from tests.e2e.conftest import TOKEN, LiveServer


def _enrol(server: LiveServer) -> dict[str, Any]:
    with server.http() as c:
        r = c.post("/api/v1/devices", json={"kind": "speaker", "area_code": "W001"},
                   headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 201, r.text
    return dict(r.json())


def _record(device_id: str, key: str, at: datetime, **overrides: Any) -> dict[str, Any]:
    stamp = at.isoformat().replace("+00:00", "Z")
    record = {"key": key, "device_id": device_id, "kind": "audio", "planned_start": stamp, "actual_start": stamp,
              "actual_end": stamp, "device_time": stamp, "outcome": "played", "duration_ms": 30_000,
              "aired_ms": 30_000}
    return record | overrides


def _batch(device_id: str, batch_id: str, *records: dict[str, Any]) -> bytes:
    return json.dumps({"device_id": device_id, "batch_id": batch_id, "records": list(records)}).encode()


def test_hostile_payloads_are_dropped_counted_and_never_sink_good_records(live: LiveServer) -> None:
    mine, other = _enrol(live), _enrol(live)
    me = mine["device_id"]
    assert live.runtime.broker.wait_synced(30)
    acks: queue.Queue[ReceivedMessage] = queue.Queue()
    client = MqttClient(mine["mqtt_url"], username=mine["username"], password=mine["password"], client_id=me)
    client.connect(timeout=15)
    try:
        client.subscribe(protocol.asrun_ack_topic(me), callback=acks.put)
        now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
        good = _batch(me, "ok-1", _record(me, "k-good", now))
        hostile: list[tuple[str, bytes]] = [
            ("asrun", b""), ("asrun", b"{"), ("asrun", b"\xff\xfe\x00garbage"), ("asrun", good[: len(good) // 2]),
            ("asrun", b"[" * 50_000 + b"]" * 50_000),  # deeply nested
            ("asrun", b" " * (protocol.MAX_ASRUN_BATCH_BYTES + 1)),  # oversized
            ("asrun", _batch(other["device_id"], "x-1", _record(other["device_id"], "k-theirs", now))),
            ("asrun", json.dumps({"device_id": me, "batch_id": "b", "records": []}).encode()),
            ("asrun", _batch(me, "bad-1", _record(me, "k-poison", now, device_time="0999-01-01T00:00:00Z"))),
            ("status", b"{not json"), ("status", b"x" * (protocol.MAX_STATUS_BYTES + 1)),
            ("status", json.dumps({"device_id": other["device_id"], "state": "online",
                                   "at": now.isoformat().replace("+00:00", "Z")}).encode()),
        ]
        for topic, payload in hostile:
            client.publish(f"loa/v1/dev/{me}/{topic}", payload)
        for _ in range(2):  # a replayed good batch: stored once, acknowledged both times
            client.publish(f"loa/v1/dev/{me}/asrun", good)
        stored: set[str] = set()
        while "k-good" not in stored:
            stored |= set(json.loads(acks.get(timeout=30).payload)["stored"])

        ingest = live.runtime.ingest
        assert wait_until(lambda: ingest.stats.rejected >= 10, timeout=30)
        with live.http() as c:
            health = c.get("/healthz").json()
        assert health["status"] in ("ok", "degraded") and health["database"]["state"] == "ok"
        counted = health["ingest"]
        assert counted["rejected"] >= 10 and {"malformed", "too_large", "foreign_device"} <= set(counted["reasons"])
        assert counted["stored"] == 1 and counted["duplicates"] >= 1
    finally:
        client.disconnect()
