"""As-run storage: validated, idempotent on (device, key), stored with the server's receive
time; the device is acknowledged only for keys that are durably stored."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import psycopg
from sqlalchemy import Connection, CursorResult, DateTime, Engine, Table, func, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, col

from devices.protocol import AsRunAck, AsRunBatch
from server.models.asrun import AsRun
from server.models.devices import Device

log = logging.getLogger(__name__)

SKEW_FLAG_MS = 120_000  # device clocks further off than 2 minutes are flagged (not dropped)
INT4_MAX = 2**31 - 1  # INTEGER columns (int4 on PostgreSQL)
UNSTORABLE = "unstorable"  # the reason, in an ack and in the stats, for a record the database refused


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


Facts = tuple[str | None, str | None]  # (category, priority)
FactRef = tuple[int, str | None]  # (bulletin_id, version_hash) as a record names them


class BulletinFacts:
    """Category and priority of the bulletin version a record names; ingest must not query per record.

    Keyed by (bulletin_id, version_hash) and read from ``bulletin_version``: a submitted version is
    frozen and its hash covers both fields, so these are cached for the ingest's lifetime. A record
    without a hash (or with one no version has) gets its bulletin's current approved version,
    looked up afresh on every call: a re-approval with a new priority shows from the next pass on.
    """

    MAX_CACHED = 100_000  # versions; beyond that the cache starts over

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: dict[tuple[int, str], Facts] = {}

    def get(self, refs: Iterable[FactRef]) -> dict[FactRef, Facts]:
        from server.models.bulletins import Bulletin, BulletinVersion

        refs = set(refs)
        missing = {(b, h) for b, h in refs if h and (b, h) not in self._cache}
        fallback = {b for b, h in refs if not h}
        with Session(self.engine) as session:
            if missing:
                rows = session.execute(
                    select(col(BulletinVersion.bulletin_id), col(BulletinVersion.version_hash),
                           col(BulletinVersion.category), col(BulletinVersion.priority))
                    .where(col(BulletinVersion.bulletin_id).in_({b for b, _ in missing}))
                    .where(col(BulletinVersion.version_hash).in_({h for _, h in missing}))
                ).all()
                if len(self._cache) + len(rows) > self.MAX_CACHED:
                    self._cache.clear()
                for bid, digest, category, priority in rows:
                    if (bid, digest) in missing:
                        self._cache[(bid, digest)] = (category, priority)
                fallback |= {b for b, h in missing if (b, h) not in self._cache}  # not cached: may appear
            current: dict[int, Facts] = {}
            if fallback:
                approved = session.execute(
                    select(col(Bulletin.id),
                           func.coalesce(col(BulletinVersion.category), col(Bulletin.category)),
                           func.coalesce(col(BulletinVersion.priority), col(Bulletin.priority)))
                    .outerjoin(BulletinVersion, col(BulletinVersion.id) == col(Bulletin.approved_version_id))
                    .where(col(Bulletin.id).in_(fallback))
                ).all()
                current = {bid: (category, priority) for bid, category, priority in approved}
        return {(b, h): self._cache[(b, h)] if h and (b, h) in self._cache else current.get(b, (None, None))
                for b, h in refs}


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
          facts: dict[FactRef, Facts]) -> list[tuple[Any, ...]]:
    """The batch's rows as tuples in ``ROW_COLUMNS`` order."""
    rows = []
    # The device clock when it sent the batch, against ours now: a record written during an
    # outage and sent hours later is late, not skewed. Older firmware: when it wrote the record.
    sent_at = _parse(batch.sent_at) if batch.sent_at else None
    for rec in batch.records:
        device_time = _parse(rec.device_time)
        # Saturated to the INTEGER column: a clock reset to 1970 is years (> 2^31 ms) off.
        offset = ((sent_at or device_time) - received_at).total_seconds()
        skew_ms = max(-INT4_MAX, min(INT4_MAX, int(offset * 1000)))
        flagged = abs(skew_ms) > SKEW_FLAG_MS  # positive: the device clock runs ahead; kept either way
        known = facts.get((rec.bulletin_id, rec.version_hash)) if rec.bulletin_id else None
        category, priority = known or (None, None)
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
    """Store several devices' batches in one transaction; returns (device_id, ack) to send.

    If the database refuses the pass, it is rolled back and stored batch by batch, and a batch it
    refuses record by record: a record that cannot be stored only costs itself (its ack lists it
    as rejected, so the device drops it) and never the other devices' batches beside it. Errors
    that say nothing about the data (connection lost, database locked) propagate: nothing is
    acknowledged and the devices resend.
    """
    refs = {(r.bulletin_id, r.version_hash) for _, b in items for r in b.records if r.bulletin_id}
    fact_map = facts.get(refs)
    per_batch = [_rows(device, batch, received_at, fact_map) for device, batch in items]
    rows = [row for batch_rows in per_batch for row in batch_rows]
    inserted = _attempt(engine, rows)
    if inserted is None:
        log.warning("the database refused a pass of %d as-run batch(es); storing them one by one", len(items))
        acks = [(device.id, _store_alone(engine, batch, batch_rows, stats))
                for (device, batch), batch_rows in zip(items, per_batch, strict=True)]
    else:
        stats.stored += inserted
        stats.duplicates += len(rows) - inserted
        acks = [(device.id, AsRunAck(batch_id=batch.batch_id, stored=[r.key for r in batch.records]))
                for device, batch in items]
    stats.batches += len(items)
    stats.records += len(rows)
    return acks


