"""Administrator pages over HTTP: enrol a device (one-time credentials sheet that authenticates),
rotate (the old password stops working), revoke; other roles and other areas are refused."""

from __future__ import annotations

import base64
import json
import re

from fastapi.testclient import TestClient
from sqlmodel import select

from server.models.users import User
from tests.server.conftest import World
from tests.server.conftest import world as world
from tests.web.http import console_sign_in


def signed_in(world: World, username: str) -> tuple[TestClient, str]:
    client = TestClient(world.client.app)
    return client, console_sign_in(client, username)


def sheet(html: str) -> dict[str, object]:
    found = re.search(r'href="data:application/json;base64,([^"]+)"', html)
    assert found, html
    return dict(json.loads(base64.b64decode(found.group(1))))


def manifest_status(world: World, creds: dict[str, object]) -> int:
    response = world.client.get(f"/api/v1/devices/{creds['device_id']}/manifest",
                                auth=(str(creds["username"]), str(creds["password"])))
    return response.status_code


def test_admin_enrols_rotates_and_revokes_a_device(world: World) -> None:
    admin, csrf = signed_in(world, "mot.admin")
    page = admin.get("/quan-tri/thiet-bi")
    assert page.status_code == 200 and 'value="W001-T01"' in page.text and 'value="W002-T01"' not in page.text
    enrolled = admin.post("/quan-tri/thiet-bi", data={"csrf_token": csrf, "kind": "speaker",
                                                      "area_code": "W001-T01", "name": "Cụm loa chợ"})
    assert enrolled.status_code == 200 and enrolled.headers["cache-control"] == "no-store"
    creds = sheet(enrolled.text)
    assert creds["area_code"] == "W001-T01" and str(creds["password"]) in enrolled.text
    assert manifest_status(world, creds) in (200, 404)  # authenticated (404: no manifest compiled yet)
    assert "Cụm loa chợ" in admin.get("/quan-tri/thiet-bi").text
    rotated = sheet(admin.post(f"/quan-tri/thiet-bi/{creds['device_id']}/doi-mat-khau",
                               data={"csrf_token": csrf}).text)
    assert rotated["password"] != creds["password"]
    assert manifest_status(world, creds) == 401
    assert manifest_status(world, rotated) in (200, 404)
    revoked = admin.post(f"/quan-tri/thiet-bi/{creds['device_id']}/thu-hoi", data={"csrf_token": csrf})
    assert "Đã thu hồi thiết bị" in revoked.text
    assert manifest_status(world, rotated) == 401


def test_enrol_refuses_without_csrf_outside_scope_and_for_other_roles(world: World) -> None:
    admin, csrf = signed_in(world, "mot.admin")
    assert admin.post("/quan-tri/thiet-bi", data={"kind": "speaker", "area_code": "W001"}).status_code == 403
    outside = admin.post("/quan-tri/thiet-bi", data={"csrf_token": csrf, "kind": "speaker", "area_code": "W002"})
    assert outside.status_code == 200 and "phạm vi" in outside.text and "data:application/json" not in outside.text
    missing = admin.post("/quan-tri/thiet-bi", data={"csrf_token": csrf, "kind": "robot", "area_code": ""})
    assert "Chọn loa hoặc bảng điện tử." in missing.text and "Chọn địa bàn lắp đặt." in missing.text
    officer, _ = signed_in(world, "mot.canbo")
    assert officer.get("/quan-tri/thiet-bi").status_code == 403


def test_admin_adds_renames_and_retires_a_hamlet_in_the_console(world: World) -> None:
    admin, csrf = signed_in(world, "mot.admin")
    page = admin.get("/quan-tri/dia-ban")
    assert page.status_code == 200 and "Thôn Một A" in page.text and "Xã Hai" not in page.text
    added = admin.post("/quan-tri/dia-ban", data={"csrf_token": csrf, "parent_code": "W001", "name": "Xóm Bến",
                                                  "code": "W001-XB"})
    assert "Đã tạo Xóm Bến (W001-XB)." in added.text
    bad = admin.post("/quan-tri/dia-ban", data={"csrf_token": csrf, "parent_code": "W001", "name": "Xóm Bến",
                                                "code": "W001-XB"})
    assert 'id="code-loi"' in bad.text and "đã có" in bad.text and 'value="Xóm Bến"' in bad.text
    renamed = admin.post("/quan-tri/dia-ban/sua", data={"csrf_token": csrf, "target": "W001-XB",
                                                        "new_name": "Xóm Bến Đò", "action": "rename"})
    assert "Đã đổi tên: Xóm Bến Đò" in renamed.text
    retired = admin.post("/quan-tri/dia-ban/sua", data={"csrf_token": csrf, "target": "W001-XB",
                                                        "successor_code": "W001-T01", "action": "retire"})
    assert "Đã cho thôi hoạt động" in retired.text
    assert "Sáp nhập từ: Xóm Bến Đò (W001-XB)" in admin.get("/quan-tri/dia-ban").text
    assert admin.post("/quan-tri/dia-ban", data={"parent_code": "W001", "name": "x", "code": "y"}).status_code == 403


