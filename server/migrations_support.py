"""Shared by Alembic's env.py and the drift test: what our migrations own."""

from __future__ import annotations

from typing import Any

# Tables owned by libraries (APScheduler creates its own job store table).
EXTERNAL_TABLES = frozenset({"apscheduler_jobs"})


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not (type_ == "table" and name in EXTERNAL_TABLES)
