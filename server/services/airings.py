"""Airing records: each planned audio airing (a planned item × a speaker of its area enrolled at
its start and not revoked before it) with what that device reported — "when did device X air
bulletin Y" without reading the database.

``status`` follows the airtime report: the record's outcome judged by ``devices.played``
(``played``/``interrupted``/``missed``/``failed``), or without a record ``upcoming`` (not started
at ``as_of``), ``pending`` (its end + LOA_ASRUN_GRACE_MINUTES still ahead) or ``missed`` with
reason ``offline``. A device's several records for one airing count once, the best one.

Paging is by an opaque cursor over (start, plan id, device id): stable under concurrent inserts.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, Table, and_, or_, select, tuple_

from devices.played import is_played
from playlists.model import LOCAL_TZ
from server.errors import Invalid
from server.models.asrun import AsRun, PlannedAiring
from server.models.devices import Device
from server.services.reports_sql import RESUME_LOOKBACK

MAX_LIMIT = 1000
IN_CHUNK = 500
_PLAN: Table = PlannedAiring.__table__  # type: ignore[attr-defined]
_DEVICE: Table = Device.__table__  # type: ignore[attr-defined]
_ASRUN: Table = AsRun.__table__  # type: ignore[attr-defined]
_RANK = {"played": 4, "interrupted": 3, "failed": 2, "missed": 1}

COLUMNS = ("planned_start", "area_code", "device_id", "bulletin_id", "title", "category", "priority",
           "duration_ms", "status", "reason", "actual_start", "actual_end", "aired_ms", "device_time",
           "received_at", "reported_outcome")
HEADERS_VI = ("Giờ phát theo kế hoạch", "Địa bàn", "Thiết bị", "Mã bản tin", "Tên bản tin", "Lĩnh vực",
              "Mức ưu tiên", "Thời lượng (ms)", "Kết quả", "Lý do", "Bắt đầu phát thực tế", "Kết thúc phát thực tế",
              "Thời lượng đã phát (ms)", "Giờ trên thiết bị", "Máy chủ nhận lúc", "Thiết bị báo")


@dataclass(frozen=True)
class AiringQuery:
    areas: tuple[str, ...]  # the area codes in scope (a subtree)
    start: date  # inclusive local dates
    end: date
    device_id: str | None = None
    bulletin_id: int | None = None
    cursor: str | None = None
    limit: int = 100


def _utc(at: Any) -> datetime | None:
    if at is None:
        return None
    value = datetime.fromisoformat(at) if isinstance(at, str) else at
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso_z(at: datetime | None) -> str | None:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if at is not None else None


def encode_cursor(start: datetime, plan_id: int, device_id: str) -> str:
    raw = f"{iso_z(start)}|{plan_id}|{device_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        start, plan_id, device_id = raw.split("|")
        at = datetime.fromisoformat(start.replace("Z", "+00:00"))
        return at, int(plan_id), device_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Invalid("Con trỏ trang (cursor) không hợp lệ; hãy bắt đầu lại từ trang đầu.",
                      code="bad_cursor") from None


def _aware(at: Any) -> datetime:
    value = _utc(at)
    assert value is not None
    return value  # the columns are UTCDateTime: aware values in, aware values out


def _pairs(engine: Engine, q: AiringQuery) -> list[Any]:
    lo = datetime.combine(q.start, time.min, tzinfo=LOCAL_TZ)
    hi = datetime.combine(q.end + timedelta(days=1), time.min, tzinfo=LOCAL_TZ)
    p, d = _PLAN, _DEVICE
    stmt = (
        select(p.c.id, p.c.start, p.c.area_code, p.c.bulletin_id, p.c.category, p.c.priority, p.c.duration_ms,
               d.c.id.label("device_id"))
        .select_from(p.join(d, and_(d.c.area_code == p.c.area_code, d.c.kind == "speaker",
                                     d.c.created_at <= p.c.start,
                                     or_(d.c.revoked_at.is_(None), d.c.revoked_at > p.c.start))))
        .where(p.c.kind == "audio", p.c.area_code.in_(q.areas), p.c.start >= _aware(lo), p.c.start < _aware(hi))
        .order_by(p.c.start, p.c.id, d.c.id).limit(q.limit + 1)
    )
    if q.device_id is not None:
        stmt = stmt.where(d.c.id == q.device_id)
    if q.bulletin_id is not None:
        stmt = stmt.where(p.c.bulletin_id == q.bulletin_id)
    if q.cursor:
        at, plan_id, device_id = decode_cursor(q.cursor)
        stmt = stmt.where(tuple_(p.c.start, p.c.id, d.c.id) > tuple_(_aware(at), plan_id, device_id))
    with engine.connect() as conn:
        return list(conn.execute(stmt).all())


Records = dict[tuple[str, datetime, int | None], list[Any]]


def _records(engine: Engine, pairs: list[Any]) -> tuple[Records, dict[str, list[Any]]]:
    """The devices' records of the page's airings, and their emergency records (for resumes)."""
    a = _ASRUN
    out: Records = {}
    alerts: dict[str, list[Any]] = {}
    if not pairs:
        return out, alerts
    devices = sorted({r.device_id for r in pairs})
    starts = [_aware(r.start) for r in pairs]
    lo, hi = min(starts) - RESUME_LOOKBACK, max(starts)
    with engine.connect() as conn:
        for i in range(0, len(devices), IN_CHUNK):
            rows = conn.execute(
                select(a).where(a.c.device_id.in_(devices[i:i + IN_CHUNK]), a.c.kind == "audio",
                                a.c.planned_start >= lo, a.c.planned_start <= hi)
            ).all()
            for row in rows:
                out.setdefault((row.device_id, _aware(row.planned_start), row.bulletin_id), []).append(row)
                if row.priority == "emergency" and row.actual_start is not None and row.actual_end is not None:
                    alerts.setdefault(row.device_id, []).append(row)
    return out, alerts


def _judged(row: Any, alerts: list[Any]) -> str:
    """The record's outcome judged by the shared rule, as the report does: no start tolerance for
    an emergency, or for an item resumed after an emergency interrupted it on that device."""
    planned, actual = _aware(row.planned_start), _utc(row.actual_start)
    resumed = actual is not None and any(
        e.id != row.id and _aware(e.planned_start) <= actual and _aware(e.actual_start) <= actual
        and _aware(e.actual_end) >= planned for e in alerts)
    if is_played(planned, actual, row.duration_ms, row.aired_ms, displaced=row.priority == "emergency" or resumed):
        return "played"
    return "interrupted" if row.outcome in ("played", "interrupted") else str(row.outcome)


def airings(engine: Engine, q: AiringQuery, now: datetime,
            grace: timedelta) -> tuple[list[dict[str, Any]], str | None]:
    """One page of airings and the cursor of the next page (None on the last page)."""
    pairs = _pairs(engine, q)
    more = len(pairs) > q.limit
    pairs = pairs[:q.limit]
    records, alerts = _records(engine, pairs)
    items = []
    for pair in pairs:
        start = _utc(pair.start)
        assert start is not None
        found = records.get((pair.device_id, start, pair.bulletin_id), [])
        mine = alerts.get(pair.device_id, [])
        best = max(found, key=lambda r: (_RANK.get(_judged(r, mine), 0), r.aired_ms, -r.id), default=None)
        if best is not None:
            status = _judged(best, mine)
            reason = None if status == "played" else best.reason
        elif start >= now:
            status, reason = "upcoming", None
        elif start + timedelta(milliseconds=pair.duration_ms) + grace > now:
            status, reason = "pending", None
        else:
            status, reason = "missed", "offline"
        items.append({
            "planned_start": iso_z(start), "area_code": pair.area_code, "device_id": pair.device_id,
            "bulletin_id": pair.bulletin_id, "title": None,
            "category": pair.category, "priority": pair.priority, "duration_ms": pair.duration_ms,
            "status": status, "reason": reason,
            "actual_start": iso_z(_utc(best.actual_start)) if best is not None else None,
            "actual_end": iso_z(_utc(best.actual_end)) if best is not None else None,
            "aired_ms": best.aired_ms if best is not None else None,
            "device_time": iso_z(_utc(best.device_time)) if best is not None else None,
            "received_at": iso_z(_utc(best.received_at)) if best is not None else None,
            "reported_outcome": best.outcome if best is not None else None,
        })
    last = pairs[-1] if more and pairs else None
    cursor = encode_cursor(_utc(last.start) or now, last.id, last.device_id) if last is not None else None
    return items, cursor
