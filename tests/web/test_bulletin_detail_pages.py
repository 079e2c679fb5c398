"""After submit, over HTTP: synthesis progress then the player, a recording with the same player,
the re-approval notice when editing an approved bulletin, withdraw after a confirmation."""

from __future__ import annotations

import io
import math
import re
import wave
from array import array

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from server.jobs import execute_job
from server.models.bulletins import Bulletin
from server.models.jobs import Job
from server.models.users import User
from server.runtime import Runtime
from server.services import audit, workflow
from server.services.areas import load_tree
from server.services.bulletins import get_bulletin
from tests.factories import add_users, seed_two_communes
from tests.server.conftest import FakeTTS, install_fake_tts
from tests.web.http import console_sign_in
from tests.web.test_officer_pages import new_form


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeTTS:
    return install_fake_tts(monkeypatch)


@pytest.fixture
def console(client: TestClient, runtime: Runtime, fake: FakeTTS) -> TestClient:
    seed_two_communes(runtime.engine)
    add_users(runtime.engine, [("officer", "officer", "W001"), ("approver", "approver", "W001")])
    return client


def run_jobs(runtime: Runtime) -> None:
    with Session(runtime.engine) as session:
        ids = session.exec(select(Job.id).where(Job.state == "queued").order_by(col(Job.id))).all()
    for job_id in ids:
        assert job_id is not None
        execute_job(runtime.engine, job_id, runtime)


def submit_new(console: TestClient) -> int:
    form = new_form(console)
    form.update(title="Lịch tiêm phòng", body="Ngày 15/3 tiêm phòng.", board_text="Tiêm phòng 15/3", action="submit")
    response = console.post("/ban-tin/moi", data=form, follow_redirects=False)
    assert response.headers["location"].endswith("?da=gui"), response.text
    return int(response.headers["location"].split("/")[2].split("?")[0])


def wav_bytes(seconds: float = 2.0, rate: int = 16000) -> bytes:
    """A 440 Hz tone: real mastering refuses silence (its loudness cannot be normalized)."""
    samples = array("h", (round(8000 * math.sin(2 * math.pi * 440 * n / rate)) for n in range(int(seconds * rate))))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


def test_progress_is_polled_until_the_player_appears(console: TestClient, runtime: Runtime) -> None:
    console_sign_in(console, "officer")
    bulletin_id = submit_new(console)
    page = console.get(f"/ban-tin/{bulletin_id}?da=gui").text
    assert "Đã gửi bản tin" in page and "<progress" in page and f'hx-get="/ban-tin/{bulletin_id}/tien-do"' in page
    assert "<audio" not in page
    run_jobs(runtime)
    fragment = console.get(f"/ban-tin/{bulletin_id}/tien-do", headers={"HX-Request": "true"}).text
    assert "<audio" in fragment and "hx-get" not in fragment  # polling stops with the player
    audio = re.search(r'<audio[^>]+src="([^"]+)"', fragment)
    assert audio and console.get(audio.group(1)).content.startswith(b"ID3")  # the session cookie plays it


def test_a_recording_gets_the_same_player(console: TestClient) -> None:
    console_sign_in(console, "officer")
    form = new_form(console)
    form.update(title="Thông báo", body="Nội dung", board_text="Bảng", action="save")
    location = console.post("/ban-tin/moi", data=form, follow_redirects=False).headers["location"]
    page = console.get(location).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    upload = console.post(location.split("?")[0] + "/ghi-am", data={"csrf_token": token, "version": version},
                          files={"file": ("giong-doc.wav", wav_bytes(), "audio/wav")}, follow_redirects=False)
    assert upload.status_code == 303
    shown = console.get(upload.headers["location"]).text
    assert "giong-doc.wav" in shown and "<audio" in shown
    refused = console.post(location.split("?")[0] + "/ghi-am", data={"csrf_token": token},
                           files={"file": ("x.wav", b"not audio", "audio/wav")})
    assert "không phải tệp âm thanh" in refused.text


def test_editing_an_approved_bulletin_says_it_needs_approval_again(console: TestClient, runtime: Runtime) -> None:
    console_sign_in(console, "officer")
    bulletin_id = submit_new(console)
    run_jobs(runtime)
    with Session(runtime.engine) as session:
        audit.bind(session, runtime.settings.data_dir)
        approver = session.exec(select(User).where(User.username == "approver")).one()
        workflow.approve(session, approver, load_tree(runtime.engine), get_bulletin(session, bulletin_id),
                         settings=runtime.settings, now=runtime.clock())
    editor = console.get(f"/ban-tin/{bulletin_id}/sua").text
    assert "phải được lãnh đạo duyệt lại" in editor and "vẫn tiếp tục được phát" in editor
    hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', editor)
    form = new_form(console) | dict(hidden)
    form.update(title="Lịch tiêm phòng (sửa)", body="Ngày 16/3.", board_text="Tiêm phòng 16/3", action="save")
    saved = console.post(f"/ban-tin/{bulletin_id}/sua", data=form, follow_redirects=False)
    assert saved.status_code == 303
    detail = console.get(saved.headers["location"]).text
    assert "Phiên bản 1 đã duyệt" in detail and "vẫn đang được phát" in detail


def test_withdraw_asks_first_then_stops_the_bulletin(console: TestClient, runtime: Runtime) -> None:
    console_sign_in(console, "officer")
    bulletin_id = submit_new(console)
    confirm = console.get(f"/ban-tin/{bulletin_id}/rut").text
    assert "Rút bản tin «Lịch tiêm phòng»?" in confirm
    token = re.search(r'name="csrf_token" value="([^"]+)"', confirm).group(1)  # type: ignore[union-attr]
    done = console.post(f"/ban-tin/{bulletin_id}/rut", data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    with Session(runtime.engine) as session:
        assert session.get(Bulletin, bulletin_id).status == "withdrawn"  # type: ignore[union-attr]
    again = console.post(f"/ban-tin/{bulletin_id}/rut", data={"csrf_token": token})
    assert again.status_code == 200 and "Không thực hiện được" in again.text


def test_a_saved_draft_is_sent_from_its_page_once(console: TestClient, runtime: Runtime) -> None:
    console_sign_in(console, "officer")
    form = new_form(console)
    form.update(title="Thông báo họp", body="Họp lúc 8h.", board_text="Họp 8h", action="save")
    location = console.post("/ban-tin/moi", data=form, follow_redirects=False).headers["location"]
    page = console.get(location).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    bulletin_id = int(location.split("/")[2].split("?")[0])
    sent = console.post(f"/ban-tin/{bulletin_id}/gui-duyet", data={"csrf_token": token}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"/ban-tin/{bulletin_id}?da=gui"
    with Session(runtime.engine) as session:
        assert session.get(Bulletin, bulletin_id).status == "submitted"  # type: ignore[union-attr]
    again = console.post(f"/ban-tin/{bulletin_id}/gui-duyet", data={"csrf_token": token})
    assert again.status_code == 200 and "Không thực hiện được" in again.text
