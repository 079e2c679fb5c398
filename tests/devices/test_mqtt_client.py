"""devices.mqtt.MqttClient: typed connect errors, acknowledged publish/subscribe, reconnect hooks."""

from __future__ import annotations

import os
import resource
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode

from devices.mqtt import (
    MqttClient,
    MqttConnectError,
    MqttConnectTimeout,
    MqttNotConnected,
    MqttSubscribeError,
    ReceivedMessage,
    parse_mqtt_url,
)
from devices.mqtt_poll import PollingClient
from tests.brokers import Kind, MessageCollector, RunningBroker, free_port, require_mosquitto, start_test_broker

CMD = "loa/v1/dev/dev-a/cmd"


class HookRecorder:
    def __init__(self) -> None:
        self.calls: list[bool] = []
        self._cond = threading.Condition()

    def record(self, session_present: bool) -> None:
        with self._cond:
            self.calls.append(session_present)
            self._cond.notify_all()

    def wait_calls(self, count: int, timeout: float = 10.0) -> list[bool]:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.calls) >= count, timeout), self.calls
            return list(self.calls)


@pytest.fixture
def own_broker(broker_kind: Kind, tmp_path: Path) -> Iterator[RunningBroker]:
    """A broker this test may kill and restart."""
    test = start_test_broker(tmp_path, broker_kind, ["dev-a"])
    yield test
    test.stop()


def test_parse_mqtt_url() -> None:
    plain = parse_mqtt_url("mqtt://127.0.0.1:18830")
    assert (plain.host, plain.port, plain.tls, plain.username) == ("127.0.0.1", 18830, False, None)
    secure = parse_mqtt_url("mqtts://loa%2Dserver:p%40ss@broker.example")
    assert (secure.port, secure.tls, secure.username, secure.password) == (8883, True, "loa-server", "p@ss")
    with pytest.raises(ValueError):
        parse_mqtt_url("http://127.0.0.1:1883")


def test_unreachable_broker_raises_connect_error() -> None:
    client = MqttClient(f"mqtt://127.0.0.1:{free_port()}", username="x", password="y")
    with pytest.raises(MqttConnectError, match="cannot reach"):
        client.connect(timeout=5)
    assert not client.is_connected


def test_retried_connects_leave_no_sockets_open() -> None:
    """A device retries connect() on one client until the broker takes it: every failed attempt
    must close the wake-up socket pair paho opened for it."""
    client = MqttClient(f"mqtt://127.0.0.1:{free_port()}", username="x", password="y")
    with pytest.raises(MqttConnectError):
        client.connect(timeout=5)
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(5):
        with pytest.raises(MqttConnectError):
            client.connect(timeout=5)
    assert len(os.listdir("/proc/self/fd")) == before


def test_silent_listener_times_out() -> None:
    with socket.socket() as sock:  # accepts TCP, never answers CONNACK
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        client = MqttClient(f"mqtt://127.0.0.1:{sock.getsockname()[1]}", username="x", password="y")
        with pytest.raises(MqttConnectTimeout):
            client.connect(timeout=0.3)


def test_publish_needs_a_connection() -> None:
    client = MqttClient("mqtt://127.0.0.1:1", username="x", password="y")
    with pytest.raises(MqttNotConnected):
        client.publish("loa/v1/x", b"payload")


def test_publish_is_acknowledged_and_delivered(shared_broker: RunningBroker) -> None:
    round_trip(shared_broker)


def round_trip(shared_broker: RunningBroker) -> None:
    """A device subscribes; the server publishes one message, then 50 pipelined; all arrive."""
    seen = MessageCollector()
    device = shared_broker.client("dev-a", on_message=seen)
    server = shared_broker.client(shared_broker.server_username)
    try:
        assert device.subscribe(CMD, qos=1) == 1
        server.publish(CMD, b"volume 5", qos=1, timeout=5)
        sent = server.publish_many([(CMD, f"n{i}".encode(), False) for i in range(50)], timeout=5)
        assert sent == 50
        assert seen.wait_topic(CMD).payload == b"volume 5"
        seen.wait_for(lambda m: m.payload == b"n49")
    finally:
        device.disconnect()
        server.disconnect()


def test_refused_subscription_is_reported_or_filtered(shared_broker: RunningBroker) -> None:
    device = shared_broker.client("dev-a")
    try:
        # Both refuse at SUBSCRIBE (Mosquitto's dynamic-security roles check subscriptions too).
        with pytest.raises(MqttSubscribeError):
            device.subscribe("loa/v1/dev/dev-b/manifest")
    finally:
        device.disconnect()


