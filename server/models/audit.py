"""The audit trail: an append-only hash chain, and its head kept outside the chain.

Each event stores the hash of the previous one; ``audit_head`` (one row, id 1) holds the newest
sequence number and hash, updated in the same transaction as the append. See
``server.services.audit`` for the hash definition and the third copy of the head in a file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from server.models.base import UTCDateTime, utcnow

GENESIS_HASH = "0" * 64


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    # Assigned by the appender (head + 1), never by the database: gaps mean deleted rows.
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_id: int | None = Field(default=None, index=True)  # no FK: the trail outlives accounts
    actor: str = Field(default="", max_length=64)  # username at the time, "" for the system
    action: str = Field(max_length=64, index=True)
    subject: str = Field(default="", max_length=128, index=True)  # e.g. "bulletin:12", "user:3"
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = Field(default=0)
    hash: str = Field(default=GENESIS_HASH, max_length=64)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditEventPublic(SQLModel):
    seq: int
    at: datetime
    actor_id: int | None
    actor: str
    action: str
    subject: str
    details: dict[str, Any]
    hash: str
