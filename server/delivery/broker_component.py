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
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._stopping = False
        self._worker: threading.Thread | None = None

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

    def request_sync(self) -> None:
        """Coalesced: a burst of enrolments costs one broker reload, not one each."""
        if self.broker is None:
            return
        if self._worker is None:
            self._worker = threading.Thread(target=self._sync_loop, name="loa-broker-sync", daemon=True)
            self._worker.start()
        self._idle.clear()
        self._wanted.set()

    def wait_synced(self, timeout: float = 30.0) -> bool:
        return self._idle.wait(timeout)

    def _sync_loop(self) -> None:
        while not self._stopping:
            self._wanted.wait()
            self._wanted.clear()
            if self._stopping:
                break
            try:
                self.sync()
            except Exception:  # the next request retries; devices retry their connects meanwhile
                log.exception("broker credential sync failed")
            if not self._wanted.is_set():
                self._idle.set()

    def sync(self) -> None:
        """Regenerate credentials and ACL from the database; a running broker reloads them."""
        if self.broker is None or self.runtime is None:
            return
        with self._lock, Session(self.runtime.engine) as session:
            accounts = broker_accounts(session)
            self.broker.update_accounts(accounts, server_account(self.runtime.settings.keys_dir))

    def stop(self) -> None:
        self._stopping = True
        self._wanted.set()
        if self._worker is not None:
            self._worker.join(timeout=10)
        if self.broker is not None:
            self.broker.stop()

    def state(self) -> dict[str, Any]:
        if self.broker is None:
            return {"kind": "external", "ok": True}
        return {"kind": self.broker.kind, "url": self.broker.url, "ok": self.broker.is_running}
