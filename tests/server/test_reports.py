"""The airtime audit over a seeded June 2025 whose every figure is computed by hand below.

World (Asia/Ho_Chi_Minh, UTC+7): P01 → W001 (hamlets T01, T02), W002 (T01), and W003 "Xã Ba" with
hamlet W003-T01, retired on 1 July 2025 and merged into W002. Each hamlet plans two 60 s items a
day: 06:00 bulletin 1 (health, normal) and 17:00 bulletin 2 (policy, priority). Speakers: loa-a1
(W001-T01), loa-a2 (W001-T02), loa-b1 (W002-T01), loa-c1 (W003-T01), all enrolled in May, and
loa-a3 (W001-T01) enrolled 21 June, revoked 26 June; a board bang-a (W001). Every expected
airing has an on-time, fully aired record, except the cases E1…E17 in ``seed_month``.

June, hand-computed: planned = 4 speakers × 30 days × 2 + loa-a3 5 days × 2 = 250.
Not played (10): E1 missed/offline, E2 interrupted (5 s late), E3 interrupted (83 %), E5 failed/
media_failed, E6 missed/preempted, E8 interrupted (2.5 s late), E12 missed/offline (its log
arrives late), E13 ×2 missed/offline (loa-a3 silent on the 24th), E14 missed/offline (reported).
So played 240, interrupted 3, missed 6, failed 1; reasons offline 5, preempted 1, media_failed 1.
Airtime (ms): played 238 × 60 000 + 57 000 (E4) + 59 000 (E7) = 14 396 000; interrupted
60 000 + 50 000 + 60 000 = 170 000; unplanned: emergencies E6, E9 2 × 120 000 and E16 60 000
= 300 000. Total 14 866 000 ms = 14 866 s; compliance 240/250 = 96 %.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from server.db import get_engine
from server.models.areas import Area
from server.models.asrun import AsRun, PlannedAiring
from server.models.bulletins import Bulletin, BulletinVersion, Category, Priority
from server.models.devices import Device, DeviceOutage
from server.services import areas as area_service
from server.services import reports_rollup
from server.services.areas import load_tree
from server.services.asrun import insert_ignoring_duplicates
from server.services.reports import airtime_report, airtime_series
from server.settings import Settings
from tests.factories import add_area, add_users, seed_two_communes

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
JUNE = (date(2025, 6, 1), date(2025, 6, 30))
NOW = datetime(2025, 7, 3, 10, 0, tzinfo=TZ)  # the report's "as of" (before E12's late log)
LATE_AT = datetime(2025, 7, 5, 9, 0, tzinfo=TZ)


def local(day: date, hh: int, mm: int = 0, ss: float = 0.0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ) + timedelta(seconds=ss)


@dataclass
class Seeded:
    b1: int  # health, normal (06:00)
    b2: int  # policy, priority (17:00)
    b3: int  # disaster, emergency (alerts: never planned)

    def late_record(self) -> dict[str, Any]:
        """E12: loa-b1's 29 June 06:00 airing, logged on time but received on 5 July."""
        return record("loa-b1", "W002-T01", self.b1, local(date(2025, 6, 29), 6), received=LATE_AT)


def record(device: str, area: str, bulletin: int, planned: datetime, *, outcome: str = "played",
           reason: str | None = None, delay: float = 0.0, aired: int = 60_000, started: bool = True,
           key: str | None = None, kind: str = "audio", received: datetime | None = None,
           category: str | None = None, priority: str | None = None) -> dict[str, Any]:
    actual = planned + timedelta(seconds=delay) if started else None
    return {
        "key": key or f"{device}:{planned.isoformat()}:{bulletin}:0", "device_id": device, "area_code": area,
        "bulletin_id": bulletin, "version_hash": "v", "kind": kind, "category": category, "priority": priority,
        "planned_start": planned, "actual_start": actual,
        "actual_end": actual + timedelta(milliseconds=aired) if actual else None,
        "device_time": planned, "received_at": received or planned + timedelta(minutes=1),
        "outcome": outcome, "reason": reason, "duration_ms": 60_000, "aired_ms": aired,
        "clock_skew_ms": 0, "skew_flagged": False,
    }


