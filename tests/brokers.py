"""Project-managed MQTT brokers for tests, on a free loopback port (never the system 1883).

Plain helpers, no fixtures: any test module (or the root conftest) can start a broker with
``start_test_broker(tmp_dir, "mosquitto" | "amqtt")`` and stop it with ``.stop()``.

Mosquitto is optional on a user's machine: ``require_mosquitto()`` skips the test when the
binary is missing, or fails it when ``LOA_REQUIRE_SERVICES=1`` (CI). ``LOA_TEST_MOSQUITTO`` may
point at a specific mosquitto binary.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from devices.broker import Account, AmqttBroker, BrokerError, ManagedBroker, MosquittoBroker, find_mosquitto
from devices.mqtt import MqttClient, ReceivedMessage

SERVER_USERNAME = "loa-server"
INGEST_CLIENT_ID = "loa-ingest-testhost-8000"  # a bound server account, like the server's ingest
Kind = Literal["mosquitto", "amqtt"]


def services_required() -> bool:
    return os.environ.get("LOA_REQUIRE_SERVICES") == "1"


def mosquitto_binary() -> str | None:
    override = os.environ.get("LOA_TEST_MOSQUITTO")
    if override and os.access(override, os.X_OK):
        return override
    return find_mosquitto()


def require_mosquitto() -> str:
    """The mosquitto binary; otherwise skip the test (or fail it under LOA_REQUIRE_SERVICES=1)."""
    binary = mosquitto_binary()
    if binary is None:
        import pytest  # lazily: this module stays importable without pytest

        reason = "mosquitto binary not installed (apt install mosquitto)"
        if services_required():
            pytest.fail(f"required service unavailable (LOA_REQUIRE_SERVICES=1): {reason}")
        pytest.skip(reason)
    return binary


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0, interval: float = 0.02) -> bool:
    """Poll a condition with a deadline (for state we cannot subscribe to, like a reload)."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        threading.Event().wait(interval)


@dataclass
class RunningBroker:
    """A started managed broker plus the plaintext passwords of its accounts (tests only)."""

    broker: ManagedBroker
    passwords: dict[str, str] = field(default_factory=dict)
    server_username: str = SERVER_USERNAME
    bound_server_ids: tuple[str, ...] = (INGEST_CLIENT_ID,)
    # One hash per password: re-hashing would look like a rotation to the broker's reconcile.
    _hashed: dict[tuple[str, str], Account] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.broker.url

    @property
    def kind(self) -> str:
        return self.broker.kind

    def _account(self, username: str) -> Account:
        key = (username, self.passwords[username])
        if key not in self._hashed:
            self._hashed[key] = Account.from_password(*key)
        return self._hashed[key]

    def accounts(self) -> list[Account]:
        return [self._account(u) for u in self.passwords if u != self.server_username]

    def server_account(self) -> Account:
        return self._account(self.server_username)

    def update(self) -> None:
        """Push the current passwords to the broker (reload or dynamic-security reconcile)."""
        self.broker.update_accounts(self.accounts(), self.server_account(), bound_server_ids=self.bound_server_ids)

    def set_devices(self, devices: Iterable[str]) -> None:
        """Make exactly ``devices`` (plus the server) valid accounts; reloads a running broker."""
        wanted = set(devices)
        for name in list(self.passwords):
            if name != self.server_username and name not in wanted:
                del self.passwords[name]
        for name in wanted:
            self.passwords.setdefault(name, secrets.token_urlsafe(12))
        self.update()

    def client(
        self,
        username: str,
        *,
        password: str | None = None,
        client_id: str | None = None,
        connect: bool = True,
        **kwargs: object,
    ) -> MqttClient:
        client = MqttClient(
            self.url,
            username=username,
            password=password if password is not None else self.passwords.get(
                self.server_username if username in self.bound_server_ids else username, "x"),
            client_id=client_id if client_id is not None else self.default_client_id(username),
            **kwargs,  # type: ignore[arg-type]
        )
        if connect:
            client.connect(timeout=5)
        return client

    def default_client_id(self, username: str) -> str:
        """Devices and bound server accounts may only use their own id; the tool account any."""
        return f"loa-test-{secrets.token_hex(3)}" if username == self.server_username else username

    def stop(self) -> None:
        self.broker.stop()


def make_broker(directory: Path, kind: Kind, port: int, **options: object) -> ManagedBroker:
    if kind == "mosquitto":
        return MosquittoBroker(directory, port, binary=mosquitto_binary(), **options)  # type: ignore[arg-type]
    return AmqttBroker(directory, port)


def start_test_broker(directory: Path, kind: Kind, devices: Iterable[str] = (), **options: object) -> RunningBroker:
    """Start ``kind`` on a free port with ``devices`` as accounts (random passwords)."""
    server_password = secrets.token_urlsafe(12)
    last_error: BrokerError | None = None
    for _attempt in range(3):  # another process may grab the free port before the broker binds it
        test = RunningBroker(make_broker(directory, kind, free_port(), **options))
        test.passwords[SERVER_USERNAME] = server_password
        test.set_devices(devices)
        try:
            test.broker.start()
            return test
        except BrokerError as exc:
            last_error = exc
    raise BrokerError(f"could not start a test {kind} broker: {last_error}")


class MessageCollector:
    """An ``on_message`` handler that records messages and lets tests wait for one."""

    def __init__(self) -> None:
        self.messages: list[ReceivedMessage] = []
        self._cond = threading.Condition()

    def __call__(self, message: ReceivedMessage) -> None:
        with self._cond:
            self.messages.append(message)
            self._cond.notify_all()

    def wait_for(self, predicate: Callable[[ReceivedMessage], bool], timeout: float = 5.0) -> ReceivedMessage:
        with self._cond:
            found: list[ReceivedMessage] = []

            def seen() -> bool:
                found[:] = [m for m in self.messages if predicate(m)]
                return bool(found)

            if not self._cond.wait_for(seen, timeout):
                raise AssertionError(f"no matching message within {timeout} s; got {self.topics()}")
            return found[0]

    def wait_topic(self, topic: str, timeout: float = 5.0) -> ReceivedMessage:
        return self.wait_for(lambda m: m.topic == topic, timeout)

    def topics(self) -> list[str]:
        return [m.topic for m in self.messages]
