"""The reconciliation of one local day, in SQL (SQLite and PostgreSQL).

For each area of the day, every *expected airing* — a planned audio item (``planned_item``) times
a speaker of that area enrolled at its start (``created_at <= start < revoked_at``), plus any
device that logged a record for the item — gets exactly one outcome:

* records match a plan on (area, planned start, bulletin); a device's several records for the
  same plan count once, with the **best** outcome (played > interrupted > failed > missed, then
  the most airtime, then the earliest stored) — its airtime is that record's ``aired_ms``;
* no record at all: **upcoming** when the plan starts at or after the report's as-of time,
  **pending** when it started but its end + ``LOA_ASRUN_GRACE_MINUTES`` is still ahead (the log
  may be on its way), else **missed / offline** (the device never reported it). Upcoming airings
  are not counted in ``planned``; pending ones are, but stay out of the compliance denominator.

Each record's outcome is recomputed from its fields (DESIGN.md §3, ``devices.played``: the rule the
devices apply too), never taken on trust:

* **played** when it started (``actual_start``) within ±2 s of ``planned_start`` and aired at least
  95 % of ``duration_ms``. A later start still counts when it is a *resume*: the same device aired
  an emergency between the planned start and the actual start (the item was displaced by an alert
  and replayed), or the item is itself an emergency (alerts air as soon as a device learns them);
* otherwise a record the device called ``played`` or ``interrupted`` is **interrupted** (its
  airtime still counts), and ``missed``/``failed`` stay as reported, with their reason.

Records that match no plan (emergency alerts, items whose plan changed) are kept as unplanned
facts: they add airtime but never planned/played counts. Boards and relays are not part of the
audit (``kind = 'audio'`` only).

The expected speakers of an area are the ones assigned to it *now* (plus any that logged a record
there that day): a closed day is reconciled once, the day after, so later moves do not rewrite it.
Plans come from ``planned_item`` (the compiler keeps past days); a day with plans but no as-run
row at all is still reconciled (every airing missed/offline).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    BindParameter,
    Column,
    Connection,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    TextClause,
    bindparam,
    text,
)

from devices.played import PLAYED_PERCENT, START_TOLERANCE_S
from server.models.reports import COUNTERS

# How far back to look for the emergency that displaced an item (alerts last minutes).
RESUME_LOOKBACK = timedelta(hours=6)

FULL_GRAIN = ("device_id", "area_code", "bulletin_id", "category", "priority")
AREA_GRAIN = ("area_code", "bulletin_id", "category", "priority")
DEVICE_GRAIN = ("device_id", "area_code")
FACTS_TABLE = "report_facts_tmp"
LIVE_TABLE = "report_live_tmp"
# The open days' facts of one report, per connection (a temporary table, never migrated): reports
# sum them in SQL with the rollups instead of carrying every device's row into Python.
LIVE: Table = Table(
    LIVE_TABLE, MetaData(), Column("device_id", String(64)), Column("area_code", String(64)),
    Column("bulletin_id", Integer), Column("category", String(16)), Column("priority", String(16)),
    Column("local_date", Date), *(Column(c, BigInteger) for c in COUNTERS),
)

_FACTS = """
WITH plan AS (
    SELECT p.id AS plan_id, p.area_code, p.start, p.bulletin_id,
           COALESCE(p.category, 'other') AS category, COALESCE(p.priority, 'normal') AS priority,
           CASE WHEN p.start >= :cutoff THEN 'upcoming'
                WHEN {ends_after_grace} THEN 'pending' END AS due
    FROM planned_item p
    WHERE p.kind = 'audio' AND p.area_code IN :areas
      AND p.start >= :lo AND p.start < :hi
),
recs AS (
    SELECT a.id, a.device_id, a.area_code, a.bulletin_id, a.planned_start, a.aired_ms,
           COALESCE(a.category, 'other') AS category, COALESCE(a.priority, 'normal') AS priority,
           CASE
             WHEN a.actual_start IS NOT NULL AND a.aired_ms * 100 >= a.duration_ms * {played_percent}
              AND (ABS({start_delay_ms}) <= {tolerance_ms} OR a.priority = 'emergency' OR EXISTS (
                    SELECT 1 FROM asrun e
                    WHERE e.device_id = a.device_id AND e.planned_start >= :lookback
                      AND e.planned_start <= a.actual_start AND e.priority = 'emergency'
                      AND e.kind = 'audio' AND e.id <> a.id
                      AND e.actual_start <= a.actual_start AND e.actual_end >= a.planned_start))
             THEN 'played'
             WHEN a.outcome IN ('played', 'interrupted') THEN 'interrupted'
             ELSE a.outcome
           END AS cls,
           a.reason
    FROM asrun a
    WHERE a.kind = 'audio' AND a.area_code IN :areas AND a.planned_start >= :lo AND a.planned_start < :hi
      AND a.planned_start < :cutoff
),
matched AS (
    SELECT r.id, r.device_id, r.cls, r.reason, r.aired_ms, p.plan_id,
           ROW_NUMBER() OVER (
               PARTITION BY p.plan_id, r.device_id
               ORDER BY CASE r.cls WHEN 'played' THEN 4 WHEN 'interrupted' THEN 3 WHEN 'failed' THEN 2 ELSE 1 END DESC,
                        r.aired_ms DESC, r.id
           ) AS rn
    FROM recs r
    JOIN plan p ON p.area_code = r.area_code AND p.start = r.planned_start AND p.bulletin_id = r.bulletin_id
),
expected AS (
    SELECT p.plan_id, d.id AS device_id
    FROM plan p JOIN device d ON d.area_code = p.area_code
    WHERE d.kind = 'speaker' AND d.created_at <= p.start AND (d.revoked_at IS NULL OR d.revoked_at > p.start)
    UNION
    SELECT m.plan_id, m.device_id FROM matched m
),
facts AS (
    SELECT e.device_id, p.area_code, p.bulletin_id, p.category, p.priority, TRUE AS planned,
           COALESCE(m.cls, p.due, 'missed') AS outcome,
           CASE WHEN m.id IS NULL AND p.due IS NULL THEN 'offline' WHEN m.id IS NULL OR m.cls = 'played' THEN NULL
                ELSE m.reason END AS reason,
           COALESCE(m.aired_ms, 0) AS aired_ms
    FROM expected e
    JOIN plan p ON p.plan_id = e.plan_id
    LEFT JOIN matched m ON m.plan_id = e.plan_id AND m.device_id = e.device_id AND m.rn = 1
    UNION ALL
    SELECT r.device_id, r.area_code, r.bulletin_id, r.category, r.priority, FALSE AS planned, r.cls,
           CASE WHEN r.cls = 'played' THEN NULL ELSE r.reason END, r.aired_ms
    FROM recs r
    WHERE NOT EXISTS (SELECT 1 FROM matched m WHERE m.id = r.id)
)
"""


def _ends_after_grace(dialect: str) -> str:
    """The plan's end is after ``:grace_from`` (= as-of − grace): its log may still be on its way."""
    if dialect == "postgresql":
        return "p.start + p.duration_ms * INTERVAL '1 millisecond' > :grace_from"
    return "(julianday(p.start) - julianday(:grace_from)) * 86400000.0 + p.duration_ms > 0"


