"""Signing, fixed vectors and the device-side checks of devices/protocol.py."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict

from devices.protocol import (
    MAX_MANIFEST_BYTES,
    AlertPayload,
    CommandPayload,
    DeviceGuard,
    ManifestPayload,
    Rejected,
    Signer,
    Verifier,
    canonical,
    key_id,
    public_key_from_b64,
)

# --- fixed vectors (Ed25519 is deterministic: same key + bytes => same signature) --------------

SEED = bytes(range(32))
VECTOR_PUBLIC_KEY_B64 = "A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg"
VECTOR_KID = "56475aa75463474c"
COMMAND_PAYLOAD = {
    "type": "cmd",
    "device_id": "spk-w00070-t03-01",
    "seq": 7,
    "issued_at": "2025-07-01T00:00:00Z",
    "expires_at": "2025-07-01T00:10:00Z",
    "command": "volume",
    "args": {"level": 80},
}
COMMAND_CANONICAL = (
    b'{"args":{"level":80},"command":"volume","device_id":"spk-w00070-t03-01",'
    b'"expires_at":"2025-07-01T00:10:00Z","issued_at":"2025-07-01T00:00:00Z","seq":7,"type":"cmd"}'
)
COMMAND_SIG = "EzI-hefdjFI_frXGAeBbeMYpQJ9Ui5cECL_kLXuzb7GmsN3CDdmh7oM1wwWW4XW7pGKV_loMKB7OYb3wu4O8Cw"
SHA = "ab" * 32
ALERT_PAYLOAD = {
    "type": "alert",
    "action": "start",
    "area_code": "W00070",
    "seq": 3,
    "issued_at": "2025-07-01T01:00:00Z",
    "expires_at": "2025-07-01T13:00:00Z",
    "alert_id": "a-42-3",
    "alert": {
        "alert_id": "a-42-3",
        "bulletin_id": 42,
        "version_hash": "v3",
        "area_code": "W00070",
        "starts_at": "2025-07-01T01:00:00Z",
        "expires_at": "2025-07-01T13:00:00Z",
        "repeat_every_s": 7200,
        "media": f"/media/{SHA}.mp3",
        "sha256": SHA,
        "size": 123456,
        "duration_ms": 45000,
        "title": "Cảnh báo lũ quét — Đội 3",
        "pages": [["Khẩn cấp: lũ quét", "sơ tán ngay"]],
        "page_seconds": [3.0],
    },
}
# sha256 of the canonical bytes pins them independently of how this file's text is normalized.
ALERT_CANONICAL_SHA256 = "e12fa6db8148177f782aed6d0bf09c3bbded4b77e8c62797c93914d4ff901e93"
ALERT_SIG = "5jCJuZJ7fH00BVrl8EEIf_gVHT8cyagsRrbpR2VCBozXGxS3BmSRxTtCa1qBiDILPpw17XjUwcU2K0_FCjRpBw"

NOW = datetime(2025, 7, 1, 2, 0, 0, tzinfo=UTC)
DEVICE = "spk-w00070-t03-01"
AREAS = ["W00070-T03", "W00070", "P01"]  # own hamlet, its commune, its province


def vector_signer() -> Signer:
    return Signer(Ed25519PrivateKey.from_private_bytes(SEED))


def test_vector_key_and_kid() -> None:
    signer = vector_signer()
    assert signer.public_key_b64 == VECTOR_PUBLIC_KEY_B64
    assert signer.kid == VECTOR_KID
    assert key_id(public_key_from_b64(VECTOR_PUBLIC_KEY_B64)) == VECTOR_KID


def test_kid_is_sha256_prefix_of_raw_public_key() -> None:
    # RFC 8032 test 1 public key; the kid is computed here without the module's help.
    raw = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    rfc_key = Ed25519PrivateKey.from_private_bytes(
        bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    )
    assert key_id(rfc_key.public_key()) == hashlib.sha256(raw).hexdigest()[:16] == "21fe31dfa154a261"


def test_vector_command() -> None:
    assert canonical(COMMAND_PAYLOAD) == COMMAND_CANONICAL
    assert canonical(CommandPayload.model_validate(COMMAND_PAYLOAD)) == COMMAND_CANONICAL
    envelope = json.loads(vector_signer().sign(COMMAND_PAYLOAD))
    assert envelope == {"payload": COMMAND_PAYLOAD, "sig": COMMAND_SIG, "kid": VECTOR_KID}


def test_vector_vietnamese_text_is_raw_utf8() -> None:
    title = ALERT_PAYLOAD["alert"]["title"]  # type: ignore[index]
    assert unicodedata.is_normalized("NFC", title)
    body = canonical(AlertPayload.model_validate(ALERT_PAYLOAD))
    assert hashlib.sha256(body).hexdigest() == ALERT_CANONICAL_SHA256
    assert "Cảnh báo lũ quét — Đội 3".encode() in body  # ensure_ascii=False: no \\u escapes
    assert b"\\u" not in body
    assert json.loads(vector_signer().sign(ALERT_PAYLOAD))["sig"] == ALERT_SIG


def test_vectors_data_file_matches_the_literals() -> None:
    data = json.loads(resources.files("devices").joinpath("protocol_vectors.json").read_text("utf-8"))
    assert (data["seed_hex"], data["public_key_b64"], data["kid"]) == (
        SEED.hex(),
        VECTOR_PUBLIC_KEY_B64,
        VECTOR_KID,
    )
    command, alert = data["vectors"]
    assert (command["payload"], command["canonical"].encode(), command["sig"]) == (
        COMMAND_PAYLOAD,
        COMMAND_CANONICAL,
        COMMAND_SIG,
    )
    assert alert["payload"] == ALERT_PAYLOAD and alert["sig"] == ALERT_SIG
    assert hashlib.sha256(alert["canonical"].encode()).hexdigest() == ALERT_CANONICAL_SHA256


# --- factories ----------------------------------------------------------------------------------


def manifest(seq: int = 1, device_id: str = DEVICE, expires_at: str = "2025-07-04T17:00:00Z") -> dict[str, Any]:
    return {
        "type": "manifest",
        "device_id": device_id,
        "area_codes": AREAS,
        "seq": seq,
        "issued_at": "2025-07-01T00:00:00Z",
        "expires_at": expires_at,
        "window_from": "2025-07-01T00:00:00Z",
        "window_to": "2025-07-04T17:00:00Z",
        "items": [
            {
                "start": "2025-07-01T10:00:00Z",
                "duration_ms": 90_000,
                "kind": "audio",
                "priority": "normal",
                "bulletin_id": 5,
                "version_hash": "h5",
                "title": "Lịch tiêm chủng",
                "media": f"/media/{SHA}.mp3",
                "sha256": SHA,
                "size": 1000,
            }
        ],
        "alerts": [],
    }


def alert(seq: int, area: str = "W00070", action: str = "start") -> dict[str, Any]:
    payload = {**ALERT_PAYLOAD, "seq": seq, "area_code": area, "action": action}
    if action == "start":
        payload["alert"] = {**ALERT_PAYLOAD["alert"], "area_code": area}  # type: ignore[dict-item]
    else:
        payload.pop("alert")
    return payload


def guard(*signers: Signer, now: datetime = NOW) -> DeviceGuard:
    verifier = Verifier({s.kid: s.public_key for s in signers or (vector_signer(),)})
    return DeviceGuard(DEVICE, AREAS, verifier, clock=lambda: now)


def reason(call: Any, raw: bytes) -> str:
    with pytest.raises(Rejected) as info:
        call(raw)
    return info.value.reason


# --- round trip and refusals --------------------------------------------------------------------


def test_round_trip_manifest() -> None:
    signer = vector_signer()
    accepted = guard().accept_manifest(signer.sign(manifest()))
    assert accepted == ManifestPayload.model_validate(manifest())
    assert accepted.items[0].title == "Lịch tiêm chủng"


def test_signing_a_model_equals_signing_its_dict() -> None:
    signer = vector_signer()
    assert signer.sign(ManifestPayload.model_validate(manifest())) == signer.sign(manifest())


def test_tampering_one_payload_byte_is_a_bad_signature() -> None:
    raw = vector_signer().sign(manifest())
    tampered = raw.replace(b'"size":1000', b'"size":1001')
    assert len(tampered) == len(raw) and tampered != raw
    assert reason(guard().accept_manifest, tampered) == "bad_signature"


def test_tampered_or_garbled_signature_is_refused() -> None:
    envelope = json.loads(vector_signer().sign(manifest()))
    for sig in (envelope["sig"][:-2] + "AA", "not base64!", ""):
        raw = json.dumps({**envelope, "sig": sig}).encode()
        assert reason(guard().accept_manifest, raw) == "bad_signature"


def test_unknown_kid_and_wrong_kid() -> None:
    old, new = vector_signer(), Signer(Ed25519PrivateKey.from_private_bytes(bytes(32)))
    envelope = json.loads(old.sign(manifest()))
    unknown = json.dumps({**envelope, "kid": "0123456789abcdef"}).encode()
    assert reason(guard(old).accept_manifest, unknown) == "unknown_key"
    assert reason(guard(new).accept_manifest, old.sign(manifest())) == "unknown_key"
    # A kid naming another trusted key: its public key does not match the signature.
    wrong = json.dumps({**envelope, "kid": new.kid}).encode()
    assert reason(guard(old, new).accept_manifest, wrong) == "bad_signature"


def test_key_rotation_overlap_trusts_both_kids() -> None:
    old, new = vector_signer(), Signer(Ed25519PrivateKey.from_private_bytes(bytes(32)))
    device = guard(old, new)
    assert device.accept_manifest(old.sign(manifest(seq=1))).seq == 1
    assert device.accept_manifest(new.sign(manifest(seq=2))).seq == 2


def test_expired_is_refused_with_injected_clock() -> None:
    raw = vector_signer().sign(manifest(expires_at="2025-07-01T01:59:59Z"))
    assert reason(guard().accept_manifest, raw) == "expired"
    at_expiry = guard(now=datetime(2025, 7, 1, 1, 59, 59, tzinfo=UTC))
    assert at_expiry.accept_manifest(raw).seq == 1


def test_replay_and_older_seq_are_refused_per_topic() -> None:
    signer, device = vector_signer(), guard()
    device.accept_manifest(signer.sign(manifest(seq=5)))
    assert reason(device.accept_manifest, signer.sign(manifest(seq=5))) == "replayed"
    assert reason(device.accept_manifest, signer.sign(manifest(seq=4))) == "replayed"
    assert device.accept_manifest(signer.sign(manifest(seq=6))).seq == 6
    # Commands have their own topic and counter.
    assert device.accept_command(signer.sign(COMMAND_PAYLOAD | {"expires_at": "2025-07-02T00:00:00Z"})).seq == 7
    assert device.last_seq == {
        "loa/v1/dev/spk-w00070-t03-01/manifest": 6,
        "loa/v1/dev/spk-w00070-t03-01/cmd": 7,
    }


def test_refused_message_does_not_advance_seq() -> None:
    signer, device = vector_signer(), guard()
    assert reason(device.accept_manifest, signer.sign(manifest(seq=9, device_id="other-device"))) == "not_for_me"
    assert device.accept_manifest(signer.sign(manifest(seq=2))).seq == 2


def test_command_or_manifest_for_another_device_is_not_for_me() -> None:
    signer = vector_signer()
    other_cmd = COMMAND_PAYLOAD | {"device_id": "brd-1", "expires_at": "2025-07-02T00:00:00Z"}
    assert reason(guard().accept_command, signer.sign(other_cmd)) == "not_for_me"
    assert reason(guard().accept_manifest, signer.sign(manifest(device_id="brd-1"))) == "not_for_me"


def test_alert_for_own_or_ancestor_area_is_accepted_other_area_refused() -> None:
    signer, device = vector_signer(), guard()
    assert device.accept_alert(signer.sign(alert(seq=1, area="W00070-T03"))).area_code == "W00070-T03"
    assert device.accept_alert(signer.sign(alert(seq=1, area="P01"))).area_code == "P01"  # ancestor
    assert reason(device.accept_alert, signer.sign(alert(seq=1, area="W00071"))) == "not_for_me"


def test_cancel_passes_the_seq_check_and_a_replayed_cancel_is_refused() -> None:
    signer, device = vector_signer(), guard()
    device.accept_alert(signer.sign(alert(seq=3)))
    cancel = signer.sign(alert(seq=4, action="cancel"))
    assert device.accept_alert(cancel).action == "cancel"
    assert reason(device.accept_alert, cancel) == "replayed"
    # An old start replayed after the cancel must not bring the alert back.
    assert reason(device.accept_alert, signer.sign(alert(seq=3))) == "replayed"


def test_oversize_is_refused_before_parsing() -> None:
    raw = b"{" + b" " * MAX_MANIFEST_BYTES + b"}"
    assert reason(guard().accept_manifest, raw) == "too_large"


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        json.dumps(manifest()).encode(),  # unsigned: a bare payload, no envelope
        json.dumps({"payload": manifest(), "kid": VECTOR_KID}).encode(),  # no sig
        json.dumps({"payload": manifest(), "sig": "x", "kid": VECTOR_KID, "extra": 1}).encode(),
    ],
)
def test_malformed_or_unsigned_input(raw: bytes) -> None:
    assert reason(guard().accept_manifest, raw) == "malformed"


def test_signed_payload_of_another_type_is_malformed() -> None:
    signer = vector_signer()
    assert reason(guard().accept_command, signer.sign(manifest())) == "malformed"
    bad_manifest = manifest() | {"items": [manifest()["items"][0] | {"sha256": None}]}
    assert reason(guard().accept_manifest, signer.sign(bad_manifest)) == "malformed"


json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
json_text = st.text(alphabet='aăâbcdđeêgiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậ ĐƯƠ😀\\"', max_size=12)
json_values = st.recursive(
    json_leaf | json_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(json_text, inner, max_size=4),
    max_leaves=20,
)


@settings(derandomize=True, deadline=None, max_examples=100)
@given(st.dictionaries(json_text, json_values, max_size=8), st.randoms(use_true_random=False))
def test_canonical_form_is_stable_under_key_order(data: dict[str, Any], rnd: Any) -> None:
    def shuffled(value: Any) -> Any:
        if isinstance(value, dict):
            items = list(value.items())
            rnd.shuffle(items)
            return {k: shuffled(v) for k, v in items}
        if isinstance(value, list):
            return [shuffled(v) for v in value]  # list order is content, never reordered
        return value

    body = canonical(data)
    assert canonical(shuffled(data)) == body
    assert canonical(json.loads(body)) == body  # idempotent: what a device re-derives on receipt


class AnyPayload(BaseModel):
    model_config = ConfigDict(extra="allow")


@settings(derandomize=True, deadline=None, max_examples=100)
@given(st.dictionaries(json_text, json_values, max_size=8))
def test_any_json_payload_survives_sign_and_verify(data: dict[str, Any]) -> None:
    # The device re-derives the canonical bytes from its own JSON parse: floats, big integers
    # and Vietnamese text must come back byte-identical or valid messages would be refused.
    signer = vector_signer()
    verified = Verifier({signer.kid: signer.public_key}).verify(signer.sign(data), AnyPayload, 1 << 20)
    assert canonical(verified.model_dump()) == canonical(data)
