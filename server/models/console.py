"""Tables of the web console's services: drafts autosaved on the server, emergency templates,
and the alert starts devices report (live emergency delivery)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from server.models.base import UTCDateTime, utcnow


class ConsoleDraft(SQLModel, table=True):
    """A user's own form state under a key (e.g. ``ban-tin-moi``); only its owner reads it, and
    it outlives the session so an officer signed out by expiry finds the form as it was."""

    __tablename__ = "console_draft"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    key: str = Field(sa_column=Column(String(64), primary_key=True))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EmergencyTemplate(SQLModel, table=True):
    """A saved emergency bulletin (storm, flood…). ``area_code`` NULL: a built-in for everyone;
    otherwise it is offered in that area's whole subtree."""

    __tablename__ = "emergency_template"

    id: int | None = Field(default=None, primary_key=True)
    area_code: str | None = Field(default=None, foreign_key="area.code", max_length=64, index=True)
    builtin_key: str | None = Field(default=None, max_length=32, unique=True)
    name: str = Field(max_length=100)
    title: str = Field(max_length=200)
    body: str = Field(max_length=5000)
    board_text: str = Field(max_length=300)
    category: str = Field(max_length=16)
    validity_hours: int
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AlertDelivery(SQLModel, table=True):
    """A device reported (in its retained status) that it started playing an alert."""

    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("alert_id", "device_id", name="uq_alert_delivery"),)

    id: int | None = Field(default=None, primary_key=True)
    alert_id: str = Field(max_length=64, index=True)
    device_id: str = Field(foreign_key="device.id", max_length=64)
    started_at: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(sa_type=UTCDateTime)
