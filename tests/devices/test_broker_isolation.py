"""Device isolation on the managed broker, run against Mosquitto and the amqtt fallback.

A device reads only its own manifest/cmd/asrun-ack and every area alert, and writes only its own
status/asrun. "Never receives" is checked with a barrier: after the forbidden traffic, a message
the client *may* receive (or send) is waited for; brokers deliver in order, so anything
forbidden that leaked would have arrived before it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from devices.mqtt import MqttAuthError, MqttClient, MqttSubscribeError
from tests.brokers import MessageCollector, RunningBroker, wait_until

A_MANIFEST = "loa/v1/dev/dev-a/manifest"


def dev(device: str, leaf: str) -> str:
    return f"loa/v1/dev/{device}/{leaf}"


@pytest.fixture
def server(shared_broker: RunningBroker) -> Iterator[MqttClient]:
    client = shared_broker.client(shared_broker.server_username)
    yield client
    client.disconnect()


def device_client(
    broker: RunningBroker,
    name: str,
    collector: MessageCollector,
    *,
    client_id: str | None = None,
    clean_session: bool = True,
) -> MqttClient:
    return broker.client(name, on_message=collector, client_id=client_id, clean_session=clean_session)


def try_subscribe(client: MqttClient, topic: str) -> None:
    """Mosquitto grants and then filters on delivery; amqtt refuses in the SUBACK. Both are fine."""
    with contextlib.suppress(MqttSubscribeError):
        client.subscribe(topic)


def connect_then_drop(broker: RunningBroker, username: str, client_id: str, will: tuple[str, bytes]) -> None:
    """Connect with a will, then vanish without DISCONNECT so the broker fires the will."""
    connected = threading.Event()
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id)
    client.username_pw_set(username, broker.passwords[username])
    client.will_set(will[0], will[1], qos=1, retain=True)
    client.on_connect = lambda *_a: connected.set()
    client.connect("127.0.0.1", broker.broker.port)
    deadline = time.monotonic() + 5
    while not connected.is_set() and time.monotonic() < deadline:
        client.loop(0.05)
    assert connected.is_set()
    sock = client.socket()
    assert isinstance(sock, socket.socket)
    sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def test_device_never_receives_another_devices_manifest(shared_broker: RunningBroker, server: MqttClient) -> None:
    server.publish(A_MANIFEST, b"A-retained", retain=True)
    seen = MessageCollector()
    b = device_client(shared_broker, "dev-b", seen)
    try:
        b.subscribe(dev("dev-b", "cmd"))
        for topic in ("#", "loa/#", "loa/v1/dev/+/manifest", A_MANIFEST, "loa/v1/dev/dev-a/#", "+/+/+/+/+"):
            try_subscribe(b, topic)
        server.publish(A_MANIFEST, b"A-live", retain=True)
        server.publish(dev("dev-a", "cmd"), b"A-cmd")
        server.publish(dev("dev-b", "cmd"), b"barrier")
        seen.wait_for(lambda m: m.payload == b"barrier")
        assert not [t for t in seen.topics() if "dev-a" in t]
    finally:
        b.disconnect()


def test_retained_manifest_reaches_its_own_device(shared_broker: RunningBroker, server: MqttClient) -> None:
    server.publish(dev("dev-b", "manifest"), b"B-manifest", retain=True)
    server.publish(A_MANIFEST, b"A-manifest", retain=True)
    seen = MessageCollector()
    b = device_client(shared_broker, "dev-b", seen)
    try:
        b.subscribe(dev("dev-b", "manifest"))
        got = seen.wait_topic(dev("dev-b", "manifest"))
        assert (got.payload, got.retain) == (b"B-manifest", True)
    finally:
        b.disconnect()


def test_device_cannot_publish_as_another_device(shared_broker: RunningBroker, server: MqttClient) -> None:
    seen = MessageCollector()
    server.subscribe("loa/v1/dev/+/status", callback=seen)
    server.subscribe("loa/v1/dev/+/asrun", callback=seen)
    b = shared_broker.client("dev-b")
    try:
        for topic in (dev("dev-a", "status"), dev("dev-a", "asrun")):
            b.publish(topic, b"forged")  # acknowledged by both brokers, then dropped
        b.publish(dev("dev-b", "asrun"), b"barrier")
        seen.wait_for(lambda m: m.payload == b"barrier")
        assert dev("dev-a", "status") not in seen.topics()
        assert dev("dev-a", "asrun") not in seen.topics()
    finally:
        b.disconnect()


def test_device_cannot_overwrite_retained_manifest_or_alert(shared_broker: RunningBroker, server: MqttClient) -> None:
    server.publish(A_MANIFEST, b"genuine", retain=True)
    server.publish("loa/v1/area/W1/alert", b"genuine-alert", retain=True)
    b = shared_broker.client("dev-b")
    b.publish(A_MANIFEST, b"evil", retain=True)
    b.publish("loa/v1/area/W1/alert", b"evil", retain=True)
    b.disconnect()
    seen = MessageCollector()
    a = device_client(shared_broker, "dev-a", seen)
    try:
        a.subscribe(A_MANIFEST)
        a.subscribe("loa/v1/area/W1/alert")
        assert seen.wait_topic(A_MANIFEST).payload == b"genuine"
        assert seen.wait_topic("loa/v1/area/W1/alert").payload == b"genuine-alert"
    finally:
        a.disconnect()


def test_will_on_a_forbidden_topic_is_never_published(shared_broker: RunningBroker, server: MqttClient) -> None:
    server.publish(A_MANIFEST, b"genuine", retain=True)
    seen = MessageCollector()
    server.subscribe(A_MANIFEST, callback=seen)
    server.subscribe("loa/v1/dev/dev-b/status", callback=seen)
    connect_then_drop(shared_broker, "dev-b", "dev-b", (A_MANIFEST, b"evil-will"))
    connect_then_drop(shared_broker, "dev-b", "dev-b", ("loa/v1/dev/dev-b/status", b"offline"))
    seen.wait_for(lambda m: m.payload == b"offline")
    assert b"evil-will" not in [m.payload for m in seen.messages]


def test_every_device_reads_every_area_alert(shared_broker: RunningBroker, server: MqttClient) -> None:
    server.publish("loa/v1/area/P01/alert", b"province", retain=True)
    server.publish("loa/v1/area/W00070-T03/alert", b"hamlet", retain=True)
    seen = MessageCollector()
    c = device_client(shared_broker, "dev-c", seen)
    try:
        c.subscribe("loa/v1/area/+/alert")
        seen.wait_topic("loa/v1/area/P01/alert")
        seen.wait_topic("loa/v1/area/W00070-T03/alert")
        server.publish("loa/v1/area/ZZ/alert", b"live")
        seen.wait_topic("loa/v1/area/ZZ/alert")
    finally:
        c.disconnect()


def test_device_reads_its_cmd_and_ack_and_writes_status_and_asrun(
    shared_broker: RunningBroker, server: MqttClient
) -> None:
    at_server, at_device = MessageCollector(), MessageCollector()
    server.subscribe("loa/v1/dev/dev-c/#", callback=at_server)
    c = device_client(shared_broker, "dev-c", at_device)
    try:
        c.subscribe(dev("dev-c", "cmd"))
        c.subscribe(dev("dev-c", "asrun/ack"))
        c.publish(dev("dev-c", "status"), b"online", retain=True)
        c.publish(dev("dev-c", "asrun"), b"batch-1")
        at_server.wait_topic(dev("dev-c", "status"))
        at_server.wait_topic(dev("dev-c", "asrun"))
        server.publish(dev("dev-c", "asrun/ack"), b"ack-1")
        server.publish(dev("dev-c", "cmd"), b"volume")
        at_device.wait_topic(dev("dev-c", "asrun/ack"))
        at_device.wait_topic(dev("dev-c", "cmd"))
    finally:
        c.disconnect()


@pytest.mark.parametrize(
    ("username", "password"),
    [("dev-a", "wrong"), ("ghost", "whatever"), (None, None), ("loa-server", "")],
)
def test_bad_credentials_are_refused(shared_broker: RunningBroker, username: str | None, password: str | None) -> None:
    client = MqttClient(shared_broker.url, username=username, password=password, client_id="probe")
    with pytest.raises(MqttAuthError):
        client.connect(timeout=5)


def test_reload_admits_new_devices_and_cuts_off_revoked_ones(shared_broker: RunningBroker) -> None:
    original = [n for n in shared_broker.passwords if n != shared_broker.server_username]
    shared_broker.set_devices([*original, "dev-new"])
    new = shared_broker.client("dev-new", client_id="dev-new")
    try:
        shared_broker.set_devices(original)  # revoke: reload returns once the broker applied it
        assert wait_until(lambda: not new.is_connected), "revoked device kept its connection"
    finally:
        new.disconnect()
    with pytest.raises(MqttAuthError):
        shared_broker.client("dev-new", password="irrelevant-now")


def test_password_rotation_refuses_the_old_password(shared_broker: RunningBroker) -> None:
    old = shared_broker.passwords["dev-c"]
    shared_broker.passwords["dev-c"] = "rotated-" + old
    shared_broker.update()
    with pytest.raises(MqttAuthError):
        shared_broker.client("dev-c", password=old)
    shared_broker.client("dev-c").disconnect()


def test_server_account_reads_and_writes_all_of_loa(shared_broker: RunningBroker, server: MqttClient) -> None:
    seen = MessageCollector()
    server.subscribe("loa/v1/#", callback=seen)
    a = shared_broker.client("dev-a")
    try:
        a.publish(dev("dev-a", "status"), b"online")
        for topic in (dev("dev-b", "manifest"), dev("dev-c", "cmd"), "loa/v1/area/X/alert", dev("dev-a", "asrun/ack")):
            server.publish(topic, b"from-server")
        for topic in (dev("dev-a", "status"), dev("dev-b", "manifest"), "loa/v1/area/X/alert"):
            seen.wait_topic(topic)
    finally:
        a.disconnect()


@pytest.mark.parametrize("clean_session", [True, False])
def test_retained_leak_probe(shared_broker: RunningBroker, server: MqttClient, clean_session: bool) -> None:
    """amqtt 0.11.4/0.12.1 pushed retained messages to clients that subscribed to nothing."""
    server.publish(dev("dev-c", "manifest"), b"retained-manifest", retain=True)
    server.publish("loa/v1/area/P01/alert", b"retained-alert", retain=True)
    seen = MessageCollector()
    probe = device_client(shared_broker, "dev-c", seen, clean_session=clean_session)
    try:
        # Connect-time deliveries precede the PUBACK of a publish sent after CONNACK.
        probe.publish(dev("dev-c", "status"), b"probe")
        assert seen.messages == []
    finally:
        probe.disconnect()


def test_persistent_session_is_not_handed_to_another_account(shared_broker: RunningBroker, server: MqttClient) -> None:
    seen_a = MessageCollector()
    a = device_client(shared_broker, "dev-a", seen_a, clean_session=False)
    a.subscribe(dev("dev-a", "cmd"))
    a.disconnect()
    server.publish(dev("dev-a", "cmd"), b"queued-for-a")
    with pytest.raises(MqttAuthError):  # stock amqtt 0.11.0 let this one in as dev-a
        shared_broker.client("dev-a", password="wrong", client_id="dev-a", clean_session=False)
    with pytest.raises(MqttAuthError):  # dev-a's client id belongs to dev-a's account only
        shared_broker.client("dev-b", client_id="dev-a", clean_session=False)
    a = device_client(shared_broker, "dev-a", seen_a, clean_session=False)
    try:
        assert seen_a.wait_topic(dev("dev-a", "cmd")).payload == b"queued-for-a"
    finally:
        a.disconnect()


def test_shared_subscriptions_match_what_the_broker_supports(shared_broker: RunningBroker, server: MqttClient) -> None:
    if not shared_broker.broker.supports_shared_subscriptions:
        assert shared_broker.kind == "amqtt"
        return
    seen = MessageCollector()
    server.subscribe("$share/ingest/loa/v1/dev/+/asrun", callback=seen)
    a = shared_broker.client("dev-a")
    try:
        a.publish(dev("dev-a", "asrun"), b"batch")
        assert seen.wait_for(lambda m: m.payload == b"batch").topic == dev("dev-a", "asrun")
    finally:
        a.disconnect()


def test_broker_logs_never_contain_passwords(shared_broker: RunningBroker) -> None:
    with pytest.raises(MqttAuthError):
        shared_broker.client("dev-a", password="wrong-but-secret-42")
    shared_broker.client("dev-a").disconnect()
    shared_broker.broker.reload()  # also flushes: the reload is confirmed through the log
    log_text = shared_broker.broker.log_path.read_text(encoding="utf-8", errors="replace")
    assert "dev-a" in log_text or shared_broker.kind == "amqtt"  # mosquitto logs usernames
    for secret in ("wrong-but-secret-42", *shared_broker.passwords.values()):
        assert secret not in log_text
