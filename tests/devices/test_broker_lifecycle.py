"""Managed broker lifecycle: choice of broker, ports, persistence across stop/kill, stale children."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.broker import (
    Account,
    BrokerError,
    MosquittoBroker,
    start_managed_broker,
)
from tests import brokers as test_brokers
from tests.brokers import (
    Kind,
    MessageCollector,
    RunningBroker,
    free_port,
    make_broker,
    require_mosquitto,
    start_test_broker,
    wait_until,
)

MANIFEST = "loa/v1/dev/dev-a/manifest"


@pytest.fixture
def listening_socket() -> Iterator[int]:
    """A foreign listener on a free port, standing in for an unrelated broker."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def retained_payload(test: RunningBroker, topic: str) -> bytes | None:
    """What a subscriber gets as retained on ``topic`` (None when nothing is retained)."""
    seen = MessageCollector()
    server = test.client(test.server_username, on_message=seen)
    try:
        server.subscribe(topic)
        server.subscribe("loa/v1/dev/dev-a/cmd")
        server.publish("loa/v1/dev/dev-a/cmd", b"barrier")  # retained delivery precedes it
        seen.wait_for(lambda m: m.payload == b"barrier")
        found = [m.payload for m in seen.messages if m.topic == topic and m.retain]
        return found[0] if found else None
    finally:
        server.disconnect()


def publish_retained(test: RunningBroker, topic: str, payload: bytes) -> None:
    server = test.client(test.server_username)
    server.publish(topic, payload, retain=True)
    server.disconnect()


def test_start_managed_broker_prefers_mosquitto(tmp_path: Path) -> None:
    require_mosquitto()
    broker = start_managed_broker(
        tmp_path, free_port(), [Account.from_password("dev-a", "a")], Account.from_password("loa-server", "s")
    )
    try:
        assert broker.kind == "mosquitto"
        assert broker.url == f"mqtt://127.0.0.1:{broker.port}"
        assert broker.supports_shared_subscriptions
    finally:
        broker.stop()
    assert not broker.is_running


def test_fallback_is_announced_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="devices.broker")
    broker = start_managed_broker(tmp_path, free_port(), [], Account.from_password("loa-server", "s"), kind="amqtt")
    try:
        assert broker.kind == "amqtt"
        assert not broker.supports_shared_subscriptions
        assert any("amqtt fallback" in r.getMessage() for r in caplog.records)
    finally:
        broker.stop()


def test_mosquitto_config_is_loopback_authenticated_and_persistent(tmp_path: Path) -> None:
    broker = MosquittoBroker(tmp_path, 18830, binary=require_mosquitto())
    lines = broker.render_config().splitlines()
    assert broker.version >= (2, 0, 0)
    assert "listener 18830 127.0.0.1" in lines
    assert "allow_anonymous false" in lines
    assert "persistence true" in lines
    assert f"persistence_location {tmp_path.resolve()}/data/" in lines
    assert "max_packet_size 1048576" in lines
    assert not [ln for ln in lines if "1883 " in ln or ln.endswith(" 1883")]


def test_refuses_a_port_another_process_listens_on(broker_kind: Kind, tmp_path: Path, listening_socket: int) -> None:
    broker = make_broker(tmp_path, broker_kind, listening_socket)
    broker.update_accounts([], Account.from_password("loa-server", "s"))
    with pytest.raises(BrokerError, match="already in use"):
        broker.start()
    assert not broker.is_running


def test_start_requires_credentials(broker_kind: Kind, tmp_path: Path) -> None:
    with pytest.raises(BrokerError, match="update_accounts"):
        make_broker(tmp_path, broker_kind, free_port()).start()


def test_a_stale_broker_from_a_crashed_run_is_replaced(broker_kind: Kind, tmp_path: Path) -> None:
    first = start_test_broker(tmp_path, broker_kind, ["dev-a"])
    second = make_broker(tmp_path, broker_kind, first.broker.port)
    second.update_accounts(first.accounts(), first.server_account())
    try:
        second.start()  # finds the pid file, checks the command line, stops the old child
        assert not first.broker.is_running
        assert second.is_running
    finally:
        second.stop()
        first.broker.kill()


def test_mosquitto_keeps_retained_messages_across_a_graceful_restart(tmp_path: Path) -> None:
    require_mosquitto()
    test = start_test_broker(tmp_path, "mosquitto", ["dev-a"])
    try:
        publish_retained(test, MANIFEST, b"manifest-v1")
        test.broker.restart()  # SIGTERM saves the persistence file
        assert retained_payload(test, MANIFEST) == b"manifest-v1"
    finally:
        test.stop()


def test_mosquitto_sigkill_keeps_what_was_autosaved(tmp_path: Path) -> None:
    require_mosquitto()
    test = start_test_broker(tmp_path, "mosquitto", ["dev-a"], autosave_on_changes=True, autosave_interval=1)
    broker = test.broker
    assert isinstance(broker, MosquittoBroker)
    try:
        publish_retained(test, MANIFEST, b"manifest-saved")
        db = broker.persistence_path
        assert wait_until(lambda: db.exists() and b"manifest-saved" in db.read_bytes())
        broker.kill()
        broker.start()
        assert retained_payload(test, MANIFEST) == b"manifest-saved"
    finally:
        test.stop()


def test_mosquitto_sigkill_loses_changes_since_the_last_autosave(tmp_path: Path) -> None:
    """Why convergence exists: with the default 60 s autosave a crash drops recent retains."""
    require_mosquitto()
    test = start_test_broker(tmp_path, "mosquitto", ["dev-a"])
    try:
        publish_retained(test, MANIFEST, b"manifest-unsaved")
        test.broker.kill()
        test.broker.start()
        assert retained_payload(test, MANIFEST) is None
    finally:
        test.stop()


def test_amqtt_loses_retained_messages_on_restart(tmp_path: Path) -> None:
    """Documented fallback limit: the server republishes from the database on reconnect."""
    test = start_test_broker(tmp_path, "amqtt", ["dev-a"])
    try:
        publish_retained(test, MANIFEST, b"manifest-v1")
        assert retained_payload(test, MANIFEST) == b"manifest-v1"
        test.broker.restart()
        assert retained_payload(test, MANIFEST) is None
    finally:
        test.stop()


def test_missing_mosquitto_skips_or_fails_when_services_are_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(test_brokers, "mosquitto_binary", lambda: None)
    monkeypatch.delenv("LOA_REQUIRE_SERVICES", raising=False)
    with pytest.raises(pytest.skip.Exception):
        test_brokers.require_mosquitto()
    monkeypatch.setenv("LOA_REQUIRE_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception, match="LOA_REQUIRE_SERVICES"):
        test_brokers.require_mosquitto()
