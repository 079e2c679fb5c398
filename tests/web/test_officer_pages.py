"""The officer's pages over HTTP (fast): roles, scope, CSRF, form defaults, errors beside fields,
search, duplicate, autosave and the legacy-encoding conversion."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from playlists.model import LOCAL_TZ
from server.models.bulletins import Bulletin, BulletinVersion
from server.models.schedule import Slot
from server.runtime import Runtime
from server.services import legacy_text
from server.services.bulletins import current_version, targets_of
from tests.factories import add_users, seed_two_communes
from tests.web.http import console_sign_in


@pytest.fixture
def console(client: TestClient, runtime: Runtime) -> TestClient:
    seed_two_communes(runtime.engine)
    add_users(runtime.engine, [("officer", "officer", "W001"), ("officer2", "officer", "W002"),
                               ("auditor", "auditor", "P01")])
    return client


def form_values(html: str) -> dict[str, str]:
    """The editor's inputs as the browser would post them (text, hidden, checked radios)."""
    values = dict(re.findall(r'<input id="(\w+)" name="\w+" type="text" value="([^"]*)"', html))
    values.update(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    values.update(re.findall(r'name="(\w+)" value="(\w+)" checked', html))
    values["category"] = re.search(r'<option value="(\w+)" selected>', html).group(1)  # type: ignore[union-attr]
    for number in ("repeats_per_day", "reads_per_play", "gap_seconds"):
        values[number] = re.search(rf'name="{number}" type="number" value="([^"]*)"', html).group(1)  # type: ignore[union-attr]
    return values


def new_form(console: TestClient) -> dict[str, str | list[str]]:
    html = console.get("/ban-tin/moi").text
    values: dict[str, str | list[str]] = dict(form_values(html))
    values["targets"] = re.findall(r'name="targets" value="([^"]+)" checked', html)
    return values


def test_defaults_then_a_saved_draft(console: TestClient, runtime: Runtime) -> None:
    console_sign_in(console, "officer")
    form = new_form(console)
    now = runtime.clock().astimezone(LOCAL_TZ)
    assert form["priority"] == "normal" and form["category"] == "notice" and form["targets"] == ["W001"]
    assert form["valid_from"] == now.strftime("%d/%m/%Y %H:%M")
    assert form["valid_until"] == (now + timedelta(days=7)).strftime("%d/%m/%Y %H:%M")
    form.update(title="Tiêm phòng sởi", body="Ngày 15/3 tiêm phòng sởi.", board_text="Tiêm phòng sởi 15/3",
                action="save")
    response = console.post("/ban-tin/moi", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("?da=luu")
    with Session(runtime.engine) as session:
        bulletin = session.exec(select(Bulletin)).one()
        version = current_version(session, bulletin)
        assert (bulletin.status, version.title) == ("draft", "Tiêm phòng sởi")
        assert targets_of(session, version.id) == ["W001"]
        assert version.valid_from.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M") == form["valid_from"]


def test_errors_beside_the_field_with_input_kept(console: TestClient, runtime: Runtime) -> None:
    console_sign_in(console, "officer")
    form = new_form(console)
    form.update(title="", body="Nội dung giữ nguyên <b>", board_text="Bảng", valid_until="31/02/2026 07:00",
                repeats_per_day="nhiều")
    page = console.post("/ban-tin/moi", data=form).text
    assert 'id="valid_until-loi"' in page and 'id="repeats_per_day-loi"' in page
    assert "Nội dung giữ nguyên &lt;b&gt;" in page  # kept, and escaped
    form.update(valid_until=(runtime.clock() + timedelta(days=2)).astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M"),
                repeats_per_day="1")
    page = console.post("/ban-tin/moi", data=form).text
    assert re.search(r'id="title-loi">.*Tiêu đề không được để trống', page)
    form.update(title="Tiêu đề", targets=["W002"])  # another commune: refused by the service's scope rule
    page = console.post("/ban-tin/moi", data=form).text
    assert 'id="targets-loi"' in page and "ngoài phạm vi" in page
    with Session(runtime.engine) as session:
        assert session.exec(select(Bulletin)).first() is None


def test_forms_need_the_csrf_token_and_an_author_role(console: TestClient) -> None:
    console_sign_in(console, "officer")
    form = new_form(console)
    form.update(csrf_token="forged", title="x", body="y", board_text="z")
    assert console.post("/ban-tin/moi", data=form).status_code == 403
    console.cookies.clear()
    console_sign_in(console, "auditor")
    page = console.get("/ban-tin")
    assert page.status_code == 403 and "không được phép" in page.text and 'lang="vi"' in page.text


def _create(console: TestClient, title: str) -> int:
    form = new_form(console)
    form.update(title=title, body=title, board_text=title, action="save")
    location = console.post("/ban-tin/moi", data=form, follow_redirects=False).headers["location"]
    return int(location.split("/")[2].split("?")[0])


def test_list_is_scoped_searchable_and_duplicates_stay_in_scope(console: TestClient) -> None:
    console_sign_in(console, "officer2")
    other = _create(console, "Lịch cắt điện xã Hai")
    console.cookies.clear()
    console_sign_in(console, "officer")
    mine = _create(console, "Tiêm phòng dại cho chó mèo")
    listing = console.get("/ban-tin").text
    assert "Tiêm phòng dại" in listing and "cắt điện" not in listing
    assert "Xã Một" in listing and "W001" not in listing  # targets by name
    assert "Tiêm phòng dại" in console.get("/ban-tin", params={"q": "TIEM PHONG dai"}).text
    assert "Tiêm phòng dại" not in console.get("/ban-tin", params={"trang_thai": "approved"}).text
    assert console.get(f"/ban-tin/moi?tu={other}").status_code == 403
    assert console.get(f"/ban-tin/{other}").status_code == 403
    duplicate = form_values(console.get(f"/ban-tin/moi?tu={mine}").text)
    assert duplicate["title"] == "Tiêm phòng dại cho chó mèo"


def test_preview_autosaves_and_the_editor_restores_it(console: TestClient) -> None:
    token = console_sign_in(console, "officer")
    form = new_form(console)
    form.update(title="Họp dân", body="Họp lúc 7h30 ngày 2/9.", board_text="Họp dân", autosave="1")
    preview = console.post("/ban-tin/xem-truoc", data=form, headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert preview.status_code == 200
    assert "bảy giờ ba mươi" in preview.text and "Đã tự động lưu" in preview.text
    assert "/ban-tin/bang.png?" in preview.text
    assert "Thời lượng ước tính" in preview.text and "Không có phiên phát" in preview.text
    console.cookies.clear()  # signed out (or expired): the draft stays on the server
    console_sign_in(console, "officer", "/ban-tin/moi")
    restored = console.get("/ban-tin/moi").text
    assert form_values(restored)["title"] == "Họp dân" and "khôi phục" in restored
    png = console.get("/ban-tin/bang.png", params={"text": "Họp dân", "cols": 20, "rows": 2})
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG")


def test_a_late_autosave_does_not_bring_a_saved_form_back(console: TestClient) -> None:
    token = console_sign_in(console, "officer")
    form = new_form(console)
    form.update(title="Họp dân", body="Họp lúc 7 giờ.", board_text="Họp dân", autosave="1")
    headers = {"X-CSRF-Token": token}
    assert "Đã tự động lưu" in console.post("/ban-tin/xem-truoc", data=form, headers=headers).text
    saved = console.post("/ban-tin/moi", data=form | {"action": "save"}, follow_redirects=False)
    assert saved.status_code == 303
    late = console.post("/ban-tin/xem-truoc", data=form, headers=headers).text  # was already on its way
    assert "Đã tự động lưu" not in late
    fresh = console.get("/ban-tin/moi").text
    assert "khôi phục" not in fresh and form_values(fresh)["title"] == ""
    assert form_values(fresh)["form_id"] != form["form_id"]  # a new form autosaves again
    again = new_form(console) | {"title": "Tin khác", "autosave": "1"}
    assert "Đã tự động lưu" in console.post("/ban-tin/xem-truoc", data=again, headers=headers).text


def test_estimate_against_the_room_in_the_target_slots(console: TestClient, runtime: Runtime) -> None:
    token = console_sign_in(console, "officer")
    with Session(runtime.engine) as session:
        today = runtime.clock().astimezone(LOCAL_TZ).date()
        session.add(Slot(area_code="W001", name="Sáng", start_local="06:00", duration_s=600,
                         rrule="FREQ=DAILY", dtstart=today))
        session.commit()
    form = new_form(console)
    form.update(title="Họp", body="Họp dân lúc 7 giờ.", board_text="Họp", repeats_per_day="2")
    preview = console.post("/ban-tin/xem-truoc", data=form, headers={"X-CSRF-Token": token}).text
    assert "mỗi ngày cần khoảng" in preview and "Đủ chỗ" in preview and "10 phút 00 giây" in preview
    form.update(body="Họp dân. " * 400)  # far more than ten minutes a day
    preview = console.post("/ban-tin/xem-truoc", data=form, headers={"X-CSRF-Token": token}).text
    assert "Thiếu" in preview


def test_text_pasted_in_tcvn3_is_detected_and_converted(console: TestClient) -> None:
    token = console_sign_in(console, "officer")
    encode = {letter: code for code, letter in legacy_text.TCVN3.items()}
    legacy = "".join(encode.get(ch, ch) for ch in "thông báo về việc tiêm phòng cho trẻ em")
    form = new_form(console)
    form.update(title="Thông báo", body=legacy, board_text="x", autosave="0")
    preview = console.post("/ban-tin/xem-truoc", data=form, headers={"X-CSRF-Token": token}).text
    assert "TCVN3" in preview and "Chuyển sang Unicode" in preview
    converted = console.post("/ban-tin/chuyen-ma", data=form, headers={"X-CSRF-Token": token}).text
    assert "thông báo về việc tiêm phòng cho trẻ em" in converted and 'hx-swap-oob="true"' in converted


def test_a_draft_detail_page_offers_submit(console: TestClient, runtime: Runtime) -> None:
    console_sign_in(console, "officer")
    bulletin_id = _create(console, "Kiểm tra")
    page = console.get(f"/ban-tin/{bulletin_id}").text
    assert "Gửi duyệt" in page and "Bản nháp" in page
    with Session(runtime.engine) as session:
        assert session.exec(select(BulletinVersion)).one().title == "Kiểm tra"
