"""What a report reads: its period and area scope, the reconciled facts, devices and outages."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, func
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from server.errors import Forbidden, Invalid
from server.models.bulletins import Bulletin, BulletinVersion
from server.models.devices import Device, DeviceOutage
from server.services.areas import AreaTree
from server.services.reports_sql import day_bounds, live_facts

MAX_DAYS = 400
IN_CHUNK = 1000
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# -- period and scope ------------------------------------------------------------------------------
def parse_period(from_text: str | None, to_text: str | None) -> tuple[date, date]:
    """ISO dates, inclusive, at most ``MAX_DAYS`` days."""
    if not from_text or not to_text:
        raise Invalid("Cần nhập cả ngày bắt đầu (from) và ngày kết thúc (to), dạng YYYY-MM-DD.",
                      code="period_required")
    parsed = []
    for name, value in (("from", from_text), ("to", to_text)):
        try:
            if not _DATE_RE.match(value):
                raise ValueError(value)
            parsed.append(date.fromisoformat(value))
        except ValueError:
            raise Invalid(f"Ngày '{value}' ({name}) không hợp lệ; dùng dạng YYYY-MM-DD, ví dụ 2025-07-01.",
                          code="bad_date") from None
    start, end = parsed
    if end < start:
        raise Invalid("Ngày kết thúc (to) phải bằng hoặc sau ngày bắt đầu (from).", code="period_inverted")
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid(f"Kỳ báo cáo dài tối đa {MAX_DAYS} ngày; hãy chia thành nhiều kỳ ngắn hơn.",
                      code="period_too_long")
    return start, end


def effective_ancestors(tree: AreaTree, code: str) -> set[str]:
    """The area, its ancestors, and — for a retired area (a merged commune) — its successor's
    ancestors too: an old commune's data rolls up into the commune it merged into."""
    seen: set[str] = set()
    stack = [code]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        info = tree.by_code.get(current)
        if info is None:
            continue
        if info.parent_code:
            stack.append(info.parent_code)
        if info.retired and info.successor_code:
            stack.append(info.successor_code)
    return seen


def check_access(tree: AreaTree, user_area: str, root: str) -> None:
    """A user reads reports over their own subtree (including communes merged into it)."""
    tree.get(root)
    if user_area not in effective_ancestors(tree, root):
        raise Forbidden(f"Địa bàn {root} nằm ngoài phạm vi được giao cho tài khoản của bạn.", code="out_of_scope")


@dataclass(frozen=True)
class Scope:
    root: str
    # area code -> the report areas its facts count in (itself, ancestors, successors), in scope
    targets: dict[str, tuple[str, ...]]

    @property
    def codes(self) -> list[str]:
        return sorted(self.targets)


def scope_of(tree: AreaTree, root: str) -> Scope:
    """Every area whose facts belong in a report over ``root``, with the rows they count in."""
    tree.get(root)
    ancestry = {code: effective_ancestors(tree, code) for code in tree.by_code}
    inside = {code for code, anc in ancestry.items() if root in anc}
    return Scope(root, {code: tuple(sorted(ancestry[code] & inside)) for code in inside})


# -- facts -----------------------------------------------------------------------------------------
def _chunks(items: Sequence[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), IN_CHUNK):
        yield list(items[i:i + IN_CHUNK])


Tally = dict[tuple[Any, ...], list[int]]


def _add(out: Tally, key: tuple[Any, ...], n: int, aired_ms: int) -> None:
    slot = out.get(key)
    if slot is None:
        out[key] = [int(n), int(aired_ms or 0)]
    else:
        slot[0] += int(n)
        slot[1] += int(aired_ms or 0)


def grouped(conn: Connection, table: Table, grain: Sequence[str], codes: Sequence[str], start: date, end: date,
            live: list[dict[str, Any]]) -> Tally:
    """Facts summed per ``grain`` over ``[start, end]``: rolled-up days from ``table`` plus the
    live (not yet closed) days' facts already computed in ``live``."""
    out: Tally = {}
    columns = [table.c[g] for g in grain]
    if start <= end:
        for chunk in _chunks(codes):
            stmt = (core_select(*columns, func.sum(table.c.n), func.sum(table.c.aired_ms))
                    .where(table.c.local_date >= start, table.c.local_date <= end, table.c.area_code.in_(chunk))
                    .group_by(*columns))
            for row in conn.execute(stmt):
                key = tuple(_normal(grain[i], row[i]) for i in range(len(grain)))
                _add(out, key, row[-2], row[-1])
    for fact in live:
        _add(out, tuple(_normal(g, fact[g]) for g in grain), fact["n"], fact["aired_ms"])
    return out