def _start_delay_ms(dialect: str) -> str:
    if dialect == "postgresql":
        return "ROUND(EXTRACT(EPOCH FROM (a.actual_start - a.planned_start)) * 1000)"
    # SQLite keeps datetimes as text; julianday() is precise to well under a millisecond today.
    return "ROUND((julianday(a.actual_start) - julianday(a.planned_start)) * 86400000.0)"


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where local ``day`` starts and the next one starts."""
    lo = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    hi = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return lo, hi


def _utc_naive(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(tzinfo=None)


def _params(day: date, tz: ZoneInfo, areas: Sequence[str], cutoff: datetime | None,
            grace: timedelta = timedelta(0)) -> dict[str, Any]:
    """``cutoff`` None: a closed day, everything due and final (nothing upcoming or pending)."""
    lo, hi = day_bounds(day, tz)
    grace_from = cutoff - grace if cutoff is not None else hi + timedelta(days=2)
    return {
        "areas": list(areas), "lo": _utc_naive(lo), "hi": _utc_naive(hi),
        "cutoff": _utc_naive(cutoff or hi), "lookback": _utc_naive(lo - RESUME_LOOKBACK),
        "grace_from": _utc_naive(grace_from),
    }


def _statement(sql: str) -> TextClause:
    # Typed parameters: SQLite stores datetimes and dates as text in SQLAlchemy's own format.
    typed: list[BindParameter[Any]] = [bindparam("areas", expanding=True)]
    typed.extend(bindparam(name, type_=DateTime()) for name in ("lo", "hi", "cutoff", "lookback", "grace_from"))
    return text(sql).bindparams(*typed)


def _pivot() -> str:
    """The facts summed into the rollups' counters (models.reports.COUNTERS)."""
    cols = ["SUM(CASE WHEN planned AND outcome <> 'upcoming' THEN 1 ELSE 0 END) AS planned"]
    cols += [f"SUM(CASE WHEN planned AND outcome = '{o}' THEN 1 ELSE 0 END) AS {o}"
             for o in ("played", "interrupted", "missed", "failed")]
    cols += [f"SUM(CASE WHEN planned AND outcome <> 'played' AND reason = '{r}' THEN 1 ELSE 0 END) AS {r}"
             for r in ("offline", "media_failed", "preempted", "expired")]
    cols += ["SUM(CASE WHEN planned THEN 0 ELSE 1 END) AS unplanned", "SUM(aired_ms) AS aired_ms"]
    cols += [f"SUM(CASE WHEN planned AND outcome = '{o}' THEN 1 ELSE 0 END) AS {o}" for o in ("upcoming", "pending")]
    return ", ".join(cols)


def _sums() -> str:
    return ", ".join(f"SUM({c})" for c in COUNTERS)