def _bulletins(session: Session, user_id: int) -> list[int]:
    ids = []
    for title, category, priority in (("Lịch tiêm phòng dại", "health", "normal"),
                                      ("Chính sách bảo hiểm y tế", "policy", "priority"),
                                      ("Cảnh báo lũ quét", "disaster", "emergency")):
        bulletin = Bulletin(status="approved", area_code="P01", priority=priority, category=category,
                            created_by=user_id)
        session.add(bulletin)
        session.flush()
        assert bulletin.id is not None
        version = BulletinVersion(
            bulletin_id=bulletin.id, number=1, title=title, body=title, board_text=title, priority=Priority(priority),
            category=Category(category), valid_from=datetime(2025, 5, 1, tzinfo=UTC),
            valid_until=datetime(2026, 1, 1, tzinfo=UTC), version_hash="v", created_by=user_id,
        )
        session.add(version)
        session.flush()
        bulletin.approved_version_id = version.id
        ids.append(bulletin.id)
    return ids


SPEAKERS = {"loa-a1": "W001-T01", "loa-a2": "W001-T02", "loa-b1": "W002-T01", "loa-c1": "W003-T01"}
A3_FROM, A3_UNTIL = local(date(2025, 6, 21), 0), local(date(2025, 6, 26), 0)


def seed_month(engine: Engine) -> Seeded:
    seed_two_communes(engine)
    users = add_users(engine, [("seed.admin", "admin", "P01")])
    with Session(engine) as session:
        add_area(session, "W003", "commune", "P01", "Xã Ba")
        add_area(session, "W003-T01", "hamlet", "W003", "Thôn Ba A")
        w003 = session.get(Area, "W003")
        assert w003 is not None
        w003.retired_at, w003.successor_code = local(date(2025, 7, 1), 0), "W002"
        b1, b2, b3 = _bulletins(session, users["seed.admin"].id or 0)
        may = datetime(2025, 5, 1, tzinfo=UTC)
        for device, area in SPEAKERS.items():
            session.add(Device(id=device, kind="speaker", area_code=area, name=f"Cụm {device}", password_hash="x",
                               created_at=may))
        session.add(Device(id="loa-a3", kind="speaker", area_code="W001-T01", name="Cụm loa-a3", password_hash="x",
                           created_at=A3_FROM, revoked_at=A3_UNTIL))
        session.add(Device(id="bang-a", kind="board", area_code="W001", name="Bảng xã", password_hash="x",
                           created_at=may, board_cols=16, board_rows=2))
        # Outages: E1 loa-a1 3 h; E13 loa-a3 a whole day; E17 the board a whole day.
        session.add(DeviceOutage(device_id="loa-a1", started_at=local(date(2025, 6, 5), 5),
                                 ended_at=local(date(2025, 6, 5), 8)))
        session.add(DeviceOutage(device_id="loa-a3", started_at=local(date(2025, 6, 24), 0),
                                 ended_at=local(date(2025, 6, 25), 0)))
        session.add(DeviceOutage(device_id="bang-a", started_at=local(date(2025, 6, 1), 0),
                                 ended_at=local(date(2025, 6, 2), 0)))
        session.commit()
    area_service.invalidate(engine)

    days = [date(2025, 6, 1) + timedelta(days=i) for i in range(32)]  # 1 June … 2 July
    plans, rows = [], []
    for day in days:
        for area in SPEAKERS.values():
            for hh, bid, cat, prio in ((6, b1, "health", "normal"), (17, b2, "policy", "priority")):
                plans.append(PlannedAiring(area_code=area, local_date=day, start=local(day, hh), duration_ms=60_000,
                                           kind="audio", bulletin_id=bid, priority=prio, category=cat))
        for device, area in [*SPEAKERS.items(), ("loa-a3", "W001-T01")]:
            for hh, bid, cat, prio in ((6, b1, "health", "normal"), (17, b2, "policy", "priority")):
                at = local(day, hh)
                if device == "loa-a3" and not A3_FROM <= at < A3_UNTIL:
                    continue
                rows.append(record(device, area, bid, at, category=cat, priority=prio))

    def replace(device: str, day: int, hh: int, *new: dict[str, Any]) -> None:
        at = local(date(2025, 6, day), hh)
        index = next(i for i, r in enumerate(rows) if r["device_id"] == device and r["planned_start"] == at)
        base = rows.pop(index)
        for r in new:
            rows.append({**r, "category": base["category"], "priority": base["priority"]})

    def rec(device: str, day: int, hh: int, bid: int, **kw: Any) -> dict[str, Any]:
        return record(device, SPEAKERS.get(device, "W001-T01"), bid, local(date(2025, 6, day), hh), **kw)

    def alert(device: str, day: int, hh: int, mm: int, ss: int) -> dict[str, Any]:
        return record(device, SPEAKERS[device], b3, local(date(2025, 6, day), hh, mm, ss), aired=120_000,
                      category="disaster", priority="emergency")

    replace("loa-a1", 5, 6)  # E1: no record at all -> missed/offline
    replace("loa-a1", 10, 17, rec("loa-a1", 10, 17, b2, delay=5))  # E2: "played" 5 s late -> interrupted
    replace("loa-a2", 12, 6, rec("loa-a2", 12, 6, b1, aired=50_000))  # E3: 83 % -> interrupted
    replace("loa-a2", 12, 17, rec("loa-a2", 12, 17, b2, outcome="interrupted", aired=57_000))  # E4: 95 % -> played
    replace("loa-b1", 15, 6, rec("loa-b1", 15, 6, b1, outcome="failed", reason="media_failed", started=False,
                                 aired=0))  # E5
    replace("loa-b1", 15, 17, rec("loa-b1", 15, 17, b2, outcome="missed", reason="preempted", started=False,
                                  aired=0))  # E6 …
    rows.append(alert("loa-b1", 15, 16, 59, 0))  # … displaced by an emergency (unplanned, 120 s)
    replace("loa-b1", 20, 6, rec("loa-b1", 20, 6, b1, delay=2.0, aired=59_000))  # E7: exactly 2 s -> played
    replace("loa-b1", 20, 17, rec("loa-b1", 20, 17, b2, delay=2.5))  # E8: 2.5 s late -> interrupted
    rows.append(alert("loa-a1", 25, 6, 0, 20))  # E9: an alert at 06:00:20 …
    replace("loa-a1", 25, 6, rec("loa-a1", 25, 6, b1, delay=141))  # … and the item resumed after it -> played
    replace("loa-a2", 28, 6, rec("loa-a2", 28, 6, b1, outcome="interrupted", aired=30_000, key="e10-first"),
            rec("loa-a2", 28, 6, b1, key="e10-again"))  # E10: logged twice -> best (played) once
    rows.append(rec("loa-a2", 28, 17, b2, category="policy", priority="priority"))  # E11: same key again
    replace("loa-b1", 29, 6)  # E12: its record arrives late (Seeded.late_record)
    replace("loa-a3", 24, 6)  # E13: loa-a3 silent on the 24th
    replace("loa-a3", 24, 17)
    replace("loa-c1", 30, 6, rec("loa-c1", 30, 6, b1, outcome="missed", reason="offline", started=False,
                                 aired=0))  # E14
    rows.append(rec("loa-c1", 10, 12, b1, category="health", priority="normal"))  # E16: unplanned airing
    rows.append(record("bang-a", "W001", b1, local(date(2025, 6, 3), 6), kind="board",
                       aired=30_000))  # E17: boards are not audited
    with Session(engine) as session:
        session.add_all(plans)
        insert_ignoring_duplicates(session, rows)
        session.commit()
    return Seeded(b1, b2, b3)