def store_with_refused(
    engine: Engine, runs: list[tuple[Device, AsRunBatch]], refused: dict[int, list[dict[str, str]]],
    received_at: datetime, facts: BulletinFacts, stats: IngestStats,
) -> list[tuple[str, AsRunAck]]:
    """``store_batches``, then each ack also lists the records refused at parse (``refused``: by
    index in ``runs``); a batch whose every record was refused is acknowledged without a write."""
    to_store = [i for i, (_, batch) in enumerate(runs) if batch.records]
    stored = dict(zip(to_store, store_batches(engine, [runs[i] for i in to_store], received_at, facts, stats),
                      strict=True))
    acks = []
    for i, (device, batch) in enumerate(runs):
        ack = stored[i][1] if i in stored else AsRunAck(batch_id=batch.batch_id)
        if refused.get(i):
            ack = ack.model_copy(update={"rejected": [*ack.rejected, *refused[i]]})
        acks.append((device.id, ack))
    return acks


def _store_alone(engine: Engine, batch: AsRunBatch, rows: list[tuple[Any, ...]], stats: IngestStats) -> AsRunAck:
    """One batch in its own transaction, else each of its records in its own."""
    inserted = _attempt(engine, rows)
    if inserted is not None:
        stats.stored += inserted
        stats.duplicates += len(rows) - inserted
        return AsRunAck(batch_id=batch.batch_id, stored=[r.key for r in batch.records])
    stored: list[str] = []
    rejected: list[dict[str, str]] = []
    for rec, row in zip(batch.records, rows, strict=True):
        one = _attempt(engine, [row])
        if one is None:
            rejected.append({"key": rec.key, "reason": UNSTORABLE})
            stats.reject(UNSTORABLE)
            log.warning("the database refused as-run record %r of device %s", rec.key, batch.device_id)
        else:
            stored.append(rec.key)
            stats.stored += one
            stats.duplicates += 1 - one
    return AsRunAck(batch_id=batch.batch_id, stored=stored, rejected=rejected)


# What the database (or the driver, binding a value) raises for data it refuses ...
_DATA_ERRORS = (SQLAlchemyError, psycopg.Error, OverflowError, ValueError)
# ... unless the error is about the connection or the database, not the rows.
_TRANSIENT = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError, sa_exc.TimeoutError,
              psycopg.OperationalError, psycopg.InterfaceError)


def _attempt(engine: Engine, rows: list[tuple[Any, ...]]) -> int | None:
    """Rows inserted in one transaction; None (rolled back) if the database refused the data."""
    try:
        with Session(engine) as session:  # leaving it on an error rolls the transaction back
            inserted = insert_rows(session, rows)
            session.commit()
    except _TRANSIENT:
        raise
    except _DATA_ERRORS as exc:
        log.debug("as-run insert of %d row(s) refused: %s", len(rows), exc)
        return None
    return inserted