# Only fixed identifiers (this module's constants) are spliced into SQL; every value is bound.
_FULL, _AREA, _DEVICE, _COUNTS = (", ".join(g) for g in (FULL_GRAIN, AREA_GRAIN, DEVICE_GRAIN, COUNTERS))
_SELECT_FULL = f"SELECT {_FULL}, {_pivot()} FROM facts GROUP BY {_FULL}"  # noqa: S608
_CREATE_TMP = (
    f"CREATE TEMP TABLE IF NOT EXISTS {FACTS_TABLE} (device_id VARCHAR(64), area_code VARCHAR(64), "
    "bulletin_id INTEGER, category VARCHAR(16), priority VARCHAR(16), "
    + ", ".join(f"{c} BIGINT" for c in COUNTERS) + ")"
)
_FILL_TMP = f"INSERT INTO {FACTS_TABLE} ({_FULL}, {_COUNTS}) " + _SELECT_FULL
_CREATE_LIVE = (
    f"CREATE TEMP TABLE IF NOT EXISTS {LIVE_TABLE} (device_id VARCHAR(64), area_code VARCHAR(64), "
    "bulletin_id INTEGER, category VARCHAR(16), priority VARCHAR(16), local_date DATE, "
    + ", ".join(f"{c} BIGINT" for c in COUNTERS) + ")"
)
_FILL_LIVE = (
    f"INSERT INTO {LIVE_TABLE} ({_FULL}, {_COUNTS}, local_date) "  # noqa: S608
    f"SELECT {_FULL}, {_pivot()}, :day FROM facts GROUP BY {_FULL}"
)
_TMP_TO_AREA = (
    f"INSERT INTO report_airtime (span, local_date, {_AREA}, {_COUNTS}) "  # noqa: S608
    f"SELECT 'day', :day, {_AREA}, {_sums()} FROM {FACTS_TABLE} GROUP BY {_AREA}"
)
_TMP_TO_DEVICE = (
    f"INSERT INTO report_device (span, local_date, {_DEVICE}, {_COUNTS}) "  # noqa: S608
    f"SELECT 'day', :day, {_DEVICE}, {_sums()} FROM {FACTS_TABLE} GROUP BY {_DEVICE}"
)


def _facts_sql(dialect: str, tail: str) -> str:
    return _FACTS.format(
        start_delay_ms=_start_delay_ms(dialect), ends_after_grace=_ends_after_grace(dialect),
        played_percent=PLAYED_PERCENT, tolerance_ms=START_TOLERANCE_S * 1000,  # devices.played: one rule
    ) + tail


def prepare(conn: Connection) -> None:
    """Per transaction: the scratch table for a day's facts; no JIT on PostgreSQL (these queries'
    estimated cost triggers it, and compiling took 2 of 2.5 s per day for a province)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL jit = off"))
    conn.execute(text(_CREATE_TMP))


def insert_rollups(conn: Connection, day: date, tz: ZoneInfo, areas: Sequence[str]) -> None:
    """Reconcile ``day`` for ``areas`` into the day rows of both rollups (the caller deleted the
    old ones and called ``prepare``). The facts are computed once, into a temporary table."""
    if not areas:
        return
    conn.execute(text(f"DELETE FROM {FACTS_TABLE}"))  # noqa: S608
    params = _params(day, tz, areas, None)
    conn.execute(_statement(_facts_sql(conn.dialect.name, _FILL_TMP)), params)
    for stmt in (_TMP_TO_AREA, _TMP_TO_DEVICE):
        conn.execute(text(stmt).bindparams(bindparam("day", type_=Date())), {"day": day})


def clear_live(conn: Connection) -> None:
    """An empty ``LIVE`` table on this connection, for the report about to fill it."""
    conn.execute(text(_CREATE_LIVE))
    conn.execute(text(f"DELETE FROM {LIVE_TABLE}"))  # noqa: S608


def fill_live(conn: Connection, day: date, tz: ZoneInfo, areas: Sequence[str], cutoff: datetime,
              grace: timedelta = timedelta(0)) -> None:
    """``live_facts`` of ``day`` for ``areas``, stored in ``LIVE`` (after ``clear_live``)."""
    if not areas:
        return
    params = _params(day, tz, areas, cutoff, grace) | {"day": day}
    statement = _statement(_facts_sql(conn.dialect.name, _FILL_LIVE)).bindparams(bindparam("day", type_=Date()))
    conn.execute(statement, params)


def live_facts(conn: Connection, day: date, tz: ZoneInfo, areas: Sequence[str],
               cutoff: datetime, grace: timedelta = timedelta(0)) -> list[dict[str, Any]]:
    """The same reconciliation for a day that is still open, without storing it: one row per
    device, area, bulletin, category and priority, with the counters.

    Plans starting at or after ``cutoff`` — the report's as-of time — count as ``upcoming``;
    plans without a record whose end + ``grace`` is still ahead count as ``pending``: neither
    is missed nor in ``planned`` (upcoming) or the compliance denominator (both).
    """
    if not areas:
        return []
    params = _params(day, tz, areas, cutoff, grace)
    rows = conn.execute(_statement(_facts_sql(conn.dialect.name, _SELECT_FULL)), params).mappings().all()
    return [{**row, "local_date": day} for row in rows]
