"""End-to-end scenarios (issue 8): real server, real Mosquitto, simulated devices on a shared
manual clock. Nothing sleeps: the clock is advanced explicitly and every wait is on a condition
with a timeout."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from firmware_sim.fleet import Fleet
from playlists.model import LOCAL_TZ
from server.models.asrun import AsRun, PlannedAiring
from tests.brokers import wait_until
from tests.e2e.conftest import TOKEN, LiveServer, bulletin, quick_options

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


def approved_bulletin(live: LiveServer, title: str, **overrides: Any) -> dict[str, Any]:
    created = live.post("mot.canbo", "/api/v1/bulletins", bulletin(title, live.clock.now(), **overrides))
    live.post("mot.canbo", f"/api/v1/bulletins/{created['id']}/submit")

    def audio_ready() -> bool:
        with live.http() as c:
            got = c.get(f"/api/v1/bulletins/{created['id']}", headers=live.headers["mot.canbo"])
            return got.json()["audio"] is not None

    assert wait_until(audio_ready, 60), "synthesis did not finish"
    return dict(live.post("mot.duyet", f"/api/v1/bulletins/{created['id']}/approve"))


async def fleet_in(live: LiveServer, tmp_path: Path, areas: dict[str, int]) -> Fleet:
    fleet = Fleet(live.url, tmp_path / "sim", clock=live.clock, options=quick_options())
    for area, count in areas.items():
        for identity in await fleet.enrol(count, token=TOKEN, area=area):
            fleet.add(identity)
    assert live.runtime.broker.wait_synced(30)
    live.compile()
    await fleet.start()
    await fleet.wait_for(lambda: fleet.connected_count() == len(fleet.devices), 30, "connected")
    await fleet.wait_for(lambda: all(d.counters.manifests for d in fleet.devices), 30, "manifests")
    return fleet


async def media_cached(fleet: Fleet, bulletin_ids: set[int], live: LiveServer) -> None:
    with Session(live.runtime.engine) as session:
        from server.models.bulletins import BulletinVersion

        shas = {v.audio_sha256 for v in session.exec(select(BulletinVersion)).all()
                if v.bulletin_id in bulletin_ids and v.audio_sha256}
    await fleet.wait_for(lambda: all(fleet.media.is_ready(s) for s in shas), 30, "media cached")


def stored(live: LiveServer) -> list[AsRun]:
    with Session(live.runtime.engine) as session:
        return list(session.exec(select(AsRun)).all())


async def test_1_drafted_approved_compiled_played_and_reconciled(live: LiveServer, tmp_path: Path) -> None:
    start = live.clock.now() + timedelta(minutes=10)
    b = approved_bulletin(live, "Lịch tiêm phòng dại cho chó mèo")
    live.session_slot("W001", start, 10)
    fleet = await fleet_in(live, tmp_path, {"W001-T01": 10, "W001-T02": 10})
    try:
        await live.clock.advance_to(start + timedelta(minutes=11))
        await fleet.wait_for(lambda: fleet.unacknowledged() == 0 and fleet.stats().records >= 20, 60, "as-run acked")
        with Session(live.runtime.engine) as session:
            plans = session.exec(select(PlannedAiring).where(PlannedAiring.bulletin_id == b["id"])).all()
        planned_today = [p for p in plans if p.start < start + timedelta(minutes=10)]
        assert len(planned_today) == 2  # one planned airing per hamlet area
        assert all(p.start == start for p in planned_today)
        played = [r for r in stored(live) if r.bulletin_id == b["id"] and r.outcome == "played"]
        assert len(played) == 20 and {r.device_id for r in played} == {d.id for d in fleet.devices}
        assert all(abs((r.actual_start - r.planned_start).total_seconds()) <= 2 for r in played if r.actual_start)
        assert all(r.aired_ms >= 0.95 * r.duration_ms for r in played)
    finally:
        await fleet.aclose()


async def test_2_emergency_reaches_its_commune_only_interrupts_and_cancels(live: LiveServer, tmp_path: Path) -> None:
    start = live.clock.now() + timedelta(minutes=5)
    first = approved_bulletin(live, "Thông báo họp dân về xây dựng nông thôn mới", priority="priority")
    second = approved_bulletin(live, "Lịch thu gom rác thải sinh hoạt trong tuần")
    live.session_slot("P01", start, 10)
    fleet = await fleet_in(live, tmp_path, {"W001-T01": 3, "W002-T01": 3})
    await media_cached(fleet, {first["id"], second["id"]}, live)
    inside = [d for d in fleet.devices if d.identity.area_code.startswith("W001")]
    outside = [d for d in fleet.devices if d.identity.area_code.startswith("W002")]
    try:
        await live.clock.advance_to(start + timedelta(seconds=3))
        await fleet.wait_for(lambda: all(d.on_air is not None for d in inside), 20, "playing")
        now = live.clock.now()
        storm = live.post("mot.duyet", "/api/v1/bulletins", bulletin(
            "Tin bão khẩn cấp", now, priority="emergency", category="disaster", approve=True,
            valid_from=(now - timedelta(seconds=1)).isoformat(), valid_until=(now + timedelta(hours=6)).isoformat()))
        await fleet.wait_for(lambda: all(d.counters.alerts >= 1 for d in inside), 30, "alert received")
        # The alert's audio downloads in real time; the clock waits until it is on air everywhere.
        await fleet.wait_for(lambda: all(d.on_air == "Tin bão khẩn cấp" for d in inside), 30, "alert on air")
        await live.clock.advance(120)
        await fleet.wait_for(lambda: fleet.unacknowledged() == 0, 30, "as-run acked")
        assert all(d.counters.alerts == 0 for d in outside)
        # The item on air when the alert came is replayed after it when there is room (played, from
        # its resume), else logged missed/preempted (DESIGN §3) — never as if nothing happened.
        cut = {r.device_id: r for r in stored(live) if r.bulletin_id == first["id"]}
        assert set(cut) == {d.id for d in inside}  # W002 never had it planned
        for r in cut.values():
            resumed = r.outcome == "played" and r.actual_start is not None and (
                r.actual_start - r.planned_start).total_seconds() > 2
            assert resumed or (r.outcome, r.reason) == ("missed", "preempted"), (r.outcome, r.reason)
        alert_plays = [r for r in stored(live) if r.bulletin_id == storm["id"]]
        assert {r.device_id for r in alert_plays} == {d.id for d in inside}
        live.post("mot.duyet", f"/api/v1/bulletins/{storm['id']}/cancel")
        await fleet.wait_for(lambda: all(d.counters.alerts >= 2 for d in inside), 30, "cancel received")
        before = len([r for r in stored(live) if r.bulletin_id == storm["id"]])
        await live.clock.advance(3 * 3600)  # past the next 2-hourly repeat
        await fleet.wait_for(lambda: fleet.unacknowledged() == 0, 30, "as-run acked")
        assert len([r for r in stored(live) if r.bulletin_id == storm["id"]]) == before
    finally:
        await fleet.aclose()


async def test_3_offline_72_hours_plays_from_cache_then_uploads_everything(live: LiveServer, tmp_path: Path) -> None:
    first = live.clock.now() + timedelta(minutes=5)
    b = approved_bulletin(live, "Hướng dẫn làm thủ tục cấp căn cước", repeats_per_day=1)
    local = first.astimezone(LOCAL_TZ)
    live.post("quantri", "/api/v1/areas/W001/slots", {
        "name": "Hằng ngày", "start_local": local.strftime("%H:%M:%S"), "duration_s": 600,
        "rrule": "FREQ=DAILY", "dtstart": local.date().isoformat(), "template": ["commune"]})
    fleet = await fleet_in(live, tmp_path, {"W001-T01": 2})
    device = fleet.devices[0]
    await media_cached(fleet, {b["id"]}, live)
    try:
        device.link_down()
        for day in range(3):
            await live.clock.advance_to(first + timedelta(days=day, minutes=11))
        mine = [r for r in device.history if r.bulletin_id == b["id"]]
        assert [r.outcome for r in mine] == ["played"] * 3
        assert device.pending_records >= 3
        device.link_restore()
        await fleet.wait_for(lambda: fleet.unacknowledged() == 0, 60, "buffered logs acked")
        rows = [r for r in stored(live) if r.device_id == device.id]
        assert sorted(r.key for r in rows) == sorted(r.key for r in device.history)  # 0 lost
        assert len(rows) == len({r.key for r in rows})  # 0 duplicated
    finally:
        await fleet.aclose()


async def test_4_tampered_media_and_forgeries_are_refused(live: LiveServer, tmp_path: Path) -> None:
    from devices import protocol
    from devices.mqtt import MqttClient
    from server.delivery.keys import SERVER_USERNAME, server_broker_password

    start = live.clock.now() + timedelta(minutes=5)
    b = approved_bulletin(live, "Phòng cháy rừng mùa khô")
    live.session_slot("W001", start, 10)
    fleet = await fleet_in(live, tmp_path, {"W001-T01": 1})
    victim = fleet.devices[0]
    # A second process with its own media store, whose downloads arrive corrupted.
    tampered = Fleet(live.url, tmp_path / "sim-tampered", clock=live.clock, options=quick_options())
    other = tampered.add((await tampered.enrol(1, token=TOKEN, area="W001-T01"))[0])
    other.corrupt_downloads(100)
    assert live.runtime.broker.wait_synced(30)
    live.compile()
    await tampered.start()
    try:
        # Holding its manifest before the clock moves on: else, on a loaded machine, it is still
        # connecting at the slot and logs the item missed (offline) instead of failed.
        await tampered.wait_for(lambda: other.counters.manifests > 0, 30, "the tampered device's manifest")
        settings = live.runtime.settings
        forger = protocol.Signer(protocol.Ed25519PrivateKey.generate())
        server_client = MqttClient(settings.effective_mqtt_url, username=SERVER_USERNAME,
                                   password=server_broker_password(settings.keys_dir), client_id="e2e-forger")
        server_client.connect(10)
        now = live.clock.now()
        forged_manifest = forger.sign(protocol.ManifestPayload(
            device_id=victim.id, area_codes=["W001-T01", "W001", "P01"], seq=10_000, issued_at=protocol.iso(now),
            expires_at=protocol.iso(now + timedelta(days=1)), window_from=protocol.iso(now),
            window_to=protocol.iso(now + timedelta(days=1))))
        server_client.publish(protocol.manifest_topic(victim.id), forged_manifest)
        forged_alert = forger.sign(protocol.AlertPayload(
            action="cancel", area_code="W001", alert_id="x", seq=10_000, issued_at=protocol.iso(now),
            expires_at=protocol.iso(now + timedelta(days=1))))
        server_client.publish(protocol.alert_topic("W001"), forged_alert)
        await fleet.wait_for(lambda: victim.counters.refused >= 2, 20, "forgeries refused")
        assert {"unknown_key"} <= {reason for reason, _ in victim.refusals}
        other.corrupt_downloads(100)
        await live.clock.advance_to(start + timedelta(minutes=11))
        await fleet.wait_for(lambda: fleet.unacknowledged() + tampered.unacknowledged() == 0, 30, "as-run acked")
        failed = [r for r in stored(live) if r.device_id == other.id and r.bulletin_id == b["id"]]
        assert failed and all(r.outcome == "failed" and r.reason == "media_failed" for r in failed)
        played = [r for r in stored(live) if r.device_id == victim.id and r.bulletin_id == b["id"]]
        assert [r.outcome for r in played] == ["played"]  # the forged manifest changed nothing
        server_client.disconnect()
    finally:
        await fleet.aclose()
        await tampered.aclose()


async def test_5_broker_killed_mid_day_devices_converge(live: LiveServer, tmp_path: Path) -> None:
    approved_bulletin(live, "Bầu cử trưởng thôn")
    live.session_slot("W001", live.clock.now() + timedelta(minutes=30), 10)
    fleet = await fleet_in(live, tmp_path, {"W001-T01": 5, "W001-T02": 5})
    try:
        seen = {d.id: d.counters.manifests + d.counters.duplicates for d in fleet.devices}
        broker = live.runtime.broker.broker
        started = time.perf_counter()
        broker.kill()
        await fleet.wait_for(lambda: fleet.connected_count() == 0, 30, "all disconnected")
        broker.start()
        await fleet.wait_for(lambda: fleet.connected_count() == len(fleet.devices), 60, "all reconnected")
        publisher = live.runtime.publisher
        assert wait_until(lambda: publisher.republish_count >= 2, 30)
        # Each device got its current (retained or republished) manifest again after the restart.
        await fleet.wait_for(
            lambda: all(d.counters.manifests + d.counters.duplicates > seen[d.id] for d in fleet.devices), 30, "held")
        print(f"broker restart: all devices converged in {time.perf_counter() - started:.2f} s")
    finally:
        await fleet.aclose()


async def test_6_airtime_report_equals_what_devices_logged(live: LiveServer, tmp_path: Path) -> None:
    start = live.clock.now() + timedelta(minutes=5)
    b = approved_bulletin(live, "Hỗ trợ giống lúa vụ Xuân")
    live.session_slot("W001", start, 10)
    fleet = await fleet_in(live, tmp_path, {"W001-T01": 3, "W001-T02": 2})
    offline = fleet.devices[0]
    await media_cached(fleet, {b["id"]}, live)
    try:
        offline.link_down()
        offline.power_loss()  # never reports: the audit must count its airing as missed/offline
        await live.clock.advance_to(start + timedelta(minutes=11))
        await fleet.wait_for(lambda: fleet.unacknowledged() == 0, 30, "as-run acked")
        day = start.astimezone(LOCAL_TZ).date().isoformat()

        def report_totals() -> dict[str, Any]:
            with live.http() as c:
                r = c.get("/api/v1/reports/airtime", params={"area": "W001", "from": day, "to": day},
                          headers=live.headers["kiemtra"])
            assert r.status_code == 200, r.text
            return dict(r.json()["totals"])

        # Within the as-run grace the silent device's airing is pending, not missed.
        totals = report_totals()
        assert (totals["pending"], totals["missed"]) == (1, 0)
        await live.clock.advance_to(start + timedelta(minutes=20))  # its end + 15 min has passed
        totals = report_totals()
        logged = [rec for d in fleet.devices for rec in d.history if rec.bulletin_id == b["id"]]
        played = [rec for rec in logged if rec.outcome == "played"]
        assert totals["planned"] == len(fleet.devices)  # one airing planned per speaker
        assert totals["played"] == len(played) == len(fleet.devices) - 1
        assert (totals["missed"], totals["pending"]) == (1, 0)
        assert totals["airtime_seconds"] == pytest.approx(sum(rec.aired_ms for rec in played) / 1000, abs=1)
    finally:
        await fleet.aclose()
