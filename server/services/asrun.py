"""As-run storage: validated, idempotent on (device, key), stored with the server's receive
time; the device is acknowledged only for keys that are durably stored."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, DateTime, Engine, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, col

from devices.protocol import AsRunAck, AsRunBatch
from server.models.asrun import AsRun
from server.models.devices import Device

SKEW_FLAG_MS = 120_000  # device clocks further off than 2 minutes are flagged (not dropped)


@dataclass
class IngestStats:
    batches: int = 0
    records: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def reject(self, reason: str, count: int = 1) -> None:
        self.rejected += count
        self.reasons[reason] = self.reasons.get(reason, 0) + count


class BulletinFacts:
    """Category and priority per bulletin, cached: ingest must not query per record."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: dict[int, tuple[str | None, str | None]] = {}

    def get(self, bulletin_ids: Iterable[int]) -> dict[int, tuple[str | None, str | None]]:
        missing = {b for b in bulletin_ids if b not in self._cache}
        if missing:
            from server.models.bulletins import Bulletin

            with Session(self.engine) as session:
                rows = session.execute(
                    select(col(Bulletin.id), col(Bulletin.category), col(Bulletin.priority))
                    .where(col(Bulletin.id).in_(missing))
                ).all()
            for bid, category, priority in rows:
                self._cache[bid] = (category, priority)
            for bid in missing - {r[0] for r in rows}:
                self._cache[bid] = (None, None)
        return self._cache


# The order of the row tuples ingest builds; every column of ``asrun`` but its id.
ROW_COLUMNS = (
    "key", "device_id", "area_code", "bulletin_id", "version_hash", "kind", "category", "priority",
    "planned_start", "actual_start", "actual_end", "device_time", "received_at", "outcome", "reason",
    "duration_ms", "aired_ms", "clock_skew_ms", "skew_flagged",
)
_TABLE: Table = AsRun.__table__  # type: ignore[attr-defined]
if set(ROW_COLUMNS) != {c.name for c in _TABLE.columns} - {"id"}:  # a new column must be added above
    raise RuntimeError("ROW_COLUMNS does not match the asrun table")
_COLUMNS = [_TABLE.c[name] for name in ROW_COLUMNS]
_STAGING = "asrun_incoming"
SQLITE_ROWS_PER_STATEMENT = 500  # 9,500 placeholders (SQLite >= 3.32 allows 32,766)


def _parse(value: str) -> datetime:
    # The wire model already checked the exact "YYYY-MM-DDTHH:MM:SSZ" spelling (``parse_iso``);
    # fromisoformat reads it as the same aware UTC instant ~50x faster than strptime.
    return datetime.fromisoformat(value)


def _rows(device: Device, batch: AsRunBatch, received_at: datetime,
          facts: dict[int, tuple[str | None, str | None]]) -> list[tuple[Any, ...]]:
    """The batch's rows as tuples in ``ROW_COLUMNS`` order."""
    rows = []
    for rec in batch.records:
        device_time = _parse(rec.device_time)
        skew_ms = int((device_time - received_at).total_seconds() * 1000)
        flagged = abs(skew_ms) > SKEW_FLAG_MS  # positive: the device clock runs ahead; kept either way
        category, priority = facts.get(rec.bulletin_id, (None, None)) if rec.bulletin_id else (None, None)
        rows.append((
            rec.key, device.id, device.area_code, rec.bulletin_id, rec.version_hash, rec.kind, category, priority,
            _parse(rec.planned_start), _parse(rec.actual_start) if rec.actual_start else None,
            _parse(rec.actual_end) if rec.actual_end else None, device_time, received_at, rec.outcome,
            rec.reason, rec.duration_ms, rec.aired_ms, skew_ms if flagged else 0, flagged,
        ))
    return rows


def insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> int:
    """Bulk insert; rows whose (device_id, key) exist are skipped. Returns rows inserted."""
    return insert_rows(session, [tuple(r[name] for name in ROW_COLUMNS) for r in rows])


