"""paho-mqtt 2.x driven by asyncio: thousands of connections in one thread, no paho threads.

paho's external-loop API (its "loop_asyncio" example): ``on_socket_open`` adds the socket to
the event loop's readers, ``on_socket_register_write``/``unregister_write`` add/remove a
writer, and the callbacks call ``loop_read``/``loop_write``. ``loop_misc`` (keepalive pings)
runs for every live client from one shared ticker instead of one timer per client.

Sessions are clean (``clean_session=True``): everything a device needs after a reconnect is
retained (manifest, alerts) and arrives again on subscribe; commands are short-lived and signed
with an expiry, so queueing them in the broker for hours buys nothing; as-run batches are kept
on the device's disk and resent until acknowledged. Ten thousand persistent sessions would only
cost broker memory. A fresh paho client is made for every connection, so nothing stale from
the previous one (queued publishes, in-flight ids) is replayed by paho itself.

paho's ``reconnect()`` would open the TCP connection with a blocking ``connect()``: when the
broker's accept backlog is full the kernel retries the SYN after a second, and a blocking
connect would freeze every simulated device for that second. So the TCP connection is made with
``loop.sock_connect`` and handed to paho (``_Client`` overrides paho's socket factory, a private
hook that exists throughout paho 2.x). A shared semaphore bounds the connections waiting for
CONNACK (Mosquitto listens with a backlog of 100).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
from collections.abc import Sequence
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode, MQTTProtocolVersion

from firmware_sim.transport import ConnectError, MessageCallback, parse_mqtt_url

log = logging.getLogger(__name__)

_AUTH_REFUSED = {0x86, 0x87}  # bad user name or password / not authorized (v5 values; paho maps 3.1.1)


class _Client(paho.Client):
    """paho's client, taking a TCP socket that the event loop already connected."""

    connected_socket: socket.socket | None = None

    def _create_socket_connection(self) -> socket.socket:
        sock, self.connected_socket = self.connected_socket, None
        if sock is None:  # pragma: no cover - only if paho reconnects on its own
            return super()._create_socket_connection()
        return sock


