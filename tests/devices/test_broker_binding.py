"""Issue 12 finding 4: each broker account is bound to its client id(s), on Mosquitto (dynamic
security) and on the amqtt fallback. A device presenting another device's client id, or the
server's ingest client id, is refused and the victim keeps its connection."""

from __future__ import annotations

import pytest

from devices.mqtt import MqttAuthError, MqttClient
from tests.brokers import INGEST_CLIENT_ID, MessageCollector, RunningBroker

STATUS = "loa/v1/dev/{}/status"


def assert_still_connected(victim: MqttClient, server: MqttClient, seen: MessageCollector, device: str) -> None:
    """Not just the flag: a publish from the victim must still reach the server."""
    victim.publish(STATUS.format(device), b"still-here")
    seen.wait_for(lambda m: m.topic == STATUS.format(device) and m.payload == b"still-here")
    assert victim.is_connected


@pytest.fixture
def watcher(shared_broker: RunningBroker) -> MessageCollector:
    return MessageCollector()


def test_a_device_cannot_take_another_devices_client_id(shared_broker: RunningBroker) -> None:
    seen = MessageCollector()
    server = shared_broker.client("loa-server", on_message=seen)
    server.subscribe("loa/v1/dev/+/status")
    victim = shared_broker.client("dev-a")
    try:
        for _ in range(3):  # the reported attack retried in a loop
            with pytest.raises(MqttAuthError):
                shared_broker.client("dev-b", client_id="dev-a")
        assert_still_connected(victim, server, seen, "dev-a")
    finally:
        victim.disconnect()
        server.disconnect()


def test_a_device_cannot_take_the_servers_ingest_client_id(shared_broker: RunningBroker) -> None:
    seen = MessageCollector()
    ingest = shared_broker.client(INGEST_CLIENT_ID, on_message=seen, clean_session=False)
    ingest.subscribe("loa/v1/dev/+/status")
    try:
        for name in ("dev-a", "dev-b"):
            with pytest.raises(MqttAuthError):
                shared_broker.client(name, client_id=INGEST_CLIENT_ID, clean_session=False)
        device = shared_broker.client("dev-c")
        try:
            assert_still_connected(device, ingest, seen, "dev-c")  # ingest still receives
        finally:
            device.disconnect()
    finally:
        ingest.disconnect()


@pytest.mark.parametrize("client_id", ["", "dev-a-2", "DEV-A", "loa-server"])
def test_a_device_connects_only_with_its_own_client_id(shared_broker: RunningBroker, client_id: str) -> None:
    with pytest.raises(MqttAuthError):
        shared_broker.client("dev-a", client_id=client_id)
    shared_broker.client("dev-a").disconnect()  # its own id works


def test_a_bound_server_account_is_refused_under_another_client_id(shared_broker: RunningBroker) -> None:
    with pytest.raises(MqttAuthError):
        shared_broker.client(INGEST_CLIENT_ID, client_id="loa-ingest-elsewhere")
    shared_broker.client(INGEST_CLIENT_ID).disconnect()
