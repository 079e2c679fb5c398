"""Finding 7 (smaller holes): invisible-only and bidi text, media limited to the device's own
area chain and the user's scope, preview?device= that does not reveal device ids, and passwords
of at least 10 characters that are not only whitespace, wherever a password is set."""

from __future__ import annotations

import io

import pytest

from server.cli import main
from server.db import get_engine
from server.services import devices as registry
from server.settings import Settings
from tests.factories import seed_two_communes
from tests.server.conftest import World, bulletin_body

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u3164"


@pytest.mark.parametrize(("field", "value", "code"), [
    ("title", INVISIBLE, "invisible_text"),
    ("title", " \u200b \u2060 ", "invisible_text"),
    ("board_text", "\u200d\ufeff", "invisible_text"),
    ("body", "\u2800\u2800", "invisible_text"),
    ("board_text", "Họp thôn \u202egnal", "bidi_control"),
    ("board_text", "\u2066Bão số 4\u2069", "bidi_control"),
    ("title", "Lịch tiêm\u202a phòng", "bidi_control"),
    ("body", "Xã thông báo \u2067", "bidi_control"),
])
def test_invisible_and_bidi_text_is_refused(world: World, field: str, value: str, code: str) -> None:
    r = world.client.post("/api/v1/bulletins", json=bulletin_body(**{field: value}),
                          headers=world.headers["mot.canbo"])
    assert r.status_code == 422 and r.json()["detail"]["code"] == code, r.text
    assert r.json()["detail"]["message"].endswith(".")  # a Vietnamese sentence, not a trace


def test_edits_are_checked_too_and_visible_text_with_a_joiner_passes(world: World) -> None:
    created = world.create(title="Tiêm phòng\u200d dại")  # a joiner inside visible text is harmless
    r = world.patch("mot.canbo", created["id"], created["version"], board_text="\u202eabc")
    assert r.status_code == 422 and r.json()["detail"]["code"] == "bidi_control"


def _device(world: World, area: str) -> tuple[str, str]:
    with world.session() as session:
        creds = registry.enrol(session, kind="speaker", area_code=area)
        session.commit()
        return creds.device.id, creds.password


def test_media_goes_only_to_devices_of_the_area_chain_and_staff_in_scope(world: World) -> None:
    sha = world.approved(targets=["W001-T01"])["approved"]["audio_sha256"]
    url = f"/media/{sha}.mp3"
    assert world.client.get(url, auth=_device(world, "W001-T01")).status_code == 200
    for area in ("W002-T01", "W001-T02", "W001", "P01"):  # other hamlets, and areas above the target
        refused = world.client.get(url, auth=_device(world, area))
        assert refused.status_code == 404 and refused.json()["detail"]["code"] == "media_not_found", area
    province_wide = world.approved("hai.canbo", "hai.duyet", targets=["W002"], body="Xã Hai họp dân tối nay.")[
        "approved"]["audio_sha256"]
    assert world.client.get(f"/media/{province_wide}.mp3", auth=_device(world, "W002-T01")).status_code == 200
    for who, status in (("mot.kiemtra", 200), ("tinh.duyet", 200), ("hai.kiemtra", 404), ("hai.canbo", 404)):
        assert world.client.get(url, headers=world.headers[who]).status_code == status, who


def test_preview_by_device_does_not_reveal_which_ids_exist(world: World) -> None:
    foreign, _ = _device(world, "W002-T01")
    own, _ = _device(world, "W001-T01")
    headers = world.headers["mot.canbo"]
    outside = world.client.get(f"/api/v1/preview?device={foreign}", headers=headers)
    unknown = world.client.get("/api/v1/preview?device=no-such-device", headers=headers)
    assert outside.status_code == unknown.status_code == 403
    assert outside.json() == unknown.json()
    assert world.client.get(f"/api/v1/preview?device={own}", headers=headers).status_code == 200


@pytest.mark.parametrize("password", [" " * 8, " " * 12, "\t \u3000" * 4, "123456789", ""])
def test_weak_passwords_are_refused_on_create(world: World, password: str) -> None:
    r = world.client.post("/api/v1/users", headers=world.headers["mot.admin"], json={
        "username": "yeu.matkhau", "password": password, "role": "officer", "area_code": "W001"})
    assert r.status_code == 422 and r.json()["detail"]["code"] == "weak_password"
    assert "ít nhất" in r.json()["detail"]["message"] or "từ 10" in r.json()["detail"]["message"]


def test_admin_resets_a_password_within_scope(world: World) -> None:
    target = world.ids["mot.canbo2"]
    url = f"/api/v1/users/{target}/password"
    weak = world.client.post(url, json={"password": " " * 10}, headers=world.headers["mot.admin"])
    assert weak.status_code == 422 and weak.json()["detail"]["code"] == "weak_password"
    assert world.client.post(url, json={"password": "mat-khau-moi-1"}, headers=world.headers["mot.canbo"]
                             ).status_code == 403
    other = world.client.post(f"/api/v1/users/{world.ids['hai.canbo']}/password", json={"password": "mat-khau-moi-1"},
                              headers=world.headers["mot.admin"])
    assert other.status_code == 403
    assert world.client.post(url, json={"password": "mat-khau-moi-1"}, headers=world.headers["mot.admin"]
                             ).status_code == 204
    login = world.client.post("/api/v1/auth/token", data={"username": "mot.canbo2", "password": "mat-khau-moi-1"})
    assert login.status_code == 200


def test_cli_user_add_refuses_a_password_of_spaces(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    seed_two_communes(get_engine(settings.db_url))
    monkeypatch.setattr("sys.stdin", io.StringIO(" " * 8 + "\n"))
    assert main(["user", "add", "khoang.trang", "--role", "officer", "--area", "W001",
                 "--password-stdin", "--data-dir", str(settings.data_dir)]) == 2
    assert "Mật khẩu" in capsys.readouterr().err
