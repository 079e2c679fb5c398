"""A thin paho-mqtt 2.x client: blocking connect/publish/subscribe with timeouts and typed errors.

Used by the server (publisher, as-run ingest) and reusable by the simulator. The network loop
runs in paho's thread (``connect_async`` + ``loop_start``, waiting in ``poll()``: see
``devices.mqtt_poll``); every call that needs an acknowledgement waits for it with a timeout
and raises ``MqttTimeout`` instead of hanging.

Convergence: ``on_reconnect_without_session`` runs after every successful connect whose CONNACK
says ``session_present = False`` (the first connect included), so the server can republish
manifests and alerts from the database. A publisher that must converge after *any* broker
restart should use ``clean_session=True``: a broker restored from a persistence snapshot can
report a session while having lost retained messages newer than that snapshot.

Callbacks (``on_message``, per-subscription callbacks) run in the network thread: keep them
short. Hooks run in a separate worker thread, one at a time, so they may publish and wait.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode, MQTTProtocolVersion
from paho.mqtt.reasoncodes import ReasonCode

from devices.mqtt_poll import PollingClient

log = logging.getLogger(__name__)

# CONNACK reason codes meaning "your credentials were refused" (v5 values; paho maps v3.1.1's 4/5).
_AUTH_REFUSED = {0x86, 0x87}


class MqttError(Exception):
    """Base class of the client's errors."""


class MqttConnectError(MqttError):
    """The broker is unreachable, closed the connection, or refused it."""


class MqttAuthError(MqttConnectError):
    """The broker refused the username/password (or the account was revoked)."""


class MqttNotConnected(MqttError):
    """The call needs a live connection and there is none right now."""


class MqttTimeout(MqttError, TimeoutError):
    """No acknowledgement within the timeout."""


class MqttConnectTimeout(MqttConnectError, MqttTimeout):
    """No CONNACK within the connect timeout."""


class MqttSubscribeError(MqttError):
    """The broker refused a subscription (SUBACK failure code)."""


@dataclass(frozen=True)
class Will:
    topic: str
    payload: bytes
    qos: int = 1
    retain: bool = True


@dataclass(frozen=True)
class ReceivedMessage:
    topic: str
    payload: bytes
    qos: int
    retain: bool


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None


