"""Keeping the daily rollups (``report_airtime_daily``, ``report_device_daily``) current.

Reports read closed days (before today, local time) from the rollups and reconcile today live.
``refresh`` runs before every report (and from ``loa report refresh`` or a recurring job); a report
that finds nothing to do (a read-only check) writes nothing. Otherwise:

1. days that closed since the last refresh are reconciled for every area;
2. late logs: every (area, day) that received as-run rows since the previous refresh — found
   through ``ix_asrun_received`` — is deleted and reconciled again from *all* its rows, so a
   late record is absorbed once and never added on top of an earlier count;
3. the state row remembers the closed day and the refresh time (the watermark).

The late-log scan starts ``OVERLAP`` before the previous watermark: a row stamped with its
receive time just before a refresh but committed just after it is still picked up next time.
Plans of closed days never change (the compiler only replaces today and later), and a device's
enrolment or revocation only moves the expected set from now on, so the rollup of a closed day
changes only through late logs.

Refreshes are serialized (PostgreSQL: an advisory transaction lock; SQLite: the first statement
is a write, which takes the single writer lock) and work in chunks of ``CHUNK_DAYS`` per
transaction, so SQLite writers (ingest) never wait long.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, DateTime, Engine, Table, bindparam, delete, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from playlists.model import LOCAL_TZ
from server.models.reports import COUNTERS, AirtimeRollup, DeviceRollup, RollupState
from server.services.areas import load_tree
from server.services.reports_sql import AREA_GRAIN, DEVICE_GRAIN, day_bounds, insert_rollups, prepare

log = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=15)
# A day closes this long after its last midnight: longer than the as-run grace (≤ 60 min) plus an
# item running past midnight, so a closed day never has an airing still pending.
CLOSE_AFTER = timedelta(hours=2)
CHUNK_DAYS = 7
AREA_CHUNK = 500
_PG_LOCK_KEY = 0x4C6F615270  # "LoaRp": serializes rollup refreshes across API replicas and the CLI
_DT = DateTime()
_STATE: Table = RollupState.__table__  # type: ignore[attr-defined]
_AIRTIME: Table = AirtimeRollup.__table__  # type: ignore[attr-defined]
_DEVICE: Table = DeviceRollup.__table__  # type: ignore[attr-defined]
_ROLLUPS = ((_AIRTIME, AREA_GRAIN), (_DEVICE, DEVICE_GRAIN))


@dataclass
class RefreshResult:
    days: int = 0  # newly closed days reconciled for every area
    late_partitions: int = 0  # (area, day) pairs reconciled again because late logs arrived
    seconds: float = 0.0
    closed_through: date | None = None


def _naive(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(tzinfo=None)


def _as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _as_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def _lock_and_read(conn: Connection, tz: ZoneInfo) -> tuple[date | None, datetime | None]:
    """Serialize refreshes, then read the state; rollups made in another time zone are dropped."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    # On SQLite this write is the first statement: it takes the single writer lock.
    conn.execute(insert(_STATE).values(id=1).on_conflict_do_nothing(index_elements=["id"]))
    closed, watermark, zone = conn.execute(
        select(_STATE.c.closed_through, _STATE.c.watermark, _STATE.c.timezone).where(_STATE.c.id == 1)).one()
    if zone is not None and zone != tz.key:
        log.warning("report rollups were made in %s, not %s: rebuilding them", zone, tz.key)
        for table, _grain in _ROLLUPS:
            conn.execute(delete(table))
        return None, None
    return (_as_date(closed) if closed is not None else None), _as_datetime(watermark)


def _first_day(conn: Connection, tz: ZoneInfo) -> date | None:
    """The earliest local day with a plan or an as-run record (a full rebuild starts there)."""
    firsts = [
        conn.execute(text("SELECT MIN(planned_start) FROM asrun")).scalar(),
        conn.execute(text("SELECT MIN(start) FROM planned_item")).scalar(),
    ]
    found = [d for d in (_as_datetime(f) for f in firsts) if d is not None]
    return min(found).astimezone(tz).date() if found else None


def _late_partitions(conn: Connection, tz: ZoneInfo, since: datetime, closed_through: date) -> dict[date, set[str]]:
    """The closed (area, local day) pairs that received as-run rows after ``since``. Items share
    their planned starts across an area's speakers, so even a big backlog is a few thousand pairs."""
    _lo, hi = day_bounds(closed_through, tz)
    rows = conn.execute(
        text("SELECT DISTINCT area_code, planned_start FROM asrun "
             "WHERE received_at > :since AND planned_start < :hi").bindparams(
            bindparam("since", type_=_DT), bindparam("hi", type_=_DT)),
        {"since": _naive(since), "hi": _naive(hi)},
    ).all()
    dirty: dict[date, set[str]] = defaultdict(set)
    for area, planned_start in rows:
        at = _as_datetime(planned_start)
        if at is not None:
            dirty[at.astimezone(tz).date()].add(area)
    return dirty


