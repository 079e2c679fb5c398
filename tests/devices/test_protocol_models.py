"""Wire models, identifiers, topics, timestamps, size bounds and key files of devices/protocol.py."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from devices.protocol import (
    AREA_CODE_PATTERN,
    MAX_ASRUN_BATCH_BYTES,
    MAX_STATUS_BYTES,
    Alert,
    AlertPayload,
    AsRunAck,
    AsRunBatch,
    ManifestItem,
    ManifestPayload,
    Rejected,
    Signer,
    Status,
    alert_topic,
    asrun_ack_topic,
    asrun_topic,
    canonical,
    check_area_code,
    check_device_id,
    check_id,
    cmd_topic,
    iso,
    load_or_create_private_key,
    manifest_topic,
    parse_bounded,
    parse_iso,
    public_key_b64,
    public_key_from_b64,
    status_topic,
)

SHA = "cd" * 32


def audio_item(**over: Any) -> dict[str, Any]:
    item = {
        "start": "2025-07-01T10:00:00Z",
        "duration_ms": 60_000,
        "kind": "audio",
        "priority": "priority",
        "bulletin_id": 1,
        "version_hash": "v1",
        "title": "Thông báo",
        "media": f"/media/{SHA}.mp3",
        "sha256": SHA,
        "size": 10,
    }
    return item | over


def asrun_record(key: str = "k1", device_id: str = "spk-1", **over: Any) -> dict[str, Any]:
    record = {
        "key": key,
        "device_id": device_id,
        "bulletin_id": 1,
        "version_hash": "v1",
        "kind": "audio",
        "planned_start": "2025-07-01T10:00:00Z",
        "actual_start": "2025-07-01T10:00:01Z",
        "actual_end": "2025-07-01T10:01:01Z",
        "device_time": "2025-07-01T10:01:02Z",
        "outcome": "played",
        "duration_ms": 60_000,
        "aired_ms": 60_000,
    }
    return record | over


def test_topics() -> None:
    assert manifest_topic("spk-1") == "loa/v1/dev/spk-1/manifest"
    assert cmd_topic("spk-1") == "loa/v1/dev/spk-1/cmd"
    assert status_topic("spk-1") == "loa/v1/dev/spk-1/status"
    assert asrun_topic("spk-1") == "loa/v1/dev/spk-1/asrun"
    assert asrun_ack_topic("spk-1") == "loa/v1/dev/spk-1/asrun/ack"
    assert alert_topic("W00070-T03") == "loa/v1/area/W00070-T03/alert"


@pytest.mark.parametrize("bad", ["", "Spk-1", "spk/1", "spk+", "#", "a" * 65, "spk_1", "spk-1\n"])
def test_invalid_device_ids_never_reach_a_topic(bad: str) -> None:
    with pytest.raises(ValueError):
        manifest_topic(bad)


@pytest.mark.parametrize("bad", ["", "W/1", "P+", "#", "x" * 65, "W 1", "Đ1"])
def test_invalid_area_codes(bad: str) -> None:
    with pytest.raises(ValueError):
        alert_topic(bad)


def test_valid_ids() -> None:
    assert check_id("a" * 64) == "a" * 64
    assert check_id("P01_x-Y", AREA_CODE_PATTERN) == "P01_x-Y"
    assert check_device_id("brd-w00070-01") == "brd-w00070-01"
    assert check_area_code("W00070-T03") == "W00070-T03"
    with pytest.raises(ValueError):
        check_device_id("W00070")  # upper case is an area code, not a device id


def test_iso_round_trip_and_strictness() -> None:
    dt = datetime(2025, 7, 1, 17, 30, 5, 999_000, tzinfo=timezone(timedelta(hours=7)))
    assert iso(dt) == "2025-07-01T10:30:05Z"  # converted to UTC, sub-seconds dropped
    assert parse_iso("2025-07-01T10:30:05Z") == datetime(2025, 7, 1, 10, 30, 5, tzinfo=UTC)
    with pytest.raises(ValueError):
        iso(datetime(2025, 7, 1))  # naive: ambiguous
    for bad in (
        "2025-7-1T10:30:05Z",
        "2025-07-01T10:30:05+00:00",
        "2025-07-01 10:30:05Z",
        "2025-02-30T00:00:00Z",
    ):
        with pytest.raises(ValueError):
            parse_iso(bad)


def test_none_optionals_are_excluded_from_the_canonical_form() -> None:
    relay = ManifestItem(
        start="2025-07-01T10:00:00Z",
        duration_ms=1_800_000,
        kind="relay",
        priority="normal",
        title="Tiếp sóng VOV1",
        stream_url="https://example.invalid/vov1",
    )
    assert json.loads(canonical(relay)) == {
        "start": "2025-07-01T10:00:00Z",
        "duration_ms": 1_800_000,
        "kind": "relay",
        "priority": "normal",
        "title": "Tiếp sóng VOV1",
        "stream_url": "https://example.invalid/vov1",
    }


@pytest.mark.parametrize(
    "over",
    [
        {"sha256": None},
        {"media": "/media/" + "ef" * 32 + ".mp3"},  # media does not name its sha256
        {"duration_ms": 0},
        {"kind": "board"},  # board without pages
        {"pages": [["a"]], "page_seconds": [3.0, 3.0]},
        {"start": "2025-07-01T10:00:00"},
        {"priority": "urgent"},
        {"unknown": 1},
    ],
)
def test_invalid_manifest_items(over: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ManifestItem.model_validate(audio_item(**over))


def test_models_are_frozen() -> None:
    item = ManifestItem.model_validate(audio_item())
    with pytest.raises(ValidationError):
        item.title = "khác"  # type: ignore[misc]


def manifest(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "device_id": "spk-1",
        "area_codes": ["W00070-T03", "W00070"],
        "seq": 1,
        "issued_at": "2025-07-01T00:00:00Z",
        "expires_at": "2025-07-04T17:00:00Z",
        "window_from": "2025-07-01T00:00:00Z",
        "window_to": "2025-07-04T17:00:00Z",
        "items": items,
    }


def test_manifest_items_must_be_sorted_by_start() -> None:
    early, late = audio_item(start="2025-07-01T09:00:00Z"), audio_item(start="2025-07-01T10:00:00Z")
    assert ManifestPayload.model_validate(manifest([early, late])).type == "manifest"
    with pytest.raises(ValidationError):
        ManifestPayload.model_validate(manifest([late, early]))
    with pytest.raises(ValidationError):
        ManifestPayload.model_validate(manifest([]) | {"seq": 0})


def test_alert_payload_rules() -> None:
    embedded = {
        "alert_id": "a1",
        "bulletin_id": 9,
        "version_hash": "v9",
        "area_code": "W00070",
        "starts_at": "2025-07-01T00:00:00Z",
        "expires_at": "2025-07-01T12:00:00Z",
        "media": f"/media/{SHA}.mp3",
        "sha256": SHA,
        "size": 5,
        "duration_ms": 30_000,
        "title": "Bão số 3",
    }
    assert Alert.model_validate(embedded).repeat_every_s == 7200
    common = {"area_code": "W00070", "seq": 2, "issued_at": "2025-07-01T00:00:00Z"}
    common |= {"expires_at": "2025-07-01T12:00:00Z", "alert_id": "a1"}
    assert AlertPayload.model_validate(common | {"action": "cancel"}).alert is None
    with pytest.raises(ValidationError):
        AlertPayload.model_validate(common | {"action": "start"})  # a start carries its alert
    with pytest.raises(ValidationError):
        AlertPayload.model_validate(common | {"action": "start", "alert": embedded | {"area_code": "P01"}})


def test_asrun_batch_bounds() -> None:
    one = json.dumps({"device_id": "spk-1", "batch_id": "b1", "records": [asrun_record()]}).encode()
    assert parse_bounded(one, MAX_ASRUN_BATCH_BYTES, AsRunBatch).records[0].outcome == "played"
    for records in ([], [asrun_record(key=f"k{i}") for i in range(501)], [asrun_record(device_id="spk-2")]):
        raw = json.dumps({"device_id": "spk-1", "batch_id": "b1", "records": records}).encode()
        with pytest.raises(Rejected) as info:
            parse_bounded(raw, 10 * MAX_ASRUN_BATCH_BYTES, AsRunBatch)
        assert info.value.reason == "malformed"
    missed = asrun_record(outcome="missed", reason="preempted", actual_start=None, actual_end=None, aired_ms=0)
    assert AsRunBatch.model_validate({"device_id": "spk-1", "batch_id": "b2", "records": [missed]})
    with pytest.raises(ValidationError):
        AsRunBatch.model_validate({"device_id": "spk-1", "batch_id": "b3", "records": [asrun_record(key="k" * 129)]})


def test_asrun_ack_shape() -> None:
    ack = AsRunAck(batch_id="b1", stored=["k1"], rejected=[{"key": "k2", "reason": "invalid"}])
    assert json.loads(canonical(ack)) == {
        "batch_id": "b1",
        "stored": ["k1"],
        "rejected": [{"key": "k2", "reason": "invalid"}],
    }


def test_status_bounds() -> None:
    online = {
        "device_id": "spk-1",
        "state": "online",
        "at": "2025-07-01T00:00:00Z",
        "volume": 70,
        "fw": "sim-1",
    }
    assert parse_bounded(json.dumps(online).encode(), MAX_STATUS_BYTES, Status).volume == 70
    with pytest.raises(Rejected) as info:
        parse_bounded(json.dumps(online | {"fw": "x" * 5000}).encode(), MAX_STATUS_BYTES, Status)
    assert info.value.reason == "too_large"
    with pytest.raises(Rejected) as info:
        parse_bounded(json.dumps(online | {"volume": 101}).encode(), MAX_STATUS_BYTES, Status)
    assert info.value.reason == "malformed"


def test_private_key_file_is_created_0600_and_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "server-ed25519.pem"
    first = load_or_create_private_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    again = load_or_create_private_key(path)
    assert Signer(again).kid == Signer(first).kid


def test_public_key_b64_round_trip() -> None:
    public = Ed25519PrivateKey.generate().public_key()
    text = public_key_b64(public)
    assert "=" not in text and len(text) == 43
    assert public_key_b64(public_key_from_b64(text)) == text
    with pytest.raises(ValueError):
        public_key_from_b64("c2hvcnQ")
