"""In-memory stand-ins for the broker and the server's HTTP API, plus signed-message builders.

``FakeBroker`` keeps retained messages, matches subscriptions (``+``/``#``), publishes a client's
will when its connection is aborted, and can auto-acknowledge as-run batches like the server.
``FakeServer`` answers enrolment, manifest pulls (ETag), media (Range) and as-run uploads.
Deliveries go through ``loop.call_soon`` so they arrive asynchronously, as over a socket.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from devices import protocol as p
from firmware_sim.store import Identity
from firmware_sim.transport import ConnectError, HttpError, ManifestResponse, MessageCallback

START = datetime(2025, 6, 2, 0, 0, tzinfo=UTC)  # a Monday, 07:00 in Hà Nội


def topic_matches(topic: str, pattern: str) -> bool:
    t, f = topic.split("/"), pattern.split("/")
    for i, level in enumerate(f):
        if level == "#":
            return True
        if i >= len(t) or level not in ("+", t[i]):
            return False
    return len(t) == len(f)


class FakeMqtt:
    def __init__(self, broker: FakeBroker, client_id: str, username: str, password: str,
                 will_topic: str, on_message: MessageCallback) -> None:
        self.broker, self.client_id, self.username, self.password = broker, client_id, username, password
        self.will_topic, self.on_message = will_topic, on_message
        self.subs: set[str] = set()
        self.will = b""
        self._connected = False
        self._closed: asyncio.Future[None] | None = None

    @property
    def connected(self) -> bool:
        return self._connected

    async def connect(self, will_payload: bytes, timeout: float) -> None:
        if not self.broker.up:
            raise ConnectError("broker down")
        if self.broker.passwords and self.broker.passwords.get(self.username) != self.password:
            raise ConnectError("refused", auth=True)
        old = self.broker.clients.get(self.client_id)
        if old is not None and old is not self:
            old.abort()  # MQTT: a second connection with the same client id takes over
        self.will, self._connected, self.subs = will_payload, True, set()
        self._closed = asyncio.get_running_loop().create_future()
        self.broker.clients[self.client_id] = self
        self.broker.connects += 1

    async def wait_closed(self) -> None:
        if self._closed is not None:
            await asyncio.shield(self._closed)

    def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> bool:
        if not self._connected:
            return False
        self.broker.publish(topic, payload, retain=retain, sender=self.client_id)
        return True

    def subscribe(self, topics: Sequence[str]) -> None:
        if self._connected:
            self.subs |= set(topics)
            self.broker.send_retained(self, topics)

    def unsubscribe(self, topics: Sequence[str]) -> None:
        self.subs -= set(topics)

    def _close(self) -> None:
        self._connected = False
        if self.broker.clients.get(self.client_id) is self:
            del self.broker.clients[self.client_id]
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(None)

    def abort(self) -> None:
        if self._connected:
            self._close()
            self.broker.publish(self.will_topic, self.will, retain=True, sender=self.client_id)
        elif self._closed is not None and not self._closed.done():
            self._closed.set_result(None)

    async def disconnect(self) -> None:
        self._close()

    def deliver(self, topic: str, payload: bytes) -> None:
        if self._connected and any(topic_matches(topic, s) for s in self.subs):
            asyncio.get_running_loop().call_soon(self._deliver_now, topic, payload)

    def _deliver_now(self, topic: str, payload: bytes) -> None:
        if self._connected:
            self.on_message(topic, payload)


@dataclass
class FakeBroker:
    up: bool = True
    auto_ack: bool = True  # answer as-run batches like the server's ingest
    passwords: dict[str, str] = field(default_factory=dict)  # empty: anyone may connect
    retained: dict[str, bytes] = field(default_factory=dict)
    clients: dict[str, FakeMqtt] = field(default_factory=dict)
    log: list[tuple[str, bytes, bool, str | None]] = field(default_factory=list)
    batches: list[p.AsRunBatch] = field(default_factory=list)
    stored_keys: set[str] = field(default_factory=set)
    connects: int = 0

    def factory(self, *, url: str, client_id: str, username: str, password: str, will_topic: str,
                on_message: MessageCallback) -> FakeMqtt:
        return FakeMqtt(self, client_id, username, password, will_topic, on_message)

    def publish(self, topic: str, payload: bytes, *, retain: bool = False, sender: str | None = None) -> None:
        self.log.append((topic, payload, retain, sender))
        if retain:
            if payload:
                self.retained[topic] = payload
            else:
                self.retained.pop(topic, None)
        for client in list(self.clients.values()):
            client.deliver(topic, payload)
        if sender is not None and topic.endswith("/asrun"):
            batch = p.AsRunBatch.model_validate_json(payload)
            self.batches.append(batch)
            if self.auto_ack:
                self.ack(batch)

    def ack(self, batch: p.AsRunBatch) -> None:
        keys = [r.key for r in batch.records]
        self.stored_keys.update(keys)
        ack = p.AsRunAck(batch_id=batch.batch_id, stored=keys)
        self.publish(p.asrun_ack_topic(batch.device_id), ack.model_dump_json().encode())

    def send_retained(self, client: FakeMqtt, topics: Sequence[str]) -> None:
        for topic, payload in self.retained.items():
            if any(topic_matches(topic, f) for f in topics):
                client.deliver(topic, payload)

    def crash(self) -> None:
        """The broker dies: every connection drops, nobody's will is published."""
        self.up = False
        for client in list(self.clients.values()):
            client._close()

    def published(self, topic: str) -> list[bytes]:
        return [payload for t, payload, _, _ in self.log if t == topic]

    def statuses(self, device_id: str) -> list[p.Status]:
        return [p.Status.model_validate_json(raw) for raw in self.published(p.status_topic(device_id))]


