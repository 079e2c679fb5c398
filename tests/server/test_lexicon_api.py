"""The pronunciation lexicon over HTTP: scope, inheritance, audit, and what a change does to audio."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from server.models.audit import AuditEvent
from server.services import lexicon as lexicon_service
from tests.server.conftest import World


def _add(world: World, who: str, code: str, term: str, reading: str) -> Any:
    return world.client.post(f"/api/v1/areas/{code}/lexicon", json={"term": term, "reading": reading},
                             headers=world.headers[who])


def _entries(world: World, who: str, code: str) -> dict[str, dict[str, Any]]:
    r = world.client.get(f"/api/v1/areas/{code}/lexicon", headers=world.headers[who])
    assert r.status_code == 200, r.text
    return {e["term"]: e for e in r.json()}


def test_entries_are_inherited_and_the_nearest_area_wins(world: World) -> None:
    assert _add(world, "tinh.duyet", "P01", "QZT", "quy tê tỉnh").status_code == 201
    r = _add(world, "mot.canbo", "W001", "QZT", "Quy Tê Xã")
    assert r.status_code == 201, r.text
    assert r.json()["reading"] == "quy tê xã"  # stored as spoken: lowercase
    assert _entries(world, "mot.canbo", "W001-T01")["QZT"] == {
        "term": "QZT", "reading": "quy tê xã", "area_code": "W001", "inherited": True}
    assert _entries(world, "mot.canbo", "W001")["QZT"]["inherited"] is False
    assert _entries(world, "hai.canbo", "W002")["QZT"] == {
        "term": "QZT", "reading": "quy tê tỉnh", "area_code": "P01", "inherited": True}
    # Removing the commune's entry uncovers the province's.
    r = world.client.delete("/api/v1/areas/W001/lexicon/QZT", headers=world.headers["mot.duyet"])
    assert r.status_code == 200, r.text
    assert _entries(world, "mot.canbo", "W001")["QZT"]["area_code"] == "P01"
    r = world.client.delete("/api/v1/areas/W001/lexicon/QZT", headers=world.headers["mot.duyet"])
    assert r.status_code == 404 and r.json()["detail"]["code"] == "lexicon_entry_not_found"


@pytest.mark.parametrize(("who", "code", "status", "error"), [
    ("hai.canbo", "W001", 403, "out_of_scope"),
    ("mot.canbo", "P01", 403, "out_of_scope"),
    ("mot.kiemtra", "W001", 403, "role_forbidden"),
    ("mot.admin", "W001", 403, "role_forbidden"),
    ("mot.canbo", "NOWHERE", 404, "area_not_found"),
])
def test_only_officers_and_approvers_of_the_area_change_it(
    world: World, who: str, code: str, status: int, error: str,
) -> None:
    r = _add(world, who, code, "QZS", "quy tê ét")
    assert r.status_code == status, r.text
    assert r.json()["detail"]["code"] == error
    r = world.client.delete(f"/api/v1/areas/{code}/lexicon/QZS", headers=world.headers[who])
    assert r.status_code == status


def test_reading_the_lexicon_needs_scope(world: World) -> None:
    assert world.client.get("/api/v1/areas/W001/lexicon", headers=world.headers["mot.kiemtra"]).status_code == 200
    r = world.client.get("/api/v1/areas/W001/lexicon", headers=world.headers["hai.canbo"])
    assert r.status_code == 403
    assert world.client.get("/api/v1/areas/W001/lexicon").status_code == 401


@pytest.mark.parametrize(("term", "reading", "error"), [
    ("Q" * 65, "quy", None),
    ("KDC", "r" * 201, None),
    ("<b>", "bê", "bad_lexicon_term"),
    ("KDC", "khu <dân> cư", "bad_lexicon_reading"),
    ("  ", "khu", None),
])
def test_bad_entries_are_refused(world: World, term: str, reading: str, error: str | None) -> None:
    r = _add(world, "mot.canbo", "W001", term, reading)
    assert r.status_code == 422, r.text
    if error:
        assert r.json()["detail"]["code"] == error


def test_an_area_holds_a_bounded_number_of_entries(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexicon_service, "ENTRIES_PER_AREA_MAX", 2)
    assert _add(world, "hai.canbo", "W002-T01", "QZA", "một").status_code == 201
    assert _add(world, "hai.canbo", "W002-T01", "QZB", "hai").status_code == 201
    r = _add(world, "hai.canbo", "W002-T01", "QZC", "ba")
    assert r.status_code == 409 and r.json()["detail"]["code"] == "lexicon_full"
    assert _add(world, "hai.canbo", "W002-T01", "QZB", "hai mới").status_code == 201  # replacing is fine


def test_every_change_is_audited(world: World) -> None:
    _add(world, "mot.duyet", "W001", "QZD", "quy dê")
    world.client.delete("/api/v1/areas/W001/lexicon/QZD", headers=world.headers["mot.canbo"])
    with world.session() as s:
        events = s.exec(select(AuditEvent).where(col(AuditEvent.action).like("lexicon_%"))
                        .order_by(col(AuditEvent.seq))).all()
    mine = [e for e in events if e.details.get("term") == "QZD"]
    assert [(e.action, e.actor_id, e.subject) for e in mine] == [
        ("lexicon_entry_set", world.ids["mot.duyet"], "area:W001"),
        ("lexicon_entry_removed", world.ids["mot.canbo"], "area:W001"),
    ]
    assert mine[0].details["reading"] == "quy dê" and mine[1].details["reading"] == "quy dê"


def test_a_change_resynthesizes_submitted_bulletins_it_affects(world: World) -> None:
    sub = world.submitted(body="Họp toàn thể HTQZ vào sáng Chủ nhật.")
    other = world.submitted(body="Lịch tiêm phòng không nhắc tới mục mới.")
    old_audio = sub["audio"]["sha256"]
    r = _add(world, "tinh.duyet", "P01", "HTQZ", "hợp tác xã quy dê")  # inherited by W001's bulletins
    assert r.status_code == 201, r.text
    assert len(r.json()["resynthesis_job_ids"]) == 1
    pending = world.get("mot.canbo", sub["id"]).json()
    assert pending["audio"] is None and pending["status"] == "submitted"
    # Nothing can be approved while the new audio is being made...
    assert world.act("mot.duyet", sub["id"], "approve").status_code == 409
    world.run_jobs()
    assert world.tts.lexicons[-1]["HTQZ"] == "hợp tác xã quy dê"
    fresh = world.get("mot.canbo", sub["id"]).json()
    assert fresh["audio"]["sha256"] != old_audio
    # ...and an approver who heard the old audio cannot approve the new one unheard.
    r = world.act("mot.duyet", sub["id"], "approve", {"audio_sha256": old_audio})
    assert r.status_code == 409 and r.json()["detail"]["code"] == "stale_version"
    assert world.get("mot.canbo", other["id"]).json()["audio"] == other["audio"]


def test_approved_audio_never_changes_but_shows_the_reading_changed(world: World) -> None:
    approved = world.approved(body="Thôn QZE tổ chức dọn vệ sinh.")
    neighbour = world.approved(officer="hai.canbo", approver="hai.duyet", body="Thôn QZE của xã hai.",
                               targets=["W002-T01"])
    assert approved["reading_changed"] is False
    calls = world.tts.calls
    assert _add(world, "mot.canbo", "W001", "QZE", "quy e").status_code == 201
    world.run_jobs()
    now = world.get("mot.canbo", approved["id"]).json()
    assert world.tts.calls == calls  # no re-synthesis, no storm of re-approvals
    assert now["status"] == "approved" and now["approved"]["audio_sha256"] == approved["approved"]["audio_sha256"]
    assert now["reading_changed"] is True
    assert world.get("hai.canbo", neighbour["id"]).json()["reading_changed"] is False  # another commune
    world.client.delete("/api/v1/areas/W001/lexicon/QZE", headers=world.headers["mot.canbo"])
    assert world.get("mot.canbo", approved["id"]).json()["reading_changed"] is False


def test_lexicon_change_on_both_databases(any_world: World) -> None:
    submitted = any_world.submitted(body="Họp BQLKX lúc 8h.")
    approved = any_world.approved(body="BQLKX thông báo lịch họp.")
    r = _add(any_world, "mot.canbo", "W001", "BQLKX", "ban quản lý khu xóm")
    assert r.status_code == 201, r.text
    any_world.run_jobs()
    assert any_world.get("mot.canbo", submitted["id"]).json()["audio"]["sha256"] != submitted["audio"]["sha256"]
    assert any_world.get("mot.canbo", approved["id"]).json()["reading_changed"] is True
    assert _entries(any_world, "mot.canbo", "W001-T01")["BQLKX"]["inherited"] is True


def test_terms_with_a_slash_can_be_removed(world: World) -> None:
    assert _add(world, "mot.canbo", "W001", "BQL/DA", "ban quản lý dự án").status_code == 201
    r = world.client.delete("/api/v1/areas/W001/lexicon/BQL%2FDA", headers=world.headers["mot.canbo"])
    assert r.status_code == 200, r.text
    assert "BQL/DA" not in _entries(world, "mot.canbo", "W001")
