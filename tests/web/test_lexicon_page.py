"""The lexicon page: officers and approvers of an area add and remove readings through the same
service as the API; inherited entries are listed with their area; admins only look; other areas,
other roles and forms without CSRF are refused."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.server.conftest import World
from tests.server.conftest import world as world
from tests.web.http import console_sign_in


def signed_in(world: World, username: str) -> tuple[TestClient, str]:
    client = TestClient(world.client.app)
    return client, console_sign_in(client, username)


def test_officer_adds_and_removes_an_entry_the_api_then_reports(world: World) -> None:
    officer, csrf = signed_in(world, "mot.canbo")
    assert 'href="/phat-am"' in officer.get("/ban-tin").text
    added = officer.post("/phat-am", data={"csrf_token": csrf, "area": "W001", "term": "KDC",
                                           "reading": "khu dân cư"})
    assert added.status_code == 200 and "Đã lưu" in added.text and "khu dân cư" in added.text
    api = world.client.get("/api/v1/areas/W001/lexicon", headers=world.headers["mot.canbo"]).json()
    assert {"term": "KDC", "reading": "khu dân cư", "area_code": "W001", "inherited": False} in api
    hamlet = officer.get("/phat-am?area=W001-T01").text
    assert "KDC" in hamlet and "Kế thừa từ Xã Một (W001)" in hamlet and 'action="/phat-am/xoa"' not in hamlet
    removed = officer.post("/phat-am/xoa", data={"csrf_token": csrf, "area": "W001", "term": "KDC"})
    assert "Đã xóa mục phát âm" in removed.text
    assert world.client.get("/api/v1/areas/W001/lexicon", headers=world.headers["mot.canbo"]).json() == []


def test_a_bad_reading_is_shown_next_to_its_field_with_the_input_kept(world: World) -> None:
    approver, csrf = signed_in(world, "mot.duyet")
    bad = approver.post("/phat-am", data={"csrf_token": csrf, "area": "W001", "term": "UBND", "reading": "<b>!!</b>"})
    assert bad.status_code == 200 and 'id="reading-loi"' in bad.text and "Cách đọc phải dài" in bad.text
    assert 'value="UBND"' in bad.text and "<b>!!</b>" not in bad.text
    assert world.client.get("/api/v1/areas/W001/lexicon", headers=world.headers["mot.duyet"]).json() == []


def test_scope_roles_and_csrf_are_enforced(world: World) -> None:
    officer, csrf = signed_in(world, "mot.canbo")
    assert officer.post("/phat-am", data={"area": "W001", "term": "KDC", "reading": "khu dân cư"}).status_code == 403
    assert officer.get("/phat-am?area=W002").status_code == 403
    outside = officer.post("/phat-am", data={"csrf_token": csrf, "area": "W002", "term": "KDC",
                                             "reading": "khu dân cư"})
    assert outside.status_code == 403
    assert world.client.get("/api/v1/areas/W002/lexicon", headers=world.headers["hai.canbo"]).json() == []
    admin, admin_csrf = signed_in(world, "mot.admin")
    view = admin.get("/phat-am")
    assert view.status_code == 200 and 'name="reading"' not in view.text and 'action="/phat-am/xoa"' not in view.text
    assert admin.post("/phat-am", data={"csrf_token": admin_csrf, "area": "W001", "term": "KDC",
                                        "reading": "khu dân cư"}).status_code == 403
    auditor, _ = signed_in(world, "mot.kiemtra")
    assert auditor.get("/phat-am").status_code == 403


def test_a_term_with_a_slash_is_added_and_removed_and_unknown_areas_answer_404(world: World) -> None:
    officer, csrf = signed_in(world, "mot.canbo")
    added = officer.post("/phat-am", data={"csrf_token": csrf, "area": "W001-T01", "term": "Đ/c",
                                           "reading": "đồng chí"})
    assert "Đã lưu" in added.text and 'value="Đ/c"' in added.text  # the remove form carries it
    removed = officer.post("/phat-am/xoa", data={"csrf_token": csrf, "area": "W001-T01", "term": "Đ/c"})
    assert "Đã xóa mục phát âm" in removed.text
    again = officer.post("/phat-am/xoa", data={"csrf_token": csrf, "area": "W001-T01", "term": "Đ/c"})
    assert 'id="term-loi"' not in again.text and "không có mục phát âm" in again.text
    assert officer.get("/phat-am", params={"area": "KHONG-CO"}).status_code == 404
