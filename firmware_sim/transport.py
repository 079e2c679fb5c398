"""The simulator's two I/O seams: one MQTT connection per device, one shared HTTP API.

The real implementations are ``firmware_sim.mqtt_paho`` (paho-mqtt driven by asyncio) and
``firmware_sim.http_api`` (httpx); unit tests plug in-memory fakes into the same protocols.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

Auth = tuple[str, str]  # HTTP Basic: (device id, password)
MessageCallback = Callable[[str, bytes], None]  # (topic, payload)
ChunkSink = Callable[[int, bytes], Awaitable[None]]  # (offset in the file, bytes)


class ConnectError(Exception):
    """The broker could not be reached or refused the connection (``auth``: bad credentials)."""

    def __init__(self, message: str, *, auth: bool = False) -> None:
        super().__init__(message)
        self.auth = auth


class HttpError(Exception):
    """An HTTP request failed: no answer (``status`` None) or an unexpected status."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class MqttTransport(Protocol):
    """One device's MQTT connection. ``connect`` may be called again after ``wait_closed``."""

    @property
    def connected(self) -> bool: ...

    async def connect(self, will_payload: bytes, timeout: float) -> None:
        """Connect (clean session, the will on the device's status topic); ``ConnectError``."""

    async def wait_closed(self) -> None:
        """Return once the connection is gone (lost, aborted or disconnected)."""

    def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> bool:
        """Queue a message; False when not connected (nothing is queued then)."""

    def subscribe(self, topics: Sequence[str]) -> None: ...

    def unsubscribe(self, topics: Sequence[str]) -> None: ...

    def abort(self) -> None:
        """Drop the connection without DISCONNECT (the broker publishes the will)."""

    async def disconnect(self) -> None:
        """Clean DISCONNECT (the broker discards the will)."""


class MqttFactory(Protocol):
    def __call__(
        self, *, url: str, client_id: str, username: str, password: str, will_topic: str,
        on_message: MessageCallback,
    ) -> MqttTransport: ...


@dataclass(frozen=True)
class ManifestResponse:
    status: int  # 200, 304 or 404 (none compiled yet)
    body: bytes = b""
    etag: str | None = None


class HttpApi(Protocol):
    async def enrol(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /api/v1/devices`` with a bearer token; the 201 body."""

    async def get_manifest(self, device_id: str, auth: Auth, etag: str | None) -> ManifestResponse: ...

    async def fetch_media(self, path: str, auth: Auth, start: int, sink: ChunkSink) -> None:
        """Stream ``path`` from byte ``start`` (Range) into ``sink(offset, chunk)``; the first
        offset is 0 when the server ignored the range. 416 (nothing left) returns quietly."""

    async def post_asrun(self, device_id: str, auth: Auth, body: bytes) -> bytes:
        """``POST /api/v1/devices/{id}/asrun``; the AsRunAck JSON of a 200."""

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class MqttAddress:
    host: str
    port: int
    tls: bool


def parse_mqtt_url(url: str) -> MqttAddress:
    """``mqtt://host[:port]`` (1883) or ``mqtts://host[:port]`` (8883); credentials are ignored."""
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        raise ValueError(f"not an MQTT URL: {url!r}")
    tls = parts.scheme == "mqtts"
    return MqttAddress(unquote(parts.hostname), parts.port or (8883 if tls else 1883), tls)
