"""Scheduling through the server: slot API validation, compile from the database with an
injected clock, change detection, emergency alerts, and jobs that survive a restart."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from devices import protocol
from playlists.model import LOCAL_TZ
from server.delivery.keys import signer_for
from server.jobs import JobRunner
from server.models.asrun import PlannedAiring
from server.models.devices import AreaAlert, DeviceManifest
from server.scheduling.component import DEBOUNCE, EMERGENCY_RECOMPILE_DELAY, RECURRING, SchedulerComponent
from server.services import devices as registry
from tests.server.conftest import World


def _monday_noon() -> datetime:
    """Monday 12:00 in Hà Nội, at least two days after the real now: bulletins are approved at the
    real time, so the compiled week must lie ahead of it whatever day the suite runs."""
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    day = datetime.now(hanoi).date() + timedelta(days=2)
    monday = day + timedelta(days=(7 - day.weekday()) % 7)
    return datetime.combine(monday, time(12), hanoi).astimezone(UTC)


NOON = _monday_noon()


@pytest.fixture
def sched(world: World) -> Iterator[SchedulerComponent]:
    comp = SchedulerComponent()
    comp.runtime = world.runtime
    world.runtime.components.append(comp)
    yield comp
    world.runtime.components.remove(comp)


def slot(world: World, who: str, area: str, **overrides: Any) -> Any:
    body = {"name": "Chiều", "start_local": "17:00", "duration_s": 1800,
            "rrule": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA", "dtstart": "2026-11-01"}
    body.update(overrides)
    return world.client.post(f"/api/v1/areas/{area}/slots", json=body, headers=world.headers[who])


def device(world: World, area: str, kind: str = "speaker") -> str:
    with world.session() as session:
        creds = registry.enrol(session, kind=kind, area_code=area, board_cols=20 if kind == "board" else None,
                               board_rows=2 if kind == "board" else None)
        session.commit()
        return creds.device.id


def manifest(world: World, device_id: str) -> tuple[int, dict[str, Any]]:
    with Session(world.engine) as session:
        row = session.get(DeviceManifest, device_id)
        assert row is not None
        return row.seq, json.loads(row.envelope)["payload"]


def test_slot_validation_is_422_with_stable_codes(world: World) -> None:
    assert slot(world, "mot.canbo", "W001", name="Sáng", start_local="06:00").status_code == 201
    overlap = slot(world, "mot.canbo", "W001", name="Sáng hai", start_local="06:15")
    assert overlap.status_code == 422 and overlap.json()["detail"]["code"] == "slot_overlap"
    zero = slot(world, "mot.canbo", "W001", name="Không", start_local="09:00", duration_s=0)
    assert zero.json()["detail"]["code"] == "slot_duration_invalid"
    too_long = slot(world, "mot.canbo", "W001", name="Dài", start_local="09:00", duration_s=90000)
    assert too_long.json()["detail"]["code"] == "slot_duration_invalid"
    never = slot(world, "mot.canbo", "W001", name="Ba mươi tháng hai", start_local="10:00",
                 rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")
    assert never.status_code == 422 and never.json()["detail"]["code"] == "rrule_never_fires"
    relay = slot(world, "mot.canbo", "W001", name="Tiếp sóng", start_local="11:00",
                 relays=[{"stream_url": "javascript:alert(1)", "duration_s": 60, "title": "VOV"}])
    assert relay.status_code == 422
    assert slot(world, "hai.canbo", "W001", name="Lạ", start_local="12:00").status_code == 403
    assert slot(world, "mot.kiemtra", "W001", name="Kiểm tra", start_local="12:00").status_code == 403
    listed = world.client.get("/api/v1/areas/W001-T01/slots", headers=world.headers["mot.canbo"]).json()
    assert [(s["name"], s["inherited"]) for s in listed] == [("Sáng", True)]


def test_compile_from_database_then_only_changes_bump_seq(world: World, sched: SchedulerComponent) -> None:
    assert slot(world, "tinh.admin", "P01", name="Trưa", start_local="12:30", duration_s=900).status_code == 201
    b = world.approved(targets=["W001-T01"], title="Họp thôn", repeats_per_day=1,
                       valid_from=(NOON - timedelta(hours=1)).isoformat(),
                       valid_until=(NOON + timedelta(days=10)).isoformat())
    inside, outside = device(world, "W001-T01"), device(world, "W002-T01")
    first = sched.compile_now(now=NOON)
    assert {inside, outside} <= set(first.changed)
    seq, payload = manifest(world, inside)
    audio = [i for i in payload["items"] if i.get("bulletin_id") == b["id"]]
    assert audio and audio[0]["start"] == protocol.iso(NOON + timedelta(minutes=30)) and audio[0]["kind"] == "audio"
    assert len(audio) == 4  # one per day of the 4-day window (Mon–Thu)
    assert not [i for i in manifest(world, outside)[1]["items"] if i.get("bulletin_id") == b["id"]]
    protocol.ManifestPayload.model_validate(payload)
    again = sched.compile_now(now=NOON + timedelta(minutes=5))
    assert inside not in again.changed and manifest(world, inside)[0] == seq
    world.act("mot.canbo", b["id"], "withdraw")
    after = sched.compile_now(now=NOON + timedelta(minutes=10))
    assert inside in after.changed
    seq2, payload2 = manifest(world, inside)
    assert seq2 == seq + 1
    assert not [i for i in payload2["items"] if i.get("bulletin_id") == b["id"]]


def test_nightly_compile_moves_the_window(world: World, sched: SchedulerComponent) -> None:
    dev = device(world, "W002-T01")
    sched.compile_now(now=NOON)
    seq, payload = manifest(world, dev)
    sched.compile_now(now=NOON + timedelta(days=1))
    seq2, payload2 = manifest(world, dev)
    assert seq2 == seq + 1
    midnight = NOON - timedelta(hours=12)  # Monday 00:00 in Hà Nội
    assert payload["window_from"] == protocol.iso(midnight)
    assert payload2["window_from"] == protocol.iso(midnight + timedelta(days=1))


def test_emergency_becomes_signed_area_alerts_and_cancel_replaces_them(
    world: World, sched: SchedulerComponent, monkeypatch: pytest.MonkeyPatch
) -> None:
    dev = device(world, "W001-T02")
    recompiles: list[timedelta] = []
    monkeypatch.setattr(sched, "request_recompile", lambda delay=DEBOUNCE: recompiles.append(delay))
    now = datetime.now(UTC)
    created = world.client.post("/api/v1/bulletins", headers=world.headers["mot.duyet"], json={
        "title": "Bão số 4", "body": "Bão số 4 đang vào, bà con chằng chống nhà cửa.", "board_text": "Bão số 4",
        "category": "disaster", "priority": "emergency", "targets": ["W001"], "approve": True,
        "valid_from": (now - timedelta(minutes=1)).isoformat(), "valid_until": (now + timedelta(hours=6)).isoformat(),
    })
    assert created.status_code == 201, created.text
    with Session(world.engine) as session:
        rows = session.exec(select(AreaAlert).where(AreaAlert.bulletin_id == created.json()["id"])).all()
    assert [(r.area_code, r.action) for r in rows] == [("W001", "start")]
    signer = signer_for(world.runtime.settings.signing_key_path)
    verifier = protocol.Verifier({signer.kid: signer.public_key})
    guard = protocol.DeviceGuard(dev, ["W001-T02", "W001", "P01"], verifier, clock=lambda: datetime.now(UTC))
    start = guard.accept_alert(rows[0].envelope.encode())
    assert start.action == "start" and start.alert is not None and start.alert.repeat_every_s == 7200
    stranger = protocol.DeviceGuard("x-1", ["W002-T01", "W002", "P01"], verifier, clock=lambda: datetime.now(UTC))
    with pytest.raises(protocol.Rejected) as refused:
        stranger.accept_alert(rows[0].envelope.encode())
    assert refused.value.reason == "not_for_me"
    # The manifests follow once the alert's fan-out and audio downloads are over.
    assert recompiles == [EMERGENCY_RECOMPILE_DELAY] and EMERGENCY_RECOMPILE_DELAY > DEBOUNCE
    sched.compile_now()
    _, payload = manifest(world, dev)
    assert [a["alert_id"] for a in payload["alerts"]] == [start.alert_id]
    assert world.act("mot.duyet", created.json()["id"], "cancel").status_code == 200
    with Session(world.engine) as session:
        row = session.exec(select(AreaAlert).where(AreaAlert.bulletin_id == created.json()["id"])).one()
    cancel = guard.accept_alert(row.envelope.encode())
    assert cancel.action == "cancel" and cancel.seq > start.seq
    with pytest.raises(protocol.Rejected):
        guard.accept_alert(rows[0].envelope.encode())  # the old start, replayed
    assert recompiles[1:] == [DEBOUNCE]  # a cancel: stop listing the alert promptly
    sched.compile_now()
    assert manifest(world, dev)[1]["alerts"] == []


def test_recurring_jobs_survive_restart_once_each(world: World) -> None:
    settings = world.runtime.settings
    for _ in range(2):  # start, stop, start again on the same job store
        runner = JobRunner(world.engine, settings.db_url, world.runtime)
        comp = SchedulerComponent()
        runner.start(paused=True)
        saved, world.runtime.jobs = world.runtime.jobs, runner
        try:
            comp.start(world.runtime)
            jobs = {j.id: j for j in runner.scheduler.get_jobs()}
            assert set(RECURRING) | {"recompile"} <= set(jobs)  # the pending recompile was kept too
            assert len([j for j in jobs if j in RECURRING]) == len(RECURRING)
            nightly = jobs["nightly-compile"]
            assert nightly.coalesce is True and nightly.misfire_grace_time == 6 * 3600
            assert nightly.next_run_time.astimezone(LOCAL_TZ).strftime("%H:%M") == "00:05"
        finally:
            world.runtime.jobs = saved
            runner.shutdown()


def test_expiry_job_closes_bulletins_and_ends_their_alerts(world: World, sched: SchedulerComponent) -> None:
    from server.jobs import _Current
    from server.models.bulletins import Bulletin
    from server.scheduling import jobs

    now = datetime.now(UTC)
    b = world.approved(targets=["W002-T01"], officer="hai.canbo", approver="hai.duyet",
                       valid_from=(now - timedelta(hours=2)).isoformat(),
                       valid_until=(now + timedelta(hours=1)).isoformat())
    saved_clock, saved = world.runtime.clock, _Current.runtime
    world.runtime.clock = lambda: now + timedelta(hours=2)  # an injected clock: past valid_until
    _Current.runtime = world.runtime
    try:
        jobs.expire_bulletins()
    finally:
        world.runtime.clock, _Current.runtime = saved_clock, saved
    with Session(world.engine) as session:
        row = session.get(Bulletin, b["id"])
        assert row is not None and row.status == "expired"


def test_a_later_compile_keeps_the_plan_of_what_already_started(world: World, sched: SchedulerComponent) -> None:
    """Withdrawn at noon after airing at 06:00: the audit still finds the 06:00 airing planned."""
    dawn = NOON - timedelta(hours=7)  # Monday 05:00 in Hà Nội
    assert slot(world, "tinh.admin", "P01", name="Sáng", start_local="06:00", duration_s=900).status_code == 201
    assert slot(world, "tinh.admin", "P01", name="Chiều", start_local="17:00", duration_s=900).status_code == 201
    b = world.approved(targets=["W001-T01"], title="Họp thôn", repeats_per_day=2,
                       valid_from=(dawn - timedelta(hours=1)).isoformat(),
                       valid_until=(dawn + timedelta(days=10)).isoformat())
    device(world, "W001-T01")

    def planned() -> list[datetime]:
        with Session(world.engine) as session:
            rows = session.exec(select(PlannedAiring).where(PlannedAiring.bulletin_id == b["id"])).all()
        return sorted(r.start.astimezone(UTC) for r in rows)

    sched.compile_now(now=dawn)
    morning, evening = NOON - timedelta(hours=6), NOON + timedelta(hours=5)  # 06:00 and 17:00
    assert planned()[:2] == [morning, evening] and len(planned()) == 8  # twice a day, Mon–Thu
    assert world.act("mot.canbo", b["id"], "withdraw").status_code == 200
    sched.compile_now(now=NOON)
    assert planned() == [morning]


def test_an_item_a_mid_slot_withdrawal_moves_behind_now_stays_planned(world: World, sched: SchedulerComponent) -> None:
    """Withdrawing the first item while it airs packs the next one earlier, behind the devices'
    cursor: they skip it, so its planned row must stay for the audit to report it missed."""
    dawn = NOON - timedelta(hours=8)  # Monday 04:00 in Hà Nội, before the 05:00 slot
    r = slot(world, "tinh.admin", "W002", name="Sớm", start_local="05:00", duration_s=900)
    assert r.status_code == 201, r.text
    window = {"targets": ["W002-T01"], "repeats_per_day": 1, "valid_from": (dawn - timedelta(hours=1)).isoformat(),
              "valid_until": (dawn + timedelta(days=10)).isoformat()}
    first = world.approved("hai.canbo", "hai.duyet", title="Tin một", **window)
    second = world.approved("hai.canbo", "hai.duyet", title="Tin hai", **window)
    device(world, "W002-T01")

    def plans(bulletin: dict[str, Any]) -> list[PlannedAiring]:
        with Session(world.engine) as session:
            rows = session.exec(select(PlannedAiring).where(PlannedAiring.bulletin_id == bulletin["id"])).all()
        return sorted(rows, key=lambda row: row.start)

    sched.compile_now(now=dawn)
    a, b = plans(first)[0], plans(second)[0]
    five = NOON - timedelta(hours=7)
    assert a.start.astimezone(UTC) == five and a.start < b.start < a.start + timedelta(seconds=30)  # next
    assert world.act("hai.canbo", first["id"], "withdraw").status_code == 200
    sched.compile_now(now=a.start + (b.start - a.start) / 2)  # while the first airs
    assert [p.start for p in plans(first)] == [a.start]  # it started: history
    assert plans(second)[0].start == b.start  # the re-pack moved it to 05:00, behind now: kept
    assert len(plans(second)) > 1 and plans(second)[1].start > NOON  # later days re-planned


def test_emergency_airings_are_planned_for_every_targeted_speaker_and_repeat(
    world: World, sched: SchedulerComponent
) -> None:
    device(world, "W002-T01")
    now = datetime.now(UTC).replace(microsecond=0)
    created = world.client.post("/api/v1/bulletins", headers=world.headers["hai.duyet"], json={
        "title": "Lũ quét", "body": "Lũ quét đang về, bà con tránh xa suối.", "board_text": "Lũ quét",
        "category": "disaster", "priority": "emergency", "targets": ["W002"], "approve": True,
        "valid_from": (now - timedelta(minutes=1)).isoformat(), "valid_until": (now + timedelta(hours=5)).isoformat(),
    })
    assert created.status_code == 201, created.text
    world.run_jobs()
    bid = created.json()["id"]
    sched.compile_now(now=datetime.now(UTC) + timedelta(seconds=5))  # the first play is already behind
    with Session(world.engine) as session:
        rows = session.exec(select(PlannedAiring).where(PlannedAiring.bulletin_id == bid)
                            .order_by(PlannedAiring.start)).all()
    starts = [r.start for r in rows]
    # Starts at approval, then every 2 h until it expires: 3 plays, for the one speaker area.
    assert len(starts) == 3 and all(b - a == timedelta(hours=2) for a, b in itertools.pairwise(starts))
    assert {(r.area_code, r.priority, r.kind) for r in rows} == {("W002-T01", "emergency", "audio")}
    assert starts[0] <= datetime.now(UTC) and all(s.microsecond == 0 for s in starts)  # wire times: whole seconds
    sched.compile_now(now=datetime.now(UTC) + timedelta(seconds=10))  # idempotent: nothing doubles
    with Session(world.engine) as session:
        again = session.exec(select(PlannedAiring).where(PlannedAiring.bulletin_id == bid)).all()
    assert len(again) == 3
