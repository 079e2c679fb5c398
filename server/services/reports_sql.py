"""The reconciliation of one local day, in SQL (SQLite and PostgreSQL).

For each area of the day, every *expected airing* — a planned audio item (``planned_item``) times
a speaker of that area enrolled at its start (``created_at <= start < revoked_at``), plus any
device that logged a record for the item — gets exactly one outcome:

* records match a plan on (area, planned start, bulletin); a device's several records for the
  same plan count once, with the **best** outcome (played > interrupted > failed > missed, then
  the most airtime, then the earliest stored) — its airtime is that record's ``aired_ms``;
* no record at all: **missed / offline** (the device never reported it).

Each record's outcome is recomputed from its fields (DESIGN.md §3), never taken on trust:

* **played** when it started (``actual_start``) within ±2 s of ``planned_start`` and aired at least
  95 % of ``duration_ms``. A later start still counts when it is a *resume*: the same device aired
  an emergency between the planned start and the actual start (the item was displaced by an alert
  and replayed), or the item is itself an emergency (alerts air as soon as a device learns them);
* otherwise a record the device called ``played`` or ``interrupted`` is **interrupted** (its
  airtime still counts), and ``missed``/``failed`` stay as reported, with their reason.

Records that match no plan (emergency alerts, items whose plan changed) are kept as unplanned
facts: they add airtime but never planned/played counts. Boards and relays are not part of the
audit (``kind = 'audio'`` only).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, Connection, Date, DateTime, TextClause, bindparam, text

# How far back to look for the emergency that displaced an item (alerts last minutes).
RESUME_LOOKBACK = timedelta(hours=6)

AREA_GRAIN = ("area_code", "bulletin_id", "category", "priority", "outcome", "reason", "planned")
DEVICE_GRAIN = ("device_id", "area_code", "outcome", "reason", "planned")
FULL_GRAIN = ("device_id", "area_code", "bulletin_id", "category", "priority", "outcome", "reason", "planned")

_FACTS = """
WITH plan AS (
    SELECT p.id AS plan_id, p.area_code, p.start, p.bulletin_id,
           COALESCE(p.category, 'other') AS category, COALESCE(p.priority, 'normal') AS priority
    FROM planned_item p
    WHERE p.kind = 'audio' AND p.area_code IN :areas
      AND p.start >= :lo AND p.start < :hi AND p.start < :cutoff
),
recs AS (
    SELECT a.id, a.device_id, a.area_code, a.bulletin_id, a.planned_start, a.aired_ms,
           COALESCE(a.category, 'other') AS category, COALESCE(a.priority, 'normal') AS priority,
           CASE
             WHEN a.actual_start IS NOT NULL AND a.aired_ms * 100 >= a.duration_ms * 95
              AND (ABS({start_delay_ms}) <= 2000 OR a.priority = 'emergency' OR EXISTS (
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
           COALESCE(m.cls, 'missed') AS outcome,
           CASE WHEN m.id IS NULL THEN 'offline' WHEN m.cls = 'played' THEN NULL ELSE m.reason END AS reason,
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


def _params(day: date, tz: ZoneInfo, areas: Sequence[str], cutoff: datetime | None) -> dict[str, Any]:
    lo, hi = day_bounds(day, tz)
    return {
        "day": day, "areas": list(areas), "lo": _utc_naive(lo), "hi": _utc_naive(hi),
        "cutoff": _utc_naive(cutoff or hi), "lookback": _utc_naive(lo - RESUME_LOOKBACK),
    }


def _statement(sql: str) -> TextClause:
    # Typed parameters: SQLite stores datetimes and dates as text in SQLAlchemy's own format.
    typed: list[BindParameter[Any]] = [bindparam("areas", expanding=True)]
    if ":day" in sql:
        typed.append(bindparam("day", type_=Date()))
    typed.extend(bindparam(name, type_=DateTime()) for name in ("lo", "hi", "cutoff", "lookback"))
    return text(sql).bindparams(*typed)


def _facts_sql(dialect: str, tail: str) -> str:
    # Only fixed identifiers are spliced in (this module's constants); values are bound.
    return _FACTS.format(start_delay_ms=_start_delay_ms(dialect)) + tail


_AREA_COLS, _DEVICE_COLS, _FULL_COLS = (", ".join(g) for g in (AREA_GRAIN, DEVICE_GRAIN, FULL_GRAIN))
_INSERT_AREA = (
    f"INSERT INTO report_airtime_daily (local_date, {_AREA_COLS}, n, aired_ms) "  # noqa: S608
    f"SELECT :day, {_AREA_COLS}, COUNT(*), SUM(aired_ms) FROM facts GROUP BY {_AREA_COLS}"
)
_INSERT_DEVICE = (
    f"INSERT INTO report_device_daily (local_date, {_DEVICE_COLS}, n, aired_ms) "  # noqa: S608
    f"SELECT :day, {_DEVICE_COLS}, COUNT(*), SUM(aired_ms) FROM facts GROUP BY {_DEVICE_COLS}"
)
_SELECT_FULL = f"SELECT {_FULL_COLS}, COUNT(*) AS n, SUM(aired_ms) AS aired_ms FROM facts GROUP BY {_FULL_COLS}"  # noqa: S608


def insert_rollups(conn: Connection, day: date, tz: ZoneInfo, areas: Sequence[str]) -> None:
    """Reconcile ``day`` for ``areas`` into both rollup tables (the caller deleted the old rows)."""
    if not areas:
        return
    params = _params(day, tz, areas, None)
    for tail in (_INSERT_AREA, _INSERT_DEVICE):
        conn.execute(_statement(_facts_sql(conn.dialect.name, tail)), params)


def live_facts(conn: Connection, day: date, tz: ZoneInfo, areas: Sequence[str],
               cutoff: datetime) -> list[dict[str, Any]]:
    """The same reconciliation for a day that is still open, without storing it.

    Plans starting at or after ``cutoff`` (the report's as-of time) are not due yet.
    """
    if not areas:
        return []
    params = _params(day, tz, areas, cutoff)
    del params["day"]
    rows = conn.execute(_statement(_facts_sql(conn.dialect.name, _SELECT_FULL)), params).mappings().all()
    return [{**row, "local_date": day, "planned": bool(row["planned"])} for row in rows]
