"""The rollups behind the report: month and day rows, live days, time zones, concurrency of refreshes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, Engine, func, select
from sqlmodel import Session

from server.db import get_engine
from server.models.reports import COUNTERS, AirtimeRollup, DeviceRollup, RollupState
from server.services import areas as area_service
from server.services import reports_rollup
from server.services.areas import load_tree
from server.services.reports import airtime_series
from server.services.reports_query import DeviceInfo, Spans, spans, uptime
from server.services.reports_sql import FULL_GRAIN, LIVE, clear_live, fill_live, live_facts
from server.settings import Settings
from tests.server.test_reports import NOW, TZ, Seeded, figures, insert, local, report, seed_month


@pytest.fixture
def seeded(any_settings: Settings) -> Iterator[tuple[Engine, Seeded]]:
    engine = get_engine(any_settings.db_url)
    ids = seed_month(engine)
    yield engine, ids
    area_service.invalidate(engine)


def test_spans_use_whole_months_and_days_at_the_edges() -> None:
    d = date
    assert spans(d(2025, 6, 1), d(2025, 6, 30)) == Spans((d(2025, 6, 1),), ())
    assert spans(d(2025, 5, 20), d(2025, 8, 3)) == Spans(
        (d(2025, 6, 1), d(2025, 7, 1)), ((d(2025, 5, 20), d(2025, 5, 31)), (d(2025, 8, 1), d(2025, 8, 3))))
    assert spans(d(2025, 6, 2), d(2025, 6, 30)) == Spans((), ((d(2025, 6, 2), d(2025, 6, 30)),))
    assert spans(d(2024, 2, 1), d(2024, 2, 29)) == Spans((d(2024, 2, 1),), ())  # leap February
    assert spans(d(2025, 6, 2), d(2025, 6, 1)).empty
    assert spans(d(2025, 6, 1), d(2025, 7, 31), by_day=True) == Spans((), ((d(2025, 6, 1), d(2025, 7, 31)),))


@pytest.mark.parametrize(("start", "end"), [
    (date(2025, 6, 10), date(2025, 7, 2)),  # days of June, days of July
    (date(2025, 6, 1), date(2025, 7, 2)),  # the June month row, days of July
    (date(2025, 5, 30), date(2025, 6, 30)),  # empty May days, the June month row
])
def test_month_rows_day_rows_and_the_daily_series_agree(seeded: tuple[Engine, Seeded], start: date,
                                                         end: date) -> None:
    engine, _ids = seeded
    rep = report(engine, period=(start, end))
    points = airtime_series(engine, load_tree(engine), TZ, "P01", start, end, NOW)["points"]
    sums = tuple(sum(p[k] for p in points) for k in ("planned", "played", "interrupted", "missed", "failed"))
    assert figures(rep["totals"])[:5] == sums
    assert rep["totals"]["airtime_seconds"] == round(sum(p["airtime_seconds"] for p in points), 3)
    with Session(engine) as session:  # June is closed, so it has its month row
        months = session.execute(select(func.count()).select_from(AirtimeRollup)
                                 .where(AirtimeRollup.span == "month", AirtimeRollup.local_date == date(2025, 6, 1)))
        assert months.scalar_one() > 0


def test_a_new_time_zone_rebuilds_the_rollups(seeded: tuple[Engine, Seeded]) -> None:
    engine, _ids = seeded
    tree = load_tree(engine)
    first = airtime_series(engine, tree, TZ, "P01", date(2025, 6, 1), date(2025, 6, 1), NOW)["points"][0]
    assert first["planned"] == 8  # 06:00 and 17:00 local, four hamlets
    utc = airtime_series(engine, tree, ZoneInfo("UTC"), "P01", date(2025, 6, 1), date(2025, 6, 1), NOW)["points"][0]
    assert utc["planned"] == 8  # 17:00 local on 1 June (10:00 UTC) and 06:00 local on 2 June (23:00 UTC)
    may31 = airtime_series(engine, tree, ZoneInfo("UTC"), "P01", date(2025, 5, 31), date(2025, 5, 31), NOW)
    assert may31["points"][0]["planned"] == 4  # 1 June 06:00 local is 31 May 23:00 UTC
    assert figures(report(engine)["totals"]) == (250, 240, 3, 6, 1, 14866.0, 96.0)  # and back


def test_concurrent_refreshes_never_double_count(seeded: tuple[Engine, Seeded]) -> None:
    engine, _ids = seeded
    errors: list[BaseException] = []

    def refresh() -> None:
        try:
            reports_rollup.refresh(engine, TZ, NOW)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=refresh) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert figures(report(engine)["totals"]) == (250, 240, 3, 6, 1, 14866.0, 96.0)


def test_uptime_clips_outages_to_the_period_and_enrolment() -> None:
    lo, hi = datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 6, 2, tzinfo=UTC)
    hour = timedelta(hours=1)
    info = DeviceInfo("d", "speaker", "A", "", lo - 5 * hour, None,
                      [(lo - 2 * hour, lo + hour), (lo + 10 * hour, None)])  # the second never ended
    assert uptime(info, lo, hi) == (86400.0, 3600.0 + 14 * 3600.0, 2)
    late = DeviceInfo("d", "speaker", "A", "", lo + 12 * hour, lo + 18 * hour, [(lo + 10 * hour, lo + 13 * hour)])
    assert uptime(late, lo, hi) == (6 * 3600.0, 3600.0, 1)
    assert uptime(DeviceInfo("d", "speaker", "A", "", hi, None, []), lo, hi) == (0.0, 0.0, 0)


def test_a_speaker_enrolled_today_is_expected_only_from_its_enrolment(seeded: tuple[Engine, Seeded]) -> None:
    """30 June is "today" (live): loa-a3 style enrolment boundaries hold there too."""
    engine, _ids = seeded
    from server.models.devices import Device

    with Session(engine) as session:
        session.add(Device(id="loa-new", kind="speaker", area_code="W001-T02", name="", password_hash="x",
                           created_at=local(date(2025, 6, 30), 12)))
        session.commit()
    rep = report(engine, period=(date(2025, 6, 30), date(2025, 6, 30)), now=local(date(2025, 6, 30), 23))
    devices = {r["device_id"]: r for r in rep["rows"] if r["group"] == "device"}
    assert figures(devices["loa-new"])[:4] == (1, 0, 0, 1)  # the 17:00 item, never reported
    assert devices["loa-new"]["reasons"]["offline"] == 1


def _sums(conn: Connection, columns: list[Any], source: Any, *where: Any) -> dict[tuple[Any, ...], list[int]]:
    counters = [func.sum(source.c[c]) for c in COUNTERS]
    rows = conn.execute(select(*columns, *counters).where(*where).group_by(*columns))
    return {tuple(r[:len(columns)]): [int(v) for v in r[len(columns):]] for r in rows}


def test_a_day_reconciled_live_in_sql_equals_its_rollup_and_the_python_rows(seeded: tuple[Engine, Seeded]) -> None:
    """The report sums open days from the ``LIVE`` temp table: for closed days (cutoff after their
    end) it holds exactly what the rollup stored; for today it equals ``live_facts`` row for row."""
    engine, _ids = seeded
    reports_rollup.refresh(engine, TZ, NOW)
    codes = sorted(load_tree(engine).by_code)
    airtime, device = AirtimeRollup.__table__, DeviceRollup.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn, conn.begin():
        for day in (date(2025, 6, 3), date(2025, 6, 24), date(2025, 7, 2)):
            after = datetime.combine(day + timedelta(days=3), datetime.min.time(), tzinfo=TZ)
            clear_live(conn)
            fill_live(conn, day, TZ, codes, after)
            grain = ["area_code", "bulletin_id", "category", "priority"]
            live = _sums(conn, [LIVE.c[g] for g in grain], LIVE)
            assert live and live == _sums(conn, [airtime.c[g] for g in grain], airtime,
                                          airtime.c.span == "day", airtime.c.local_date == day)
            devices = _sums(conn, [LIVE.c.device_id, LIVE.c.area_code], LIVE)
            assert devices == _sums(conn, [device.c.device_id, device.c.area_code], device,
                                    device.c.span == "day", device.c.local_date == day)
        day, cutoff, grace = date(2025, 7, 2), datetime(2025, 7, 2, 6, 30, tzinfo=TZ), timedelta(hours=1)
        clear_live(conn)
        fill_live(conn, day, TZ, codes, cutoff, grace)
        stored = _sums(conn, [LIVE.c[g] for g in (*FULL_GRAIN, "local_date")], LIVE)
        rows = live_facts(conn, day, TZ, codes, cutoff, grace)
        assert stored and stored == {tuple(r[g] for g in (*FULL_GRAIN, "local_date")): [int(r[c]) for c in COUNTERS]
                                     for r in rows}
        upcoming, played = COUNTERS.index("upcoming"), COUNTERS.index("played")
        assert any(v[upcoming] for v in stored.values()) and any(v[played] for v in stored.values())  # open day


def _refreshed_at(engine: Engine) -> datetime | None:
    with Session(engine) as session:
        state = session.get(RollupState, 1)
        return state.refreshed_at if state is not None else None


def test_a_report_with_nothing_to_refresh_writes_nothing_but_late_logs_still_refresh(
    seeded: tuple[Engine, Seeded],
) -> None:
    engine, ids = seeded
    first = reports_rollup.refresh(engine, TZ, NOW)
    assert first.days > 0 and _refreshed_at(engine) == NOW
    again = reports_rollup.refresh(engine, TZ, NOW + timedelta(minutes=5))
    assert (again.days, again.late_partitions, again.closed_through) == (0, 0, first.closed_through)
    assert _refreshed_at(engine) == NOW  # read-only: no write lock taken, nothing stored
    assert insert(engine, ids.late_record()) == 1  # a log for 29 June, received after the watermark
    late = reports_rollup.refresh(engine, TZ, NOW + timedelta(minutes=10))
    assert late.late_partitions == 1 and _refreshed_at(engine) == NOW + timedelta(minutes=10)
    forced = reports_rollup.refresh(engine, TZ, NOW + timedelta(minutes=15), force=True)  # the recurring job
    assert forced.closed_through == first.closed_through and _refreshed_at(engine) == NOW + timedelta(minutes=15)
    assert figures(report(engine, now=NOW + timedelta(minutes=20))["totals"])[:2] == (250, 241)  # absorbed once
