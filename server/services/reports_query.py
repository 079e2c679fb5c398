"""What a report reads: its period and area scope, the reconciled facts, devices and outages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Connection,
    Integer,
    Table,
    and_,
    any_,
    bindparam,
    cast,
    func,
    or_,
)
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from server.errors import Forbidden, Invalid
from server.models.bulletins import Bulletin, BulletinVersion
from server.models.devices import Device, DeviceOutage
from server.models.reports import COUNTERS
from server.services.areas import AreaTree
from server.services.reports_rollup import month_of, next_month
from server.services.reports_sql import LIVE, clear_live, day_bounds, fill_live

MAX_DAYS = 400
PLANNED_AHEAD = timedelta(days=7)  # longer than any manifest window: no plans exist beyond it
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
    codes: tuple[str, ...]  # every area code in scope, sorted


def scope_of(tree: AreaTree, root: str) -> Scope:
    """Every area whose facts belong in a report over ``root``, with the rows they count in."""
    tree.get(root)
    ancestry = {code: effective_ancestors(tree, code) for code in tree.by_code}
    inside = {code for code, anc in ancestry.items() if root in anc}
    return Scope(root, {code: tuple(sorted(ancestry[code] & inside)) for code in inside}, tuple(sorted(inside)))


# -- facts ---------------------------------------------------------------------------------------
def _chunks(items: Sequence[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), IN_CHUNK):
        yield list(items[i:i + IN_CHUNK])


# Counters (models.reports.COUNTERS order) per key of a dimension.
Tally = dict[tuple[Any, ...], list[int]]


def add(out: Tally, key: tuple[Any, ...], values: Sequence[int]) -> None:
    slot = out.get(key)
    out[key] = list(values) if slot is None else [a + b for a, b in zip(slot, values, strict=True)]


@dataclass(frozen=True)
class Spans:
    """Which rollup rows cover a closed range of days: whole months from ``span='month'`` rows,
    the rest (inclusive day ranges at either end) from ``span='day'`` rows."""

    months: tuple[date, ...]
    days: tuple[tuple[date, date], ...]

    @property
    def empty(self) -> bool:
        return not self.months and not self.days


def spans(start: date, end: date, *, by_day: bool = False) -> Spans:
    if end < start:
        return Spans((), ())
    if by_day:
        return Spans((), ((start, end),))
    months: list[date] = []
    month = month_of(start) if start.day == 1 else next_month(month_of(start))
    while next_month(month) - timedelta(days=1) <= end:
        months.append(month)
        month = next_month(month)
    if not months:
        return Spans((), ((start, end),))
    days = []
    if start < months[0]:
        days.append((start, months[0] - timedelta(days=1)))
    last = next_month(months[-1]) - timedelta(days=1)
    if last < end:
        days.append((last + timedelta(days=1), end))
    return Spans(tuple(months), tuple(days))


def _covered(table: Table, covered: Spans) -> ColumnElement[bool]:
    parts = []
    if covered.months:
        parts.append(and_(table.c.span == "month", table.c.local_date >= covered.months[0],
                          table.c.local_date <= covered.months[-1]))
    parts.extend(and_(table.c.span == "day", table.c.local_date >= a, table.c.local_date <= b)
                 for a, b in covered.days)
    return or_(*parts)


def dimension(conn: Connection, table: Table, keys: Sequence[str], codes: Sequence[str], covered: Spans,
              live: bool) -> Tally:
    """Counters summed per ``keys`` over the rolled-up ``covered`` days and, when ``live``, the
    open days' facts that ``live_days`` stored in ``LIVE`` — both summed by the database."""
    out: Tally = {}
    if not covered.empty:
        columns = [table.c[k] for k in keys]
        sums = [cast(func.sum(table.c[c]), BigInteger) for c in COUNTERS]  # PostgreSQL: not numeric
        for chunk in _chunks(codes):
            stmt = (core_select(*columns, *sums).where(_covered(table, covered), table.c.area_code.in_(chunk))
                    .group_by(*columns))
            for row in conn.execute(stmt):
                add(out, tuple(row[:len(keys)]), row[len(keys):])
    if live:
        columns = [LIVE.c[k] for k in keys]
        stmt = core_select(*columns, *(cast(func.sum(LIVE.c[c]), BigInteger) for c in COUNTERS)).group_by(*columns)
        for row in conn.execute(stmt):
            add(out, tuple(row[:len(keys)]), row[len(keys):])
    return out


def live_days(conn: Connection, tz: ZoneInfo, codes: Sequence[str], start: date, end: date,
              closed_through: date | None, now: datetime,
              grace: timedelta = timedelta(0)) -> tuple[date, bool]:
    """Reconcile the open days of ``[start, end]`` (after ``closed_through``, up to the last day
    with plans) live, into this connection's ``LIVE`` table.

    Returns the last day served from the rollups and whether any day was reconciled live.
    """
    today = now.astimezone(tz).date()
    rolled_until = min(end, closed_through) if closed_through is not None else start - timedelta(days=1)
    clear_live(conn)
    day = max(start, rolled_until + timedelta(days=1))
    live = False
    while day <= min(end, today + PLANNED_AHEAD):  # later days have plans too: upcoming
        for chunk in _chunks(codes):
            fill_live(conn, day, tz, chunk, now, grace)
        live = True
        day += timedelta(days=1)
    return rolled_until, live


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
    # Plain rows of the six columns needed: a province has thousands of devices, and ORM objects
    # (with their password hashes) cost several times more to build.
    device: Table = Device.__table__  # type: ignore[attr-defined]
    query = core_select(device.c.id, device.c.kind, device.c.area_code, device.c.name, device.c.created_at,
                        device.c.revoked_at)
    found: dict[str, DeviceInfo] = {}

    def keep(where: ColumnElement[bool]) -> None:
        for d in session.execute(query.where(where)):
            found[d.id] = DeviceInfo(d.id, d.kind, d.area_code, d.name, d.created_at, d.revoked_at, [])

    for chunk in _chunks(codes):
        keep(device.c.area_code.in_(chunk))
    for chunk in _chunks(sorted(set(extra_ids) - set(found))):
        keep(device.c.id.in_(chunk))
    return found


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


def bulletin_titles(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Title of each bulletin's airing (approved) version, else of its working version."""
    wanted = sorted({i for i in ids if i is not None})
    bulletin: Table = Bulletin.__table__  # type: ignore[attr-defined]
    version: Table = BulletinVersion.__table__  # type: ignore[attr-defined]
    joined = bulletin.join(version, version.c.id == func.coalesce(bulletin.c.approved_version_id,
                                                                  bulletin.c.current_version_id))
    query = core_select(bulletin.c.id, version.c.title).select_from(joined)
    titles: dict[int, str] = {}
    if session.get_bind().dialect.name == "postgresql":  # one round trip: = ANY(array)
        rows = session.execute(query.where(bulletin.c.id == any_(bindparam("ids", wanted, type_=ARRAY(Integer)))))
        titles.update({bid: title for bid, title in rows})
        return titles
    for i in range(0, len(wanted), 5000):
        rows = session.execute(query.where(bulletin.c.id.in_(wanted[i:i + 5000])))
        titles.update({bid: title for bid, title in rows})
    return titles


def period_bounds(start: date, end: date, tz: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    """UTC bounds of the period for uptime: from the first local midnight to the end, or now."""
    lo, _ = day_bounds(start, tz)
    _, hi = day_bounds(end, tz)
    return lo, min(hi, now.astimezone(UTC))