def insert(engine: Engine, *rows: dict[str, Any]) -> int:
    """Store as-run rows as ingest does; returns how many were new (counted: the ingest helper's own
    count is not reliable on PostgreSQL executemany)."""
    with Session(engine) as session:
        before = session.exec(select(func.count()).select_from(AsRun)).one()
        insert_ignoring_duplicates(session, list(rows))
        session.commit()
        return int(session.exec(select(func.count()).select_from(AsRun)).one() - before)


def report(engine: Engine, area: str = "P01", period: tuple[date, date] = JUNE, now: datetime = NOW,
           **kw: Any) -> dict[str, Any]:
    return airtime_report(engine, load_tree(engine), TZ, area, period[0], period[1], now, **kw)


def rows_of(rep: dict[str, Any], group: str, key: str) -> dict[Any, dict[str, Any]]:
    return {r[key]: r for r in rep["rows"] if r["group"] == group}


def figures(m: dict[str, Any]) -> tuple[Any, ...]:
    return (m["planned"], m["played"], m["interrupted"], m["missed"], m["failed"], m["airtime_seconds"],
            m["compliance"])


REASONS_BEFORE = {"offline": 5, "media_failed": 1, "preempted": 1, "expired": 0}


@pytest.fixture
def seeded(any_settings: Settings) -> Iterator[tuple[Engine, Seeded]]:
    engine = get_engine(any_settings.db_url)
    ids = seed_month(engine)
    yield engine, ids
    area_service.invalidate(engine)


