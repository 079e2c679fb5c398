"""Bad input is refused with a stable code and a Vietnamese message, and nothing is half-saved."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import func, select

from server.models.audit import AuditEvent
from server.models.bulletins import Bulletin, BulletinVersion
from server.services import bulletins as bulletin_service
from tests.server.conftest import World, bulletin_body

NOW = datetime.now(UTC)

BAD: list[tuple[dict[str, Any], int, str]] = [
    ({"title": "   "}, 422, "empty_text"),
    ({"body": "\n\t "}, 422, "empty_text"),
    ({"board_text": ""}, 422, "empty_text"),
    ({"title": "t" * 201}, 422, "text_too_long"),
    ({"body": "b" * 5001}, 422, "text_too_long"),
    ({"board_text": "c" * 301}, 422, "text_too_long"),
    ({"body": "có ký tự\x00NUL"}, 422, "invalid_characters"),
    ({"targets": ["W999"]}, 422, "unknown_area"),
    ({"targets": ["bad code!"]}, 422, "unknown_area"),
    ({"targets": []}, 422, "no_targets"),
    ({"valid_until": (NOW - timedelta(days=2)).isoformat()}, 422, "bad_validity"),
    ({"valid_from": (NOW - timedelta(days=3)).isoformat(),
      "valid_until": (NOW - timedelta(days=1)).isoformat()}, 422, "validity_passed"),
    ({"valid_until": (NOW + timedelta(days=400)).isoformat()}, 422, "bad_validity"),
    ({"valid_from": "2026-01-01T07:00:00"}, 422, "naive_datetime"),
    ({"repeats_per_day": 0}, 422, "out_of_range"),
    ({"repeats_per_day": 11}, 422, "out_of_range"),
    ({"reads_per_play": 4}, 422, "out_of_range"),
    ({"gap_seconds": 31}, 422, "out_of_range"),
    ({"pin_date": NOW.date().isoformat(), "priority": "emergency"}, 422, "bad_pin"),
    ({"pin_date": (NOW + timedelta(days=30)).date().isoformat()}, 422, "bad_pin"),
    ({"pin_slot_id": 3}, 422, "bad_pin"),
]


def _counts(world: World) -> tuple[int, int, int]:
    with world.session() as s:
        return tuple(int(s.exec(select(func.count()).select_from(m)).one())  # type: ignore[return-value]
                     for m in (Bulletin, BulletinVersion, AuditEvent))


@pytest.mark.parametrize(("overrides", "status", "code"), BAD)
def test_bad_create_is_refused_and_nothing_saved(world: World, overrides: dict[str, Any], status: int,
                                                 code: str) -> None:
    before = _counts(world)
    r = world.client.post("/api/v1/bulletins", json=bulletin_body(**overrides),
                          headers=world.headers["mot.canbo"])
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert detail["code"] == code and detail["message"]
    assert _counts(world) == before


def test_bad_edit_is_refused_and_nothing_changes(world: World) -> None:
    created = world.create()
    for overrides, status, code in BAD:
        if "valid_from" in overrides and "valid_until" not in overrides:
            continue  # the edit keeps the old valid_until: a different case
        r = world.patch("mot.canbo", created["id"], created["version"], **overrides)
        assert (r.status_code, r.json()["detail"]["code"]) == (status, code), overrides
    after = world.get("mot.canbo", created["id"]).json()
    assert after["version"] == created["version"] and after["version_hash"] == created["version_hash"]


def test_lone_surrogate_is_refused(world: World) -> None:
    raw = json.dumps(bulletin_body(title="abc\ud800def"))  # json.dumps escapes it as \ud800
    r = world.client.post("/api/v1/bulletins", content=raw, headers={**world.headers["mot.canbo"],
                                                                     "content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"]["code"] == "invalid_unicode"


def test_explicit_null_for_a_required_field_is_refused(world: World) -> None:
    created = world.create()
    r = world.patch("mot.canbo", created["id"], created["version"], title=None)
    assert r.status_code == 422 and r.json()["detail"]["code"] == "missing_field"


def test_limits_are_inclusive_and_text_is_normalized(world: World) -> None:
    decomposed = "Tho\u0302ng ba\u0301o"  # "Thông báo" with combining marks
    created = world.create(title="t" * 200, body="b" * 5000, board_text=f"  {decomposed}  ", reads_per_play=3,
                           repeats_per_day=10, gap_seconds=0)
    assert len(created["title"]) == 200 and len(created["body"]) == 5000
    assert created["board_text"] == "Thông báo"


def test_wrong_types_keep_fastapis_standard_422(world: World) -> None:
    r = world.client.post("/api/v1/bulletins", json=bulletin_body(priority="urgent"),
                          headers=world.headers["mot.canbo"])
    assert r.status_code == 422 and isinstance(r.json()["detail"], list)
    r = world.client.post("/api/v1/bulletins", json=bulletin_body(repeats_per_day="many"),
                          headers=world.headers["mot.canbo"])
    assert r.status_code == 422 and isinstance(r.json()["detail"], list)


def test_upload_of_a_recording(world: World) -> None:
    first = world.approved()
    bid = first["id"]
    files = {"file": ("ghi-am.wav", io.BytesIO(b"RIFF----WAVEfmt data"), "audio/wav")}
    r = world.client.post(f"/api/v1/bulletins/{bid}/audio", files=files,
                          data={"version": str(first["version"])}, headers=world.headers["mot.canbo"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "draft" and body["recording_name"] == "ghi-am.wav"
    assert body["audio"]["engine"] == "recording" and body["version_hash"] != first["version_hash"]
    assert body["airing"] is True and body["approved"]["version_hash"] == first["version_hash"]
    submitted = world.act("mot.canbo", bid, "submit").json()
    assert submitted["job_id"] == first["job_id"]  # no synthesis job: the recording is the audio
    approved = world.act("mot.duyet", bid, "approve", {"audio_sha256": body["audio"]["sha256"]})
    assert approved.status_code == 200
    assert approved.json()["approved"]["audio_sha256"] == body["audio"]["sha256"]
    # Changing reads_per_play re-masters the recording at the next submit.
    again = world.patch("mot.canbo", bid, approved.json()["version"], reads_per_play=2).json()
    assert again["audio"] is None and again["recording_name"] == "ghi-am.wav"
    world.act("mot.canbo", bid, "submit")
    world.run_jobs()
    remastered = world.get("mot.canbo", bid).json()["audio"]
    assert remastered["engine"] == "recording" and remastered["sha256"] != body["audio"]["sha256"]


def test_bad_uploads_change_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    created = world.create()
    url, headers = f"/api/v1/bulletins/{created['id']}/audio", world.headers["mot.canbo"]
    r = world.client.post(url, files={"file": ("x.mp3", io.BytesIO(b"<html>not audio</html>"), "audio/mpeg")},
                          headers=headers)
    assert r.status_code == 422 and r.json()["detail"]["code"] == "upload_not_audio"
    monkeypatch.setattr(bulletin_service, "MAX_RECORDING_BYTES", 1000)
    r = world.client.post(url, files={"file": ("big.wav", io.BytesIO(b"RIFF" + b"0" * 2000), "audio/wav")},
                          headers=headers)
    assert r.status_code == 413 and r.json()["detail"]["code"] == "upload_too_large"
    r = world.client.post(url, files={"file": ("a.wav", io.BytesIO(b"RIFF...."), "audio/wav")},
                          data={"version": "999"}, headers=headers)
    assert r.status_code == 409 and r.json()["detail"]["code"] == "stale_version"
    after = world.get("mot.canbo", created["id"]).json()
    assert after["version"] == created["version"]
    assert after["audio"] is None and after["recording_name"] is None


def test_audio_of_a_bulletin_without_audio_is_404(world: World) -> None:
    created = world.create()
    r = world.client.get(f"/api/v1/bulletins/{created['id']}/audio", headers=world.headers["mot.canbo"])
    assert r.status_code == 404 and r.json()["detail"]["code"] == "audio_not_found"
    r = world.client.get(f"/api/v1/bulletins/{created['id']}/audio", params={"approved": True},
                         headers=world.headers["mot.canbo"])
    assert r.status_code == 404
