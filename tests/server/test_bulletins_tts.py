"""End to end with the real speech pipeline (``tts`` with its fake engine, real mastering), and
the demo's sample bulletins."""

from __future__ import annotations

import hashlib
import io
import math
import wave
from array import array
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from server.app import create_app
from server.jobs import execute_job
from server.models.bulletins import Bulletin, BulletinVersion
from server.runtime import Runtime, build_runtime
from server.services import areas as area_service
from server.services.airing import airable_versions
from server.services.audit_verify import verify_chain
from server.settings import Settings
from tests.factories import add_users, bearer, seed_two_communes
from tests.server.conftest import FakeTTS, bulletin_body


@pytest.fixture
def real_tts(settings: Settings) -> Iterator[tuple[TestClient, Runtime, dict[str, dict[str, str]]]]:
    runtime = build_runtime(settings.model_copy(update={"tts_engines": "fake"}))
    seed_two_communes(runtime.engine)
    users = add_users(runtime.engine, [("canbo", "officer", "W001"), ("duyet", "approver", "W001")])
    headers = {name: bearer(runtime, user) for name, user in users.items()}
    with TestClient(create_app(runtime, start_runtime=False)) as client:
        yield client, runtime, headers
    area_service.invalidate(runtime.engine)
    runtime.engine.dispose()


def _tone_wav(seconds: float = 2.0, rate: int = 16000) -> bytes:
    count = int(seconds * rate)
    samples = array("h", (round(8000 * math.sin(2 * math.pi * 440 * n / rate)) for n in range(count)))
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return buf.getvalue()


def test_submit_synthesizes_real_audio_that_the_approver_hears(
    real_tts: tuple[TestClient, Runtime, dict[str, dict[str, str]]],
) -> None:
    client, runtime, h = real_tts
    created = client.post("/api/v1/bulletins", json=bulletin_body(reads_per_play=2, gap_seconds=1),
                          headers=h["canbo"]).json()
    job_id = client.post(f"/api/v1/bulletins/{created['id']}/submit", headers=h["canbo"]).json()["job_id"]
    assert execute_job(runtime.engine, job_id, runtime).state == "succeeded"
    ready = client.get(f"/api/v1/bulletins/{created['id']}", headers=h["duyet"]).json()
    audio = ready["audio"]
    assert audio["engine"] == "fake" and audio["duration_ms"] > 1000
    mp3 = client.get(f"/api/v1/bulletins/{created['id']}/audio", headers=h["duyet"]).content
    assert hashlib.sha256(mp3).hexdigest() == audio["sha256"] and len(mp3) == audio["size"]
    assert Path(runtime.settings.media_dir / f"{audio['sha256']}.mp3").is_file()
    approved = client.post(f"/api/v1/bulletins/{created['id']}/approve", headers=h["duyet"],
                           json={"version_hash": ready["version_hash"], "audio_sha256": audio["sha256"]})
    assert approved.status_code == 200 and approved.json()["airing"] is True


def test_a_real_recording_is_mastered_and_bad_audio_refused(
    real_tts: tuple[TestClient, Runtime, dict[str, dict[str, str]]],
) -> None:
    client, runtime, h = real_tts
    created = client.post("/api/v1/bulletins", json=bulletin_body(), headers=h["canbo"]).json()
    url = f"/api/v1/bulletins/{created['id']}/audio"
    bad = client.post(url, files={"file": ("x.m4a", io.BytesIO(b"this is not audio at all"), "audio/mp4")},
                      headers=h["canbo"])
    assert bad.status_code == 422 and bad.json()["detail"]["code"] == "upload_not_audio"
    assert list((runtime.settings.data_dir / "recordings").iterdir()) == []
    good = client.post(url, files={"file": ("giong-dia-phuong.wav", io.BytesIO(_tone_wav()), "audio/wav")},
                       headers=h["canbo"])
    assert good.status_code == 200, good.text
    audio = good.json()["audio"]
    assert audio["engine"] == "recording" and 1500 < audio["duration_ms"] < 6000
    submitted = client.post(f"/api/v1/bulletins/{created['id']}/submit", headers=h["canbo"]).json()
    assert submitted["job_id"] is None
    assert client.post(f"/api/v1/bulletins/{created['id']}/approve", headers=h["duyet"]).status_code == 200


def test_demo_seeds_approved_sample_bulletins(settings: Settings, fake_tts: FakeTTS,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from server.services.demo import seed_demo
    from server.services.demo_bulletins import category_of

    monkeypatch.setattr("server.services.users.hash_password", lambda _password: "demo-hash")
    engine = build_runtime(settings).engine
    report = seed_demo(engine, settings.data_dir)
    assert any("8 bản tin, 8 đã duyệt" in note for note in report.notes), report.notes
    now = datetime.now(UTC)
    with Session(engine) as s:
        rows = s.exec(select(Bulletin, BulletinVersion).join(
            BulletinVersion, BulletinVersion.id == Bulletin.approved_version_id)).all()  # type: ignore[arg-type]
        assert len(rows) == 8 and {b.status for b, _ in rows} == {"approved"}
        assert {b.area_code for b, _ in rows} == {"W05602", "W05569"}
        assert {b.category for b, _ in rows} <= {"policy", "consultation", "disaster", "health", "security",
                                                "notice", "other"}
        assert "emergency" in {v.priority for _, v in rows}
        for _bulletin, version in rows:
            assert abs(version.valid_until - now - timedelta(days=30)) < timedelta(minutes=5)
        assert len(airable_versions(s, now + timedelta(seconds=1))) == 8
        assert verify_chain(s, settings.data_dir).ok
    seed_demo(engine, settings.data_dir)  # idempotent
    with Session(engine) as s:
        assert len(s.exec(select(Bulletin)).all()) == 8
    assert category_of("y tế") == "health" and category_of("phòng chống thiên tai") == "disaster"
    assert category_of("an ninh trật tự") == "security" and category_of("notice") == "notice"
    assert category_of("không rõ") == "other"