def _normal(column: str, value: Any) -> Any:
    if column == "planned":
        return bool(value)
    if column == "local_date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def live_days(conn: Connection, tz: ZoneInfo, codes: Sequence[str], start: date, end: date,
              closed_through: date | None, now: datetime) -> tuple[date, list[dict[str, Any]]]:
    """Reconcile the open days of ``[start, end]`` (after ``closed_through``, up to today) live.

    Returns the last day served from the rollups and the live facts.
    """
    today = now.astimezone(tz).date()
    rolled_until = min(end, closed_through) if closed_through is not None else start - timedelta(days=1)
    facts: list[dict[str, Any]] = []
    day = max(start, rolled_until + timedelta(days=1))
    while day <= min(end, today):
        for chunk in _chunks(codes):
            facts.extend(live_facts(conn, day, tz, chunk, now))
        day += timedelta(days=1)
    return rolled_until, facts


# -- devices, outages, bulletins -------------------------------------------------------------------
@dataclass
class DeviceInfo:
    id: str
    kind: str
    area_code: str
    name: str
    created_at: datetime
    revoked_at: datetime | None
    outages: list[tuple[datetime, datetime | None]]


def devices_in(session: Session, codes: Sequence[str], extra_ids: Iterable[str]) -> dict[str, DeviceInfo]:
    found: dict[str, Device] = {}
    for chunk in _chunks(codes):
        for d in session.exec(select(Device).where(col(Device.area_code).in_(chunk))).all():
            found[d.id] = d
    missing = sorted(set(extra_ids) - set(found))
    for chunk in _chunks(missing):
        for d in session.exec(select(Device).where(col(Device.id).in_(chunk))).all():
            found[d.id] = d
    return {d.id: DeviceInfo(d.id, d.kind, d.area_code, d.name, d.created_at, d.revoked_at, [])
            for d in found.values()}


def load_outages(session: Session, devices: dict[str, DeviceInfo], lo: datetime, hi: datetime) -> None:
    """Attach each device's outage intervals that overlap ``[lo, hi)``."""
    ids = sorted(devices)
    for chunk in _chunks(ids):
        rows = session.exec(
            select(DeviceOutage).where(col(DeviceOutage.device_id).in_(chunk))
            .where(col(DeviceOutage.started_at) < hi)
            .where((col(DeviceOutage.ended_at).is_(None)) | (col(DeviceOutage.ended_at) > lo))
            .order_by(col(DeviceOutage.device_id), col(DeviceOutage.started_at))
        ).all()
        for o in rows:
            devices[o.device_id].outages.append((o.started_at, o.ended_at))


def uptime(info: DeviceInfo, lo: datetime, hi: datetime) -> tuple[float, float, int]:
    """(observed seconds, outage seconds, outages) of a device within ``[lo, hi)``: observed from
    enrolment (or ``lo``) to revocation (or ``hi``); open outages last until ``hi``."""
    start = max(lo, info.created_at)
    end = min(hi, info.revoked_at) if info.revoked_at else hi
    if end <= start:
        return 0.0, 0.0, 0
    down, count = 0.0, 0
    for began, ended in info.outages:
        a, b = max(began, start), min(ended or end, end)
        if b > a:
            down += (b - a).total_seconds()
            count += 1
    return (end - start).total_seconds(), down, count


def bulletin_titles(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    titles: dict[int, str] = {}
    for i in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[i:i + IN_CHUNK]
        version_id = col(Bulletin.approved_version_id)
        rows = session.exec(
            select(Bulletin.id, BulletinVersion.title)
            .join(BulletinVersion, col(BulletinVersion.id) == version_id, isouter=True)
            .where(col(Bulletin.id).in_(chunk))
        ).all()
        titles.update({bid: title for bid, title in rows if bid is not None and title is not None})
        missing = [b for b in chunk if b not in titles]
        if missing:  # never approved (e.g. deleted draft): fall back to the working version
            rows = session.exec(
                select(Bulletin.id, BulletinVersion.title)
                .join(BulletinVersion, col(BulletinVersion.id) == col(Bulletin.current_version_id))
                .where(col(Bulletin.id).in_(missing))
            ).all()
            titles.update({bid: title for bid, title in rows if bid is not None})
    return titles


def period_bounds(start: date, end: date, tz: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    """UTC bounds of the period for uptime: from the first local midnight to the end, or now."""
    lo, _ = day_bounds(start, tz)
    _, hi = day_bounds(end, tz)
    return lo, min(hi, now.astimezone(UTC))


def by_day(facts: Tally) -> dict[date, Tally]:
    days: dict[date, Tally] = defaultdict(dict)
    for key, (n, aired) in facts.items():
        _add(days[key[0]], key[1:], n, aired)
    return days
