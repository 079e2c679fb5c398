"""Fixtures for the workflow tests: a fake speech seam and one shared API world per module.

Users cost ~100 ms each (argon2 hash + login), so ``world`` creates them once per module; every
test then works on bulletins it creates itself.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel, col, select

from server.app import create_app
from server.db import get_engine
from server.errors import Invalid
from server.jobs import execute_job
from server.models.jobs import Job
from server.runtime import Runtime, build_runtime
from server.services import areas as area_service
from server.services import audit, synthesis
from server.settings import Settings
from tests.factories import add_users, bearer, seed_two_communes
from tts.cache import AudioAsset

# (username, role, area): two communes, their province, every role.
WORLD_USERS = [
    ("mot.canbo", "officer", "W001"),
    ("mot.canbo2", "officer", "W001"),
    ("mot.duyet", "approver", "W001"),
    ("mot.kiemtra", "auditor", "W001"),
    ("mot.admin", "admin", "W001"),
    ("hai.canbo", "officer", "W002"),
    ("hai.duyet", "approver", "W002"),
    ("hai.kiemtra", "auditor", "W002"),
    ("tinh.duyet", "approver", "P01"),
    ("tinh.admin", "admin", "P01"),
]


class FakeTTS:
    """Stands in for ``tts`` behind ``server.services.synthesis``: instant, deterministic files."""

    def __init__(self) -> None:
        self.calls = 0
        self.fail = False
        self.lexicons: list[dict[str, str]] = []

    def _asset(self, settings: Settings, seed: str, duration_ms: int, engine: str) -> AudioAsset:
        data = b"ID3\x04fake" + hashlib.sha256(seed.encode()).digest()
        sha = hashlib.sha256(data).hexdigest()
        settings.media_dir.mkdir(parents=True, exist_ok=True)
        path = synthesis.media_path(settings, sha)
        path.write_bytes(data)
        return AudioAsset(sha, len(data), duration_ms, engine, "tone", path)

    def synthesize_text(self, settings: Settings, text_: str, *, reads_per_play: int, gap_seconds: float,
                        progress: Any = None, lexicon: dict[str, str] | None = None) -> AudioAsset:
        self.calls += 1
        self.lexicons.append(dict(lexicon or {}))
        if lexicon:  # a lexicon that changes the reading changes the audio, as with real TTS
            text_ = f"{text_}|{sorted(lexicon.items())}"
        if self.fail:
            raise synthesis.AudioFailed("Bộ đọc giả lập bị lỗi.", code="tts_failed")
        if progress is not None:
            progress(50)
        return self._asset(settings, f"{text_}|{reads_per_play}|{gap_seconds}", 60 * len(text_), "fake")

    def master_upload(self, settings: Settings, path: Path, *, reads_per_play: int,
                      gap_seconds: float) -> AudioAsset:
        raw = path.read_bytes()
        if not raw.startswith(b"RIFF"):
            raise Invalid("Tệp tải lên không phải tệp âm thanh hợp lệ.", code="upload_not_audio")
        seed = f"{hashlib.sha256(raw).hexdigest()}|{reads_per_play}|{gap_seconds}"
        return self._asset(settings, seed, 5000 * reads_per_play, "recording")


def install_fake_tts(mp: pytest.MonkeyPatch) -> FakeTTS:
    fake = FakeTTS()
    mp.setattr(synthesis, "synthesize_text", fake.synthesize_text)
    mp.setattr(synthesis, "master_upload", fake.master_upload)
    return fake


@pytest.fixture
def fake_tts(monkeypatch: pytest.MonkeyPatch) -> FakeTTS:
    return install_fake_tts(monkeypatch)


def truncate_all(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def bulletin_body(**overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "title": "Lịch tiêm phòng dại", "body": "Xã tổ chức tiêm phòng dại cho chó, mèo vào sáng thứ Bảy.",
        "board_text": "Tiêm phòng dại sáng thứ Bảy", "category": "health", "priority": "normal",
        "valid_from": (now - timedelta(minutes=1)).isoformat(),
        "valid_until": (now + timedelta(days=7)).isoformat(),
        "targets": ["W001-T01"], "repeats_per_day": 2,
    }
    body.update(overrides)
    return body


@dataclass
class World:
    client: TestClient
    runtime: Runtime
    tts: FakeTTS
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    @property
    def engine(self) -> Engine:
        return self.runtime.engine

    def session(self) -> Session:
        return audit.bind(Session(self.engine), self.runtime.settings.data_dir)

    def create(self, who: str = "mot.canbo", **overrides: Any) -> dict[str, Any]:
        r = self.client.post("/api/v1/bulletins", json=bulletin_body(**overrides), headers=self.headers[who])
        assert r.status_code == 201, r.text
        return dict(r.json())

    def get(self, who: str, bid: int) -> httpx.Response:
        return self.client.get(f"/api/v1/bulletins/{bid}", headers=self.headers[who])

    def act(self, who: str, bid: int, action: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.client.post(f"/api/v1/bulletins/{bid}/{action}", json=body, headers=self.headers[who])

    def patch(self, who: str, bid: int, version: int, **fields: Any) -> httpx.Response:
        return self.client.patch(f"/api/v1/bulletins/{bid}", json={"version": version, **fields},
                                 headers=self.headers[who])

    def run_jobs(self) -> None:
        """Run every queued job, as the scheduler would (it is not started in tests)."""
        with Session(self.engine) as s:
            ids = s.exec(select(Job.id).where(Job.state == "queued").order_by(col(Job.id))).all()
        for job_id in ids:
            assert job_id is not None
            execute_job(self.engine, job_id, self.runtime)

    def submitted(self, officer: str = "mot.canbo", **overrides: Any) -> dict[str, Any]:
        """A bulletin submitted by ``officer`` with its audio synthesized."""
        created = self.create(officer, **overrides)
        r = self.act(officer, created["id"], "submit")
        assert r.status_code == 200, r.text
        self.run_jobs()
        return dict(self.get(officer, created["id"]).json())

    def approved(self, officer: str = "mot.canbo", approver: str = "mot.duyet",
                 **overrides: Any) -> dict[str, Any]:
        sub = self.submitted(officer, **overrides)
        r = self.act(approver, sub["id"], "approve")
        assert r.status_code == 200, r.text
        return dict(r.json())


def _build_world(settings: Settings, mp: pytest.MonkeyPatch) -> Iterator[World]:
    fake = install_fake_tts(mp)
    runtime = build_runtime(settings)
    if runtime.engine.dialect.name == "postgresql":
        truncate_all(runtime.engine)
    seed_two_communes(runtime.engine)
    world = World(TestClient(create_app(runtime, start_runtime=False)), runtime, fake)
    with world.client:
        for username, user in add_users(runtime.engine, WORLD_USERS).items():
            assert user.id is not None
            world.ids[username] = user.id
            world.headers[username] = bearer(runtime, user)
        yield world
    area_service.invalidate(runtime.engine)
    runtime.engine.dispose()


def _world_settings(tmp_path_factory: pytest.TempPathFactory, template: Path) -> Settings:
    data_dir = tmp_path_factory.mktemp("world") / "data"
    data_dir.mkdir()
    shutil.copy(template, data_dir / "loa.db")
    return Settings(data_dir=data_dir, tts_engines="fake")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[World]:
    """Two communes (W001, W002) under P01, ``WORLD_USERS`` logged in, fake TTS; SQLite."""
    with pytest.MonkeyPatch.context() as mp:
        yield from _build_world(_world_settings(tmp_path_factory, sqlite_template), mp)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
              sqlite_template: Path) -> Iterator[World]:
    """``world`` on SQLite and on PostgreSQL."""
    settings = _world_settings(tmp_path_factory, sqlite_template)
    if request.param == "postgres":
        settings = settings.model_copy(update={"database_url": request.getfixturevalue("postgres_url")})
        get_engine(settings.db_url)
    with pytest.MonkeyPatch.context() as mp:
        yield from _build_world(settings, mp)
