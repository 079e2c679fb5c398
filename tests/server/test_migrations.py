"""The schema comes from Alembic on SQLite and PostgreSQL, both ways, with no drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import server.models  # noqa: F401
from server.db import dispose_engines, downgrade, get_engine, migrate
from tests.services import fresh_postgres_database


def _drift(url: str) -> list[object]:
    from server.migrations_support import include_object

    with get_engine(url).connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        return list(compare_metadata(ctx, SQLModel.metadata))


def _roundtrip(url: str) -> None:
    migrate(url)
    tables = set(inspect(get_engine(url)).get_table_names())
    assert {"area", "user_account", "job"} <= tables
    assert _drift(url) == []
    downgrade(url, "base")
    dispose_engines()
    assert set(inspect(get_engine(url)).get_table_names()) <= {"alembic_version"}
    migrate(url)
    assert _drift(url) == []
    dispose_engines()


def test_sqlite_upgrade_downgrade_no_drift(tmp_path: Path) -> None:
    _roundtrip(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.mark.postgres
def test_postgres_upgrade_downgrade_no_drift() -> None:
    with fresh_postgres_database() as url:
        _roundtrip(url)


def test_sqlite_runs_in_wal_mode_with_busy_timeout(tmp_path: Path) -> None:
    from sqlalchemy import text

    engine = get_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    dispose_engines()
