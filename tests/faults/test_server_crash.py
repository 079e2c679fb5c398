"""`kill -9` of the server in the middle of a synthesis job: the next start runs the job again,
once, with idempotent effects — one audio-ready audit event, an intact chain, no half-written
media file served."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from server.db import dispose_engines, get_engine
from tests.brokers import wait_until
from tests.factories import PASSWORD
from tests.faults.live_server import LiveServer
from tests.server.conftest import bulletin_body
from tests.tts.fakes import translate_server

pytestmark = pytest.mark.slow


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
