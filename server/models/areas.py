"""The area tree: province → [district] → commune → hamlet, any depth, with retirement."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from server.models.base import UTCDateTime

AREA_CODE_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


class Area(SQLModel, table=True):
    __tablename__ = "area"

    code: str = Field(sa_column=Column(String(64), primary_key=True))
    name: str = Field(max_length=200)
    level: str = Field(max_length=16, index=True)
    parent_code: str | None = Field(default=None, foreign_key="area.code", index=True, max_length=64)
    # Retired areas (e.g. communes merged on 1 July 2025) keep their rows so old reports resolve.
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    successor_code: str | None = Field(default=None, foreign_key="area.code", max_length=64)


class AreaPublic(SQLModel):
    code: str
    name: str
    level: str
    parent_code: str | None
    retired_at: datetime | None = None
    successor_code: str | None = None
