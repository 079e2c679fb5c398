"""Console pages of approvers and the schedule, over HTTP without a browser: what they show and
that decisions go through the workflow's rules (scope, own bulletin, audio, CSRF)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from playlists.model import LOCAL_TZ
from server.models.devices import Device
from tests.factories import PASSWORD
from tests.server.conftest import World


def sign_in(client: TestClient, username: str) -> str:
    client.cookies.clear()
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    r = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1),
                                    "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    home = client.get("/lich-phat")
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', home.text)
    assert found, home.text
    return found.group(1)


@pytest.fixture
def web(world: World) -> Iterator[TestClient]:
    yield world.client
    world.client.cookies.clear()


def test_queue_shows_submitted_bulletin_with_player_and_targets_by_name(world: World, web: TestClient) -> None:
    sub = world.submitted("mot.canbo", title="Trang duyệt: họp dân")
    sign_in(web, "mot.duyet")
    page = web.get("/duyet")
    assert page.status_code == 200
    assert "Trang duyệt: họp dân" in page.text
    assert f'src="/api/v1/bulletins/{sub["id"]}/audio"' in page.text
    assert "Thôn Một A, Xã Một, Tỉnh Thử" in page.text
    assert "Đọc bởi: giọng thử nghiệm" in page.text  # the engine that read it (the fake one in tests)
    assert web.get(f"/api/v1/bulletins/{sub['id']}/audio").status_code == 200  # the player's source plays


def test_approve_needs_the_confirm_step_csrf_and_the_reviewed_version(world: World, web: TestClient) -> None:
    sub = world.submitted("mot.canbo", title="Trang duyệt: phê duyệt")
    csrf = sign_in(web, "mot.duyet")
    review = web.get(f"/duyet/{sub['id']}")
    assert review.status_code == 200 and "Tiếp tục để duyệt" in review.text
    confirm = web.get(f"/duyet/{sub['id']}/xac-nhan?ma={sub['version_hash']}&am_thanh={sub['audio']['sha256']}")
    assert confirm.status_code == 200 and "Kiểm tra trước khi duyệt" in confirm.text
    assert "hiện có <strong>0 cụm loa</strong>" in confirm.text
    form = {"version": sub["version"], "version_hash": sub["version_hash"], "audio_sha256": sub["audio"]["sha256"]}
    no_csrf = web.post(f"/duyet/{sub['id']}/phe-duyet", data=form, follow_redirects=False)
    assert no_csrf.status_code == 403
    stale = web.post(f"/duyet/{sub['id']}/phe-duyet", data={**form, "audio_sha256": "0" * 64, "csrf_token": csrf},
                     follow_redirects=False)
    assert stale.status_code == 200 and "nghe lại" in stale.text  # shown again with the problem
    ok = web.post(f"/duyet/{sub['id']}/phe-duyet", data={**form, "csrf_token": csrf}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == f"/duyet?da={sub['id']}"
    assert world.get("mot.canbo", sub["id"]).json()["status"] == "approved"


def test_review_shows_the_word_diff_of_an_edit_against_the_approved_version(world: World, web: TestClient) -> None:
    approved = world.approved("mot.canbo", title="Trang duyệt: sửa", body="Họp dân lúc 8 giờ sáng.")
    r = world.patch("mot.canbo", approved["id"], approved["version"], body="Họp dân lúc 9 giờ sáng.", repeats_per_day=3)
    assert r.status_code == 200, r.text
    assert world.act("mot.canbo", approved["id"], "submit").status_code == 200
    world.run_jobs()
    sign_in(web, "mot.duyet")
    page = web.get(f"/duyet/{approved['id']}").text
    assert "Thay đổi so với phiên bản 1 đã duyệt" in page
    assert "<del>8 </del><ins>9 </ins>" in page
    assert "Số lần phát mỗi ngày:</strong> 2 → 3" in page


def test_confirm_sends_back_to_review_when_the_bulletin_changed(world: World, web: TestClient) -> None:
    sub = world.submitted("mot.canbo", title="Trang duyệt: đã đổi")
    sign_in(web, "mot.duyet")
    r = web.get(f"/duyet/{sub['id']}/xac-nhan?ma={'1' * 64}")
    assert r.status_code == 200 and "xem và nghe lại" in r.text and "Kiểm tra trước khi duyệt" not in r.text


def test_reject_needs_a_reason_next_to_the_field_and_keeps_input(world: World, web: TestClient) -> None:
    sub = world.submitted("mot.canbo", title="Trang duyệt: từ chối")
    csrf = sign_in(web, "mot.duyet")
    form = {"version": sub["version"], "version_hash": sub["version_hash"], "csrf_token": csrf}
    empty = web.post(f"/duyet/{sub['id']}/tu-choi", data={**form, "reason": "   "})
    assert empty.status_code == 200 and 'class="field-error"' in empty.text and "Lý do từ chối" in empty.text
    done = web.post(f"/duyet/{sub['id']}/tu-choi", data={**form, "reason": "Sai ngày họp."}, follow_redirects=False)
    assert done.status_code == 303
    body = world.get("mot.canbo", sub["id"]).json()
    assert body["status"] == "rejected" and body["rejected_reason"] == "Sai ngày họp."


def test_own_bulletin_cannot_be_approved_from_the_console(world: World, web: TestClient) -> None:
    sub = world.submitted("mot.duyet", title="Trang duyệt: tự soạn")
    csrf = sign_in(web, "mot.duyet")
    assert "không thể tự phê duyệt" in web.get(f"/duyet/{sub['id']}").text
    form = {"version": sub["version"], "version_hash": sub["version_hash"], "audio_sha256": sub["audio"]["sha256"],
            "csrf_token": csrf}
    r = web.post(f"/duyet/{sub['id']}/phe-duyet", data=form, follow_redirects=False)
    assert r.status_code == 200 and "tự phê duyệt" in r.text
    assert world.get("mot.duyet", sub["id"]).json()["status"] == "submitted"


def test_officers_and_other_communes_cannot_open_the_queue_or_a_bulletin(world: World, web: TestClient) -> None:
    sub = world.submitted("mot.canbo", title="Trang duyệt: phạm vi")
    sign_in(web, "mot.canbo")
    assert web.get("/duyet").status_code == 403
    assert web.get("/khan-cap").status_code == 403
    sign_in(web, "hai.duyet")
    assert "Trang duyệt: phạm vi" not in web.get("/duyet").text
    assert web.get(f"/duyet/{sub['id']}").status_code == 403


def test_emergency_confirm_counts_speakers_then_sends_in_one_step(world: World, web: TestClient) -> None:
    with world.session() as session:
        for i in range(3):
            session.add(Device(id=f"kc-spk-{i}", kind="speaker", area_code="W001-T01", password_hash="x"))
        session.commit()
    csrf = sign_in(web, "mot.duyet")
    start = web.get("/khan-cap")
    assert start.status_code == 200 and "Bão" in start.text  # built-in templates exist without `loa demo`
    storm = re.search(r'href="(/khan-cap/moi\?mau=\d+)">Bão<', start.text)
    assert storm, start.text
    confirm = web.get(storm.group(1))
    assert "Sẽ phát ngay trên 3 cụm loa" in confirm.text and "Cảnh báo bão khẩn cấp" in confirm.text
    hamlet = web.get("/khan-cap/pham-vi?target=W002")  # outside scope: falls back to the own area
    assert "Xã Một" in hamlet.text and "Xã Hai" not in hamlet.text
    form = {"title": "Cảnh báo bão khẩn cấp", "body": "Bão đang vào, người dân ở trong nhà.",
            "board_text": "KHẨN: BÃO", "category": "disaster", "target": "W001", "hours": "24",
            "csrf_token": csrf}
    bad = web.post("/khan-cap/phat", data={**form, "hours": "500"})  # more than 14 days
    assert bad.status_code == 200 and "từ 1 đến 336" in bad.text and "Bão đang vào" in bad.text
    outside = web.post("/khan-cap/phat", data={**form, "target": "W002"})
    assert outside.status_code == 200 and "ngoài phạm vi" in outside.text and 'class="field-error"' in outside.text
    sent = web.post("/khan-cap/phat", data=form, follow_redirects=False)
    assert sent.status_code == 303
    bid = int(sent.headers["location"].rsplit("/", 1)[1])
    status = world.get("mot.duyet", bid).json()
    assert status["status"] == "approved" and status["priority"] == "emergency" and status["approved"]["one_step"]
    live = web.get(f"/khan-cap/{bid}/trang-thai")
    assert live.status_code == 200 and 'hx-trigger="every 2s"' in live.text
    assert '<span id="tong-loa">3</span>' in live.text
    ended = web.post(f"/khan-cap/{bid}/ket-thuc", data={"csrf_token": csrf}, follow_redirects=False)
    assert ended.status_code == 303 and world.get("mot.duyet", bid).json()["status"] == "cancelled"


def test_schedule_day_week_and_slot_creation(world: World, web: TestClient) -> None:
    world.approved("mot.canbo", title="Lịch: tiêm phòng")
    csrf = sign_in(web, "mot.canbo")
    bad = web.post("/lich-phat/phien", data={"dia_ban": "W001", "name": "", "start_local": "25:00", "minutes": "0",
                                             "dtstart": "2026-01-01", "csrf_token": csrf})
    assert bad.status_code == 200 and bad.text.count('class="field-error"') == 4  # name, time, minutes, days
    form = {"dia_ban": "W001", "name": "Phiên sáng", "start_local": "06:00", "minutes": "30",
            "days": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"], "dtstart": "01/01/2026", "csrf_token": csrf}
    added = web.post("/lich-phat/phien", data=form, follow_redirects=False)
    assert added.status_code == 303
    slots = web.get("/lich-phat/phien?dia_ban=W001-T01")
    assert "Phiên sáng" in slots.text and "kế thừa" in slots.text and "Hằng ngày" in slots.text
    tomorrow = (datetime.now(LOCAL_TZ).date() + timedelta(days=1)).isoformat()  # valid from now on
    day = web.get(f"/lich-phat?dia_ban=W001-T01&ngay={tomorrow}")
    assert day.status_code == 200 and "Lịch: tiêm phòng" in day.text and "06:00–06:30" in day.text
    week = web.get("/lich-phat/tuan?dia_ban=W001-T01")
    assert week.status_code == 200 and week.text.count("06:00–06:30 Phiên sáng") == 7
    assert web.get("/lich-phat?dia_ban=W002").status_code == 403  # another commune
    assert "Ngày không hợp lệ" in web.get("/lich-phat?ngay=31-12-2026").text


def test_officer_edits_own_slot_and_not_another_communes(world: World, web: TestClient) -> None:
    csrf = sign_in(web, "mot.canbo")
    form = {"dia_ban": "W001-T02", "name": "Phiên tối", "start_local": "19:00", "minutes": "20",
            "days": ["MO", "WE", "FR"], "dtstart": "01/01/2026", "csrf_token": csrf}
    assert web.post("/lich-phat/phien", data=form, follow_redirects=False).status_code == 303
    listing = web.get("/lich-phat/phien?dia_ban=W001-T02").text
    found = re.search(r'href="/lich-phat/phien/(\d+)/sua">Sửa<span class="visually-hidden"> Phiên tối', listing)
    assert found, listing
    slot_id = found.group(1)
    page = web.get(f"/lich-phat/phien/{slot_id}/sua")
    assert page.status_code == 200 and 'value="19:00"' in page.text and "Thứ Tư" in page.text
    edit = {**form, "start_local": "7:30", "minutes": "15", "days": ["SA", "SU"], "enabled": "1"}
    missing = web.post(f"/lich-phat/phien/{slot_id}/sua", data={**edit, "name": ""})
    assert missing.status_code == 200 and 'class="field-error"' in missing.text
    saved = web.post(f"/lich-phat/phien/{slot_id}/sua", data=edit, follow_redirects=False)
    assert saved.status_code == 303
    after = web.get("/lich-phat/phien?dia_ban=W001-T02").text
    assert "07:30, 15 phút" in after and "Thứ Bảy, Chủ Nhật" in after
    sign_in(web, "hai.canbo")
    assert web.get(f"/lich-phat/phien/{slot_id}/sua").status_code == 403
    csrf = sign_in(web, "hai.canbo")
    refused = web.post(f"/lich-phat/phien/{slot_id}/sua", data={**edit, "csrf_token": csrf}, follow_redirects=False)
    assert refused.status_code == 403


def test_no_approval_before_the_audio_exists(world: World, web: TestClient) -> None:
    created = world.create("mot.canbo", title="Trang duyệt: chưa có âm thanh")
    world.tts.fail = True
    try:
        assert world.act("mot.canbo", created["id"], "submit").status_code == 200
        world.run_jobs()  # synthesis fails: the version has no audio
    finally:
        world.tts.fail = False
    sub = world.get("mot.canbo", created["id"]).json()
    assert sub["status"] == "submitted" and sub["audio"] is None
    csrf = sign_in(web, "mot.duyet")
    review = web.get(f"/duyet/{sub['id']}").text
    assert "Âm thanh chưa tạo xong" in review and "Tiếp tục để duyệt" not in review and "<audio" not in review
    confirm = web.get(f"/duyet/{sub['id']}/xac-nhan").text
    assert "chưa tạo xong" in confirm and "Xác nhận duyệt" not in confirm
    form = {"version": sub["version"], "version_hash": sub["version_hash"], "audio_sha256": "", "csrf_token": csrf}
    r = web.post(f"/duyet/{sub['id']}/phe-duyet", data=form, follow_redirects=False)
    assert r.status_code == 200 and "chưa tạo xong" in r.text
    assert world.get("mot.canbo", sub["id"]).json()["status"] == "submitted"


def test_relays_are_shown_read_only_with_the_slot(world: World, web: TestClient) -> None:
    body = {"name": "Phiên tiếp sóng", "start_local": "12:00", "duration_s": 1800, "rrule": "FREQ=DAILY",
            "dtstart": "2026-01-01", "relays": [{"stream_url": "https://vov.example/vov1", "duration_s": 600,
                                                 "title": "Thời sự VOV1"}]}
    r = world.client.post("/api/v1/areas/W001-T01/slots", json=body, headers=world.headers["mot.canbo"])
    assert r.status_code == 201, r.text
    sign_in(web, "mot.canbo")
    page = web.get("/lich-phat/phien?dia_ban=W001-T01").text
    assert "Thời sự VOV1 (10 phút)" in page
    edit = web.get(f"/lich-phat/phien/{r.json()['id']}/sua").text
    assert "Thời sự VOV1" in edit and 'name="relays' not in edit  # relays are not edited here
