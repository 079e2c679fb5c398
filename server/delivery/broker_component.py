"""Broker accounts follow the device table (the source of truth).

* Managed broker (no LOA_MQTT_URL): started and stopped by the lifespan. Mosquitto gets its
  dynamic-security JSON from the database before it starts (existing devices migrate with
  their hashes), then every change over MQTT; the amqtt fallback gets files and a SIGHUP.
* External broker with LOA_BROKER_ADMIN_URL (`loa broker serve`): the same over MQTT, and a
  full reconcile on every (re)connect of the admin session.
* External broker without it: nothing to manage here.

Enrolment is coalesced in a worker thread; rotation and revocation hold on the broker before
the API answers.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlmodel import Session

from devices.broker import BrokerError, ManagedBroker, MosquittoBroker, create_managed_broker
from devices.broker.credentials import Account
from devices.broker.dynsec import DynsecAdmin, DynsecError, ServerLogin
from devices.mqtt import MqttClient, MqttError, parse_mqtt_url
from server.delivery.keys import device_password_key, server_account, server_client_id
from server.errors import ConfigError
from server.services.devices import broker_accounts, derived_password_source

log = logging.getLogger(__name__)

SERVER_ROLES = ("pub", "ingest")
RETRY_SECONDS = 5.0  # server_client() roles: each gets an account bound to its id


class BrokerComponent:
    name = "broker"

    def __init__(self) -> None:
        self.broker: ManagedBroker | None = None
        self.external_admin: DynsecAdmin | None = None
        self.runtime: Any = None
        self._lock = threading.Lock()
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._pending: set[str] = set()
        self._full = False
        self._stopping = False
        self._stopped = threading.Event()
        self._worker: threading.Thread | None = None
        self.reconciled = threading.Event()  # set after each full reconcile (tests, health)

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self, runtime: Any) -> None:
        self.runtime = runtime
        settings = runtime.settings
        if settings.mqtt_url:
            if settings.broker_admin_url:
                self._start_external_admin(settings)
            else:
                log.info("using external broker %s; accounts not managed here", settings.mqtt_url.split("@")[-1])
            return
        broker = create_managed_broker(settings.broker_dir, settings.broker_port, kind=settings.broker_kind)
        self.broker = broker
        self.sync()  # before start: Mosquitto's dynamic-security JSON is written from the database
        try:
            broker.start()
        except Exception as exc:
            raise ConfigError(
                f"Không khởi động được broker MQTT nội bộ trên cổng {settings.broker_port} ({exc}). "
                "Đặt LOA_BROKER_PORT sang cổng khác hoặc LOA_MQTT_URL tới broker riêng."
            ) from exc

    def _start_external_admin(self, settings: Any) -> None:
        self._server_logins()  # a wrong setting stops the start here, naming it
        # Every (re)connect of the admin session reconciles the broker with the database,
        # the first one included: a broker restored from an old backup converges too.
        client = MqttClient(
            settings.broker_admin_url, client_id=server_client_id(settings, "admin"),
            on_connect_hook=lambda _session_present: self.request_sync(full=True),
        )
        self.external_admin = DynsecAdmin(client)
        self.reconciled.clear()
        try:
            client.connect(timeout=15)
        except MqttError as exc:
            # Keep serving HTTP; paho keeps retrying and the connect hook reconciles.
            log.error("broker admin unreachable at start (%s); accounts reconcile on connect", exc)
            return
        # The server's own accounts must exist before the publisher and ingest connect.
        if not self.reconciled.wait(60):
            log.error("broker accounts not reconciled within 60 s of start; retrying in the background")

    def stop(self) -> None:
        self._stopping = True
        self._stopped.set()
        self._wanted.set()
        if self._worker is not None:
            self._worker.join(timeout=10)
        if self.external_admin is not None:
            self.external_admin.client.disconnect()
        if self.broker is not None:
            self.broker.stop()

    def state(self) -> dict[str, Any]:
        if self.external_admin is not None:
            return {"kind": "external-dynsec", "ok": self.external_admin.client.is_connected}
        if self.broker is None:
            return {"kind": "external", "ok": True}
        return {"kind": self.broker.kind, "url": self.broker.url, "ok": self.broker.is_running}

    # -- what callers use -------------------------------------------------------------------------
    def request_sync(self, device_ids: list[str] | None = None, *, full: bool = False) -> None:
        """Coalesced: a burst of enrolments costs one broker update, not one each."""
        if self.broker is None and self.external_admin is None:
            return
        with self._lock:  # with the worker's idle check: wait_synced never returns early
            self._pending.update(device_ids or [])
            self._full = self._full or full or device_ids is None
            self._idle.clear()
            if self._worker is None:
                self._worker = threading.Thread(target=self._sync_loop, name="loa-broker-sync", daemon=True)
                self._worker.start()
        self._wanted.set()

    def wait_synced(self, timeout: float = 30.0) -> bool:
        return self._idle.wait(timeout)

    def sync_devices(self, device_ids: list[str]) -> None:
        """Now, for these devices only: created/updated when active, removed otherwise. Once
        this returns the broker refuses a revoked device or an old password. If the broker
        cannot be reached the database still holds the change: a full reconcile follows."""
        try:
            self._sync_devices(device_ids)
        except (MqttError, DynsecError, BrokerError, OSError):
            log.exception("broker update for %d device(s) failed; a full reconcile follows", len(device_ids))
            self.request_sync(full=True)

    def _sync_devices(self, device_ids: list[str]) -> None:
        admin = self._admin()
        if admin is None:
            self.sync()  # amqtt: files + SIGHUP; the reload waits until the broker applied it
            return
        with Session(self.runtime.engine) as session:
            active = broker_accounts(session, self._device_key(), device_ids)
        found = {a.username for a in active}
        upserts = [a for a in active if a.password is not None]
        if len(upserts) < len(active):
            log.warning("%d device(s) have no derivable broker password", len(active) - len(upserts))
        admin.apply_devices(upserts, [d for d in device_ids if d not in found])

    def sync(self) -> None:
        """Full reconcile of every account with the database."""
        if self.runtime is None:
            return
        with Session(self.runtime.engine) as session:
            accounts = broker_accounts(session)  # hashes; plaintext derived only where needed
        source = derived_password_source(self._device_key())
        if self.external_admin is not None:
            admin = self.external_admin
            admin.start()  # (re)subscribe to the answers: a new session after a broker restart
            admin.ensure_servers(self._server_logins())
            counts = admin.reconcile(accounts, source)
            log.info("broker accounts reconciled: %s", counts)
        elif self.broker is not None:
            keys = self.runtime.settings.keys_dir
            self.broker.update_accounts(accounts, server_account(keys), bound_server_ids=self._bound_ids(),
                                        password_for=source)
        self.reconciled.set()

    # -- internals -------------------------------------------------------------------------------
    def _admin(self) -> DynsecAdmin | None:
        if self.external_admin is not None:
            return self.external_admin
        if isinstance(self.broker, MosquittoBroker) and self.broker.is_running:
            return self.broker.admin()
        return None

    def _device_key(self) -> bytes:
        return device_password_key(self.runtime.settings)

    def _bound_ids(self) -> list[str]:
        return [server_client_id(self.runtime.settings, role) for role in SERVER_ROLES]

    def _server_logins(self) -> list[ServerLogin]:
        password = parse_mqtt_url(self.runtime.settings.mqtt_url).password
        if not password:
            raise ConfigError("LOA_MQTT_URL cần có mật khẩu khi đặt LOA_BROKER_ADMIN_URL.")
        return [ServerLogin(Account.from_password(cid, password), cid) for cid in self._bound_ids()]

    def _sync_loop(self) -> None:
        while not self._stopping:
            self._wanted.wait()
            self._wanted.clear()
            if self._stopping:
                break
            with self._lock:
                full, pending = self._full, sorted(self._pending)
                self._full, self._pending = False, set()
            try:
                if full or self._admin() is None:
                    self.sync()
                elif pending:
                    self.sync_devices(pending)
            except Exception:  # retried in full; devices retry their connects meanwhile
                log.exception("broker account sync failed; retrying in %.0f s", RETRY_SECONDS)
                with self._lock:
                    self._full = True
                if not self._stopped.wait(RETRY_SECONDS):
                    self._wanted.set()
            with self._lock:
                if not (self._pending or self._full):
                    self._idle.set()
