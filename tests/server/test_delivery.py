"""Delivery end to end through the real app, a managed broker (Mosquitto and the amqtt
fallback) and real MQTT clients: enrolment, signed manifests over MQTT and HTTP, isolation,
as-run ingest with acknowledgement and dedup, presence, convergence."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from devices import protocol
from devices.mqtt import MqttAuthError, MqttClient, MqttSubscribeError, ReceivedMessage, Will
from server.app import create_app
from server.components import default_components
from server.models.asrun import AsRun
from server.models.devices import Device, DeviceOutage
from server.runtime import Runtime, build_runtime
from server.settings import Settings
from tests.brokers import free_port, require_mosquitto, wait_until
from tests.factories import add_user, login, seed_two_communes


@pytest.fixture(params=["mosquitto", "amqtt"])
def live(request: pytest.FixtureRequest, settings: Settings) -> Iterator[tuple[Runtime, TestClient]]:
    if request.param == "mosquitto":
        require_mosquitto()
    live_settings = settings.model_copy(update={"broker_port": free_port(), "broker_kind": request.param})
    runtime = build_runtime(live_settings, default_components(live_settings))
    seed_two_communes(runtime.engine)
    add_user(runtime.engine, "quantri", "admin", "P01")
    with TestClient(create_app(runtime)) as client:
        yield runtime, client


class Inbox:
    def __init__(self) -> None:
        self.messages: list[ReceivedMessage] = []
        self.event = threading.Event()

    def __call__(self, msg: ReceivedMessage) -> None:
        self.messages.append(msg)
        self.event.set()

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> bool:
        return wait_until(lambda: any(predicate(m) for m in list(self.messages)), timeout)


def enrol(client: TestClient, headers: dict[str, str], area: str, kind: str = "speaker") -> dict[str, Any]:
    body: dict[str, Any] = {"kind": kind, "area_code": area}
    if kind == "board":
        body.update(board_cols=20, board_rows=2)
    response = client.post("/api/v1/devices", json=body, headers=headers)
    assert response.status_code == 201, response.text
    runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    assert runtime.broker.wait_synced(30)  # enrolment reloads the broker in the background
    return response.json()


def device_client(runtime: Runtime, creds: dict[str, Any], inbox: Inbox, **kwargs: Any) -> MqttClient:
    c = MqttClient(runtime.settings.effective_mqtt_url, username=creds["username"], password=creds["password"],
                   client_id=creds["device_id"], on_message=inbox, **kwargs)
    c.connect(timeout=10)
    return c


def test_manifest_reaches_only_its_device_and_verifies(live: tuple[Runtime, TestClient]) -> None:
    runtime, client = live
    admin = login(client, "quantri")
    a = enrol(client, admin, "W001-T01")
    b = enrol(client, admin, "W002-T01")
    runtime.scheduler.compile_now()
    inbox_a, inbox_b = Inbox(), Inbox()
    ca = device_client(runtime, a, inbox_a)
    cb = device_client(runtime, b, inbox_b)
    try:
        ca.subscribe(protocol.manifest_topic(a["device_id"]))
        for stolen in ("loa/#", protocol.manifest_topic(a["device_id"])):
            with contextlib.suppress(MqttSubscribeError):  # amqtt refuses; Mosquitto filters
                cb.subscribe(stolen)
        cb.subscribe(protocol.manifest_topic(b["device_id"]))
        assert inbox_a.wait_for(lambda m: m.topic == protocol.manifest_topic(a["device_id"]))
        assert inbox_b.wait_for(lambda m: m.topic == protocol.manifest_topic(b["device_id"]))
        key = protocol.public_key_from_b64(a["server_public_key"])
        guard = protocol.DeviceGuard(a["device_id"], ["W001-T01", "W001", "P01"],
                                     protocol.Verifier({a["kid"]: key}), clock=lambda: datetime.now(UTC))
        manifest = guard.accept_manifest(inbox_a.messages[0].payload)
        assert manifest.device_id == a["device_id"] and manifest.area_codes == ["W001-T01", "W001", "P01"]
        with pytest.raises(protocol.Rejected) as refused:
            guard.accept_manifest(inbox_a.messages[0].payload)
        assert refused.value.reason == "replayed"
        assert not any(m.topic == protocol.manifest_topic(a["device_id"]) for m in inbox_b.messages)
    finally:
        ca.disconnect()
        cb.disconnect()


def test_http_pull_with_etag_and_device_auth(live: tuple[Runtime, TestClient]) -> None:
    runtime, client = live
    admin = login(client, "quantri")
    a = enrol(client, admin, "W001-T01")
    b = enrol(client, admin, "W002-T01")
    runtime.scheduler.compile_now()
    auth = (a["username"], a["password"])
    first = client.get(f"/api/v1/devices/{a['device_id']}/manifest", auth=auth)
    assert first.status_code == 200
    assert json.loads(first.content)["payload"]["device_id"] == a["device_id"]
    again = client.get(f"/api/v1/devices/{a['device_id']}/manifest", auth=auth,
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    other = client.get(f"/api/v1/devices/{b['device_id']}/manifest", auth=auth)
    assert other.status_code == 403
    wrong = client.get(f"/api/v1/devices/{a['device_id']}/manifest", auth=(a["username"], "nope"))
    assert wrong.status_code == 401


def _batch(device_id: str, batch_id: str, keys: list[str]) -> bytes:
    now = protocol.iso(datetime.now(UTC))
    records = [protocol.AsRunRecord(
        key=k, device_id=device_id, kind="audio", planned_start=now, actual_start=now, actual_end=now,
        device_time=now, outcome="played", duration_ms=1000, aired_ms=1000) for k in keys]
    return protocol.AsRunBatch(device_id=device_id, batch_id=batch_id, records=records).model_dump_json(
        exclude_none=True).encode()


def test_asrun_stored_once_then_acknowledged(live: tuple[Runtime, TestClient]) -> None:
    runtime, client = live
    admin = login(client, "quantri")
    a = enrol(client, admin, "W001-T01")
    b = enrol(client, admin, "W002-T01")
    inbox = Inbox()
    ca = device_client(runtime, a, inbox)
    cb = device_client(runtime, b, Inbox())
    try:
        ca.subscribe(protocol.asrun_ack_topic(a["device_id"]))
        dev = a["device_id"]
        ca.publish(protocol.asrun_topic(dev), b"{not json")
        ca.publish(protocol.asrun_topic(dev), _batch(dev, "b1", ["k1", "k2"]))
        ca.publish(protocol.asrun_topic(dev), _batch(dev, "b1", ["k1", "k2"]))  # duplicate resend
        cb.publish(protocol.asrun_topic(dev), _batch(dev, "forged", ["k9"]))  # ACL drops it
        cb.publish(protocol.asrun_topic(b["device_id"]), _batch(dev, "foreign", ["k8"]))  # wrong id inside
        assert inbox.wait_for(lambda m: json.loads(m.payload)["batch_id"] == "b1")
        acks = [json.loads(m.payload) for m in inbox.messages]
        assert acks[0]["stored"] == ["k1", "k2"]
        ingest = runtime.ingest
        assert wait_until(lambda: ingest.stats.batches >= 2 and ingest.stats.rejected >= 2, 10)
        with Session(runtime.engine) as session:
            keys = sorted(session.exec(select(AsRun.key)).all())
        assert keys == ["k1", "k2"]
        assert ingest.stats.reasons.get("malformed") == 1
        assert ingest.stats.reasons.get("foreign_device") == 1
    finally:
        ca.disconnect()
        cb.disconnect()


def test_presence_outage_from_last_will(live: tuple[Runtime, TestClient]) -> None:
    runtime, client = live
    admin = login(client, "quantri")
    a = enrol(client, admin, "W001-T01")
    dev = a["device_id"]
    now = protocol.iso(datetime.now(UTC))
    offline = protocol.Status(device_id=dev, state="offline", at=now).model_dump_json(exclude_none=True).encode()
    online = protocol.Status(device_id=dev, state="online", at=now).model_dump_json(exclude_none=True).encode()
    c = device_client(runtime, a, Inbox(), will=Will(protocol.status_topic(dev), offline))
    c.publish(protocol.status_topic(dev), online, retain=True)

    def status() -> str:
        with Session(runtime.engine) as s:
            device = s.get(Device, dev)
            return device.status if device else ""

    assert wait_until(lambda: status() == "online", 10)
    c._client.socket().close()  # an abrupt link loss: the broker publishes the will
    assert wait_until(lambda: status() == "offline", 20)
    with Session(runtime.engine) as s:
        outages = s.exec(select(func.count()).select_from(DeviceOutage)).one()
    assert outages == 1
    c.disconnect()


def test_revoked_device_cannot_connect(live: tuple[Runtime, TestClient]) -> None:
    runtime, client = live
    admin = login(client, "quantri")
    a = enrol(client, admin, "W001-T01")
    device_client(runtime, a, Inbox()).disconnect()
    assert client.post(f"/api/v1/devices/{a['device_id']}/revoke", headers=admin).status_code == 200
    with pytest.raises(MqttAuthError):
        device_client(runtime, a, Inbox())
    assert client.get(f"/api/v1/devices/{a['device_id']}/manifest",
                      auth=(a["username"], a["password"])).status_code == 401


def test_enrolment_token_spreads_devices_and_officers_cannot_enrol(
    live: tuple[Runtime, TestClient], tmp_path: Path
) -> None:
    runtime, client = live
    token = "demo-token-123"
    runtime.settings.enrolment_token_path.write_text(token)
    areas = [enrol(client, {"Authorization": f"Bearer {token}"}, None)["area_code"]  # type: ignore[arg-type]
             for _ in range(3)]
    assert sorted(areas) == ["W001-T01", "W001-T02", "W002-T01"]
    add_user(runtime.engine, "canbo", "officer", "W001")
    r = client.post("/api/v1/devices", json={"kind": "speaker"}, headers=login(client, "canbo"))
    assert r.status_code == 403