def insert_rows(session: Session, rows: list[tuple[Any, ...]]) -> int:
    """``insert_ignoring_duplicates`` for tuples in ``ROW_COLUMNS`` order: ingest's hot path.

    Values are converted once per distinct timestamp (they repeat across batches), never per
    row through SQLAlchemy's bind processing. PostgreSQL: a binary COPY into a transaction-local
    staging table, then one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` (its rowcount is exact;
    an executemany's is not). SQLite: multi-row INSERTs, one statement per 500 rows (an
    executemany gives up the GIL per row and stalls behind ingest's validating thread).
    """
    if not rows:
        return 0
    conn = session.connection()
    dialect = conn.dialect
    if dialect.name not in ("postgresql", "sqlite"):  # pragma: no cover - the supported backends
        stmt = pg_insert(_TABLE).on_conflict_do_nothing(index_elements=["device_id", "key"])
        result = session.execute(stmt, [dict(zip(ROW_COLUMNS, r, strict=True)) for r in rows])
        return max(int(cast(CursorResult[Any], result).rowcount or 0), 0)
    converters = list(enumerate(_converters(dialect)))
    values = [
        tuple(fn(row[i]) if fn is not None and row[i] is not None else row[i] for i, fn in converters)
        for row in rows
    ]
    if dialect.name == "postgresql":
        return _copy_postgres(conn, values)
    inserted = 0
    head, group, tail = _sqlite_insert(dialect)
    for start in range(0, len(values), SQLITE_ROWS_PER_STATEMENT):
        chunk = values[start:start + SQLITE_ROWS_PER_STATEMENT]
        sql = head + ", ".join([group] * len(chunk)) + tail
        result = conn.exec_driver_sql(sql, tuple(v for row in chunk for v in row))
        inserted += max(int(result.rowcount or 0), 0)
    return inserted


def _sqlite_insert(dialect: Dialect) -> tuple[str, str, str]:
    """SQLAlchemy's own one-row ``INSERT … VALUES (?, …) ON CONFLICT DO NOTHING``, split around
    its ``(?, …)`` group so a statement can carry many rows."""
    stmt = sqlite_insert(_TABLE).on_conflict_do_nothing(index_elements=["device_id", "key"])
    compiled = stmt.compile(dialect=dialect, column_keys=list(ROW_COLUMNS))
    group = "(" + ", ".join("?" for _ in ROW_COLUMNS) + ")"
    text = str(compiled)
    if list(compiled.positiontup or ()) != list(ROW_COLUMNS) or text.count(group) != 1:
        raise RuntimeError("unexpected form of the compiled as-run insert")
    head, tail = text.split(group)
    return head, group, tail


def _copy_postgres(conn: Connection, values: list[tuple[Any, ...]]) -> int:
    from psycopg import sql

    names = sql.SQL(", ").join(sql.Identifier(name) for name in ROW_COLUMNS)
    target, staging = sql.Identifier(_TABLE.name), sql.Identifier(_STAGING)
    # The wire types of the binary COPY, as PostgreSQL names the columns' types ("integer", …).
    types = [re.sub(r"\(.*\)", "", c.type.compile(dialect=conn.dialect)).lower() for c in _COLUMNS]
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]  # psycopg, this transaction
    with cursor:
        cursor.execute(sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA")
                       .format(staging, names, target))
        with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(staging, names)) as copy:
            copy.set_types(types)
            for row in values:
                copy.write_row(row)
        cursor.execute(sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} ON CONFLICT (device_id, key) DO NOTHING")
                       .format(target, names, names, staging))
        inserted = int(cursor.rowcount or 0)
        cursor.execute(sql.SQL("DROP TABLE {}").format(staging))  # a second call in this transaction recreates it
    return max(inserted, 0)


Converter = Callable[[Any], Any]


def _converters(dialect: Dialect) -> list[Converter | None]:
    """Per column, SQLAlchemy's own bind processing (``None``: the value goes as is), memoised
    per distinct value for timestamps (``UTCDateTime``: aware -> naive UTC -> dialect form)."""
    out: list[Converter | None] = []
    for column in _COLUMNS:
        processor: Converter | None = column.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None and isinstance(column.type, DateTime | TypeDecorator):
            processor = _memoised(processor)
        out.append(processor)
    return out


def _memoised(processor: Converter) -> Converter:
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            out = cache[value] = processor(value)
            return out

    return convert


def store_batches(
    engine: Engine, items: list[tuple[Device, AsRunBatch]], received_at: datetime,
    facts: BulletinFacts, stats: IngestStats,
) -> list[tuple[str, AsRunAck]]:
    """Store several devices' batches in one transaction; returns (device_id, ack) to send."""
    bulletin_ids = {r.bulletin_id for _, b in items for r in b.records if r.bulletin_id}
    fact_map = facts.get(bulletin_ids)
    rows: list[tuple[Any, ...]] = []
    for device, batch in items:
        rows.extend(_rows(device, batch, received_at, fact_map))
    with Session(engine) as session:
        inserted = insert_rows(session, rows)
        session.commit()
    stats.batches += len(items)
    stats.records += len(rows)
    stats.stored += inserted
    stats.duplicates += len(rows) - inserted
    return [
        (device.id, AsRunAck(batch_id=batch.batch_id, stored=[r.key for r in batch.records]))
        for device, batch in items
    ]
