"""Daily rollups of the airtime audit (owned by ``server.services.reports_rollup``).

A province-year is ~10M as-run rows: too many to reconcile per request, so every *closed* local
day (before today) is reconciled once per area into these tables and re-reconciled only when
late logs for it arrive. Both are derived data: deleting them only costs a rebuild.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from server.models.asrun import BIG_ID
from server.models.base import UTCDateTime


class AirtimeDaily(SQLModel, table=True):
    """Reconciled airings of one area and local day, per bulletin and outcome.

    ``planned`` rows are expected airings (plan × speaker), counted once with their best outcome;
    the others are as-run records that match no plan (e.g. emergencies): airtime only.
    """

    __tablename__ = "report_airtime_daily"
    __table_args__ = (Index("ix_report_airtime_daily_day_area", "local_date", "area_code"),)

    id: int | None = Field(default=None, sa_column=Column(BIG_ID, primary_key=True, autoincrement=True))
    local_date: date
    area_code: str = Field(max_length=64)
    bulletin_id: int | None = None
    category: str = Field(max_length=16)
    priority: str = Field(max_length=16)
    outcome: str = Field(max_length=16)
    reason: str | None = Field(default=None, max_length=16)
    planned: bool
    n: int
    aired_ms: int = Field(sa_column=Column(BigInteger, nullable=False))


class DeviceDaily(SQLModel, table=True):
    """The same facts per device and local day (no bulletin dimension)."""

    __tablename__ = "report_device_daily"
    __table_args__ = (Index("ix_report_device_daily_day_area", "local_date", "area_code"),)

    id: int | None = Field(default=None, sa_column=Column(BIG_ID, primary_key=True, autoincrement=True))
    local_date: date
    device_id: str = Field(max_length=64)
    area_code: str = Field(max_length=64)
    outcome: str = Field(max_length=16)
    reason: str | None = Field(default=None, max_length=16)
    planned: bool
    n: int
    aired_ms: int = Field(sa_column=Column(BigInteger, nullable=False))


class RollupState(SQLModel, table=True):
    """One row (id 1): days up to ``closed_through`` are rolled up with every as-run row received
    before ``watermark`` (minus a safety overlap, see reports_rollup)."""

    __tablename__ = "report_rollup_state"

    id: int = Field(default=1, primary_key=True)
    closed_through: date | None = None
    watermark: datetime | None = Field(default=None, sa_type=UTCDateTime)
    refreshed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
