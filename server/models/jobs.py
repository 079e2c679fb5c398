"""Background jobs (synthesis, exports…): state and progress live in the database so any
process — API replica, CLI — can answer GET /api/v1/jobs/{id}."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from server.models.base import UTCDateTime, utcnow

JOB_STATES = ("queued", "running", "succeeded", "failed")


class Job(SQLModel, table=True):
    __tablename__ = "job"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=64, index=True)
    state: str = Field(default="queued", max_length=16, index=True)
    percent: int = Field(default=0)
    # How often a leader started it: a job cut by a crash runs once more, then fails.
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    error: str | None = Field(default=None, max_length=2000)
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    result: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class JobPublic(SQLModel):
    id: int
    kind: str
    state: str
    percent: int
    error: str | None
    result: dict | None
    created_at: datetime
    updated_at: datetime