def parse_mqtt_url(url: str) -> BrokerAddress:
    """``mqtt://[user:pass@]host[:port]`` (1883) or ``mqtts://...`` (8883, TLS)."""
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        raise ValueError(f"not an MQTT URL: {url!r} (expected mqtt://host:port or mqtts://host:port)")
    tls = parts.scheme == "mqtts"
    return BrokerAddress(
        host=parts.hostname,
        port=parts.port or (8883 if tls else 1883),
        tls=tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


MessageHandler = Callable[[ReceivedMessage], None]


class MqttClient:
    def __init__(
        self,
        url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        client_id: str = "",
        clean_session: bool = True,
        will: Will | None = None,
        on_message: MessageHandler | None = None,
        on_connect_hook: Callable[[bool], None] | None = None,
        on_reconnect_without_session: Callable[[], None] | None = None,
        keepalive: int = 60,
        protocol: MQTTProtocolVersion = MQTTProtocolVersion.MQTTv311,
        reconnect_max_delay: int = 5,
        max_inflight: int = 1000,
    ) -> None:
        self.address = parse_mqtt_url(url)
        self.client_id = client_id
        self._keepalive = keepalive
        self._protocol = protocol
        self._clean_session = clean_session
        self._on_connect_hook = on_connect_hook
        self._on_reconnect_without_session = on_reconnect_without_session
        v5 = protocol == MQTTProtocolVersion.MQTTv5
        self._client = PollingClient(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=None if v5 else clean_session,
            protocol=protocol,
        )
        user = username if username is not None else self.address.username
        secret = password if password is not None else self.address.password
        if user is not None:
            self._client.username_pw_set(user, secret)
        if self.address.tls:
            self._client.tls_set(cert_reqs=ssl.CERT_REQUIRED)
        if will is not None:
            self._client.will_set(will.topic, will.payload, will.qos, will.retain)
        self._client.reconnect_delay_set(min_delay=1, max_delay=reconnect_max_delay)
        self._client.max_inflight_messages_set(max_inflight)
        self._client.on_connect = self._handle_connect
        self._client.on_connect_fail = self._handle_connect_fail
        self._client.on_disconnect = self._handle_disconnect
        if on_message is not None:
            self._client.on_message = self._wrap(on_message)
        self._client.on_subscribe = self._handle_ack
        self._client.on_unsubscribe = self._handle_ack

        self._connected = threading.Event()
        self._first_outcome = threading.Event()
        self._first_error: MqttConnectError | None = None
        self._closing = False
        self._outage_logged = False
        self.session_present = False
        self._subscriptions: dict[str, int] = {}
        self._acks: dict[int, list[ReasonCode]] = {}
        self._acks_cond = threading.Condition()
        self._background_mids: set[int] = set()
        self._hooks: ThreadPoolExecutor | None = None

    # -- connection -------------------------------------------------------------------------
    @property
    def is_connected(self) -> bool:
        return self._connected.is_set()

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def connect(self, timeout: float = 10.0) -> bool:
        """Connect and start the network thread; returns ``session_present``.

        Raises ``MqttAuthError`` (refused credentials) or another ``MqttConnectError``
        (unreachable, closed, ``MqttConnectTimeout``); the network thread is stopped in every
        failure case. Later connection losses are retried in the background (1 s doubling to
        ``reconnect_max_delay``).
        """
        self._closing = False
        if self._hooks is None:
            self._hooks = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mqtt-hooks")
        self._first_outcome.clear()
        self._first_error = None
        extra: dict[str, Any] = {}
        if self._protocol == MQTTProtocolVersion.MQTTv5:
            extra["clean_start"] = self._clean_session
        self._client.connect_async(self.address.host, self.address.port, self._keepalive, **extra)
        self._client.loop_start()
        where = f"{self.address.host}:{self.address.port}"
        if not self._first_outcome.wait(timeout):
            self._stop_loop()
            raise MqttConnectTimeout(f"no CONNACK from {where} within {timeout:.1f} s")
        if self._first_error is not None:
            self._stop_loop()
            raise self._first_error
        return self.session_present

    def disconnect(self) -> None:
        """Clean DISCONNECT (the broker discards the will) and stop the network thread."""
        self._stop_loop()
        if self._hooks is not None:
            self._hooks.shutdown(wait=False)
            self._hooks = None

    def __enter__(self) -> MqttClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.disconnect()

    def _stop_loop(self) -> None:
        self._closing = True
        self._client.disconnect()
        self._client.loop_stop()
        # loop_start() opens a new wake-up socket pair without closing the old: close it here.
        self._client._reset_sockets(sockpair_only=True)
        self._connected.clear()

    # -- publish ----------------------------------------------------------------------------
    def publish(
        self, topic: str, payload: bytes | str, *, qos: int = 1, retain: bool = False, timeout: float = 10.0
    ) -> None:
        """Publish and, for QoS 1/2, wait for the broker's acknowledgement."""
        self.publish_many([(topic, payload, retain)], qos=qos, timeout=timeout)

    def publish_many(
        self, messages: Iterable[tuple[str, bytes | str, bool]], *, qos: int = 1, timeout: float = 30.0
    ) -> int:
        """Publish ``(topic, payload, retain)`` items back to back, then wait for every ack.

        Pipelining matters for convergence: thousands of manifests at one round trip each
        would take far longer than the broker needs.
        """
        if not self._connected.is_set():
            raise MqttNotConnected(f"not connected to {self.address.host}:{self.address.port}")
        infos = []
        for topic, payload, retain in messages:
            info = self._client.publish(topic, payload, qos=qos, retain=retain)
            if info.rc == MQTTErrorCode.MQTT_ERR_NO_CONN:
                # paho keeps QoS>0 messages and resends them after reconnecting.
                log.warning("publish to %s queued: connection lost", topic)
                raise MqttNotConnected(f"connection lost while publishing to {topic}")
            if info.rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
                raise MqttError(f"publish to {topic} failed: {paho.error_string(info.rc)}")
            infos.append((topic, info))
        if qos == 0:
            return len(infos)
        deadline = time.monotonic() + timeout
        for topic, info in infos:
            try:
                info.wait_for_publish(max(0.0, deadline - time.monotonic()))
                published = info.is_published()
            except (ValueError, RuntimeError) as exc:
                raise MqttError(f"publish to {topic} failed: {exc}") from exc
            if not published:
                log.warning("no PUBACK for %s within %.1f s", topic, timeout)
                raise MqttTimeout(f"no acknowledgement for {topic} within {timeout:.1f} s")
        return len(infos)

    # -- subscribe ---------------------------------------------------------------------------
    def subscribe(
        self, topic: str, qos: int = 1, *, timeout: float = 10.0, callback: MessageHandler | None = None
    ) -> int:
        """Subscribe, wait for the SUBACK, return the granted QoS; re-subscribed after a
        reconnect without a session. ``callback`` receives only this filter's messages."""
        if callback is not None:
            self._client.message_callback_add(_delivered_filter(topic), self._wrap(callback))
        self._subscriptions[topic] = qos
        rc, mid = self._client.subscribe(topic, qos)
        codes = self._wait_ack(rc, mid, f"subscribe {topic}", timeout)
        if not codes or codes[0].is_failure:
            self._subscriptions.pop(topic, None)
            if callback is not None:
                self._client.message_callback_remove(_delivered_filter(topic))
            raise MqttSubscribeError(f"broker refused the subscription to {topic}: {codes}")
        return int(codes[0].value)

    def unsubscribe(self, topic: str, *, timeout: float = 10.0) -> None:
        self._subscriptions.pop(topic, None)
        self._client.message_callback_remove(_delivered_filter(topic))
        rc, mid = self._client.unsubscribe(topic)
        self._wait_ack(rc, mid, f"unsubscribe {topic}", timeout)

    def _wait_ack(self, rc: MQTTErrorCode, mid: int | None, what: str, timeout: float) -> list[ReasonCode]:
        if rc == MQTTErrorCode.MQTT_ERR_NO_CONN:
            raise MqttNotConnected(f"{what}: not connected")
        if rc != MQTTErrorCode.MQTT_ERR_SUCCESS or mid is None:
            raise MqttError(f"{what} failed: {paho.error_string(rc)}")
        with self._acks_cond:
            if not self._acks_cond.wait_for(lambda: mid in self._acks, timeout):
                log.warning("%s: no acknowledgement within %.1f s", what, timeout)
                raise MqttTimeout(f"{what}: no acknowledgement within {timeout:.1f} s")
            return self._acks.pop(mid)

    # -- paho callbacks (network thread) --------------------------------------------------------
    def _handle_connect(self, _c: Any, _u: Any, flags: Any, reason: ReasonCode, _p: Any) -> None:
        where = f"{self.address.host}:{self.address.port}"
        if reason.is_failure:
            kind = MqttAuthError if reason.value in _AUTH_REFUSED else MqttConnectError
            if not self._first_outcome.is_set():
                self._fail_first(kind(f"{where} refused the connection: {reason}"))
            else:
                log.warning("%s refused the reconnection of %s: %s", where, self.client_id, reason)
            return
        self.session_present = bool(flags.session_present)
        self._connected.set()
        self._outage_logged = False
        if not self.session_present:
            for topic, qos in list(self._subscriptions.items()):  # the caller's thread may add some
                _rc, mid = self._client.subscribe(topic, qos)
                if mid is not None:
                    self._background_mids.add(mid)
        first = not self._first_outcome.is_set()
        self._first_outcome.set()
        level = logging.DEBUG if first else logging.INFO
        log.log(level, "connected to %s (session present: %s)", where, self.session_present)
        if self._on_connect_hook is not None:
            self._run_hook(self._on_connect_hook, self.session_present)
        if not self.session_present and self._on_reconnect_without_session is not None:
            self._run_hook(self._on_reconnect_without_session)

    def _handle_connect_fail(self, _c: Any, _u: Any) -> None:
        where = f"{self.address.host}:{self.address.port}"
        if not self._first_outcome.is_set():
            self._fail_first(MqttConnectError(f"cannot reach the MQTT broker at {where}"))
        elif not self._outage_logged:
            log.warning("cannot reach the MQTT broker at %s; retrying", where)
            self._outage_logged = True

    def _handle_disconnect(self, _c: Any, _u: Any, _flags: Any, reason: ReasonCode, _p: Any) -> None:
        self._connected.clear()
        if not self._first_outcome.is_set():
            where = f"{self.address.host}:{self.address.port}"
            self._fail_first(MqttConnectError(f"{where} closed the connection before CONNACK: {reason}"))
        elif not self._closing:
            log.warning("disconnected from the MQTT broker (%s); reconnecting", reason)

    def _fail_first(self, error: MqttConnectError) -> None:
        self._first_error = error
        # Stop paho's retry loop now; otherwise loop_stop() may wait out a reconnect delay.
        self._client.disconnect()
        self._first_outcome.set()

    def _handle_ack(self, _c: Any, _u: Any, mid: int, reasons: Any, _p: Any) -> None:
        codes = list(reasons) if isinstance(reasons, list) else [reasons]
        if mid in self._background_mids:
            self._background_mids.discard(mid)
            if any(code.is_failure for code in codes):
                log.warning("re-subscription refused after reconnect: %s", codes)
            return
        with self._acks_cond:
            self._acks[mid] = codes
            self._acks_cond.notify_all()

    @staticmethod
    def _wrap(handler: MessageHandler) -> Callable[[Any, Any, paho.MQTTMessage], None]:
        def on_message(_c: Any, _u: Any, msg: paho.MQTTMessage) -> None:
            try:
                handler(ReceivedMessage(msg.topic, bytes(msg.payload), msg.qos, bool(msg.retain)))
            except Exception:  # an exception would stop paho's network thread
                log.exception("message handler failed for %s", msg.topic)

        return on_message

    def _run_hook(self, hook: Callable[..., None], *args: Any) -> None:
        def call() -> None:
            try:
                hook(*args)
            except Exception:
                log.exception("MQTT connect hook %r failed", hook)

        hooks = self._hooks
        if hooks is None:
            return
        with contextlib.suppress(RuntimeError):  # executor shut down: we are disconnecting
            hooks.submit(call)


def _delivered_filter(topic: str) -> str:
    """Messages of "$share/<group>/<filter>" arrive under <filter>: match callbacks on that."""
    if topic.startswith("$share/"):
        parts = topic.split("/", 2)
        if len(parts) == 3:
            return parts[2]
    return topic
