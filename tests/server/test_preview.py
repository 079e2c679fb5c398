"""The preview explains every approved bulletin of the area and date (issue 14): placed inside its
validity, or skipped/unplaced with a stable reason and a Vietnamese message; emergencies listed
with what they preempt."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from playlists.model import LOCAL_TZ
from tests.server.conftest import World


def _tomorrow() -> date:
    return datetime.now(LOCAL_TZ).date() + timedelta(days=1)


def _local(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=LOCAL_TZ)


def _slot(world: World, who: str, area: str, name: str, start: str, duration_s: int) -> None:
    r = world.client.post(f"/api/v1/areas/{area}/slots", headers=world.headers[who], json={
        "name": name, "start_local": start, "duration_s": duration_s, "rrule": "FREQ=DAILY",
        "dtstart": datetime.now(LOCAL_TZ).date().isoformat()})
    assert r.status_code == 201, r.text


def _preview(world: World, who: str, area: str, day: date) -> dict[str, Any]:
    r = world.client.get("/api/v1/preview", params={"area": area, "date": day.isoformat()},
                         headers=world.headers[who])
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_bulletin_valid_from_mid_slot_is_placed_at_or_after_its_start(world: World) -> None:
    day = _tomorrow()
    _slot(world, "hai.canbo", "W002", "Sáng", "07:56", 15 * 60)
    valid_from = _local(day, 8, 0)
    b = world.approved("hai.canbo", "hai.duyet", title="Họp dân 8 giờ", targets=["W002"], repeats_per_day=1,
                       valid_from=valid_from.isoformat(), valid_until=(valid_from + timedelta(days=2)).isoformat())
    got = _preview(world, "hai.canbo", "W002", day)
    (slot,) = got["slots"]
    items = [i for i in slot["items"] if i["bulletin_id"] == b["id"]]
    assert len(items) == 1
    start = datetime.fromisoformat(items[0]["start"].replace("Z", "+00:00"))
    assert valid_from <= start < valid_from + timedelta(seconds=2)
    assert slot["skipped"] == [] and got["unplaced"] == [] and got["emergencies"] == []


def test_bulletin_valid_only_after_the_last_slot_is_unplaced_with_a_reason(world: World) -> None:
    day = _tomorrow()
    late = _local(day, 21)
    b = world.approved("hai.canbo", "hai.duyet", title="Tin tối", targets=["W002"], repeats_per_day=1,
                       valid_from=late.isoformat(), valid_until=(late + timedelta(hours=2)).isoformat())
    got = _preview(world, "hai.canbo", "W002", day)
    mine = [u for u in got["unplaced"] if u["bulletin_id"] == b["id"]]
    assert mine == [{"bulletin_id": b["id"], "title": "Tin tối", "reason": "not_valid_in_slot",
                     "code": "not_valid_in_slot", "message": mine[0]["message"]}]
    assert "hiệu lực" in mine[0]["message"]


def test_full_slot_lists_the_bulletin_as_slot_full(world: World) -> None:
    day = _tomorrow()
    _slot(world, "mot.canbo", "W001-T02", "Ngắn", "05:00", 20)
    long_body = "Bà con chú ý lắng nghe. " * 30  # the fake engine: 60 ms per character, ~43 s
    b = world.approved(title="Không vừa", body=long_body, targets=["W001-T02"], repeats_per_day=1)
    got = _preview(world, "mot.canbo", "W001-T02", day)
    (slot,) = [s for s in got["slots"] if s["name"] == "Ngắn"]
    reasons = {s["bulletin_id"]: s["reason"] for s in slot["skipped"]}
    assert reasons[b["id"]] == "slot_full"
    assert "đầy" in next(s["message"] for s in slot["skipped"] if s["bulletin_id"] == b["id"])


def test_emergency_approved_now_appears_in_todays_preview_with_what_it_preempts(world: World) -> None:
    now = datetime.now(UTC)
    today = now.astimezone(LOCAL_TZ).date()
    created = world.client.post("/api/v1/bulletins", headers=world.headers["mot.duyet"], json={
        "title": "Bão khẩn", "body": "Bão đang vào, bà con chằng chống nhà cửa.", "board_text": "Bão",
        "category": "disaster", "priority": "emergency", "targets": ["W001"], "approve": True,
        "valid_from": (now - timedelta(minutes=1)).isoformat(), "valid_until": (now + timedelta(hours=3)).isoformat(),
    })
    assert created.status_code == 201, created.text
    world.run_jobs()
    got = _preview(world, "mot.canbo", "W001-T01", today)
    (emergency,) = [e for e in got["emergencies"] if e["bulletin_id"] == created.json()["id"]]
    assert emergency["repeats"] and emergency["repeats"][0] <= emergency["expires_at"]
    assert isinstance(emergency["preempts"], list)
    assert emergency["starts_at"] <= now.strftime("%Y-%m-%dT%H:%M:%S") + "Z"


def test_holiday_and_pinned_elsewhere_are_explained() -> None:
    from playlists import model as pm
    from server.scheduling.inputs import LoadedInputs
    from server.services.preview import day_preview
    from tests.playlists.factories import AREAS, MONDAY, bulletin, slot

    pinned = bulletin(2, pins=(pm.Pin(MONDAY + timedelta(days=1), 1),))
    inputs = pm.ScheduleInputs(slots=(slot(1),), holidays=(pm.Holiday("P01", MONDAY),),
                               bulletins=(bulletin(1), pinned))
    loaded = LoadedInputs(inputs, {a.code: a.parent_code for a in AREAS}, ())
    got = day_preview(loaded, "W001-T01", MONDAY)
    assert got["slots"] == []
    assert {(u["bulletin_id"], u["reason"]) for u in got["unplaced"]} == {(1, "holiday"), (2, "pinned_elsewhere")}
    assert all(u["message"] for u in got["unplaced"])
