"""The managed local broker (when LOA_MQTT_URL is not set): started and stopped by the lifespan,
its password/ACL files regenerated from the device table whenever devices change."""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlmodel import Session

from devices.broker import ManagedBroker, create_managed_broker
from server.delivery.keys import server_account
from server.errors import ConfigError
from server.services.devices import broker_accounts

log = logging.getLogger(__name__)


class BrokerComponent:
    name = "broker"

    def __init__(self) -> None:
        self.broker: ManagedBroker | None = None
        self.runtime: Any = None
        self._lock = threading.Lock()

    def start(self, runtime: Any) -> None:
        self.runtime = runtime
        settings = runtime.settings
        if settings.mqtt_url:
            log.info("using external broker %s; managed broker not started", settings.mqtt_url.split("@")[-1])
            return
        broker = create_managed_broker(settings.broker_dir, settings.broker_port, kind=settings.broker_kind)
        self.broker = broker
        self.sync()
        try:
            broker.start()
        except Exception as exc:
            raise ConfigError(
                f"Không khởi động được broker MQTT nội bộ trên cổng {settings.broker_port} ({exc}). "
                "Đặt LOA_BROKER_PORT sang cổng khác hoặc LOA_MQTT_URL tới broker riêng."
            ) from exc

    def sync(self) -> None:
        """Regenerate credentials and ACL from the database; a running broker reloads them."""
        if self.broker is None or self.runtime is None:
            return
        with self._lock, Session(self.runtime.engine) as session:
            accounts = broker_accounts(session)
            self.broker.update_accounts(accounts, server_account(self.runtime.settings.keys_dir))

    def stop(self) -> None:
        if self.broker is not None:
            self.broker.stop()

    def state(self) -> dict[str, Any]:
        if self.broker is None:
            return {"kind": "external", "ok": True}
        return {"kind": self.broker.kind, "url": self.broker.url, "ok": self.broker.is_running}
