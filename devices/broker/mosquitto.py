"""Managed Mosquitto: generated config with the dynamic-security plugin, run as a child process.

Accounts, roles and client-id bindings live in the plugin (``devices.broker.dynsec``): written
as its JSON before a start, changed over MQTT by the admin account while it runs.
"""

from __future__ import annotations

import functools
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import ClassVar

from devices.broker.credentials import Account, write_private_file
from devices.broker.dynsec import (
    ADMIN_USERNAME,
    PLUGIN_PATHS,
    DynsecAdmin,
    PasswordSource,
    ServerLogin,
    merge_fixed_accounts,
    render_config,
)
from devices.broker.process import BrokerError, ManagedBroker

# Debian/Ubuntu install the broker in /usr/sbin, which is often not on a normal user's PATH.
_EXTRA_LOCATIONS = ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/opt/homebrew/sbin/mosquitto")


def find_mosquitto() -> str | None:
    """Path of the mosquitto binary, or None when it is not installed."""
    found = shutil.which("mosquitto")
    if found:
        return found
    return next((p for p in _EXTRA_LOCATIONS if os.access(p, os.X_OK)), None)


@functools.cache
def mosquitto_version(binary: str) -> tuple[int, int, int]:
    """Version from ``mosquitto -h`` (which prints "mosquitto version 2.0.11" and exits 3)."""
    try:
        out = subprocess.run([binary, "-h"], capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BrokerError(f"cannot run {binary}: {exc}") from exc
    match = re.search(r"mosquitto version (\d+)\.(\d+)\.(\d+)", out)
    if not match:
        raise BrokerError(f"cannot read the version of {binary}: {out[:200]!r}")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def find_dynsec_plugin() -> str | None:
    override = os.environ.get("LOA_DYNSEC_PLUGIN")
    candidates = (override,) if override else PLUGIN_PATHS
    return next((p for p in candidates if p and os.path.exists(p)), None)


def read_or_create_secret(path: Path) -> str:
    """A random secret in a 0600 file, created exclusively (concurrent starters agree)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(24))
    return path.read_text(encoding="ascii").strip()


class MosquittoBroker(ManagedBroker):
    kind: ClassVar[str] = "mosquitto"
    config_name: ClassVar[str] = "mosquitto.conf"
    reload_marker: ClassVar[str] = "Reloading config."

    def __init__(
        self,
        directory: Path,
        port: int,
        *,
        binary: str | None = None,
        host: str = "127.0.0.1",
        max_packet_size: int = 1024 * 1024,
        autosave_interval: int = 60,
        autosave_on_changes: bool = False,
        keep_accounts: bool = False,
        log_to_stdout: bool = False,
    ) -> None:
        super().__init__(directory, port, host=host)
        found = binary or find_mosquitto()
        if not found:
            raise BrokerError("mosquitto binary not found")
        self.binary = found
        self.version = mosquitto_version(found)
        if self.version < (2, 0, 0):
            raise BrokerError(f"Mosquitto {self.version} is too old: the generated config needs 2.0+")
        self.max_packet_size = max_packet_size
        # Seconds between persistence saves, or (autosave_on_changes) the number of changes.
        # A SIGKILL loses what changed since the last save; convergence republishes it.
        self.autosave_interval = autosave_interval
        self.autosave_on_changes = autosave_on_changes
        # keep_accounts: a standalone broker's plugin JSON is its state (servers change it over
        # MQTT); the embedded one is rewritten from the database on every start.
        self.keep_accounts = keep_accounts
        self.log_to_stdout = log_to_stdout
        plugin = find_dynsec_plugin()
        if plugin is None:
            raise BrokerError("mosquitto_dynamic_security.so not found (Debian's mosquitto package ships it)")
        self.plugin = plugin
        self._admin: DynsecAdmin | None = None

    @property
    def supports_shared_subscriptions(self) -> bool:
        return self.version >= (1, 6, 0)  # "$share/" arrived in Mosquitto 1.6

    @property
    def persistence_path(self) -> Path:
        return self.directory / "data" / "mosquitto.db"

    @property
    def log_path(self) -> Path:
        return self.directory / "mosquitto.log"

    @property
    def dynsec_path(self) -> Path:
        return self.directory / "dynamic-security.json"

    @property
    def admin_password(self) -> str:
        return read_or_create_secret(self.directory / "admin-password")

    def set_admin_password(self, password: str) -> None:
        """Use a given admin secret (deployment configuration) instead of a generated one."""
        write_private_file(self.directory / "admin-password", password + "\n")

    @property
    def admin_url(self) -> str:
        return f"mqtt://{ADMIN_USERNAME}:{self.admin_password}@{self.host}:{self.port}"

    def update_accounts(
        self, accounts: Iterable[Account], server_account: Account, *, bound_server_ids: Iterable[str] = (),
        password_for: PasswordSource | None = None,
    ) -> None:
        """Stopped: write the plugin's JSON (hashes suffice). Running: reconcile over MQTT
        (``password_for`` gives the plaintext of accounts that must be created or changed)."""
        accounts = list(accounts)
        with self._lock:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._server_username = server_account.username
            logins = [ServerLogin(server_account)] + [
                ServerLogin(Account(cid, server_account.password_hash, server_account.password), cid)
                for cid in bound_server_ids
            ]
            if self.is_running:
                admin = self.admin()
                admin.ensure_servers(logins)
                admin.reconcile(accounts, password_for)
                return
            admin_account = Account.from_password(ADMIN_USERNAME, self.admin_password)
            config = render_config(admin_account, logins, accounts)
            if self.keep_accounts and self.dynsec_path.exists():
                # Standalone: device accounts stay as the servers left them; the admin and
                # server logins (and their roles) follow the current secrets and rules.
                config = merge_fixed_accounts(json.loads(self.dynsec_path.read_text(encoding="utf-8")), config)
            write_private_file(self.dynsec_path, json.dumps(config, indent=1) + "\n")
            self._write_config()

    def admin(self) -> DynsecAdmin:
        """The admin connection to this running broker (opened on first use)."""
        if self._admin is None:
            from devices.mqtt import MqttClient  # paho only where a broker is managed

            client = MqttClient(self.admin_url, client_id=f"loa-admin-{os.getpid()}-{id(self) % 10**6}")
            client.connect(timeout=10)
            admin = DynsecAdmin(client)
            admin.start()
            self._admin = admin
        return self._admin

    def _forget(self) -> None:
        if self._admin is not None:
            self._admin.client.disconnect()
            self._admin = None
        super()._forget()

    def save(self) -> None:
        """Ask Mosquitto to write its persistence file now (SIGUSR1; asynchronous)."""
        self._signal(signal.SIGUSR1)

    def command_line(self) -> list[str]:
        """What runs the broker (``loa broker serve`` execs it in the foreground)."""
        return list(self._command())

    def _command(self) -> Sequence[str]:
        return [self.binary, "-c", str(self.config_path)]

    def render_config(self) -> str:
        lines = [
            "# Generated by Loa (devices/broker/mosquitto.py); rewritten on every start.",
            "per_listener_settings false",
            "allow_anonymous false",
            f"plugin {self.plugin}",
            f"plugin_opt_config_file {self.dynsec_path}",
            f"listener {self.port} {self.host}",
            "max_connections -1",
            f"max_packet_size {self.max_packet_size}",
            "set_tcp_nodelay true",
            # The server's ingest subscriber receives every device's as-run at the end of a slot:
            # the defaults (20 in flight, 1,000 queued) would drop messages in that burst.
            "max_inflight_messages 1000",
            "max_queued_messages 100000",
            # Retained manifests and alerts survive restarts; the database stays the source of truth.
            "persistence true",
            f"persistence_location {self.persistence_path.parent}/",
            f"persistence_file {self.persistence_path.name}",
            f"autosave_interval {self.autosave_interval}",
            f"autosave_on_changes {'true' if self.autosave_on_changes else 'false'}",
            # Mosquitto logs usernames and client ids, never passwords.
            f"log_dest file {self.log_path}",
            *(["log_dest stdout"] if self.log_to_stdout else []),
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "connection_messages true",
            "log_timestamp_format %Y-%m-%dT%H:%M:%S",
        ]
        if os.geteuid() == 0:
            # As root, Mosquitto 2 would switch to user "mosquitto", which cannot read our
            # 0600 files or write the persistence directory: stay the owner of those files.
            lines.append(f"user {pwd.getpwuid(os.geteuid()).pw_name}")
        return "\n".join(lines) + "\n"

    def _write_config(self) -> None:
        self.persistence_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_private_file(self.config_path, self.render_config())
