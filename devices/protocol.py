"""Wire protocol (DESIGN.md §4). The only project module ``firmware_sim`` imports: stdlib,
pydantic and cryptography only. Envelope ``{"payload", "sig", "kid"}``: ``sig`` = Ed25519 over
``canonical(payload)``, base64url without padding; ``kid`` = first 16 hex digits of sha256 over the
raw 32-byte public key (derived, so both sides agree); public keys travel as base64url raw bytes.

Key rotation: a new key gets a new kid; devices trust both during the overlap (a ``Verifier``
holds several kids; enrolment returns the current public key); the server signs with the new key
(envelopes name their kid), republishes retained messages, and the old kid is retired afterwards.

``DeviceGuard`` checks size, envelope, kid, signature, schema, target, expiry, then ``seq`` > last
on that topic. Unsigned input is ``malformed``; a retained redelivery after reconnect ``replayed``.
"""

import base64
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal, Self, TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

# Raw bytes incl. envelope; a busy 4-day manifest is ~40 KiB; a hostile one must not exhaust a device.
MAX_MANIFEST_BYTES = 512 * 1024
MAX_ALERT_BYTES = 64 * 1024
MAX_COMMAND_BYTES = 8 * 1024
MAX_ASRUN_BATCH_BYTES = 256 * 1024
MAX_ASRUN_RECORDS = 500
MAX_STATUS_BYTES = 4 * 1024

RejectReason = Literal["bad_signature", "unknown_key", "not_for_me", "expired", "replayed", "malformed", "too_large"]


