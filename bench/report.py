"""`loa bench report`: the airtime report (JSON) over N generated as-run rows of one province.

Shape (defaults = the issue's target, a province-year of 10M rows): communes of 20 speakers each
(1,960 speakers = 98 communes), 14 planned 3-minute items per speaker per day (7 bulletins ×
2 repeats; each week 2 new province and 5 new commune bulletins), so 10M rows ≈ 369 days.
Outcomes: 1.5 % never reported (missed/offline), 1.5 % interrupted at 50 %, 0.8 % failed, 1 %
missed/preempted, 0.5 % played 5 s late (recomputed as interrupted), 0.2 % logged twice, 3 % of
records received two days late; plus a weekly emergency per speaker (unplanned airtime).

PostgreSQL when ``LOA_DATABASE_URL`` or ``LOA_TEST_POSTGRES_URL`` names one (a scratch database
``loa_bench_<random>`` is created next to it and dropped after; rows come from server-side
``INSERT … SELECT generate_series`` with the as-run indexes built after the load), else SQLite in
the data dir (``executemany``). Metrics: ``rows``, ``seconds`` (median of 3 reports once the daily
rollups exist), ``generate_seconds``, ``rollup_seconds`` (the first report's one-off rollup
build), ``late_rows`` and ``late_seconds`` (a report absorbing that many late logs), ``days``,
``devices``. The late rows are checked to turn exactly that many misses into plays.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Table, create_engine, insert, text

from server.db import dispose_engines, get_engine, migrate
from server.models.areas import Area
from server.models.asrun import AsRun, PlannedAiring
from server.models.bulletins import Bulletin, BulletinVersion
from server.models.devices import Device
from server.models.users import User
from server.services import areas as area_service
from server.services.areas import load_tree
from server.services.reports import airtime_report

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START = date(2025, 1, 1)
ITEMS, PER_COMMUNE, DURATION_MS, KNUTH = 14, 20, 180_000, 2654435761
CATEGORIES = ("policy", "notice", "health", "security", "consultation", "disaster", "other")
DEFAULT_ROWS, DEFAULT_DEVICES = 10_000_000, 1960
CHUNK = 1_000_000


@dataclass(frozen=True)
class Shape:
    devices: int
    days: int

    @property
    def communes(self) -> int:
        return math.ceil(self.devices / PER_COMMUNE)

    @property
    def weeks(self) -> int:
        return math.ceil(self.days / 7)

    @property
    def slots(self) -> int:
        return self.devices * self.days * ITEMS

    @property
    def emergency_id(self) -> int:
        return 1 + 2 * self.weeks + self.communes * self.weeks * 5


def shape_for(rows: int | None, devices: int | None) -> Shape:
    rows = rows or DEFAULT_ROWS
    devices = devices or (DEFAULT_DEVICES if rows >= 1_000_000 else max(PER_COMMUNE, min(DEFAULT_DEVICES, rows // 400)))
    return Shape(devices, max(1, math.ceil(rows / (devices * ITEMS * 0.99))))


def t(table: Any) -> Table:
    return table.__table__


def code(c: int) -> str:
    return f"BC{c:04d}"


def bulletin_of(shape: Shape, c: int, d: int, k: int) -> int:
    w = d // 7
    return 1 + w * 2 + k if k < 2 else 1 + 2 * shape.weeks + (c * shape.weeks + w) * 5 + (k - 2)


def _base() -> datetime:
    return datetime.combine(START, datetime.min.time(), tzinfo=TZ).astimezone(UTC)


def _offset_s(j: int) -> int:
    return (6 * 3600 if j < 7 else 17 * 3600) + (j % 7) * 300


# -- the small tables (both backends) ------------------------------------------------------------
def _seed_small(engine: Engine, shape: Shape) -> None:
    old = datetime(2024, 1, 1, tzinfo=UTC)
    areas = [{"code": "BP", "name": "Tỉnh Đo Thử", "level": "province", "parent_code": None}]
    areas += [{"code": code(c), "name": f"Xã Đo {c}", "level": "commune", "parent_code": "BP"}
              for c in range(shape.communes)]
    devices = [{"id": f"bd-{i:05d}", "kind": "speaker", "area_code": code(i // PER_COMMUNE), "name": f"Cụm {i}",
                "board_ascii": False, "password_hash": "x", "status": "online", "created_at": old}
               for i in range(shape.devices)]
    bulletins, versions = [], []
    for bid in range(1, shape.emergency_id + 1):
        province = bid <= 2 * shape.weeks
        k = 5 if bid == shape.emergency_id else (bid - 1) % 2 if province else 2 + (bid - 1 - 2 * shape.weeks) % 5
        prio = "emergency" if bid == shape.emergency_id else "priority" if k == 0 else "normal"
        common = {"priority": prio, "category": CATEGORIES[k], "created_by": 1, "created_at": old}
        bulletins.append({"id": bid, "status": "approved", "area_code": "BP", "version": 1, "updated_at": old,
                          **common})
        versions.append({"id": bid, "bulletin_id": bid, "number": 1, "title": f"Bản tin số {bid}", "body": "…",
                         "board_text": "…", "valid_from": old, "valid_until": old + timedelta(days=800),
                         "repeats_per_day": 2, "reads_per_play": 1, "gap_seconds": 2.0, "version_hash": "v",
                         "authors": [], "one_step": False, **common})
    with engine.begin() as conn:
        conn.execute(insert(t(Area)), areas)
        conn.execute(insert(t(User)), [{"id": 1, "username": "bench", "full_name": "", "password_hash": "x",
                                        "role": "admin", "area_code": "BP", "active": True, "created_at": old}])
        conn.execute(insert(t(Device)), devices)
        conn.execute(insert(t(Bulletin)), bulletins)
        conn.execute(insert(t(BulletinVersion)), versions)
        conn.execute(text("UPDATE bulletin SET approved_version_id = id"))
    area_service.invalidate(engine)


# -- the big tables: SQLite (executemany) ----------------------------------------------------------
def _plans_py(shape: Shape) -> Iterator[dict[str, Any]]:
    base = _base()
    for d in range(shape.days):
        for c in range(shape.communes):
            for j in range(ITEMS):
                k = j % 7
                yield {"area_code": code(c), "local_date": START + timedelta(days=d), "duration_ms": DURATION_MS,
                       "start": base + timedelta(days=d, seconds=_offset_s(j)), "kind": "audio",
                       "bulletin_id": bulletin_of(shape, c, d, k), "category": CATEGORIES[k],
                       "priority": "priority" if k == 0 else "normal"}


def _asrun_py(shape: Shape) -> Iterator[dict[str, Any]]:
    base = _base()
    for i in range(shape.slots):
        d, dev, j = i // (shape.devices * ITEMS), (i // ITEMS) % shape.devices, i % ITEMS
        h, k, c = (i * KNUTH) % 10000, j % 7, dev // PER_COMMUNE
        if h < 150:
            continue  # never reported
        ps = base + timedelta(days=d, seconds=_offset_s(j))
        outcome, reason, aired = "played", None, DURATION_MS
        start: datetime | None = ps
        if h < 300:
            outcome, aired = "interrupted", DURATION_MS // 2
        elif h < 380:
            outcome, reason, start, aired = "failed", "media_failed", None, 0
        elif h < 480:
            outcome, reason, start, aired = "missed", "preempted", None, 0
        elif h < 530:
            start = ps + timedelta(seconds=5)
        row = {"key": f"k{i}", "device_id": f"bd-{dev:05d}", "area_code": code(c), "version_hash": "v",
               "bulletin_id": bulletin_of(shape, c, d, k), "kind": "audio", "category": CATEGORIES[k],
               "priority": "priority" if k == 0 else "normal", "planned_start": ps, "actual_start": start,
               "actual_end": start + timedelta(milliseconds=aired) if start else None, "device_time": ps,
               "received_at": ps + (timedelta(days=2) if h % 100 < 3 else timedelta(minutes=2)),
               "outcome": outcome, "reason": reason, "duration_ms": DURATION_MS, "aired_ms": aired,
               "clock_skew_ms": 0, "skew_flagged": False}
        yield row
        if 560 <= h < 580:
            yield {**row, "key": f"d{i}", "outcome": "interrupted", "aired_ms": 1000}
        if d % 7 == 3 and j == 0:  # the weekly emergency, 12:00 local
            es = base + timedelta(days=d, hours=12)
            yield {**row, "key": f"e{i}", "bulletin_id": shape.emergency_id, "category": "disaster",
                   "priority": "emergency", "planned_start": es, "actual_start": es, "device_time": es,
                   "actual_end": es + timedelta(seconds=60), "received_at": es, "outcome": "played",
                   "reason": None, "aired_ms": 60_000, "duration_ms": 60_000}


def _batched(rows: Iterator[dict[str, Any]], size: int = 20_000) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _generate_sqlite(engine: Engine, shape: Shape) -> None:
    for table, rows in ((t(PlannedAiring), _plans_py(shape)), (t(AsRun), _asrun_py(shape))):
        for batch in _batched(rows):
            with engine.begin() as conn:
                conn.execute(insert(table), batch)


# -- the big tables: PostgreSQL (server-side generate_series) --------------------------------------
_CATS = "ARRAY['" + "','".join(CATEGORIES) + "']"
_PG_PLANS = f"""
INSERT INTO planned_item (area_code, local_date, start, duration_ms, kind, bulletin_id, priority, category)
SELECT 'BC' || lpad(c::text, 4, '0'), CAST(:start_date AS date) + d,
       CAST(:base AS timestamp) + make_interval(days => d, secs => CASE WHEN j < 7 THEN 21600 ELSE 61200 END
                                                                     + (j % 7) * 300),
       {DURATION_MS}, 'audio',
       CASE WHEN j % 7 < 2 THEN 1 + (d / 7) * 2 + j % 7
            ELSE 1 + 2 * :weeks + (c * :weeks + d / 7) * 5 + (j % 7 - 2) END,
       CASE WHEN j % 7 = 0 THEN 'priority' ELSE 'normal' END, ({_CATS})[j % 7 + 1]
