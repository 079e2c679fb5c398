"""Stream sources (live radio an area relays): content that airs only after an approver of the
area approved exactly that URL and title. Approved sources are immutable: a changed URL is a new
pending source."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from server.models.base import UTCDateTime, utcnow

URL_MAX = 500
TITLE_MAX = 200


class StreamStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class StreamSource(SQLModel, table=True):
    """A live stream of an area, inherited by its subtree. ``approved_hash`` binds the approval
    to the URL, title and area as they were approved (a row edited behind the API stops airing)."""

    __tablename__ = "stream_source"

    id: int | None = Field(default=None, primary_key=True)
    area_code: str = Field(foreign_key="area.code", max_length=64, index=True)
    url: str = Field(max_length=URL_MAX)
    title: str = Field(max_length=TITLE_MAX)
    status: str = Field(default=StreamStatus.pending, max_length=16)
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    approved_by: int | None = Field(default=None, foreign_key="user_account.id")
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_hash: str | None = Field(default=None, max_length=64)
    rejected_by: int | None = Field(default=None, foreign_key="user_account.id")
    rejected_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rejection_reason: str | None = Field(default=None, max_length=1000)
