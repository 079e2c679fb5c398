"""What was planned per area and day, and what devices report as aired (as-run logs)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from server.models.base import UTCDateTime, utcnow

# 64-bit ids on PostgreSQL (a province-year is ~10M rows); SQLite needs INTEGER for rowid aliasing.
BIG_ID = BigInteger().with_variant(Integer(), "sqlite")


class PlannedAiring(SQLModel, table=True):
    """An audio item a speaker in ``area_code`` should air. Every speaker of an area shares its
    area's plan, so plans are stored per area and day (not per device): 20× fewer rows."""

    __tablename__ = "planned_item"
    __table_args__ = (
        UniqueConstraint("area_code", "start", "bulletin_id", "kind", name="uq_planned_item"),
        Index("ix_planned_item_day", "local_date", "area_code"),
    )

    id: int | None = Field(default=None, sa_column=Column(BIG_ID, primary_key=True, autoincrement=True))
    area_code: str = Field(max_length=64)
    local_date: date
    start: datetime = Field(sa_type=UTCDateTime)
    duration_ms: int
    kind: str = Field(max_length=8)
    bulletin_id: int | None = None
    version_hash: str | None = Field(default=None, max_length=64)
    priority: str = Field(max_length=16)
    category: str | None = Field(default=None, max_length=16)
    slot_id: int | None = None


class AsRun(SQLModel, table=True):
    __tablename__ = "asrun"
    __table_args__ = (
        UniqueConstraint("device_id", "key", name="uq_asrun_device_key"),
        Index("ix_asrun_area_planned", "area_code", "planned_start"),
        Index("ix_asrun_device_planned", "device_id", "planned_start"),
        # Reports find the days that late logs touched since their last rollup (reports_rollup).
        Index("ix_asrun_received", "received_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(BIG_ID, primary_key=True, autoincrement=True))
    key: str = Field(max_length=128)
    device_id: str = Field(max_length=64)
    area_code: str = Field(max_length=64)
    bulletin_id: int | None = None
    version_hash: str | None = Field(default=None, max_length=64)
    kind: str = Field(max_length=8)
    category: str | None = Field(default=None, max_length=16)
    priority: str | None = Field(default=None, max_length=16)
    planned_start: datetime = Field(sa_type=UTCDateTime)
    actual_start: datetime | None = Field(default=None, sa_type=UTCDateTime)
    actual_end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    device_time: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    outcome: str = Field(max_length=16)
    reason: str | None = Field(default=None, max_length=16)
    duration_ms: int
    aired_ms: int
    # Device clock minus server clock at receipt; large values are flagged, never dropped.
    clock_skew_ms: int = 0
    skew_flagged: bool = False
