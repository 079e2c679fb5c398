"""`loa lexicon add` re-synthesizes the submitted bulletins it affects, right in the command."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from server.app import create_app
from server.bootstrap import prepare
from server.cli import main
from server.jobs import execute_job
from server.models.jobs import Job
from server.runtime import build_runtime
from server.services import areas as area_service
from server.settings import Settings
from tests.factories import add_users, bearer, seed_two_communes
from tests.server.conftest import bulletin_body, install_fake_tts


def test_cli_change_resynthesizes_a_submitted_bulletin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    fake = install_fake_tts(monkeypatch)
    data = tmp_path / "data"
    data.mkdir()
    prepare(Settings(data_dir=data))
    runtime = build_runtime(Settings(data_dir=data, tts_engines="fake"))
    seed_two_communes(runtime.engine)
    users = add_users(runtime.engine, [("canbo", "officer", "W001")])
    with TestClient(create_app(runtime, start_runtime=False)) as client:
        headers = bearer(runtime, users["canbo"])
        created = client.post("/api/v1/bulletins", json=bulletin_body(body="Họp HTXQZ sáng mai."),
                              headers=headers).json()
        assert client.post(f"/api/v1/bulletins/{created['id']}/submit", headers=headers).status_code == 200
        with Session(runtime.engine) as s:
            job_ids = s.exec(select(Job.id)).all()
        for job_id in job_ids:
            assert job_id is not None
            execute_job(runtime.engine, job_id, runtime)
        before = client.get(f"/api/v1/bulletins/{created['id']}", headers=headers).json()["audio"]["sha256"]
    area_service.invalidate(runtime.engine)
    runtime.engine.dispose()

    assert main(["lexicon", "add", "--area", "P01", "HTXQZ", "hợp tác xã quy dét", "--data-dir", str(data)]) == 0
    assert "1 bản tin" in capsys.readouterr().out
    assert fake.lexicons[-1] == {"HTXQZ": "hợp tác xã quy dét"}

    runtime = build_runtime(Settings(data_dir=data, tts_engines="fake"))
    with TestClient(create_app(runtime, start_runtime=False)) as client:
        after = client.get(f"/api/v1/bulletins/{created['id']}", headers=bearer(runtime, users["canbo"])).json()
    area_service.invalidate(runtime.engine)
    runtime.engine.dispose()
    assert after["status"] == "submitted" and after["audio"]["sha256"] != before
