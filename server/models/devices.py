"""Devices (speaker receivers and LED boards), their signed manifests, alerts and presence."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from server.models.base import UTCDateTime, utcnow

DEVICE_KINDS = ("speaker", "board")


class Device(SQLModel, table=True):
    __tablename__ = "device"

    id: str = Field(sa_column=Column(String(64), primary_key=True))
    kind: str = Field(max_length=16)
    area_code: str = Field(foreign_key="area.code", max_length=64, index=True)
    name: str = Field(default="", max_length=200)
    board_cols: int | None = None
    board_rows: int | None = None
    board_ascii: bool = False
    # Mosquitto-format ($7$ PBKDF2-SHA512) hash: the broker files are regenerated from it, and
    # HTTP Basic for devices checks the same secret.
    password_hash: str = Field(max_length=255)
    status: str = Field(default="unknown", max_length=16)
    last_seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DeviceManifest(SQLModel, table=True):
    """The current signed manifest of each device: the database is the source of truth that the
    publisher republishes from on start and on broker reconnect."""

    __tablename__ = "device_manifest"

    device_id: str = Field(sa_column=Column(String(64), primary_key=True))
    seq: int
    etag: str = Field(max_length=64)
    # sha256 of the payload without seq/issued_at/expires_at: unchanged content is not re-sent.
    content_hash: str = Field(max_length=64)
    envelope: str = Field(sa_column=Column(Text, nullable=False))
    window_from: date
    compiled_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AreaAlert(SQLModel, table=True):
    """The retained alert message of an area (start or cancel), as last signed."""

    __tablename__ = "area_alert"
    __table_args__ = (UniqueConstraint("alert_id", "area_code", name="uq_area_alert"),)

    id: int | None = Field(default=None, primary_key=True)
    alert_id: str = Field(max_length=64, index=True)
    area_code: str = Field(foreign_key="area.code", max_length=64, index=True)
    bulletin_id: int = Field(index=True)
    version_hash: str = Field(max_length=64)
    action: str = Field(max_length=8)  # start | cancel
    seq: int
    envelope: str = Field(sa_column=Column(Text, nullable=False))
    starts_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class TopicSeq(SQLModel, table=True):
    """Monotonic ``seq`` per topic, so a replayed message is always below the last one."""

    __tablename__ = "topic_seq"

    topic: str = Field(sa_column=Column(String(200), primary_key=True))
    seq: int = 0


class DeviceOutage(SQLModel, table=True):
    __tablename__ = "device_outage"
    __table_args__ = (Index("ix_device_outage_device_started", "device_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    device_id: str = Field(foreign_key="device.id", max_length=64)
    started_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DevicePublic(SQLModel):
    id: str
    kind: str
    area_code: str
    name: str
    board_cols: int | None
    board_rows: int | None
    board_ascii: bool
    status: str
    last_seen_at: datetime | None
    created_at: datetime
    revoked_at: datetime | None
