"""`loa bench trust-broker`: broker accounts under dynamic security (issue 12 finding 4).

The managed Mosquitto starts with N existing devices (hash-only accounts migrated through the
plugin's JSON), then a broker component changes accounts over MQTT. Metrics:

* ``start_seconds``: JSON from N database rows + Mosquitto start until it answers;
* ``enrol_to_connect_seconds``, ``rotate_seconds`` (until the old password is refused),
  ``revoke_to_disconnect_seconds``: each goal ≤ 2 s;
* ``takeovers_refused`` of ``takeover_attempts`` (another device's id, the ingest id) and
  ``victims_connected`` (must stay true);
* ``reconcile_seconds`` for ``reconciled_devices`` accounts lost by the broker and re-created.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bench._setup import free_port, prepare_empty, seed_fleet
from devices.mqtt import MqttAuthError, MqttClient
from server.db import dispose_engines
from server.delivery.broker_component import BrokerComponent
from server.delivery.keys import device_password_key, server_broker_password, server_client_id
from server.runtime import build_runtime
from server.services import areas as area_service
from server.services import devices as registry
from server.settings import Settings

DEFAULT_DEVICES = 2000
RECONCILED = 50
ATTEMPTS = 20


def _connect(url: str, username: str, password: str, client_id: str | None = None) -> MqttClient:
    client = MqttClient(url, username=username, password=password, client_id=client_id or username)
    client.connect(timeout=10)
    return client


def _refused(url: str, username: str, password: str, client_id: str) -> bool:
    try:
        _connect(url, username, password, client_id).disconnect()
    except MqttAuthError:
        return True
    return False


def _until(predicate: Any, timeout: float) -> bool:
    deadline, wake = time.monotonic() + timeout, threading.Event()
    while not predicate():
        if time.monotonic() > deadline:
            return False
        wake.wait(0.005)
    return True


def run(*, data_dir: Path, devices: int | None = None, rows: int | None = None) -> dict[str, Any]:
    count = devices or DEFAULT_DEVICES
    settings = Settings(data_dir=data_dir, broker_port=free_port(), mqtt_url=None, broker_kind="mosquitto")
    engine = prepare_empty(settings)
    now = datetime.now(UTC)
    fleet = seed_fleet(engine, count, now, password="legacy-password")
    component = BrokerComponent()
    runtime = build_runtime(settings, [component])
    key = device_password_key(settings)
    area = fleet.communes[0].code
    url = settings.effective_mqtt_url
    metrics: dict[str, Any] = {"devices": count}
    try:
        started = time.perf_counter()
        runtime.start(scheduler=False)
        metrics["start_seconds"] = round(time.perf_counter() - started, 3)
        old = _connect(url, fleet.device_ids[0], "legacy-password")  # migrated with its hash

        def enrol(device_id: str) -> str:
            with Session(engine) as session:
                creds = registry.enrol(session, kind="speaker", area_code=area, device_id=device_id, password_key=key)
                session.commit()
                return creds.password

        password = enrol("spk-bench-new")
        started = time.perf_counter()
        component.sync_devices(["spk-bench-new"])
        new = _connect(url, "spk-bench-new", password)
        metrics["enrol_to_connect_seconds"] = round(time.perf_counter() - started, 3)

        with Session(engine) as session:
            rotated = registry.rotate(session, "spk-bench-new", key).password
            session.commit()
        started = time.perf_counter()
        component.sync_devices(["spk-bench-new"])
        if not _refused(url, "spk-bench-new", password, "spk-bench-new"):
            raise RuntimeError("the old password still works after rotation")
        metrics["rotate_seconds"] = round(time.perf_counter() - started, 3)
        new.disconnect()

        victim = _connect(url, "spk-bench-new", rotated)
        ingest_id = server_client_id(settings, "ingest")
        ingest = _connect(url, ingest_id, server_broker_password(settings.keys_dir))
        refused = sum(
            _refused(url, fleet.device_ids[0], "legacy-password", target)
            for _ in range(ATTEMPTS // 2) for target in ("spk-bench-new", ingest_id)
        )
        metrics.update(takeover_attempts=ATTEMPTS, takeovers_refused=refused,
                       victims_connected=victim.is_connected and ingest.is_connected and old.is_connected)
        ingest.disconnect()

        with Session(engine) as session:
            registry.revoke(session, "spk-bench-new", datetime.now(UTC))
            session.commit()
        started = time.perf_counter()
        component.sync_devices(["spk-bench-new"])
        if not _until(lambda: not victim.is_connected, 10):
            raise RuntimeError("the revoked device kept its connection")
        metrics["revoke_to_disconnect_seconds"] = round(time.perf_counter() - started, 3)
        victim.disconnect()
        old.disconnect()

        lost = [f"spk-bench-lost-{i:04d}" for i in range(RECONCILED)]
        for device_id in lost:
            enrol(device_id)
        component.sync_devices(lost)
        admin = component._admin()
        assert admin is not None
        admin.apply_devices([], lost)  # the broker loses them (an old backup restored, say)
        started = time.perf_counter()
        component.sync()
        metrics["reconcile_seconds"] = round(time.perf_counter() - started, 3)
        metrics["reconciled_devices"] = len(lost)
        present = admin.list_clients()
        if any(d not in present for d in lost):
            raise RuntimeError("reconcile did not restore every lost account")
    finally:
        runtime.stop()
        area_service.invalidate(engine)
        dispose_engines()
    return {"metrics": metrics, "backend": "sqlite", "broker": "mosquitto"}
