"""Broadcast slots (recurring or one-off), holidays, relays and officer ordering."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from server.models.base import UTCDateTime, utcnow


class Slot(SQLModel, table=True):
    """A broadcast window of an area, inherited by its subtree. ``rrule`` NULL = a one-off extra
    session on ``dtstart`` (one id space, so pins and relays can point at either)."""

    __tablename__ = "slot"

    id: int | None = Field(default=None, primary_key=True)
    area_code: str = Field(foreign_key="area.code", max_length=64, index=True)
    name: str = Field(max_length=64)
    start_local: str = Field(max_length=8)  # "HH:MM" or "HH:MM:SS", Asia/Ho_Chi_Minh wall time
    duration_s: int
    rrule: str | None = Field(default=None, max_length=500)
    dtstart: date
    until: date | None = None
    exdates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    template: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    enabled: bool = True
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Holiday(SQLModel, table=True):
    __tablename__ = "slot_holiday"

    id: int | None = Field(default=None, primary_key=True)
    area_code: str = Field(foreign_key="area.code", max_length=64, index=True)
    date: date
    slot_name: str | None = Field(default=None, max_length=64)
    note: str = Field(default="", max_length=200)


class Relay(SQLModel, table=True):
    __tablename__ = "relay"

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(foreign_key="slot.id", index=True)
    # What plays comes from the source (URL, title), and only once that source is approved.
    stream_id: int = Field(foreign_key="stream_source.id", index=True)
    duration_s: int
    title: str = Field(max_length=200)


class SlotOrder(SQLModel, table=True):
    """Officer reorder of pinned bulletins within one slot occurrence."""

    __tablename__ = "slot_order"
    __table_args__ = (UniqueConstraint("slot_id", "date", "bulletin_id", name="uq_slot_order"),)

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(foreign_key="slot.id")
    date: date
    bulletin_id: int
    position: int
