"""Shared column helpers and value lists (DESIGN.md §1)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: SQLite drops tzinfo, so normalise both ways."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class AreaLevel(StrEnum):
    province = "province"
    district = "district"
    commune = "commune"
    hamlet = "hamlet"


class Role(StrEnum):
    officer = "officer"
    approver = "approver"
    auditor = "auditor"
    admin = "admin"


ROLE_LABELS_VI = {
    Role.officer: "cán bộ soạn tin",
    Role.approver: "lãnh đạo phê duyệt",
    Role.auditor: "kiểm tra, giám sát",
    Role.admin: "quản trị",
}