def test_admin_manages_users_in_scope(world: World) -> None:
    admin, csrf = signed_in(world, "mot.admin")
    page = admin.get("/quan-tri/nguoi-dung")
    assert "mot.canbo" in page.text and "hai.canbo" not in page.text
    created = admin.post("/quan-tri/nguoi-dung", data={
        "csrf_token": csrf, "username": "mot.moi", "full_name": "Lê Văn Mới", "role": "officer",
        "area_code": "W001-T01", "password": "mat-khau-du-dai-1"})
    assert "Đã tạo tài khoản mot.moi." in created.text
    weak = admin.post("/quan-tri/nguoi-dung", data={"csrf_token": csrf, "username": "mot.yeu", "role": "officer",
                                                     "area_code": "W001", "password": "1"})
    assert 'id="password-loi"' in weak.text and 'value="mot.yeu"' in weak.text
    new_id = world.client.post("/api/v1/auth/token", data={"username": "mot.moi", "password": "mat-khau-du-dai-1"})
    assert new_id.status_code == 200
    with world.session() as session:
        user_id = session.exec(select(User.id).where(User.username == "mot.moi")).one()
    reset = admin.post(f"/quan-tri/nguoi-dung/{user_id}", data={"csrf_token": csrf, "action": "reset"})
    password = re.search(r'<code id="mat-khau-moi">([^<]+)</code>', reset.text)
    assert password and reset.headers["cache-control"] == "no-store"
    assert world.client.post("/api/v1/auth/token", data={"username": "mot.moi", "password": "mat-khau-du-dai-1"}
                             ).status_code == 401
    assert world.client.post("/api/v1/auth/token", data={"username": "mot.moi", "password": password.group(1)}
                             ).status_code == 200
    locked = admin.post(f"/quan-tri/nguoi-dung/{user_id}", data={"csrf_token": csrf, "action": "deactivate"})
    assert "Đã cập nhật tài khoản mot.moi." in locked.text and "đã khóa" in locked.text
    moved = admin.post(f"/quan-tri/nguoi-dung/{user_id}", data={"csrf_token": csrf, "action": "save",
                                                                 "role": "approver", "area_code": "W002"})
    assert "phạm vi" in moved.text


def test_admin_devices_are_paged_and_searchable(world: World) -> None:
    from sqlmodel import Session

    from server.models.devices import Device

    with Session(world.runtime.engine) as session:
        for i in range(250):
            session.add(Device(id=f"loa-p{i:04d}", kind="speaker", area_code="W001-T01", name=f"Cụm số {i}",
                               password_hash="x"))
        session.add(Device(id="loa-p-khac-xa", kind="speaker", area_code="W002-T01", password_hash="x"))
        session.commit()
    admin, _ = signed_in(world, "mot.admin")
    first = admin.get("/quan-tri/thiet-bi", params={"tim": "loa-p"}).text
    assert "Thiết bị đã đăng ký (250)" in first and "Trang 1/3" in first
    assert "loa-p0099" in first and "loa-p0100" not in first and "loa-p-khac-xa" not in first
    last = admin.get("/quan-tri/thiet-bi", params={"tim": "loa-p", "trang": 99}).text
    assert "Trang 3/3" in last and "loa-p0249" in last and "loa-p0199" not in last
    second = re.search(r'href="(/quan-tri/thiet-bi\?trang=2[^"]*)"', first)
    assert second and "loa-p0100" in admin.get(second.group(1).replace("&amp;", "&")).text
    found = admin.get("/quan-tri/thiet-bi", params={"tim": "số 12"}).text
    assert "loa-p0012" in found and "loa-p0120" in found and "loa-p0013" not in found
    assert "Thiết bị đã đăng ký (11)" in found  # 12, 120…129
    nothing = admin.get("/quan-tri/thiet-bi", params={"tim": "%"}).text
    assert "Không có thiết bị nào khớp" in nothing
    assert "loa-p-khac-xa" not in admin.get("/quan-tri/thiet-bi", params={"tim": "khac"}).text


def test_admin_sets_e_mail_addresses_including_their_own(world: World) -> None:
    admin, csrf = signed_in(world, "mot.admin")
    bad = admin.post("/quan-tri/nguoi-dung", data={"csrf_token": csrf, "username": "mot.email", "role": "approver",
                                                    "area_code": "W001", "password": "mat-khau-du-dai-1",
                                                    "email": "khong-phai-email"})
    assert 'id="email-loi"' in bad.text and 'value="khong-phai-email"' in bad.text
    created = admin.post("/quan-tri/nguoi-dung", data={"csrf_token": csrf, "username": "mot.email", "role": "approver",
                                                        "area_code": "W001", "password": "mat-khau-du-dai-1",
                                                        "email": "duyet@xa-mot.vn"})
    assert "Đã tạo tài khoản mot.email." in created.text and 'value="duyet@xa-mot.vn"' in created.text
    with world.session() as session:
        user = session.exec(select(User).where(User.username == "mot.email")).one()
        own = session.exec(select(User).where(User.username == "mot.admin")).one()
    saved = admin.post(f"/quan-tri/nguoi-dung/{own.id}", data={"csrf_token": csrf, "action": "save",
                                                                "role": own.role, "area_code": own.area_code,
                                                                "email": "quantri@xa-mot.vn"})
    assert "Đã cập nhật tài khoản mot.admin." in saved.text  # unchanged role and area: not a self-change
    cleared = admin.post(f"/quan-tri/nguoi-dung/{user.id}", data={"csrf_token": csrf, "action": "save",
                                                                   "role": "approver", "area_code": "W001",
                                                                   "email": ""})
    assert "Đã cập nhật tài khoản mot.email." in cleared.text
    with world.session() as session:
        emails = dict(session.exec(select(User.username, User.email).where(
            User.username.in_(["mot.email", "mot.admin"]))).all())  # type: ignore[attr-defined]
    assert emails == {"mot.email": None, "mot.admin": "quantri@xa-mot.vn"}