def test_a_failing_message_handler_does_not_stop_the_client(shared_broker: RunningBroker) -> None:
    seen = MessageCollector()

    def handler(message: ReceivedMessage) -> None:
        if message.payload == b"boom":
            raise RuntimeError("handler bug")
        seen(message)

    device = shared_broker.client("dev-a", on_message=handler)
    server = shared_broker.client(shared_broker.server_username)
    try:
        device.subscribe(CMD)
        server.publish(CMD, b"boom")
        server.publish(CMD, b"after")
        seen.wait_for(lambda m: m.payload == b"after")
    finally:
        device.disconnect()
        server.disconnect()


def test_hook_runs_on_first_connect_and_after_a_broker_crash(own_broker: RunningBroker) -> None:
    """Convergence: a reconnect without a session triggers the republish hook, and the
    client re-subscribes by itself."""
    without_session = threading.Event()
    recorder = HookRecorder()
    seen = MessageCollector()
    client = own_broker.client(
        "dev-a",
        on_message=seen,
        on_connect_hook=recorder.record,
        on_reconnect_without_session=without_session.set,
    )
    try:
        assert recorder.wait_calls(1) == [False]
        assert without_session.wait(5)
        client.subscribe(CMD)
        without_session.clear()
        own_broker.broker.kill()
        own_broker.broker.start()
        assert recorder.wait_calls(2) == [False, False]
        assert without_session.wait(5)
        server = own_broker.client(own_broker.server_username)
        server.publish(CMD, b"after-restart")
        server.disconnect()
        seen.wait_for(lambda m: m.payload == b"after-restart")
    finally:
        client.disconnect()


def test_persistent_session_survives_a_graceful_mosquitto_restart(tmp_path: Path) -> None:
    require_mosquitto()
    test = start_test_broker(tmp_path, "mosquitto", ["dev-a"])
    recorder = HookRecorder()
    republish = threading.Event()
    client = test.client(
        "dev-a",
        client_id="dev-a",
        clean_session=False,
        on_connect_hook=recorder.record,
        on_reconnect_without_session=republish.set,
    )
    try:
        recorder.wait_calls(1)
        assert republish.wait(5)
        republish.clear()
        client.subscribe(CMD)
        test.broker.restart()
        assert recorder.wait_calls(2)[1] is True  # session restored from mosquitto.db
        assert not republish.is_set()
    finally:
        client.disconnect()
        test.stop()


def test_unsubscribe_stops_delivery_and_resubscribe_resumes_it(shared_broker: RunningBroker) -> None:
    seen = MessageCollector()
    device = shared_broker.client("dev-a", on_message=seen)
    server = shared_broker.client(shared_broker.server_username)
    try:
        device.subscribe(CMD)
        device.subscribe("loa/v1/area/+/alert")
        device.unsubscribe(CMD)
        server.publish(CMD, b"while-unsubscribed")
        server.publish("loa/v1/area/U1/alert", b"barrier")
        seen.wait_for(lambda m: m.payload == b"barrier")
        device.subscribe(CMD)
        server.publish(CMD, b"resubscribed")
        seen.wait_for(lambda m: m.payload == b"resubscribed")
        assert b"while-unsubscribed" not in [m.payload for m in seen.messages]
    finally:
        device.disconnect()
        server.disconnect()


@pytest.fixture
def descriptors_past_select_limit() -> Iterator[None]:
    """Hold enough open descriptors that the next socket is numbered 1024 or more, as in a
    server answering thousands of HTTP pulls (select() cannot watch such a socket)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1300:
        pytest.skip(f"the descriptor limit ({hard}) is too low to open 1,100 files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1300), hard))  # hard is ≥ 1300 here
    held: list[int] = []
    try:
        while not held or held[-1] < 1100:
            held.append(os.open(os.devnull, os.O_RDONLY))
        yield
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.usefixtures("descriptors_past_select_limit")
def test_a_socket_numbered_past_1024_still_connects_publishes_and_receives(shared_broker: RunningBroker) -> None:
    round_trip(shared_broker)


def test_the_poll_loop_replaces_the_pass_paho_runs_and_reports_a_closed_socket() -> None:
    assert "_loop" in vars(paho.Client)  # loop_start/loop_forever call it: our override is live
    client = PollingClient(CallbackAPIVersion.VERSION2, client_id="t")
    assert client._loop(0.01) == MQTTErrorCode.MQTT_ERR_NO_CONN  # never connected
    closed = socket.socket()
    closed.close()
    client._sock = closed
    assert client._loop(0.01) == MQTTErrorCode.MQTT_ERR_CONN_LOST