FROM generate_series(0, :days - 1) d, generate_series(0, :communes - 1) c, generate_series(0, {ITEMS - 1}) j
"""
_PG_ASRUN = f"""
WITH s AS (
    SELECT i, i / (:devices * {ITEMS}) AS d, (i / {ITEMS}) % :devices AS dev, i % {ITEMS} AS j,
           (i * {KNUTH}) % 10000 AS h
    FROM generate_series(CAST(:lo AS bigint), CAST(:hi AS bigint) - 1) AS i
), r AS (
    SELECT s.*, s.dev / {PER_COMMUNE} AS c, s.j % 7 AS k,
           CAST(:base AS timestamp) + make_interval(days => CAST(s.d AS int),
               secs => CASE WHEN s.j < 7 THEN 21600 ELSE 61200 END + (s.j % 7) * 300) AS ps
    FROM s WHERE s.h >= 150
), o AS (
    SELECT r.*, 'bd-' || lpad(r.dev::text, 5, '0') AS device, 'BC' || lpad(r.c::text, 4, '0') AS area,
           CASE WHEN h < 300 THEN 'interrupted' WHEN h < 380 THEN 'failed' WHEN h < 480 THEN 'missed' ELSE 'played' END
               AS outcome,
           CASE WHEN h >= 300 AND h < 380 THEN 'media_failed' WHEN h >= 380 AND h < 480 THEN 'preempted' END AS reason,
           CASE WHEN h >= 300 AND h < 480 THEN NULL WHEN h >= 480 AND h < 530 THEN ps + interval '5 seconds'
                ELSE ps END AS st,
           CASE WHEN h < 300 THEN {DURATION_MS // 2} WHEN h < 480 THEN 0 ELSE {DURATION_MS} END AS aired,
           CASE WHEN k < 2 THEN 1 + (d / 7) * 2 + k ELSE 1 + 2 * :weeks + (c * :weeks + d / 7) * 5 + (k - 2) END AS bid
    FROM r
)
INSERT INTO asrun (key, device_id, area_code, bulletin_id, version_hash, kind, category, priority, planned_start,
                   actual_start, actual_end, device_time, received_at, outcome, reason, duration_ms, aired_ms,
                   clock_skew_ms, skew_flagged)
SELECT 'k' || i, device, area, bid, 'v', 'audio', ({_CATS})[k + 1], CASE WHEN k = 0 THEN 'priority' ELSE 'normal' END,
       ps, st, st + aired * interval '1 millisecond', ps,
       ps + CASE WHEN h % 100 < 3 THEN interval '2 days' ELSE interval '2 minutes' END,
       outcome, reason, {DURATION_MS}, aired, 0, false
FROM o
UNION ALL
SELECT 'd' || i, device, area, bid, 'v', 'audio', ({_CATS})[k + 1], CASE WHEN k = 0 THEN 'priority' ELSE 'normal' END,
       ps, st, st + aired * interval '1 millisecond', ps,
       ps + CASE WHEN h % 100 < 3 THEN interval '2 days' ELSE interval '2 minutes' END,
       'interrupted', NULL, {DURATION_MS}, 1000, 0, false
FROM o WHERE h >= 560 AND h < 580
UNION ALL
SELECT 'e' || i, device, area, :emergency, 'v', 'audio', 'disaster', 'emergency', es, es, es + interval '60 seconds',
       es, es, 'played', NULL, 60000, 60000, 0, false
FROM (SELECT o.*, CAST(:base AS timestamp) + make_interval(days => CAST(o.d AS int), hours => 12) AS es FROM o) e
WHERE d % 7 = 3 AND j = 0
"""


def _generate_postgres(engine: Engine, shape: Shape) -> None:
    from sqlalchemy.schema import AddConstraint, DropConstraint

    table = t(AsRun)
    unique = next(c for c in table.constraints if c.name == "uq_asrun_device_key")
    base = _base().replace(tzinfo=None)
    params = {"base": base, "start_date": START, "weeks": shape.weeks, "days": shape.days,
              "communes": shape.communes, "devices": shape.devices, "emergency": shape.emergency_id}
    with engine.begin() as conn:  # indexes are built once after the load: much faster than row by row
        for index in table.indexes:
            index.drop(conn)
        conn.execute(DropConstraint(unique))
        conn.execute(text(_PG_PLANS), params)
    for lo in range(0, shape.slots, CHUNK):
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL synchronous_commit = off"))
            conn.execute(text(_PG_ASRUN), {**params, "lo": lo, "hi": min(shape.slots, lo + CHUNK)})
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        conn.execute(AddConstraint(unique))
        for index in table.indexes:
            index.create(conn)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


# -- the run ---------------------------------------------------------------------------------------
def _psycopg(url: str) -> str:
    return "postgresql+psycopg://" + url.removeprefix("postgresql://") if url.startswith("postgresql://") else url


@contextmanager
def scratch_database(data_dir: Path) -> Iterator[str]:
    """A fresh database: ``loa_bench_<random>`` on the configured PostgreSQL, else a SQLite file."""
    admin_url = os.environ.get("LOA_DATABASE_URL") or os.environ.get("LOA_TEST_POSTGRES_URL")
    name = f"loa_bench_{secrets.token_hex(6)}"
    if admin_url and admin_url.startswith("postgresql"):
        admin = create_engine(_psycopg(admin_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield f"{_psycopg(admin_url).rpartition('/')[0]}/{name}"
        finally:
            dispose_engines()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"{name}.db"
    try:
        yield f"sqlite:///{path}"
    finally:
        dispose_engines()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _late_rows(shape: Shape, received: datetime) -> list[dict[str, Any]]:
    """Logs of the last three days' never-reported airings, arriving only now (a backlog)."""
    rows = []
    first = max(0, shape.slots - 3 * shape.devices * ITEMS)
    for i in range(first, shape.slots):
        if (i * KNUTH) % 10000 < 150:
            d, dev, j = i // (shape.devices * ITEMS), (i // ITEMS) % shape.devices, i % ITEMS
            ps = _base() + timedelta(days=d, seconds=_offset_s(j))
            c, k = dev // PER_COMMUNE, j % 7
            rows.append({"key": f"late{i}", "device_id": f"bd-{dev:05d}", "area_code": code(c), "version_hash": "v",
                         "bulletin_id": bulletin_of(shape, c, d, k), "kind": "audio", "category": CATEGORIES[k],
                         "priority": "priority" if k == 0 else "normal", "planned_start": ps, "actual_start": ps,
                         "actual_end": ps + timedelta(milliseconds=DURATION_MS), "device_time": ps,
                         "received_at": received, "outcome": "played", "reason": None, "duration_ms": DURATION_MS,
                         "aired_ms": DURATION_MS, "clock_skew_ms": 0, "skew_flagged": False})
    return rows


def _timed_report(engine: Engine, shape: Shape, now: datetime) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    end = START + timedelta(days=shape.days - 1)
    report = airtime_report(engine, load_tree(engine), TZ, "BP", START, end, now)
    json.dumps(report, ensure_ascii=False)
    return time.perf_counter() - started, report


def run(*, data_dir: Path, devices: int | None = None, rows: int | None = None) -> dict[str, Any]:
    shape = shape_for(rows, devices)
    if shape.days > 400:
        raise ValueError(f"{shape.days} days exceed a report's 400-day maximum: use more --devices")
    with scratch_database(data_dir) as url:
        migrate(url)
        engine = get_engine(url)
        backend = engine.dialect.name
        started = time.perf_counter()
        _seed_small(engine, shape)
        (_generate_postgres if backend == "postgresql" else _generate_sqlite)(engine, shape)
        generate_seconds = time.perf_counter() - started
        with engine.connect() as conn:
            count = int(conn.execute(text("SELECT COUNT(*) FROM asrun")).scalar_one())
        # Three days after the period: every record (some arrive two days late) has been received.
        now = datetime.combine(START + timedelta(days=shape.days + 3), datetime.min.time(), tzinfo=TZ)
        now += timedelta(hours=10)
        rollup_seconds, first = _timed_report(engine, shape, now)
        if first["totals"]["planned"] != shape.slots:
            raise RuntimeError(f"planned {first['totals']['planned']} != {shape.slots} expected airings")
        seconds = statistics.median(_timed_report(engine, shape, now)[0] for _ in range(3))
        late = _late_rows(shape, now + timedelta(minutes=1))
        with engine.begin() as conn:
            conn.execute(insert(t(AsRun)), late)
        late_seconds, after = _timed_report(engine, shape, now + timedelta(minutes=2))
        if after["totals"]["played"] - first["totals"]["played"] != len(late):
            raise RuntimeError("late logs were not absorbed exactly once")
        area_service.invalidate(engine)
    return {
        "metrics": {
            "rows": count, "seconds": round(seconds, 3), "generate_seconds": round(generate_seconds, 1),
            "rollup_seconds": round(rollup_seconds, 1), "late_rows": len(late), "late_seconds": round(late_seconds, 3),
            "days": shape.days, "devices": shape.devices,
        },
        "backend": backend,
        "broker": "none",
    }