def test_june_totals_areas_devices_bulletins_match_hand_computation(seeded: tuple[Engine, Seeded]) -> None:
    engine, ids = seeded
    rep = report(engine)
    assert (rep["area"], rep["from"], rep["to"], rep["as_of"]) == ("P01", "2025-06-01", "2025-06-30",
                                                                   "2025-07-03T03:00:00Z")
    assert figures(rep["totals"]) == (250, 240, 3, 6, 1, 14866.0, 96.0)
    assert rep["totals"]["reasons"] == REASONS_BEFORE

    areas = rows_of(rep, "area", "code")
    assert list(areas) == ["P01", "W001", "W001-T01", "W001-T02", "W002", "W002-T01", "W003", "W003-T01"]
    assert figures(areas["P01"]) == figures(rep["totals"])
    assert figures(areas["W001"]) == (130, 125, 2, 3, 0, 7727.0, 96.15)
    assert figures(areas["W001-T01"]) == (70, 66, 1, 3, 0, 4140.0, 94.29)
    assert figures(areas["W001-T02"]) == (60, 59, 1, 0, 0, 3587.0, 98.33)
    # The merged commune keeps its name and row, and counts in its successor W002.
    assert figures(areas["W002"]) == (120, 115, 1, 3, 1, 7139.0, 95.83)
    assert figures(areas["W002-T01"]) == (60, 56, 1, 2, 1, 3539.0, 93.33)
    assert figures(areas["W003"]) == (60, 59, 0, 1, 0, 3600.0, 98.33)
    assert (areas["W003"]["name"], areas["W003"]["retired"], areas["W003"]["successor_code"]) == ("Xã Ba", True,
                                                                                                 "W002")

    devices = rows_of(rep, "device", "device_id")
    assert sorted(devices) == ["bang-a", "loa-a1", "loa-a2", "loa-a3", "loa-b1", "loa-c1"]
    assert figures(devices["loa-a1"]) == (60, 58, 1, 1, 0, 3660.0, 96.67)
    assert figures(devices["loa-a3"]) == (10, 8, 0, 2, 0, 480.0, 80.0)
    assert figures(devices["loa-b1"]) == (60, 56, 1, 2, 1, 3539.0, 93.33)
    assert figures(devices["bang-a"]) == (0, 0, 0, 0, 0, 0.0, None)
    june = 30 * 86400
    a1, a3, board = devices["loa-a1"], devices["loa-a3"], devices["bang-a"]
    assert (a1["outage_seconds"], a1["outages"], a1["uptime_seconds"], a1["uptime"]) == (10800, 1, june - 10800, 99.58)
    assert (a3["outage_seconds"], a3["uptime_seconds"], a3["uptime"], a3["revoked"]) == (86400, 4 * 86400, 80.0, True)
    assert (board["outage_seconds"], board["uptime"], board["device_kind"]) == (86400, 96.67, "board")
    assert devices["loa-a2"]["uptime"] == 100.0
    assert len(rep["outages"]) == 3

    bulletins = {r["bulletin_id"]: r for r in rep["rows"] if r["group"] == "bulletin"}
    assert figures(bulletins[ids.b1]) == (125, 119, 1, 4, 1, 7249.0, 95.2)
    assert figures(bulletins[ids.b2]) == (125, 121, 2, 2, 0, 7377.0, 96.8)
    assert figures(bulletins[ids.b3]) == (0, 0, 0, 0, 0, 240.0, None)
    assert bulletins[ids.b1]["title"] == "Lịch tiêm phòng dại"
    categories = rows_of(rep, "category", "category")
    assert figures(categories["health"]) == figures(bulletins[ids.b1])
    disaster = categories["disaster"]
    assert disaster["airtime_seconds"] == 240.0 and disaster["label"] == "phòng chống thiên tai"
    assert figures(categories["notice"]) == (0, 0, 0, 0, 0, 0.0, None)
    priorities = rows_of(rep, "priority", "priority")
    assert figures(priorities["priority"]) == figures(bulletins[ids.b2])
    assert priorities["emergency"]["airtime_seconds"] == 240.0


