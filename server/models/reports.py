"""Rollups of the airtime audit (owned by ``server.services.reports_rollup``).

A province-year is ~10M as-run rows: too many to reconcile per request. Every *closed* local
day (before today) is reconciled once into these tables, per area and bulletin and per device,
with outcomes pivoted into counters; each month is also summed into ``span = 'month'`` rows, so a
year-long report reads ~12 rows per area and bulletin instead of ~365. Late logs re-reconcile
their day (and month). Both tables are derived data: deleting them only costs a rebuild.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from server.models.asrun import BIG_ID
from server.models.base import UTCDateTime

# Counters of every rollup row: expected airings (plan × speaker) that are due by best outcome,
# the reasons of those not played, as-run records that matched no plan, every millisecond aired,
# then airings not due yet (``upcoming``) and due but still within the as-run grace (``pending``).
# Closed days (rolled up) have neither; only the live reconciliation of open days counts them.
COUNTERS = ("planned", "played", "interrupted", "missed", "failed", "offline", "media_failed", "preempted",
            "expired", "unplanned", "aired_ms", "upcoming", "pending")


class _Counters(SQLModel):
    planned: int = 0
    played: int = 0
    interrupted: int = 0
    missed: int = 0
    failed: int = 0
    offline: int = 0
    media_failed: int = 0
    preempted: int = 0
    expired: int = 0
    unplanned: int = 0
    upcoming: int = 0
    pending: int = 0


class AirtimeRollup(_Counters, table=True):
    """One area's airings of one bulletin over a day (``span='day'``) or a month (``'month'``,
    ``local_date`` = its first day)."""

    __tablename__ = "report_airtime"
    __table_args__ = (Index("ix_report_airtime_span_date_area", "span", "local_date", "area_code"),)

    id: int | None = Field(default=None, sa_column=Column(BIG_ID, primary_key=True, autoincrement=True))
    span: str = Field(max_length=8)
    local_date: date
    area_code: str = Field(max_length=64)
    bulletin_id: int | None = None
    category: str = Field(max_length=16)
    priority: str = Field(max_length=16)
    aired_ms: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class DeviceRollup(_Counters, table=True):
    """One device's airings over a day or a month (no bulletin dimension)."""

    __tablename__ = "report_device"
    __table_args__ = (Index("ix_report_device_span_date_area", "span", "local_date", "area_code"),)

    id: int | None = Field(default=None, sa_column=Column(BIG_ID, primary_key=True, autoincrement=True))
    span: str = Field(max_length=8)
    local_date: date
    device_id: str = Field(max_length=64)
    area_code: str = Field(max_length=64)
    aired_ms: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class RollupState(SQLModel, table=True):
    """One row (id 1): days up to ``closed_through`` are rolled up, in ``timezone``, with every
    as-run row received before ``watermark`` (minus a safety overlap, see reports_rollup)."""

    __tablename__ = "report_rollup_state"

    id: int = Field(default=1, primary_key=True)
    closed_through: date | None = None
    watermark: datetime | None = Field(default=None, sa_type=UTCDateTime)
    timezone: str | None = Field(default=None, max_length=64)
    refreshed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
