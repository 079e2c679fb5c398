"""The bulletin lifecycle over HTTP: every transition, and the ones that must be refused."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import col, func, select

from playlists.model import LOCAL_TZ
from server.models.audit import AuditEvent
from server.models.bulletins import Bulletin, BulletinVersion
from server.scheduling.component import SchedulerComponent
from server.services.airing import airable_versions, may_air
from tests.server.conftest import World, bulletin_body


def _events(world: World, bid: int) -> list[str]:
    with world.session() as s:
        stmt = (select(AuditEvent.action).where(AuditEvent.subject == f"bulletin:{bid}")
                .order_by(col(AuditEvent.seq)))
        return list(s.exec(stmt).all())


def _version(world: World, version_id: int) -> tuple[bool, str]:
    with world.session() as s:
        version = s.get(BulletinVersion, version_id)
        assert version is not None
        return may_air(version, datetime.now(UTC)), version.version_hash


def test_create_returns_a_draft_with_its_hash(world: World) -> None:
    html = "<script>alert('x')</script> <b>Họp</b>"
    created = world.create(title=html, targets=["W001-T02", "W001-T01", "W001-T01"])
    assert created["status"] == "draft" and created["version"] == 1 and created["version_number"] == 1
    assert len(created["version_hash"]) == 64 and created["airing"] is False and created["approved"] is None
    assert created["targets"] == ["W001-T01", "W001-T02"]
    assert created["title"] == html  # stored as text, returned as a JSON string, never rendered
    assert created["area_code"] == "W001" and created["created_by"] == world.ids["mot.canbo"]
    r = world.get("mot.canbo", created["id"])
    assert r.headers["content-type"] == "application/json" and r.json()["title"] == html
    assert _events(world, created["id"]) == ["bulletin_created"]


def test_submit_synthesize_approve_then_airs(world: World) -> None:
    created = world.create()
    bid = created["id"]
    sub = world.act("mot.canbo", bid, "submit").json()
    assert sub["status"] == "submitted" and sub["job_id"] is not None and sub["audio"] is None
    early = world.act("mot.duyet", bid, "approve")
    assert early.status_code == 409 and early.json()["detail"]["code"] == "audio_not_ready"
    world.run_jobs()
    job = world.client.get(f"/api/v1/jobs/{sub['job_id']}", headers=world.headers["mot.canbo"]).json()
    assert job["state"] == "succeeded" and job["result"]["engine"] == "fake"
    ready = world.get("mot.duyet", bid).json()
    audio = ready["audio"]
    assert audio["sha256"] and audio["engine"] == "fake" and audio["duration_ms"] > 0
    # The approver binds what they reviewed: anything else is refused.
    stale = world.act("mot.duyet", bid, "approve", {"version_hash": "0" * 64})
    assert stale.status_code == 409 and stale.json()["detail"]["code"] == "stale_version"
    stale = world.act("mot.duyet", bid, "approve", {"audio_sha256": "f" * 64})
    assert stale.status_code == 409 and stale.json()["detail"]["code"] == "stale_version"
    reviewed = {"version": ready["version"], "version_hash": ready["version_hash"],
                "audio_sha256": audio["sha256"]}
    ok = world.act("mot.duyet", bid, "approve", reviewed)
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert body["status"] == "approved" and body["airing"] is True
    assert body["approved"]["version_hash"] == ready["version_hash"]
    assert body["approved"]["audio_sha256"] == audio["sha256"]
    assert body["approved"]["approved_by"] == world.ids["mot.duyet"] and body["approved"]["one_step"] is False
    mp3 = world.client.get(f"/api/v1/bulletins/{bid}/audio", headers=world.headers["mot.kiemtra"])
    assert mp3.status_code == 200 and mp3.headers["content-type"] == "audio/mpeg"
    assert hashlib.sha256(mp3.content).hexdigest() == audio["sha256"]
    assert _events(world, bid) == ["bulletin_created", "bulletin_submitted", "bulletin_audio_ready",
                                   "bulletin_approved"]
    again = world.act("mot.duyet", bid, "approve")
    assert again.status_code == 409 and again.json()["detail"]["code"] == "bad_transition"


def test_reject_needs_a_reason_then_edit_and_resubmit(world: World) -> None:
    bid = world.submitted()["id"]
    assert world.act("mot.duyet", bid, "reject").status_code == 422  # no body: FastAPI's standard 422
    blank = world.act("mot.duyet", bid, "reject", {"reason": "   "})
    assert blank.status_code == 422 and blank.json()["detail"]["code"] == "empty_text"
    r = world.act("mot.duyet", bid, "reject", {"reason": "Sai ngày tiêm, đề nghị sửa."})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert r.json()["rejected_reason"] == "Sai ngày tiêm, đề nghị sửa."
    for action in ("approve", "reject", "submit"):
        body = {"reason": "x"} if action == "reject" else None
        refused = world.act("mot.duyet" if action != "submit" else "mot.canbo", bid, action, body)
        assert refused.status_code == 409 and refused.json()["detail"]["code"] == "bad_transition"
    edited = world.patch("mot.canbo", bid, r.json()["version"], body="Tiêm phòng dại vào sáng Chủ nhật.")
    assert edited.status_code == 200
    assert edited.json()["status"] == "draft" and edited.json()["version_number"] == 2
    assert edited.json()["rejected_reason"] is None and edited.json()["audio"] is None
    assert world.act("mot.canbo", bid, "submit").status_code == 200
    world.run_jobs()
    assert world.act("mot.duyet", bid, "approve").json()["status"] == "approved"


def test_editing_an_approved_bulletin_needs_approval_again_while_the_old_version_airs(world: World) -> None:
    first = world.approved()
    bid, old_version_id = first["id"], first["version_id"]
    edited = world.patch("mot.canbo", bid, first["version"], body="Đổi lịch: tiêm vào Chủ nhật.")
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["status"] == "draft" and body["version_number"] == 2 and body["version_id"] != old_version_id
    assert body["version_hash"] != first["version_hash"]
    assert body["airing"] is True and body["approved"]["version_id"] == old_version_id
    assert _version(world, old_version_id) == (True, first["version_hash"])
    assert _version(world, body["version_id"])[0] is False
    assert world.act("mot.canbo", bid, "submit").status_code == 200
    world.run_jobs()
    assert world.act("mot.duyet", bid, "approve").status_code == 200
    assert _version(world, old_version_id)[0] is False
    assert _version(world, body["version_id"])[0] is True
    with world.session() as s:
        old = s.get(BulletinVersion, old_version_id)
        assert old is not None and old.body == "Xã tổ chức tiêm phòng dại cho chó, mèo vào sáng thứ Bảy."


def test_each_airing_field_returns_an_approved_bulletin_to_draft(world: World) -> None:
    later = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    changes: list[dict[str, Any]] = [
        {"body": "Nội dung khác."}, {"board_text": "Bảng khác"}, {"targets": ["W001-T02"]},
        {"valid_until": later}, {"title": "Tiêu đề khác"}, {"repeats_per_day": 5}, {"reads_per_play": 2},
        {"gap_seconds": 4}, {"priority": "priority"}, {"category": "notice"},
    ]
    for change in changes:
        first = world.approved()
        r = world.patch("mot.canbo", first["id"], first["version"], **change)
        assert r.status_code == 200, (change, r.text)
        assert r.json()["status"] == "draft", change
        assert r.json()["version_hash"] != first["version_hash"], change
        assert r.json()["approved"]["version_hash"] == first["version_hash"]


def test_stale_version_is_refused_and_nothing_changes(world: World) -> None:
    created = world.create()
    bid = created["id"]
    assert world.patch("mot.canbo", bid, created["version"], title="Bản một").status_code == 200
    stale = world.patch("mot.canbo2", bid, created["version"], title="Bản hai")
    assert stale.status_code == 409 and stale.json()["detail"]["code"] == "stale_version"
    assert world.get("mot.canbo", bid).json()["title"] == "Bản một"
    stale = world.act("mot.canbo", bid, "submit", {"version": created["version"]})
    assert stale.status_code == 409 and stale.json()["detail"]["code"] == "stale_version"
    missing = world.client.patch(f"/api/v1/bulletins/{bid}", json={"title": "x"},
                                 headers=world.headers["mot.canbo"])
    assert missing.status_code == 422  # version is required


def test_unchanged_edit_is_a_no_op(world: World) -> None:
    created = world.create()
    r = world.patch("mot.canbo", created["id"], created["version"], title=created["title"])
    assert r.status_code == 200 and r.json()["version"] == created["version"]
    assert r.json()["version_hash"] == created["version_hash"]
    assert _events(world, created["id"]) == ["bulletin_created"]


def test_draft_edit_keeps_one_version_and_rehashes(world: World) -> None:
    created = world.create()
    r = world.patch("mot.canbo", created["id"], created["version"], pin_date=None, body="Nội dung mới.")
    assert r.status_code == 200
    assert r.json()["version_number"] == 1 and r.json()["version_id"] == created["version_id"]
    assert r.json()["version_hash"] != created["version_hash"] and r.json()["version"] > created["version"]


def test_withdraw_stops_airing_and_is_final(world: World) -> None:
    first = world.approved()
    bid = first["id"]
    pending = world.patch("mot.canbo", bid, first["version"], body="Sửa lại.").json()
    assert pending["airing"] is True
    r = world.act("mot.canbo", bid, "withdraw", {"version": pending["version"]})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn" and r.json()["airing"] is False
    assert _version(world, first["version_id"])[0] is False
    for who, action in [("mot.canbo", "submit"), ("mot.duyet", "approve"), ("mot.canbo", "withdraw"),
                        ("mot.canbo", "cancel")]:
        refused = world.act(who, bid, action)
        assert refused.status_code == 409, (action, refused.text)
        assert refused.json()["detail"]["code"] == "bad_transition"
    edit = world.patch("mot.canbo", bid, r.json()["version"], title="Không được")
    assert edit.status_code == 409 and edit.json()["detail"]["code"] == "bad_transition"
    assert _events(world, bid)[-1] == "bulletin_withdrawn"


def test_approving_a_withdrawn_submission_is_refused(world: World) -> None:
    bid = world.submitted()["id"]
    assert world.act("mot.canbo", bid, "withdraw").status_code == 200
    r = world.act("mot.duyet", bid, "approve")
    assert r.status_code == 409 and r.json()["detail"]["code"] == "bad_transition"


def test_cancel_is_for_emergencies_only(world: World) -> None:
    normal = world.approved()
    r = world.act("mot.canbo", normal["id"], "cancel")
    assert r.status_code == 409 and r.json()["detail"]["code"] == "not_emergency"
    storm = world.approved(priority="emergency", category="disaster", reads_per_play=2)
    assert storm["airing"] is True
    r = world.act("mot.duyet", storm["id"], "cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["airing"] is False
    assert _events(world, storm["id"])[-1] == "bulletin_cancelled"


def test_approver_creates_and_approves_an_emergency_in_one_step(world: World) -> None:
    r = world.client.post("/api/v1/bulletins", headers=world.headers["mot.duyet"], json={
        **_emergency(), "approve": True})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "approved" and body["airing"] is True and body["approved"]["one_step"] is True
    assert body["approved"]["approved_by"] == world.ids["mot.duyet"] and body["audio"]["engine"] == "fake"
    assert _events(world, body["id"]) == ["emergency_created_and_approved"]
    with world.session() as s:
        ev = s.exec(select(AuditEvent).where(AuditEvent.subject == f"bulletin:{body['id']}")).one()
        assert ev.actor == "mot.duyet" and ev.details["version_hash"] == body["version_hash"]
        assert ev.details["audio_sha256"] == body["audio"]["sha256"]


def test_one_step_is_refused_to_officers_and_for_non_emergencies(world: World) -> None:
    officer = world.client.post("/api/v1/bulletins", headers=world.headers["mot.canbo"],
                                json={**_emergency(), "approve": True})
    assert officer.status_code == 403 and officer.json()["detail"]["code"] == "role_forbidden"
    normal = world.client.post("/api/v1/bulletins", headers=world.headers["mot.duyet"],
                               json={**_emergency(), "priority": "normal", "approve": True})
    assert normal.status_code == 403 and normal.json()["detail"]["code"] == "one_step_not_allowed"


def test_one_step_tts_failure_saves_nothing(world: World) -> None:
    before = _count(world)
    world.tts.fail = True
    try:
        r = world.client.post("/api/v1/bulletins", headers=world.headers["mot.duyet"],
                              json={**_emergency(), "approve": True})
    finally:
        world.tts.fail = False
    assert r.status_code == 503 and r.json()["detail"]["code"] == "tts_failed"
    assert _count(world) == before


def test_failed_synthesis_can_be_retried_by_submitting_again(world: World) -> None:
    bid = world.create()["id"]
    world.tts.fail = True
    try:
        world.act("mot.canbo", bid, "submit")
        world.run_jobs()
    finally:
        world.tts.fail = False
    first_job = world.get("mot.canbo", bid).json()["job_id"]
    job = world.client.get(f"/api/v1/jobs/{first_job}", headers=world.headers["mot.canbo"]).json()
    assert job["state"] == "failed" and "giả lập" in job["error"]
    assert world.act("mot.duyet", bid, "approve").json()["detail"]["code"] == "audio_not_ready"
    retry = world.act("mot.canbo", bid, "submit")
    assert retry.status_code == 200 and retry.json()["job_id"] != first_job
    busy = world.act("mot.canbo", bid, "submit")  # the new job has not run yet
    assert busy.status_code == 409 and busy.json()["detail"]["code"] == "audio_in_progress"
    world.run_jobs()
    assert world.act("mot.duyet", bid, "approve").json()["status"] == "approved"


def test_nobody_approves_their_own_bulletin(world: World) -> None:
    own = world.submitted("mot.duyet")
    r = world.act("mot.duyet", own["id"], "approve")
    assert r.status_code == 403 and r.json()["detail"]["code"] == "own_bulletin"
    assert world.act("tinh.duyet", own["id"], "approve").status_code == 200
    # Editing an officer's draft makes the approver an author of that version too.
    created = world.create("mot.canbo")
    world.patch("mot.duyet", created["id"], created["version"], title="Sửa bởi lãnh đạo")
    world.act("mot.canbo", created["id"], "submit")
    world.run_jobs()
    r = world.act("mot.duyet", created["id"], "approve")
    assert r.status_code == 403 and r.json()["detail"]["code"] == "own_bulletin"


def test_expire_due_marks_bulletins_past_their_validity(world: World) -> None:
    from server.services.workflow import expire_due

    first = world.approved()
    with world.session() as s:
        version = s.get(BulletinVersion, first["version_id"])
        assert version is not None
        after = version.valid_until + timedelta(seconds=1)
        assert may_air(version, version.valid_until - timedelta(seconds=1)) is True
        assert may_air(version, after) is False
        expired = expire_due(s, after)
    assert (first["id"], False) in expired
    assert world.get("mot.canbo", first["id"]).json()["status"] == "expired"
    assert _events(world, first["id"])[-1] == "bulletin_expired"
    with world.session() as s:
        assert first["id"] not in {a.bulletin_id for a in airable_versions(s, datetime.now(UTC))}


def test_list_within_scope_with_filters(world: World) -> None:
    approved = world.approved(targets=["W001-T02"])
    draft = world.create(targets=["W001-T01"])
    listed = world.client.get("/api/v1/bulletins", params={"status": "approved", "area": "W001-T02"},
                              headers=world.headers["mot.kiemtra"]).json()
    ids = {b["id"] for b in listed}
    assert approved["id"] in ids and draft["id"] not in ids
    assert all(b["status"] == "approved" for b in listed)
    bad = world.client.get("/api/v1/bulletins", params={"status": "flying"},
                           headers=world.headers["mot.canbo"])
    assert bad.status_code == 422


def test_pin_is_part_of_the_version(world: World) -> None:
    today = datetime.now(LOCAL_TZ).date().isoformat()  # pins name a local date

    def new_slot(who: str, area: str, start: str) -> int:
        r = world.client.post(f"/api/v1/areas/{area}/slots", headers=world.headers[who], json={
            "name": f"Ghim {start}", "start_local": start, "duration_s": 600, "rrule": "FREQ=DAILY",
            "dtstart": "2026-11-01"})
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    first, second = new_slot("mot.canbo", "W001", "20:00"), new_slot("mot.canbo", "W001-T01", "20:30")
    foreign = new_slot("hai.canbo", "W002", "20:00")
    created = world.create(pin_date=today, pin_slot_id=first)  # targets W001-T01, under W001
    assert created["pin_date"] == today and created["pin_slot_id"] == first
    moved = world.patch("mot.canbo", created["id"], created["version"], pin_slot_id=second).json()
    assert moved["pin_slot_id"] == second and moved["version_hash"] != created["version_hash"]
    for slot_id in (foreign, 999_999):  # another commune's slot (would never air), no slot at all
        r = world.client.post("/api/v1/bulletins", headers=world.headers["mot.canbo"],
                              json=bulletin_body(pin_date=today, pin_slot_id=slot_id))
        assert r.status_code == 422 and r.json()["detail"]["code"] == "bad_pin"


def _count(world: World) -> int:
    with world.session() as s:
        return int(s.exec(select(func.count()).select_from(Bulletin)).one())


def _emergency() -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "title": "Tin bão khẩn cấp", "body": "Bão số 4 sắp đổ bộ, bà con chằng chống nhà cửa.",
        "board_text": "BÃO SỐ 4: chằng chống nhà cửa", "priority": "emergency", "category": "disaster",
        "valid_from": now.isoformat(), "valid_until": (now + timedelta(hours=12)).isoformat(),
        "targets": ["W001"], "reads_per_play": 2,
    }


class _SchedulerSpy(SchedulerComponent):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[int, bool, bool]] = []

    def bulletin_changed(self, bulletin_id: int, *, emergency: bool, ended: bool = False) -> None:
        self.calls.append((bulletin_id, emergency, ended))


def test_the_scheduler_hears_when_what_airs_changes(world: World) -> None:
    spy = _SchedulerSpy()
    world.runtime.components.append(spy)
    try:
        normal = world.approved()
        world.act("mot.canbo", normal["id"], "withdraw")
        storm = world.client.post("/api/v1/bulletins", headers=world.headers["mot.duyet"],
                                  json={**_emergency(), "approve": True}).json()
        world.act("mot.duyet", storm["id"], "cancel")
        never_approved = world.create()
        world.act("mot.canbo", never_approved["id"], "withdraw")
    finally:
        world.runtime.components.remove(spy)
    assert spy.calls == [(normal["id"], False, False), (normal["id"], False, True),
                         (storm["id"], True, False), (storm["id"], True, True)]


def test_concurrent_approvals_and_edits_lose_with_409(world: World) -> None:
    """Two requests read the same bulletin; the second to write loses (optimistic lock / unique
    version number) with a clean 409, whatever flush it happens in."""
    from server.errors import Conflict
    from server.models.bulletins import BulletinUpdate
    from server.models.users import User
    from server.services import bulletins as service
    from server.services import workflow
    from server.services.areas import load_tree

    tree, settings = load_tree(world.engine), world.runtime.settings
    sub = world.submitted()
    with world.session() as a, world.session() as b:
        first, second = service.get_bulletin(a, sub["id"]), service.get_bulletin(b, sub["id"])
        approver_a, approver_b = a.get(User, world.ids["mot.duyet"]), b.get(User, world.ids["tinh.duyet"])
        assert approver_a is not None and approver_b is not None
        workflow.approve(a, approver_a, tree, first, settings=settings, now=datetime.now(UTC))
        try:
            workflow.approve(b, approver_b, tree, second, settings=settings, now=datetime.now(UTC))
            raise AssertionError("the second approval must lose")
        except Conflict as exc:
            assert exc.code == "stale_version"
    approved = world.get("mot.canbo", sub["id"]).json()
    assert approved["approved"]["approved_by"] == world.ids["mot.duyet"]
    with world.session() as a, world.session() as b:
        first, second = service.get_bulletin(a, sub["id"]), service.get_bulletin(b, sub["id"])
        officer_a, officer_b = a.get(User, world.ids["mot.canbo"]), b.get(User, world.ids["mot.canbo2"])
        assert officer_a is not None and officer_b is not None
        version = approved["version"]
        service.edit(a, officer_a, tree, first, BulletinUpdate(version=version, title="Sửa A"),
                     now=datetime.now(UTC), tz=LOCAL_TZ)
        try:
            service.edit(b, officer_b, tree, second, BulletinUpdate(version=version, body="Sửa B"),
                         now=datetime.now(UTC), tz=LOCAL_TZ)
            raise AssertionError("the second edit must lose")
        except Conflict as exc:
            assert exc.code == "stale_version"
    final = world.get("mot.canbo", sub["id"]).json()
    assert final["title"] == "Sửa A" and final["version_number"] == 2
    assert _events(world, sub["id"]).count("bulletin_approved") == 1
