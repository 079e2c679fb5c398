"""The airtime audit (`loa report airtime`, ``GET /api/v1/reports/airtime``).

A report answers, for an area subtree and an inclusive local period: what was planned, what was
played, interrupted, missed or failed (and why), how much airtime went where, and which devices
were down. How airings are reconciled is in ``reports_sql``; how closed days are rolled up and
late logs absorbed is in ``reports_rollup``. JSON shape (DESIGN.md §5)::

    {"area", "area_name", "from", "to", "as_of", "timezone",
     "totals": {planned, played, interrupted, missed, failed, airtime_seconds, compliance, reasons},
     "rows": [{"group": "area" | "device" | "bulletin" | "category" | "priority", <identity>,
               <the same keys as totals>}, ...],
     "outages": [{device_id, area_code, started_at, ended_at, seconds}, ...]}

``compliance`` is played / planned in percent (2 decimals; null when nothing was planned);
``airtime_seconds`` is every second of bulletin audio aired (planned or not, e.g. emergencies).
Retired areas (communes merged on 1 July 2025) keep their own rows and names and also count in
their successor's rows, so totals never count a fact twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Table
from sqlmodel import Session

from server.models.bulletins import CATEGORY_LABELS_VI, Category, Priority
from server.models.reports import AirtimeDaily, DeviceDaily
from server.services import reports_rollup
from server.services.areas import AreaTree
from server.services.reports_query import (
    Scope,
    Tally,
    bulletin_titles,
    devices_in,
    grouped,
    live_days,
    load_outages,
    period_bounds,
    scope_of,
    uptime,
)
from server.services.reports_sql import AREA_GRAIN, DEVICE_GRAIN

REASONS = ("offline", "media_failed", "preempted", "expired")
AIRTIME_TABLE: Table = AirtimeDaily.__table__  # type: ignore[attr-defined]
DEVICE_TABLE: Table = DeviceDaily.__table__  # type: ignore[attr-defined]
SERIES_GRAIN = ("local_date", "outcome", "reason", "planned")


@dataclass
class Metrics:
    planned: int = 0
    played: int = 0
    interrupted: int = 0
    missed: int = 0
    failed: int = 0
    aired_ms: int = 0
    reasons: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REASONS, 0))

    def add(self, outcome: str, reason: str | None, planned: bool, n: int, aired_ms: int) -> None:
        self.aired_ms += aired_ms
        if not planned:
            return  # unplanned airings (emergencies…) are airtime, not compliance
        self.planned += n
        if outcome in ("played", "interrupted", "missed", "failed"):
            setattr(self, outcome, getattr(self, outcome) + n)
        if outcome != "played" and reason:
            self.reasons[reason] = self.reasons.get(reason, 0) + n

    def as_dict(self) -> dict[str, Any]:
        return {
            "planned": self.planned, "played": self.played, "interrupted": self.interrupted,
            "missed": self.missed, "failed": self.failed,
            "airtime_seconds": round(self.aired_ms / 1000, 3),
            "compliance": round(100 * self.played / self.planned, 2) if self.planned else None,
            "reasons": dict(self.reasons),
        }


def iso_utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Inputs:
    area_facts: Tally
    device_facts: Tally
    day_facts: Tally
    as_of: datetime


def _inputs(engine: Engine, tz: ZoneInfo, scope: Scope, start: date, end: date, now: datetime,
            *, devices: bool, days: bool) -> Inputs:
    refreshed = reports_rollup.refresh(engine, tz, now)
    conn_opts = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**conn_opts) as conn, conn.begin():
        rolled_until, live = live_days(conn, tz, scope.codes, start, end, refreshed.closed_through, now)
        area = grouped(conn, AIRTIME_TABLE, AREA_GRAIN, scope.codes, start, rolled_until, live)
        device = grouped(conn, DEVICE_TABLE, DEVICE_GRAIN, scope.codes, start, rolled_until, live) if devices else {}
        day = grouped(conn, AIRTIME_TABLE, SERIES_GRAIN, scope.codes, start, rolled_until, live) if days else {}
    return Inputs(area, device, day, now)


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


def _area_rows(tree: AreaTree, scope: Scope, facts: Tally) -> tuple[list[dict[str, Any]], Metrics]:
    per_area: dict[str, Metrics] = {code: Metrics() for code in scope.targets}
    total = Metrics()
    for (area_code, _bid, _cat, _prio, outcome, reason, planned), (n, aired) in facts.items():
        total.add(outcome, reason, planned, n, aired)
        for target in scope.targets.get(area_code, ()):
            per_area[target].add(outcome, reason, planned, n, aired)
    rows = []
    for code in _area_order(tree, scope):
        info = tree.by_code[code]
        rows.append({
            "group": "area", "code": code, "name": info.name, "area_level": info.level,
            "parent_code": info.parent_code, "retired": info.retired,
            "successor_code": info.successor_code if info.retired else None,
            **per_area[code].as_dict(),
        })
    return rows, total


def _dimension_rows(facts: Tally, titles: dict[int, str] | None) -> list[dict[str, Any]]:
    bulletins: dict[tuple[Any, ...], Metrics] = defaultdict(Metrics)
    categories: dict[str, Metrics] = {c.value: Metrics() for c in Category}
    priorities: dict[str, Metrics] = {p.value: Metrics() for p in Priority}
    for (_area, bid, category, priority, outcome, reason, planned), (n, aired) in facts.items():
        bulletins[(bid, category, priority)].add(outcome, reason, planned, n, aired)
        categories.setdefault(category, Metrics()).add(outcome, reason, planned, n, aired)
        priorities.setdefault(priority, Metrics()).add(outcome, reason, planned, n, aired)
    rows: list[dict[str, Any]] = []
    if titles is not None:
        for (bid, category, priority), m in sorted(bulletins.items(), key=lambda kv: (kv[0][0] is None, kv[0])):
            rows.append({"group": "bulletin", "bulletin_id": bid, "title": titles.get(bid) if bid else None,
                         "category": category, "priority": priority, **m.as_dict()})
    for category, m in categories.items():
        label = CATEGORY_LABELS_VI.get(category, category)  # type: ignore[call-overload]
        rows.append({"group": "category", "category": category, "label": label, **m.as_dict()})
    for priority, m in priorities.items():
        rows.append({"group": "priority", "priority": priority, **m.as_dict()})
    return rows


def _device_rows(session: Session, tz: ZoneInfo, scope: Scope, facts: Tally, tree: AreaTree,
                 start: date, end: date, now: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    per_device: dict[str, Metrics] = defaultdict(Metrics)
    for (device_id, _area, outcome, reason, planned), (n, aired) in facts.items():
        per_device[device_id].add(outcome, reason, planned, n, aired)
    lo, hi = period_bounds(start, end, tz, now)
    devices = devices_in(session, scope.codes, per_device)
    load_outages(session, devices, lo, hi)
    rows, outages = [], []
    for info in sorted(devices.values(), key=lambda d: (d.area_code, d.id)):
        observed, down, count = uptime(info, lo, hi)
        if observed <= 0 and info.id not in per_device:
            continue  # enrolled after the period, or revoked before it
        area = tree.by_code.get(info.area_code)
        rows.append({
            "group": "device", "device_id": info.id, "name": info.name, "device_kind": info.kind,
            "area_code": info.area_code, "area_name": area.name if area else None,
            "revoked": info.revoked_at is not None and info.revoked_at < hi,
            **per_device[info.id].as_dict(),
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
                   now: datetime, *, detail: bool = True, days: bool = False) -> dict[str, Any]:
    """The report as a JSON-ready dict; ``detail=False`` keeps only the area rows (charts)."""
    scope = scope_of(tree, root)
    inputs = _inputs(engine, tz, scope, start, end, now, devices=detail, days=days)
    rows, total = _area_rows(tree, scope, inputs.area_facts)
    report: dict[str, Any] = {
        "area": root, "area_name": tree.by_code[root].name, "from": start.isoformat(), "to": end.isoformat(),
        "as_of": iso_utc(inputs.as_of), "timezone": tz.key, "totals": total.as_dict(), "rows": rows,
    }
    if detail:
        with Session(engine) as session:
            device_rows, outages = _device_rows(session, tz, scope, inputs.device_facts, tree, start, end, now)
            titles = bulletin_titles(session, {key[1] for key in inputs.area_facts})
        rows.extend(device_rows)
        rows.extend(_dimension_rows(inputs.area_facts, titles))
        report["outages"] = outages
    if days:
        report["days"] = _series(inputs.day_facts, start, end, "day")
    return report


def _series(facts: Tally, start: date, end: date, by: str) -> list[dict[str, Any]]:
    buckets: dict[str, Metrics] = {}
    day = start
    while day <= end:
        buckets.setdefault(_bucket(day, by), Metrics())
        day += timedelta(days=1)
    for (local_date, outcome, reason, planned), (n, aired) in facts.items():
        buckets[_bucket(local_date, by)].add(outcome, reason, planned, n, aired)
    return [{"date": key, **m.as_dict()} for key, m in buckets.items()]


def _bucket(day: date, by: str) -> str:
    return day.strftime("%Y-%m") if by == "month" else day.isoformat()


def airtime_series(engine: Engine, tree: AreaTree, tz: ZoneInfo, root: str, start: date, end: date,
                   now: datetime, by: str = "day") -> dict[str, Any]:
    """Compliance and airtime per day (or month) of the period, for charts."""
    scope = scope_of(tree, root)
    inputs = _inputs(engine, tz, scope, start, end, now, devices=False, days=True)
    return {"area": root, "from": start.isoformat(), "to": end.isoformat(), "as_of": iso_utc(inputs.as_of),
            "by": by, "points": _series(inputs.day_facts, start, end, by)}


def airtime_by_commune(engine: Engine, tree: AreaTree, tz: ZoneInfo, root: str, start: date, end: date,
                       now: datetime) -> dict[str, Any]:
    """Per-commune totals for charts (retired communes marked; they also count in their successor)."""
    report = airtime_report(engine, tree, tz, root, start, end, now, detail=False)
    communes = [r for r in report["rows"] if r["area_level"] == "commune"]
    return {k: report[k] for k in ("area", "from", "to", "as_of", "totals")} | {"communes": communes}