class Rejected(Exception):
    """A refused message: ``reason`` is one of ``RejectReason`` (stable), ``detail`` is for logs."""

    def __init__(self, reason: RejectReason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


_ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_ISO_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
TOPIC_PREFIX = "loa/v1"
ALERT_TOPIC_FILTER = f"{TOPIC_PREFIX}/area/+/alert"
DEVICE_ID_PATTERN = r"^[a-z0-9-]{1,64}$"
AREA_CODE_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


def check_id(value: str, pattern: str = DEVICE_ID_PATTERN) -> str:
    """``value`` if it is a device id (or matches ``AREA_CODE_PATTERN`` if given), else ValueError."""
    # Ids end up inside MQTT topics: "+", "#" or "/" would widen a subscription or an ACL rule.
    if not re.fullmatch(pattern, value):
        raise ValueError(f"{value!r} does not match {pattern}")
    return value


def _dev_topic(device_id: str, *, leaf: str) -> str:
    return f"{TOPIC_PREFIX}/dev/{check_id(device_id, DEVICE_ID_PATTERN)}/{leaf}"


def alert_topic(area_code: str) -> str:
    return f"{TOPIC_PREFIX}/area/{check_id(area_code, AREA_CODE_PATTERN)}/alert"


check_device_id = partial(check_id, pattern=DEVICE_ID_PATTERN)
check_area_code = partial(check_id, pattern=AREA_CODE_PATTERN)
manifest_topic = partial(_dev_topic, leaf="manifest")
cmd_topic = partial(_dev_topic, leaf="cmd")
status_topic = partial(_dev_topic, leaf="status")
asrun_topic = partial(_dev_topic, leaf="asrun")
asrun_ack_topic = partial(_dev_topic, leaf="asrun/ack")


def iso(dt: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC; sub-seconds are dropped (one spelling per instant)."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive datetime: pass an aware datetime (UTC)")
    return dt.astimezone(UTC).strftime(_ISO_FORMAT)


def parse_iso(value: str) -> datetime:
    """The inverse of ``iso`` (aware UTC datetime); only that exact spelling is accepted."""
    if not isinstance(value, str) or not _ISO_RE.fullmatch(value):  # one spelling per instant
        raise ValueError(f"timestamp {value!r} is not YYYY-MM-DDTHH:MM:SSZ")
    return datetime.fromisoformat(value)  # ~10× faster than strptime: ingest parses millions


# Fixed-width ISO strings compare chronologically as plain strings; validators rely on that.
IsoTime = Annotated[str, AfterValidator(lambda v: iso(parse_iso(v)))]
DeviceId = Annotated[str, Field(pattern=DEVICE_ID_PATTERN)]
AreaCode = Annotated[str, Field(pattern=AREA_CODE_PATTERN)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
MediaPath = Annotated[str, Field(pattern=r"^/media/[0-9a-f]{64}\.mp3$")]
Title = Annotated[str, Field(max_length=200)]
Key = Annotated[str, Field(min_length=1, max_length=128)]
AlertId = Annotated[str, Field(min_length=1, max_length=64)]
Kind = Literal["audio", "relay", "board"]
Priority = Literal["normal", "priority", "emergency"]
NonNegative = Annotated[int, Field(ge=0)]
Positive = Annotated[int, Field(gt=0)]


class WireModel(BaseModel):
    """Frozen, refuses unknown fields. On the wire None-valued optionals are left out
    (``canonical``; unsigned: ``model_dump_json(exclude_none=True)``), so bytes stay stable."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class _Content(WireModel):  # audio and board fields shared by manifest items and alerts
    media: MediaPath | None = None  # "/media/{sha256}.mp3", relative to the server
    sha256: Sha256 | None = None
    size: NonNegative | None = None
    pages: list[list[str]] | None = None  # board pages (lines), one display time per page
    page_seconds: list[float] | None = None

    @model_validator(mode="after")
    def _content(self) -> Self:
        if self.media is not None and self.media != f"/media/{self.sha256}.mp3":
            raise ValueError("media must be /media/{sha256}.mp3")
        pages, seconds = self.pages, self.page_seconds
        if (pages is None) != (seconds is None) or len(pages or []) != len(seconds or []):
            raise ValueError("pages and page_seconds go together, one time per page")
        return self


class ManifestItem(_Content):
    start: IsoTime
    duration_ms: Positive
    kind: Kind
    priority: Priority
    bulletin_id: int | None = None  # None for idents and relays
    version_hash: str | None = None
    title: Title
    slot_id: int | None = None
    stream_url: str | None = None  # relay

    @model_validator(mode="after")
    def _by_kind(self) -> Self:
        needs = {"audio": ("media", "sha256", "size"), "relay": ("stream_url",), "board": ("pages",)}
        if missing := [name for name in needs[self.kind] if getattr(self, name) is None]:
            raise ValueError(f"{self.kind} items need {', '.join(missing)}")
        return self


class Alert(_Content):  # an active emergency; pages optional: board geometry differs per device
    alert_id: AlertId
    bulletin_id: int
    version_hash: str
    area_code: AreaCode
    starts_at: IsoTime
    expires_at: IsoTime
    repeat_every_s: Positive = 7200  # DESIGN §3: now, then every 2 h until it expires
    media: MediaPath
    sha256: Sha256
    size: NonNegative
    duration_ms: Positive
    title: Title


class SignedPayload(WireModel):  # what every signed payload carries besides its target
    seq: Annotated[int, Field(ge=1)]  # strictly increasing per topic
    issued_at: IsoTime
    expires_at: IsoTime


class ManifestPayload(SignedPayload):
    type: Literal["manifest"] = "manifest"  # a signed payload cannot pass as another type
    device_id: DeviceId
    area_codes: Annotated[list[AreaCode], Field(min_length=1)]  # own area first, then ancestors
    window_from: IsoTime
    window_to: IsoTime
    items: list[ManifestItem] = []
    alerts: list[Alert] = []

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        starts = [item.start for item in self.items]
        if starts != sorted(starts) or self.window_to < self.window_from:
            raise ValueError("items must be sorted by start, window_from <= window_to")
        return self


class AlertPayload(SignedPayload):
    type: Literal["alert"] = "alert"
    action: Literal["start", "cancel"]
    area_code: AreaCode
    alert_id: AlertId
    alert: Alert | None = None  # required for "start"

    @model_validator(mode="after")
    def _start_has_alert(self) -> Self:
        if self.action == "start" and self.alert is None:
            raise ValueError("a start needs the alert")
        if self.alert and (self.alert.alert_id, self.alert.area_code) != (self.alert_id, self.area_code):
            raise ValueError("alert_id/area_code differ from the embedded alert")
        return self


class CommandPayload(SignedPayload):
    type: Literal["cmd"] = "cmd"
    device_id: DeviceId
    command: Literal["volume", "resync", "stop", "reboot"]
    args: dict[str, int | str | float] = {}


class AsRunRecord(WireModel):  # bounded like its ``asrun`` columns: a record that parses can be stored
    key: Annotated[Key, Field(pattern=r"^[^\x00-\x1f\x7f]+$")]  # idempotency key, made by the device; no NUL
    device_id: DeviceId
    bulletin_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None  # INTEGER: int4 on PostgreSQL
    version_hash: Annotated[str, Field(max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")] | None = None
    kind: Kind
    planned_start: IsoTime
    actual_start: IsoTime | None = None  # None when missed
    actual_end: IsoTime | None = None
    device_time: IsoTime  # the device clock when it wrote the record (skew detection)
    outcome: Literal["played", "interrupted", "missed", "failed"]
    reason: Literal["offline", "media_failed", "preempted", "expired"] | None = None
    duration_ms: Annotated[int, Field(ge=0, le=86_400_000)]  # planned; at most a day
    aired_ms: Annotated[int, Field(ge=0, le=86_400_000)] = 0


class AsRunBatch(WireModel):
    device_id: DeviceId
    batch_id: Key
    sent_at: IsoTime | None = None  # the device clock when sending: skew is measured from it
    records: Annotated[list[AsRunRecord], Field(min_length=1, max_length=MAX_ASRUN_RECORDS)]

    @model_validator(mode="after")
    def _one_device(self) -> Self:
        if any(r.device_id != self.device_id for r in self.records):
            raise ValueError("every record must belong to the batch's device")
        return self


class AsRunAck(WireModel):
    batch_id: str
    stored: list[str] = []  # keys now durably stored (or already were): the device may drop them
    rejected: list[dict[str, str]] = []  # [{"key": ..., "reason": ...}]


class Status(WireModel):
    device_id: DeviceId
    state: Literal["online", "offline"]
    at: IsoTime
    alerts_started: Annotated[dict[AlertId, IsoTime], Field(max_length=8)] | None = None  # id -> start, additive
    manifest_seq: NonNegative | None = None
    playing: Title | None = None
    volume: Annotated[int, Field(ge=0, le=100)] | None = None
    cache_items: NonNegative | None = None
    uptime_s: NonNegative | None = None
    fw: Annotated[str, Field(max_length=64)] | None = None


class Envelope(WireModel):
    payload: dict[str, Any]
    sig: Annotated[str, Field(max_length=128)]
    kid: Annotated[str, Field(max_length=64)]


Clock = Callable[[], datetime]
M = TypeVar("M", bound=BaseModel)
S = TypeVar("S", bound=SignedPayload)


def parse_bounded(raw: bytes, max_bytes: int, model: type[M]) -> M:
    """Parse untrusted bytes into ``model``: ``too_large`` before parsing, else ``malformed``."""
    if len(raw) > max_bytes:
        raise Rejected("too_large", f"{len(raw)} bytes > {max_bytes}")
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise Rejected("malformed", f"{model.__name__}: {exc.error_count()} error(s)") from exc


def canonical(payload: BaseModel | Mapping[str, Any]) -> bytes:
    """The signed bytes: sorted keys, no whitespace, UTF-8 (Vietnamese stays unescaped)."""
    data = payload.model_dump(mode="json", exclude_none=True) if isinstance(payload, BaseModel) else payload
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    # validate=True: refuse stray characters instead of silently skipping them.
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def public_key_b64(public_key: Ed25519PublicKey) -> str:
    return _b64url(public_key.public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw))


def public_key_from_b64(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_b64url_decode(text))  # ValueError if not a key


def key_id(public_key: Ed25519PublicKey) -> str:
    """First 16 hex digits of sha256 over the raw 32-byte public key."""
    return hashlib.sha256(public_key.public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw)).hexdigest()[:16]


def load_or_create_private_key(path: Path | str) -> Ed25519PrivateKey:
    """Load the unencrypted PKCS#8 PEM signing key at ``path``; create it (mode 0600) if absent."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        # Mode 0600 at creation: never readable by others, even briefly. O_EXCL: if another
        # process created the key meanwhile, fail loudly rather than overwrite it.
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
            fh.write(key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()))
        return key
    loaded = ser.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return loaded


class Signer:
    """Signs payloads with the server key; ``sign`` returns the envelope bytes to publish."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self.public_key = private_key.public_key()
        self.kid = key_id(self.public_key)
        self.public_key_b64 = public_key_b64(self.public_key)

    def sign(self, payload: BaseModel | Mapping[str, Any] | bytes) -> bytes:
        """``bytes`` must already be canonical (the compiler's fast path: nothing re-encoded)."""
        body = payload if isinstance(payload, bytes) else canonical(payload)
        sig = _b64url(self._key.sign(body))
        return b'{"payload":' + body + f',"sig":"{sig}","kid":"{self.kid}"}}'.encode()


class Verifier:
    """Checks envelopes against trusted public keys by kid (several kids during a rotation)."""

    def __init__(self, trusted_keys: Mapping[str, Ed25519PublicKey]) -> None:
        self.trusted_keys = dict(trusted_keys)

    def verify(self, raw: bytes, model: type[M], max_bytes: int) -> M:
        """Size, envelope, kid, signature, then the payload schema; raises ``Rejected``."""
        envelope = parse_bounded(raw, max_bytes, Envelope)
        key = self.trusted_keys.get(envelope.kid)
        if key is None:
            raise Rejected("unknown_key", envelope.kid)
        try:
            key.verify(_b64url_decode(envelope.sig), canonical(envelope.payload))
        except (InvalidSignature, ValueError) as exc:  # ValueError: sig is not base64url
            raise Rejected("bad_signature") from exc
        try:
            return model.model_validate(envelope.payload)
        except ValidationError as exc:
            raise Rejected("malformed", f"{model.__name__}: {exc.error_count()} error(s)") from exc


class DeviceGuard:
    """Device-side acceptance; ``area_codes``: own area and all ancestors; ``clock``: aware UTC now.
    Firmware may persist and restore ``last_seq`` (topic → seq) so a reboot reopens no replays."""

    def __init__(self, device_id: str, area_codes: Iterable[str], verifier: Verifier, *, clock: Clock) -> None:
        self.device_id = check_device_id(device_id)
        self.area_codes = frozenset(check_area_code(code) for code in area_codes)
        self.verifier = verifier
        self.clock = clock
        self.last_seq: dict[str, int] = {}

    def accept_manifest(self, raw: bytes) -> ManifestPayload:
        msg = self.verifier.verify(raw, ManifestPayload, MAX_MANIFEST_BYTES)
        return self._admit(msg, msg.device_id == self.device_id, manifest_topic(self.device_id))

    def accept_alert(self, raw: bytes) -> AlertPayload:
        msg = self.verifier.verify(raw, AlertPayload, MAX_ALERT_BYTES)
        # seq is tracked per area topic, so a replayed cancel is refused like a replayed start.
        return self._admit(msg, msg.area_code in self.area_codes, alert_topic(msg.area_code))

    def accept_command(self, raw: bytes) -> CommandPayload:
        msg = self.verifier.verify(raw, CommandPayload, MAX_COMMAND_BYTES)
        return self._admit(msg, msg.device_id == self.device_id, cmd_topic(self.device_id))

    def _admit(self, msg: S, for_me: bool, topic: str) -> S:
        if not for_me:
            raise Rejected("not_for_me", topic)
        if parse_iso(msg.expires_at) < self.clock():
            raise Rejected("expired", msg.expires_at)
        if msg.seq <= self.last_seq.get(topic, 0):
            raise Rejected("replayed", f"seq {msg.seq} <= {self.last_seq[topic]}")
        self.last_seq[topic] = msg.seq  # only once every check has passed
        return msg
