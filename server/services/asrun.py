"""As-run storage: validated, idempotent on (device, key), stored with the server's receive
time; the device is acknowledged only for keys that are durably stored."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from devices.protocol import AsRunAck, AsRunBatch, parse_iso
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


def _rows(device: Device, batch: AsRunBatch, received_at: datetime,
          facts: dict[int, tuple[str | None, str | None]]) -> list[dict[str, Any]]:
    rows = []
    for rec in batch.records:
        device_time = parse_iso(rec.device_time)
        skew_ms = int((device_time - received_at).total_seconds() * 1000)
        category, priority = facts.get(rec.bulletin_id, (None, None)) if rec.bulletin_id else (None, None)
        rows.append({
            "key": rec.key, "device_id": device.id, "area_code": device.area_code,
            "bulletin_id": rec.bulletin_id, "version_hash": rec.version_hash, "kind": rec.kind,
            "category": category, "priority": priority,
            "planned_start": parse_iso(rec.planned_start),
            "actual_start": parse_iso(rec.actual_start) if rec.actual_start else None,
            "actual_end": parse_iso(rec.actual_end) if rec.actual_end else None,
            "device_time": device_time, "received_at": received_at, "outcome": rec.outcome,
            "reason": rec.reason, "duration_ms": rec.duration_ms, "aired_ms": rec.aired_ms,
            # Positive skew: the device clock runs ahead. Records are kept either way.
            "clock_skew_ms": skew_ms if abs(skew_ms) > SKEW_FLAG_MS else 0,
            "skew_flagged": abs(skew_ms) > SKEW_FLAG_MS,
        })
    return rows


def insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> int:
    """Bulk insert; rows whose (device_id, key) exist are skipped. Returns rows inserted."""
    if not rows:
        return 0
    table: Table = AsRun.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(table).on_conflict_do_nothing(index_elements=["device_id", "key"])
    result = cast(CursorResult[Any], session.execute(stmt, rows))
    return max(int(result.rowcount or 0), 0)


def store_batches(
    engine: Engine, items: list[tuple[Device, AsRunBatch]], received_at: datetime,
    facts: BulletinFacts, stats: IngestStats,
) -> list[tuple[str, AsRunAck]]:
    """Store several devices' batches in one transaction; returns (device_id, ack) to send."""
    bulletin_ids = {r.bulletin_id for _, b in items for r in b.records if r.bulletin_id}
    fact_map = facts.get(bulletin_ids)
    rows: list[dict[str, Any]] = []
    for device, batch in items:
        rows.extend(_rows(device, batch, received_at, fact_map))
    with Session(engine) as session:
        inserted = insert_ignoring_duplicates(session, rows)
        session.commit()
    stats.batches += len(items)
    stats.records += len(rows)
    stats.stored += inserted
    stats.duplicates += len(rows) - inserted
    return [
        (device.id, AsRunAck(batch_id=batch.batch_id, stored=[r.key for r in batch.records]))
        for device, batch in items
    ]