@dataclass
class FakeServer:
    """The HTTP side: enrolment, manifests, media, as-run uploads."""

    signer: p.Signer
    token: str = "enrol-token"
    mqtt_url: str = "mqtt://fake:1883"
    manifests: dict[str, bytes] = field(default_factory=dict)
    media: dict[str, bytes] = field(default_factory=dict)  # path -> bytes served
    range_support: bool = True
    cut_next: list[int] = field(default_factory=list)  # fail the next downloads after N bytes
    media_requests: list[tuple[str, int]] = field(default_factory=list)
    asrun_posts: list[p.AsRunBatch] = field(default_factory=list)
    manifest_pulls: list[tuple[str, str | None]] = field(default_factory=list)
    reachable: bool = True
    enrolled: int = 0

    async def enrol(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        if token != self.token:
            raise HttpError("enrolment refused: 401", 401)
        self.enrolled += 1
        device_id = body.get("device_id") or f"sim-{self.enrolled:04d}"
        return {
            "device_id": device_id, "area_code": body.get("area_code") or "W001-T01", "kind": body["kind"],
            "mqtt_url": self.mqtt_url, "username": device_id, "password": f"pw-{device_id}",
            "server_public_key": self.signer.public_key_b64, "kid": self.signer.kid,
        }

    def _check(self) -> None:
        if not self.reachable:
            raise HttpError("connection refused")

    async def get_manifest(self, device_id: str, auth: tuple[str, str], etag: str | None) -> ManifestResponse:
        self._check()
        self.manifest_pulls.append((device_id, etag))
        body = self.manifests.get(device_id)
        if body is None:
            return ManifestResponse(404)
        tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if etag == tag:
            return ManifestResponse(304, b"", tag)
        return ManifestResponse(200, body, tag)

    async def fetch_media(self, path: str, auth: tuple[str, str], start: int, sink: Any) -> None:
        self._check()
        self.media_requests.append((path, start))
        data = self.media.get(path)
        if data is None:
            raise HttpError(f"GET {path}: 404", 404)
        offset = start if self.range_support else 0
        cut = self.cut_next.pop(0) if self.cut_next else None
        while offset < len(data):
            chunk = data[offset:offset + 1024]
            if cut is not None and offset + len(chunk) > cut:
                await sink(offset, data[offset:cut])
                raise HttpError("connection reset mid-download")
            await sink(offset, chunk)
            offset += len(chunk)

    async def post_asrun(self, device_id: str, auth: tuple[str, str], body: bytes) -> bytes:
        self._check()
        batch = p.AsRunBatch.model_validate_json(body)
        self.asrun_posts.append(batch)
        return p.AsRunAck(batch_id=batch.batch_id, stored=[r.key for r in batch.records]).model_dump_json().encode()

    async def aclose(self) -> None:
        return None


# -- signed content builders ---------------------------------------------------------------------------
def make_signer() -> p.Signer:
    return p.Signer(Ed25519PrivateKey.generate())


def audio(data: bytes) -> tuple[str, str, int]:
    sha = hashlib.sha256(data).hexdigest()
    return sha, f"/media/{sha}.mp3", len(data)


def item(start: datetime, seconds: float, title: str, data: bytes | None = None, *, bulletin_id: int = 1,
         kind: str = "audio", pages: list[list[str]] | None = None, slot_id: int | None = 1) -> p.ManifestItem:
    fields: dict[str, Any] = {
        "start": p.iso(start), "duration_ms": int(seconds * 1000), "kind": kind, "priority": "normal",
        "bulletin_id": bulletin_id, "version_hash": f"v{bulletin_id}", "title": title, "slot_id": slot_id,
    }
    if kind == "audio":
        sha, path, size = audio(data or title.encode())
        fields |= {"media": path, "sha256": sha, "size": size}
    elif kind == "board":
        pages = pages or [[title]]
        fields |= {"pages": pages, "page_seconds": [seconds / len(pages)] * len(pages)}
    else:
        fields["stream_url"] = "http://radio.example/vov1"
    return p.ManifestItem.model_validate(fields)


AREAS = ("W001-T01", "W001", "P01")


def manifest(device_id: str, items: Sequence[p.ManifestItem], *, seq: int = 1, areas: Sequence[str] = AREAS,
             alerts: Sequence[p.Alert] = (), issued: datetime = START, days: int = 4) -> p.ManifestPayload:
    return p.ManifestPayload(
        seq=seq, issued_at=p.iso(issued), expires_at=p.iso(issued + timedelta(days=days)), device_id=device_id,
        area_codes=list(areas), window_from=p.iso(issued), window_to=p.iso(issued + timedelta(days=days)),
        items=list(items), alerts=list(alerts),
    )


def alert(alert_id: str, area: str, starts: datetime, *, seconds: float = 30, repeat_s: int = 7200,
          hours: float = 6, data: bytes = b"alert audio", bulletin_id: int = 99, title: str = "Bão số 3") -> p.Alert:
    sha, path, size = audio(data)
    return p.Alert(
        alert_id=alert_id, bulletin_id=bulletin_id, version_hash="valert", area_code=area,
        starts_at=p.iso(starts), expires_at=p.iso(starts + timedelta(hours=hours)), repeat_every_s=repeat_s,
        media=path, sha256=sha, size=size, duration_ms=int(seconds * 1000), title=title,
    )


def alert_msg(a: p.Alert, *, seq: int, action: str = "start", issued: datetime = START) -> p.AlertPayload:
    return p.AlertPayload(
        seq=seq, issued_at=p.iso(issued), expires_at=a.expires_at, action=action,  # type: ignore[arg-type]
        area_code=a.area_code, alert_id=a.alert_id, alert=a if action == "start" else None,
    )


def command(device_id: str, name: str, *, seq: int, args: dict[str, Any] | None = None,
            issued: datetime = START) -> p.CommandPayload:
    return p.CommandPayload(
        seq=seq, issued_at=p.iso(issued), expires_at=p.iso(issued + timedelta(hours=1)), device_id=device_id,
        command=name, args=args or {},  # type: ignore[arg-type]
    )


def identity(device_id: str, signer: p.Signer, *, kind: str = "speaker", area: str = "W001-T01") -> Identity:
    return Identity(device_id=device_id, kind=kind, area_code=area, mqtt_url="mqtt://fake:1883",
                    password=f"pw-{device_id}", server_public_key=signer.public_key_b64, kid=signer.kid)


def unsigned(payload: p.WireModel) -> bytes:
    return json.dumps({"payload": payload.model_dump(mode="json", exclude_none=True)}).encode()


Predicate = Callable[[], bool]