async def _tcp_connect(host: str, port: int, timeout: float) -> socket.socket:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setblocking(False)
    try:
        await asyncio.wait_for(loop.sock_connect(sock, address), timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except BaseException:
        sock.close()
        raise
    return sock


class PahoFactory:
    """Makes ``PahoTransport``s that share one keepalive ticker and one connect gate."""

    def __init__(self, *, keepalive: int = 60, max_connecting: int = 100, tick_s: float = 1.0) -> None:
        self.keepalive = keepalive
        self.tick_s = tick_s
        self._gate = asyncio.Semaphore(max_connecting)
        self.live: set[PahoTransport] = set()
        self._ticker: asyncio.Task[None] | None = None

    def __call__(
        self, *, url: str, client_id: str, username: str, password: str, will_topic: str,
        on_message: MessageCallback,
    ) -> PahoTransport:
        return PahoTransport(self, url, client_id, username, password, will_topic, on_message)

    def _started(self, transport: PahoTransport) -> None:
        self.live.add(transport)
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.get_running_loop().create_task(self._tick(), name="mqtt-keepalive")

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.tick_s)
            for transport in list(self.live):
                transport.misc()

    async def aclose(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None


class PahoTransport:
    def __init__(
        self, factory: PahoFactory, url: str, client_id: str, username: str, password: str,
        will_topic: str, on_message: MessageCallback,
    ) -> None:
        self._factory = factory
        self._address = parse_mqtt_url(url)
        self._client_id, self._username, self._password = client_id, username, password
        self._will_topic = will_topic
        self._on_message = on_message
        self._client: _Client | None = None
        self._connected = False
        self._connack: asyncio.Future[None] | None = None
        self._closed: asyncio.Future[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def connected(self) -> bool:
        return self._connected

    # -- connection ----------------------------------------------------------------------------
    def _new_client(self, will_payload: bytes) -> _Client:
        client = _Client(
            CallbackAPIVersion.VERSION2, client_id=self._client_id, clean_session=True,
            protocol=MQTTProtocolVersion.MQTTv311, reconnect_on_failure=False,
        )
        client.username_pw_set(self._username, self._password)
        if self._address.tls:
            client.tls_set(cert_reqs=ssl.CERT_REQUIRED)
        client.will_set(self._will_topic, will_payload, qos=1, retain=True)
        client.max_inflight_messages_set(100)
        client.on_connect = self._handle_connect
        client.on_disconnect = self._handle_disconnect
        client.on_message = self._handle_message
        client.on_socket_open = self._socket_open
        client.on_socket_close = self._socket_close
        client.on_socket_register_write = self._register_write
        client.on_socket_unregister_write = self._unregister_write
        return client

    async def connect(self, will_payload: bytes, timeout: float) -> None:
        self._loop = loop = asyncio.get_running_loop()
        self._connack = loop.create_future()
        self._closed = loop.create_future()
        client = self._client = self._new_client(will_payload)
        host, port = self._address.host, self._address.port
        async with self._factory._gate:
            try:
                client.connected_socket = await _tcp_connect(host, port, timeout)
                client.connect_async(host, port, self._factory.keepalive)
                rc = client.reconnect()  # takes the connected socket, queues CONNECT
            except (OSError, ValueError, TimeoutError) as exc:
                self._mark_closed()
                raise ConnectError(f"cannot reach {host}:{port}: {exc or type(exc).__name__}") from exc
            if rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
                self.abort()
                raise ConnectError(f"connect failed: {paho.error_string(rc)}")
            self._factory._started(self)
            try:
                await asyncio.wait_for(asyncio.shield(self._connack), timeout)
            except TimeoutError:
                self.abort()
                raise ConnectError(f"no CONNACK within {timeout:.1f} s") from None
            except ConnectError:
                self.abort()
                raise

    async def wait_closed(self) -> None:
        if self._closed is not None:
            await asyncio.shield(self._closed)

    def abort(self) -> None:
        client = self._client
        sock = client.socket() if client is not None else None
        if isinstance(sock, socket.socket) and sock.fileno() >= 0:
            # FIN now: the broker sees a lost client and publishes the will at once. paho
            # notices on its next read (EOF) and runs the usual disconnect path.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            if self._loop is not None:
                self._loop.call_soon(self._on_readable)
        else:
            self._mark_closed()

    async def disconnect(self) -> None:
        client = self._client
        if client is None or not self._connected:
            self.abort()
            return
        client.disconnect()
        try:
            await asyncio.wait_for(self.wait_closed(), 2.0)
        except TimeoutError:
            self.abort()

    def _mark_closed(self) -> None:
        self._connected = False
        self._factory.live.discard(self)
        self._fail_connack(ConnectError("connection closed before CONNACK"))
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(None)

    def _fail_connack(self, exc: ConnectError) -> None:
        fut = self._connack
        if fut is not None and not fut.done():
            fut.set_exception(exc)
            fut.exception()  # mark retrieved: connect() may have stopped waiting already

    # -- messages -------------------------------------------------------------------------------
    def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> bool:
        if not self._connected or self._client is None:
            return False
        info = self._client.publish(topic, payload, qos=qos, retain=retain)
        return info.rc == MQTTErrorCode.MQTT_ERR_SUCCESS

    def subscribe(self, topics: Sequence[str]) -> None:
        if self._connected and self._client is not None and topics:
            self._client.subscribe([(topic, 1) for topic in topics])

    def unsubscribe(self, topics: Sequence[str]) -> None:
        if self._connected and self._client is not None and topics:
            self._client.unsubscribe(list(topics))

    def misc(self) -> None:
        if self._client is not None:
            self._client.loop_misc()

    # -- paho callbacks (all on the event loop thread) -----------------------------------------
    def _handle_connect(self, _c: Any, _u: Any, _flags: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            self._fail_connack(ConnectError(f"refused: {reason}", auth=reason.value in _AUTH_REFUSED))
            return
        self._connected = True
        fut = self._connack
        if fut is not None and not fut.done():
            fut.set_result(None)

    def _handle_disconnect(self, _c: Any, _u: Any, _flags: Any, _reason: Any, _p: Any) -> None:
        self._mark_closed()

    def _handle_message(self, _c: Any, _u: Any, msg: paho.MQTTMessage) -> None:
        try:
            self._on_message(msg.topic, bytes(msg.payload))
        except Exception:  # a failing handler must not break the connection
            log.exception("message handler failed for %s", msg.topic)

    def _socket_open(self, _c: Any, _u: Any, sock: Any) -> None:
        assert self._loop is not None
        self._loop.add_reader(sock, self._on_readable)

    def _socket_close(self, _c: Any, _u: Any, sock: Any) -> None:
        assert self._loop is not None
        self._loop.remove_reader(sock)
        self._loop.remove_writer(sock)
        self._mark_closed()

    def _register_write(self, _c: Any, _u: Any, sock: Any) -> None:
        assert self._loop is not None
        self._loop.add_writer(sock, self._on_writable)

    def _unregister_write(self, _c: Any, _u: Any, sock: Any) -> None:
        assert self._loop is not None
        self._loop.remove_writer(sock)

    def _on_readable(self) -> None:
        if self._client is not None:
            self._client.loop_read()

    def _on_writable(self) -> None:
        if self._client is not None:
            self._client.loop_write()