def _chunks(items: list[str], size: int = AREA_CHUNK) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _rebuild(conn: Connection, day: date, tz: ZoneInfo, areas: list[str], every_area: bool) -> None:
    for table, _grain in _ROLLUPS:
        rows = delete(table).where(table.c.span == "day", table.c.local_date == day)
        if every_area:
            conn.execute(rows)
        else:
            for chunk in _chunks(areas):
                conn.execute(rows.where(table.c.area_code.in_(chunk)))
    for chunk in _chunks(areas):
        insert_rollups(conn, day, tz, chunk)


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def _resum_month(conn: Connection, month: date, areas: list[str] | None) -> None:
    """Month rows = the sum of that month's day rows (of ``areas``, or of every area)."""
    for table, grain in _ROLLUPS:
        counters = [func.sum(table.c[c]) for c in COUNTERS]
        keys = [table.c[g] for g in grain]
        chunks: list[list[str] | None] = list(_chunks(areas)) if areas is not None else [None]
        for chunk in chunks:
            old = delete(table).where(table.c.span == "month", table.c.local_date == month)
            days = (select(literal("month"), literal(month), *keys, *counters)
                    .where(table.c.span == "day", table.c.local_date >= month, table.c.local_date < next_month(month))
                    .group_by(*keys))
            if chunk is not None:
                old = old.where(table.c.area_code.in_(chunk))
                days = days.where(table.c.area_code.in_(chunk))
            conn.execute(old)
            conn.execute(table.insert().from_select(["span", "local_date", *grain, *COUNTERS], days))


def _current(engine: Engine, tz: ZoneInfo, last_closed: date) -> date | None:
    """``closed_through`` when the rollups need no work (every closed day built, no late log since
    the watermark), read without a lock: a report then takes no write lock, which on SQLite would
    queue it behind every as-run ingest. None when a real refresh is needed."""
    with engine.connect() as conn:
        state = conn.execute(select(_STATE.c.closed_through, _STATE.c.watermark, _STATE.c.timezone)
                             .where(_STATE.c.id == 1)).first()
        if state is None or state.timezone != tz.key or state.closed_through is None or state.watermark is None:
            return None
        closed, watermark = _as_date(state.closed_through), _as_datetime(state.watermark)
        if closed < last_closed or watermark is None:
            return None
        _lo, hi = day_bounds(closed, tz)
        late = conn.execute(
            text("SELECT 1 FROM asrun WHERE received_at > :since AND planned_start < :hi LIMIT 1").bindparams(
                bindparam("since", type_=_DT), bindparam("hi", type_=_DT)),
            {"since": _naive(watermark - OVERLAP), "hi": _naive(hi)},
        ).first()
        return None if late is not None else closed


def refresh(engine: Engine, tz: ZoneInfo, now: datetime, *, force: bool = False) -> RefreshResult:
    """Bring the rollups up to ``now``: every day before today, with every log received so far.
    Without ``force`` nothing is written when nothing changed (the recurring job forces, so the
    watermark — where the late-log check starts — stays recent)."""
    started = time.perf_counter()
    result = RefreshResult()
    last_closed = (now - CLOSE_AFTER).astimezone(tz).date() - timedelta(days=1)
    if not force:
        result.closed_through = _current(engine, tz, last_closed)
        if result.closed_through is not None:
            result.seconds = time.perf_counter() - started
            return result
    all_areas = sorted(load_tree(engine).by_code)
    while True:
        with engine.begin() as conn:
            closed_through, watermark = _lock_and_read(conn, tz)
            prepare(conn)
            if closed_through is None:  # first refresh: rebuild from the first day with data
                first = _first_day(conn, tz)
                start = first if first is not None and first <= last_closed else last_closed + timedelta(days=1)
                closed_through = start - timedelta(days=1)
            dirty: dict[date, set[str]] = (
                _late_partitions(conn, tz, watermark - OVERLAP, closed_through) if watermark is not None else {}
            )
            new_days: list[date] = []
            day = closed_through + timedelta(days=1)
            while day <= last_closed and len(new_days) < CHUNK_DAYS:
                new_days.append(day)
                day += timedelta(days=1)
            months: dict[date, set[str] | None] = {}
            for day, areas in sorted(dirty.items()):
                _rebuild(conn, day, tz, sorted(areas), every_area=False)
                result.late_partitions += len(areas)
                touched = months.setdefault(month_of(day), set())
                if touched is not None:
                    touched.update(areas)
            for day in new_days:
                _rebuild(conn, day, tz, all_areas, every_area=True)
                months[month_of(day)] = None
            closed_through = max(closed_through, *new_days) if new_days else closed_through
            for month, month_areas in sorted(months.items()):
                # Month rows are read only for months that are entirely closed: sum each once, when
                # its last day closes (or when late logs change a closed month).
                if next_month(month) - timedelta(days=1) <= closed_through:
                    _resum_month(conn, month, sorted(month_areas) if month_areas is not None else None)
            result.days += len(new_days)
            conn.execute(update(_STATE).where(_STATE.c.id == 1).values(
                closed_through=closed_through, watermark=now, timezone=tz.key, refreshed_at=now))
        result.closed_through = closed_through
        if closed_through >= last_closed:
            break
    if result.days >= CHUNK_DAYS and engine.dialect.name == "postgresql":
        with engine.begin() as conn:  # fresh statistics after a bulk build (autovacuum may lag)
            conn.execute(text("ANALYZE report_airtime, report_device"))
    result.seconds = time.perf_counter() - started
    if result.days or result.late_partitions:
        log.info("report rollups refreshed: %d new day(s), %d late partition(s) in %.2fs",
                 result.days, result.late_partitions, result.seconds)
    return result


def refresh_job() -> None:
    """For a recurring APScheduler job (e.g. at 00:20 local): keeps the first report of a day fast."""
    from server.jobs import current_runtime

    runtime = current_runtime()
    if runtime is not None:
        refresh(runtime.engine, LOCAL_TZ, runtime.clock(), force=True)


def reset(engine: Engine) -> None:
    """Forget every rollup (the next refresh rebuilds from the first day with data)."""
    with engine.begin() as conn:
        for table in (_AIRTIME, _DEVICE, _STATE):
            conn.execute(delete(table))