def test_late_logs_and_duplicates_are_absorbed_once(seeded: tuple[Engine, Seeded]) -> None:
    engine, ids = seeded
    assert figures(report(engine)["totals"]) == (250, 240, 3, 6, 1, 14866.0, 96.0)
    assert figures(report(engine)["totals"]) == (250, 240, 3, 6, 1, 14866.0, 96.0)  # re-run: no double count

    assert insert(engine, ids.late_record()) == 1  # received LATE_AT, two days after the first report
    after = report(engine, now=LATE_AT + timedelta(hours=1))
    assert after["as_of"] == "2025-07-05T03:00:00Z"
    assert figures(after["totals"]) == (250, 241, 3, 5, 1, 14926.0, 96.4)
    assert after["totals"]["reasons"]["offline"] == 4
    assert figures(rows_of(after, "device", "device_id")["loa-b1"])[:2] == (60, 57)

    # The same airing logged again under another key, worse: nothing changes.
    t2 = LATE_AT + timedelta(hours=2)
    worse = {**ids.late_record(), "key": "e12-again", "outcome": "interrupted", "aired_ms": 10_000,
             "received_at": t2}
    assert insert(engine, worse) == 1
    assert insert(engine, {**ids.late_record(), "received_at": t2}) == 0  # same key: deduplicated at ingest
    assert figures(report(engine, now=t2 + timedelta(minutes=1))["totals"]) == (250, 241, 3, 5, 1, 14926.0, 96.4)

    # A better duplicate of E3 (interrupted at 83 %) upgrades it: counted once, with the best record's
    # airtime. Its receive time is before the last report's as-of (a commit that raced the refresh):
    # the overlap of the late-log scan still finds it.
    better = record("loa-a2", "W001-T02", ids.b1, local(date(2025, 6, 12), 6), key="e3-replayed",
                    received=t2 - timedelta(minutes=4), category="health", priority="normal")
    assert insert(engine, better) == 1
    final = report(engine, now=t2 + timedelta(minutes=2))
    assert figures(final["totals"]) == (250, 242, 2, 5, 1, 14936.0, 96.8)


def test_rollups_and_live_reconciliation_agree(seeded: tuple[Engine, Seeded]) -> None:
    """30 June reconciled live (it is "today") equals it rolled up; items not yet due are left out."""
    engine, _ids = seeded
    live = report(engine, now=local(date(2025, 6, 30), 23, 59))
    assert figures(live["totals"]) == (250, 240, 3, 6, 1, 14866.0, 96.0)
    reports_rollup.reset(engine)
    midday = report(engine, now=local(date(2025, 6, 30), 12))
    # 30 June 17:00 is not due yet: 4 planned airings (and their 240 s) are not in the report.
    assert figures(midday["totals"]) == (246, 236, 3, 6, 1, 14626.0, 95.93)
    reports_rollup.reset(engine)
    assert figures(report(engine)["totals"]) == (250, 240, 3, 6, 1, 14866.0, 96.0)


def test_period_across_the_merger_resolves_old_commune_to_successor(seeded: tuple[Engine, Seeded]) -> None:
    engine, _ids = seeded
    rep = report(engine, "W002", (date(2025, 6, 29), date(2025, 7, 2)))
    areas = rows_of(rep, "area", "code")
    assert list(areas) == ["W002", "W002-T01", "W003", "W003-T01"]
    # 2 hamlets × 4 days × 2 items; not played: E12 (late, still missing) and E14.
    assert figures(rep["totals"]) == (16, 14, 0, 2, 0, 840.0, 87.5)
    assert figures(areas["W002"]) == figures(rep["totals"])
    assert figures(areas["W003"]) == (8, 7, 0, 1, 0, 420.0, 87.5)
    assert areas["W003"]["name"] == "Xã Ba" and areas["W003"]["retired"] is True
    # The old commune alone is still reportable, and only its own data is in it.
    old = report(engine, "W003", (date(2025, 6, 29), date(2025, 7, 2)))
    assert figures(old["totals"]) == (8, 7, 0, 1, 0, 420.0, 87.5)


def test_series_per_day_and_month(seeded: tuple[Engine, Seeded]) -> None:
    engine, _ids = seeded
    tree = load_tree(engine)
    series = airtime_series(engine, tree, TZ, "P01", *JUNE, NOW)
    points = {p["date"]: p for p in series["points"]}
    assert len(points) == 30 and series["by"] == "day"
    assert figures(points["2025-06-15"]) == (8, 6, 0, 1, 1, 480.0, 75.0)  # E5, E6; +120 s alert
    assert figures(points["2025-06-01"]) == (8, 8, 0, 0, 0, 480.0, 100.0)
    assert sum(p["planned"] for p in points.values()) == 250
    assert round(sum(p["airtime_seconds"] for p in points.values()), 3) == 14866.0
    months = airtime_series(engine, tree, TZ, "P01", date(2025, 6, 1), date(2025, 7, 2), NOW, by="month")["points"]
    assert [p["date"] for p in months] == ["2025-06", "2025-07"]
    assert figures(months[0]) == (250, 240, 3, 6, 1, 14866.0, 96.0)
    assert months[1]["planned"] == 16  # 4 hamlets × 2 days × 2 items
