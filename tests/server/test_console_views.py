"""Console view models: the approver's queue, an emergency's reach and the week summary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from playlists.model import LOCAL_TZ
from server.models.devices import Device
from server.models.schedule import Slot
from server.models.users import User
from server.services.areas import load_tree
from server.web.viewmodels.approvals import approval_queue
from server.web.viewmodels.emergency import reach
from server.web.viewmodels.schedule import monday_of, week_summary, with_titles
from server.web.views import area_path
from tests.server.conftest import World


def _user(session: Session, world: World, name: str) -> User:
    user = session.get(User, world.ids[name])
    assert user is not None
    return user


def test_queue_lists_submitted_bulletins_in_scope_with_audio_and_decision_hints(world: World) -> None:
    mine = world.submitted("mot.canbo", title="Hàng đợi: họp dân thôn 1")
    own = world.submitted("mot.duyet", title="Hàng đợi: do lãnh đạo tự soạn")
    world.create("mot.canbo", title="Hàng đợi: bản nháp")  # drafts never reach the queue
    tree = load_tree(world.engine)
    with world.session() as session:
        queue = approval_queue(session, world.runtime.settings, _user(session, world, "mot.duyet"), tree)
        other = approval_queue(session, world.runtime.settings, _user(session, world, "hai.duyet"), tree)
    by_id = {item.id: item for item in queue}
    assert mine["id"] in by_id and own["id"] in by_id
    assert not any(item.title == "Hàng đợi: bản nháp" for item in queue)
    item = by_id[mine["id"]]
    assert item.audio_ready and item.audio_sha256 == mine["audio"]["sha256"]
    assert item.version == mine["version"] and item.version_hash == mine["version_hash"]
    assert item.blocked is None and not item.is_edit
    assert item.targets == [area_path(tree, "W001-T01")] and "," in item.targets[0]
    assert by_id[own["id"]].blocked is not None  # the service would refuse own_bulletin
    assert all(i.id not in by_id for i in other)  # another commune's approver sees none of them


def test_queue_marks_an_edit_of_an_approved_bulletin(world: World) -> None:
    approved = world.approved("mot.canbo", title="Hàng đợi: bản đã duyệt")
    r = world.patch("mot.canbo", approved["id"], approved["version"], body="Nội dung sửa đổi lần hai.")
    assert r.status_code == 200, r.text
    assert world.act("mot.canbo", approved["id"], "submit").status_code == 200
    world.run_jobs()
    tree = load_tree(world.engine)
    with world.session() as session:
        queue = approval_queue(session, world.runtime.settings, _user(session, world, "mot.duyet"), tree)
    item = next(i for i in queue if i.id == approved["id"])
    assert item.is_edit and item.version_number == 2 and item.body == "Nội dung sửa đổi lần hai."


def test_reach_counts_enrolled_devices_below_the_targets(world: World) -> None:
    with world.session() as session:
        for i, (area, kind) in enumerate([("W001-T01", "speaker"), ("W001", "speaker"), ("W001", "board"),
                                          ("W002", "speaker")]):
            session.add(Device(id=f"reach-{i}", kind=kind, area_code=area, password_hash="x"))
        session.add(Device(id="reach-revoked", kind="speaker", area_code="W001", password_hash="x",
                           revoked_at=datetime.now(UTC)))
        session.commit()
        tree = load_tree(world.engine)
        w001 = reach(session, tree, ["W001"])
        both = reach(session, tree, ["W001", "W002"])
        hamlet = reach(session, tree, ["W001-T01"])
    assert (w001.speakers, w001.boards) == (2, 1)
    assert both.speakers == 3
    assert hamlet.speakers == 1 and hamlet.areas == 1


def test_week_summary_packs_each_day_and_skips_days_without_the_slot(world: World) -> None:
    approved = world.approved("mot.canbo", title="Tuần: tiêm phòng")
    monday = monday_of(datetime.now(LOCAL_TZ).date() + timedelta(days=7))
    with world.session() as session:
        session.add(Slot(area_code="W001", name="Phiên sáng", start_local="06:00", duration_s=1800,
                         rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", dtstart=monday - timedelta(days=14)))
        session.commit()
        tree = load_tree(world.engine)
        week = week_summary(session, tree, "W001-T01", monday, datetime.now(UTC))
    assert [d.day for d in week] == [monday + timedelta(days=n) for n in range(7)]
    assert all(len(d.slots) == 1 for d in week[:5]) and week[5].slots == [] and week[6].slots == []
    first = week[0].slots[0]
    assert (first.start, first.end, first.capacity_s) == ("06:00", "06:30", 1800)
    assert first.items >= 1 and 0 < first.fill_percent <= 100  # the approved bulletin is packed
    assert approved["id"]


def test_with_titles_fills_missing_titles_from_the_current_version(world: World) -> None:
    created = world.create("mot.canbo", title="Tên cần điền")
    preview = {"slots": [{"skipped": [{"bulletin_id": created["id"], "code": "x", "message": "m"}]}],
               "unplaced": [{"bulletin_id": created["id"], "title": "giữ nguyên"}],
               "emergencies": [{"bulletin_id": created["id"], "starts_at": "2026-12-06T01:30:00Z",
                                "expires_at": "2026-12-06T23:00:00+00:00"}]}
    with world.session() as session:
        out = with_titles(session, preview)
    assert out["slots"][0]["skipped"][0]["title"] == "Tên cần điền"
    assert out["unplaced"][0]["title"] == "giữ nguyên"
    emergency = out["emergencies"][0]
    assert emergency["title"] == "Tên cần điền"
    assert (emergency["starts_at_local"], emergency["expires_at_local"]) == ("08:30 06/12/2026", "06:00 07/12/2026")


def test_monday_of() -> None:
    assert monday_of(date(2026, 12, 6)) == date(2026, 11, 30) and monday_of(date(2026, 11, 30)).weekday() == 0


def test_queue_pages_oldest_first(world: World) -> None:
    from server.web.viewmodels.approvals import QUEUE_PAGE, queue_size

    ids = [world.submitted("hai.canbo", title=f"Trang {n}", targets=["W002-T01"])["id"] for n in range(QUEUE_PAGE + 1)]
    tree = load_tree(world.engine)
    with world.session() as session:
        approver = _user(session, world, "hai.duyet")
        first = approval_queue(session, world.runtime.settings, approver, tree)
        second = approval_queue(session, world.runtime.settings, approver, tree, page=2)
        total = queue_size(session, approver, tree)
    waiting = [i.id for i in first + second]
    assert total == len(waiting) >= QUEUE_PAGE + 1 and len(first) == QUEUE_PAGE
    assert [i for i in waiting if i in ids] == ids  # submitted first, shown first
