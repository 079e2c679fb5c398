"""`kill -9` of the server in the middle of a synthesis job: the next start runs the job again,
once, with idempotent effects — one audio-ready audit event, an intact chain, no half-written
media file served."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from server.db import dispose_engines, get_engine, migrate
from tests.brokers import free_port, wait_until
from tests.factories import PASSWORD, add_users, seed_two_communes
from tests.server.conftest import bulletin_body
from tests.tts.fakes import translate_server

pytestmark = pytest.mark.slow


class LiveServer:
    def __init__(self, data_dir: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environ = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
        environ.update(LOA_DATA_DIR=str(data_dir), LOA_BROKER_PORT=str(free_port()), LOA_LOG_LEVEL="WARNING", **env)
        self.log = data_dir.parent / f"server-{self.port}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", "import sys; from server.cli import main; sys.exit(main())",
                 "serve", "--port", str(self.port)],
                env=environ, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        assert wait_until(self._up, timeout=60, interval=0.1), self.log.read_text()[-3000:]

    def _up(self) -> bool:
        assert self.proc.poll() is None, self.log.read_text()[-3000:]
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def kill9(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)  # the server and its managed broker, no cleanup
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill9()


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "data"
    path.mkdir()
    url = f"sqlite:///{path / 'loa.db'}"
    migrate(url)
    engine = get_engine(url)
    seed_two_communes(engine)
    add_users(engine, [("canbo1", "officer", "W001")])
    dispose_engines()
    yield path


def test_synthesis_cut_by_kill_9_is_rerun_once_by_the_next_start(data_dir: Path) -> None:
    with translate_server(b"") as hanging:
        hanging.mode = "hang"  # the online voice never answers: the job is running when we kill
        first = LiveServer(data_dir, LOA_TTS_ENGINES="gtts", LOA_GTTS_URL=hanging.url, LOA_TTS_TIMEOUT_SECONDS="300")
        try:
            token = httpx.post(f"{first.url}/api/v1/auth/token",
                               data={"username": "canbo1", "password": PASSWORD}).json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            created = httpx.post(f"{first.url}/api/v1/bulletins", json=bulletin_body(), headers=auth).json()
            submitted = httpx.post(f"{first.url}/api/v1/bulletins/{created['id']}/submit",
                                   json={"version": created["version"]}, headers=auth)
            assert submitted.status_code == 200, submitted.text
            job_id = submitted.json()["job_id"]
            assert wait_until(lambda: bool(hanging.requests), timeout=60, interval=0.05)
            assert httpx.get(f"{first.url}/api/v1/jobs/{job_id}", headers=auth).json()["state"] == "running"
            first.kill9()
        finally:
            first.stop()

    second = LiveServer(data_dir, LOA_TTS_ENGINES="espeak")
    try:
        def finished() -> bool:
            state = httpx.get(f"{second.url}/api/v1/jobs/{job_id}", headers=auth).json()["state"]
            return state in ("succeeded", "failed")

        assert wait_until(finished, timeout=120, interval=0.2), second.log.read_text()[-3000:]
        job = httpx.get(f"{second.url}/api/v1/jobs/{job_id}", headers=auth).json()
        bulletin = httpx.get(f"{second.url}/api/v1/bulletins/{created['id']}", headers=auth).json()
    finally:
        second.stop()
    assert job["state"] == "succeeded", job
    assert bulletin["audio"]["engine"] == "espeak"

    engine = get_engine(f"sqlite:///{data_dir / 'loa.db'}")
    with engine.connect() as conn:
        ready = conn.execute(text("SELECT COUNT(*) FROM audit_event WHERE action = 'bulletin_audio_ready' "
                                  "AND subject = :s"), {"s": f"bulletin:{created['id']}"}).scalar_one()
    dispose_engines()
    assert ready == 1
    media = sorted(p.name for p in (data_dir / "media").rglob("*") if p.is_file())
    assert f"{bulletin['audio']['sha256']}.mp3" in media
    assert all(name.endswith((".mp3", ".json", ".lock")) for name in media), media  # no partial file left
    verify = subprocess.run([sys.executable, "-c", "import sys; from server.cli import main; sys.exit(main())",
                             "audit", "verify", "--data-dir", str(data_dir)], capture_output=True, text=True,
                            check=False, env={k: v for k, v in os.environ.items() if not k.startswith("LOA_")})
    assert verify.returncode == 0, verify.stdout + verify.stderr
