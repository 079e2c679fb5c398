"""The airtime audit (`loa report airtime`, ``GET /api/v1/reports/airtime``).

A report answers, for an area subtree and an inclusive local period: what was planned, what was
played, interrupted, missed or failed (and why), how much airtime went where, and which devices
were down. How airings are reconciled is in ``reports_sql``; how closed days are rolled up and
late logs absorbed is in ``reports_rollup``. JSON shape (DESIGN.md §5)::

    {"area", "area_name", "from", "to", "as_of", "timezone",
     "totals": {planned, played, interrupted, missed, failed, upcoming, pending, airtime_seconds,
                compliance, reasons},
     "rows": [{"group": "area" | "device" | "bulletin" | "category" | "priority", <identity>,
               <the same keys as totals>}, ...],
     "outages": [{device_id, area_code, started_at, ended_at, seconds}, ...]}

``planned`` counts due airings (started by ``as_of``); ``upcoming`` those not started yet;
``pending`` due ones whose log has not arrived while their end + LOA_ASRUN_GRACE_MINUTES is ahead
(never missed). ``compliance`` is played / (planned − pending) in percent (2 decimals; null when
nothing is settled);
``airtime_seconds`` is every second of bulletin audio aired (planned or not, e.g. emergencies).
Retired areas (communes merged on 1 July 2025) keep their own rows and names and also count in
their successor's rows, so totals never count a fact twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Table
from sqlmodel import Session

from server.models.bulletins import CATEGORY_LABELS_VI, Category, Priority
from server.models.reports import COUNTERS, AirtimeRollup, DeviceRollup
from server.services import reports_rollup
from server.services.areas import AreaTree
from server.services.reports_query import (
    Scope,
    Tally,
    add,
    bulletin_titles,
    devices_in,
    dimension,
    live_days,
    load_outages,
    period_bounds,
    scope_of,
    spans,
    uptime,
)

REASONS = ("offline", "media_failed", "preempted", "expired")
DEFAULT_GRACE = timedelta(minutes=15)  # LOA_ASRUN_GRACE_MINUTES
AIRTIME_TABLE: Table = AirtimeRollup.__table__  # type: ignore[attr-defined]
DEVICE_TABLE: Table = DeviceRollup.__table__  # type: ignore[attr-defined]
_ZERO = [0] * len(COUNTERS)


def metrics(values: Sequence[int]) -> dict[str, Any]:
    """The contract's figures (DESIGN.md §5) from a counters list (COUNTERS order).

    ``planned`` counts due airings (``upcoming`` ones are not due yet); ``compliance`` is played
    over the due airings whose outcome is known, i.e. ``planned − pending``."""
    c = dict(zip(COUNTERS, values, strict=True))
    settled = c["planned"] - c["pending"]
    return {
        "planned": c["planned"], "played": c["played"], "interrupted": c["interrupted"], "missed": c["missed"],
        "failed": c["failed"], "upcoming": c["upcoming"], "pending": c["pending"],
        "airtime_seconds": round(c["aired_ms"] / 1000, 3),
        "compliance": round(100 * c["played"] / settled, 2) if settled > 0 else None,
        "reasons": {r: c[r] for r in REASONS},
    }


def iso_utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Inputs:
    areas: Tally  # (area_code,)
    bulletins: Tally  # (bulletin_id, category, priority)
    devices: Tally  # (device_id,)
    days: Tally  # (local_date,)


def _inputs(engine: Engine, tz: ZoneInfo, scope: Scope, start: date, end: date, now: datetime,
            *, detail: bool, days: bool, grace: timedelta = DEFAULT_GRACE) -> Inputs:
    refreshed = reports_rollup.refresh(engine, tz, now)
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        if engine.dialect.name == "postgresql":  # one snapshot for every query; sorts in memory, no JIT
            conn.exec_driver_sql("SET LOCAL jit = off")
            conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")
        rolled_until, live = live_days(conn, tz, scope.codes, start, end, refreshed.closed_through, now,
                                         grace)
        covered, codes = spans(start, rolled_until), scope.codes
        inputs = Inputs(dimension(conn, AIRTIME_TABLE, ("area_code",), codes, covered, live), {}, {}, {})
        if detail:
            inputs.bulletins = dimension(conn, AIRTIME_TABLE, ("bulletin_id", "category", "priority"), codes,
                                         covered, live)
            inputs.devices = dimension(conn, DEVICE_TABLE, ("device_id",), codes, covered, live)
        if days:
            inputs.days = dimension(conn, AIRTIME_TABLE, ("local_date",), codes,
                                    spans(start, rolled_until, by_day=True), live)
    return inputs


def _area_order(tree: AreaTree, scope: Scope) -> list[str]:
    """Depth first from the root; a retired area sits under its successor (after the current ones)."""
    kids: dict[str, list[str]] = defaultdict(list)
    for code in scope.targets:
        info = tree.by_code[code]
        home = info.successor_code if info.retired and info.successor_code in scope.targets else info.parent_code
        if code != scope.root and home is not None:
            kids[home].append(code)
    order: list[str] = []
    seen: set[str] = set()
    stack = [scope.root]
    while stack:
        code = stack.pop()
        if code in seen:
            continue
        seen.add(code)
        order.append(code)
        children = sorted(kids.get(code, ()), key=lambda c: (tree.by_code[c].retired, c))
        stack.extend(reversed(children))
    return order + sorted(set(scope.targets) - seen)


def _area_rows(tree: AreaTree, scope: Scope, facts: Tally) -> tuple[list[dict[str, Any]], list[int]]:
    per_area: Tally = {(code,): list(_ZERO) for code in scope.targets}
    total = list(_ZERO)
    for (area_code,), values in facts.items():
        total = [a + b for a, b in zip(total, values, strict=True)]
        for target in scope.targets.get(area_code, ()):
            add(per_area, (target,), values)
    rows = []
    for code in _area_order(tree, scope):
        info = tree.by_code[code]
        rows.append({
            "group": "area", "code": code, "name": info.name, "area_level": info.level,
            "parent_code": info.parent_code, "retired": info.retired,
            "successor_code": info.successor_code if info.retired else None,
            **metrics(per_area[(code,)]),
        })
    return rows, total


def _dimension_rows(facts: Tally, titles: dict[int, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    categories: Tally = {(c.value,): list(_ZERO) for c in Category}
    priorities: Tally = {(p.value,): list(_ZERO) for p in Priority}
    for (bid, category, priority), values in sorted(facts.items(), key=lambda kv: (kv[0][0] is None, kv[0])):
        rows.append({"group": "bulletin", "bulletin_id": bid, "title": titles.get(bid) if bid else None,
                     "category": category, "priority": priority, **metrics(values)})
        add(categories, (category,), values)
        add(priorities, (priority,), values)
    for (category,), values in categories.items():
        label = CATEGORY_LABELS_VI.get(category, category)
        rows.append({"group": "category", "category": category, "label": label, **metrics(values)})
    rows.extend({"group": "priority", "priority": p, **metrics(values)} for (p,), values in priorities.items())
    return rows


def _device_rows(session: Session, tz: ZoneInfo, scope: Scope, facts: Tally, tree: AreaTree,
                 start: date, end: date, now: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    lo, hi = period_bounds(start, end, tz, now)
    devices = devices_in(session, scope.codes, [key[0] for key in facts])
    load_outages(session, devices, lo, hi)
    rows, outages = [], []
    for info in sorted(devices.values(), key=lambda d: (d.area_code, d.id)):
        observed, down, count = uptime(info, lo, hi)
        values = facts.get((info.id,))
        if observed <= 0 and values is None:
            continue  # enrolled after the period, or revoked before it
        area = tree.by_code.get(info.area_code)
        rows.append({
            "group": "device", "device_id": info.id, "name": info.name, "device_kind": info.kind,
            "area_code": info.area_code, "area_name": area.name if area else None,
            "revoked": info.revoked_at is not None and info.revoked_at < hi,
            **metrics(values or _ZERO),
            "uptime_seconds": round(observed - down, 3), "outage_seconds": round(down, 3), "outages": count,
            "uptime": round(100 * (observed - down) / observed, 2) if observed > 0 else None,
        })
        for began, ended in info.outages:
            a, b = max(began, lo), min(ended or hi, hi)
            outages.append({"device_id": info.id, "area_code": info.area_code, "started_at": iso_utc(began),
                            "ended_at": iso_utc(ended) if ended else None,
                            "seconds": round(max(0.0, (b - a).total_seconds()), 3)})
    return rows, outages


def airtime_report(engine: Engine, tree: AreaTree, tz: ZoneInfo, root: str, start: date, end: date,
                   now: datetime, *, detail: bool = True, days: bool = False,
                   grace: timedelta = DEFAULT_GRACE) -> dict[str, Any]:
    """The report as a JSON-ready dict; ``detail=False`` keeps only the area rows (charts)."""
    scope = scope_of(tree, root)
    inputs = _inputs(engine, tz, scope, start, end, now, detail=detail, days=days, grace=grace)
    rows, total = _area_rows(tree, scope, inputs.areas)
    report: dict[str, Any] = {
        "area": root, "area_name": tree.by_code[root].name, "from": start.isoformat(), "to": end.isoformat(),
        "as_of": iso_utc(now), "timezone": tz.key, "totals": metrics(total), "rows": rows,
    }
    if detail:
        with Session(engine) as session:
            device_rows, outages = _device_rows(session, tz, scope, inputs.devices, tree, start, end, now)
            titles = bulletin_titles(session, {key[0] for key in inputs.bulletins})
        rows.extend(device_rows)
        rows.extend(_dimension_rows(inputs.bulletins, titles))
        report["outages"] = outages
    if days:
        report["days"] = _series(inputs.days, start, end, "day")
    return report


def _series(facts: Tally, start: date, end: date, by: str) -> list[dict[str, Any]]:
    buckets: Tally = {}
    day = start
    while day <= end:
        buckets.setdefault((_bucket(day, by),), list(_ZERO))
        day += timedelta(days=1)
    for (local_date,), values in facts.items():
        add(buckets, (_bucket(local_date, by),), values)
    return [{"date": key, **metrics(values)} for (key,), values in buckets.items()]


def _bucket(day: date, by: str) -> str:
    return day.strftime("%Y-%m") if by == "month" else day.isoformat()


def airtime_series(engine: Engine, tree: AreaTree, tz: ZoneInfo, root: str, start: date, end: date,
                   now: datetime, by: str = "day") -> dict[str, Any]:
    """Compliance and airtime per day (or month) of the period, for charts."""
    scope = scope_of(tree, root)
    inputs = _inputs(engine, tz, scope, start, end, now, detail=False, days=True)
    return {"area": root, "from": start.isoformat(), "to": end.isoformat(), "as_of": iso_utc(now),
            "by": by, "points": _series(inputs.days, start, end, by)}


def airtime_by_commune(engine: Engine, tree: AreaTree, tz: ZoneInfo, root: str, start: date, end: date,
                       now: datetime) -> dict[str, Any]:
    """Per-commune totals for charts (retired communes marked; they also count in their successor)."""
    report = airtime_report(engine, tree, tz, root, start, end, now, detail=False)
    communes = [r for r in report["rows"] if r["area_level"] == "commune"]
    return {k: report[k] for k in ("area", "from", "to", "as_of", "totals")} | {"communes": communes}


def audit_details(report: dict[str, Any], fmt: str) -> dict[str, Any]:
    """What the ``report_generated`` audit event records: over what, as of when, and the totals."""
    keys = ("planned", "played", "interrupted", "missed", "failed", "upcoming", "pending", "airtime_seconds",
            "compliance")
    return {"report": "airtime", "area": report["area"], "from": report["from"], "to": report["to"],
            "format": fmt, "as_of": report["as_of"], "totals": {k: report["totals"][k] for k in keys}}
