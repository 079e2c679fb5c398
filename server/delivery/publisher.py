"""Publishes signed manifests, alerts and commands; republishes everything from the database
on start and on every reconnect without a session (the database is the source of truth)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from devices import protocol
from devices.mqtt import MqttClient, MqttError, parse_mqtt_url
from server.delivery.keys import server_broker_password, server_client_id
from server.models.devices import AreaAlert, Device, DeviceManifest

log = logging.getLogger(__name__)


def server_client(settings: Any, role: str, **kwargs: Any) -> MqttClient:
    """An MQTT client on the server's account bound to this process's client id (the broker
    component creates it); on an external broker without admin access, LOA_MQTT_URL's login."""
    client_id = server_client_id(settings, role)
    username = password = None
    if not settings.mqtt_url:
        username, password = client_id, server_broker_password(settings.keys_dir)
    elif settings.broker_admin_url:
        username, password = client_id, parse_mqtt_url(settings.mqtt_url).password
    return MqttClient(settings.effective_mqtt_url, username=username, password=password, client_id=client_id,
                      **kwargs)


class Publisher:
    name = "mqtt"

    def __init__(self) -> None:
        self.client: MqttClient | None = None
        self.runtime: Any = None
        self.republished = threading.Event()
        self.republish_count = 0

    def start(self, runtime: Any) -> None:
        self.runtime = runtime
        self.client = server_client(
            runtime.settings, "pub", clean_session=True,
            on_reconnect_without_session=self.republish_all,
        )
        try:
            self.client.connect(timeout=15)
        except MqttError as exc:
            # Keep serving HTTP; paho keeps retrying and convergence republishes on connect.
            log.error("broker unreachable at start (%s); devices can still pull over HTTP", exc)

    def stop(self) -> None:
        if self.client is not None:
            self.client.disconnect()

    def state(self) -> dict[str, Any]:
        connected = bool(self.client and self.client.is_connected)
        return {"connected": connected, "republished": self.republish_count, "ok": connected}

    def _send(self, messages: list[tuple[str, bytes | str, bool]]) -> bool:
        if not messages or self.client is None:
            return False
        try:
            self.client.publish_many(messages, qos=1, timeout=60)
            return True
        except MqttError as exc:
            log.warning("publish of %d message(s) deferred until reconnect: %s", len(messages), exc)
            return False

    def publish_manifests(self, device_ids: list[str]) -> int:
        if not device_ids:
            return 0
        with Session(self.runtime.engine) as session:
            rows = session.exec(
                select(DeviceManifest.device_id, DeviceManifest.envelope)
                .where(col(DeviceManifest.device_id).in_(device_ids))
            ).all()
        sent = 0
        for start in range(0, len(rows), 2000):
            chunk = rows[start:start + 2000]
            messages: list[tuple[str, bytes | str, bool]] = [
                (protocol.manifest_topic(d), env, True) for d, env in chunk
            ]
            if self._send(messages):
                sent += len(chunk)
                self._mark(DeviceManifest, col(DeviceManifest.device_id).in_([d for d, _ in chunk]))
        return sent

    def publish_alerts(self, alert_row_ids: list[int]) -> int:
        with Session(self.runtime.engine) as session:
            rows = session.exec(
                select(AreaAlert.area_code, AreaAlert.envelope).where(col(AreaAlert.id).in_(alert_row_ids))
            ).all()
        messages: list[tuple[str, bytes | str, bool]] = [
            (protocol.alert_topic(area), env, True) for area, env in rows
        ]
        if self._send(messages):
            self._mark(AreaAlert, col(AreaAlert.id).in_(alert_row_ids))
            return len(messages)
        return 0

    def publish_command(self, device_id: str, envelope: bytes) -> bool:
        return self._send([(protocol.cmd_topic(device_id), envelope, False)])

    def on_elected(self) -> None:
        if self.client is not None and self.client.is_connected:
            self.republish_all()

    def republish_all(self) -> None:
        """Convergence: every current manifest and every area's latest alert message. Only the
        scheduler's leader does it (N replicas reconnecting would each resend everything)."""
        if self.runtime is None or (self.runtime.started and not self.runtime.is_leader):
            return
        with Session(self.runtime.engine) as session:
            device_ids = list(session.exec(
                select(DeviceManifest.device_id).join(Device, col(Device.id) == DeviceManifest.device_id)
                .where(col(Device.revoked_at).is_(None))
            ).all())
            # One retained message per area topic: only the newest (highest seq) may be last on
            # it, else a device connecting later would get an older start or cancel.
            latest: dict[str, tuple[int, int]] = {}
            for row_id, area, seq in session.exec(select(AreaAlert.id, AreaAlert.area_code, AreaAlert.seq)).all():
                if row_id is not None and (area not in latest or seq > latest[area][1]):
                    latest[area] = (row_id, seq)
            alert_ids = [row_id for row_id, _ in latest.values()]
        sent = self.publish_manifests(device_ids) + self.publish_alerts(alert_ids)
        self.republish_count += 1
        log.info("republished %d retained message(s) from the database", sent)
        self.republished.set()

    def _mark(self, model: Any, where: Any) -> None:
        with Session(self.runtime.engine) as session:
            session.execute(update(model).where(where).values(published_at=self.runtime.clock()))
            session.commit()
