"""Users with one role, scoped to an area subtree."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from server.models.base import UTCDateTime, utcnow


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    full_name: str = Field(default="", max_length=200)
    # Where notification e-mails for this account's scope go (optional; see server/notify).
    email: str | None = Field(default=None, max_length=254)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16)
    area_code: str = Field(foreign_key="area.code", max_length=64, index=True)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UserPublic(SQLModel):
    id: int
    username: str
    full_name: str
    email: str | None = None
    role: str
    area_code: str
    active: bool
