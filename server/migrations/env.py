"""Alembic environment: one set of migrations for SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlmodel import SQLModel

import server.models  # noqa: F401  (registers every table on the metadata)
from server.db import make_engine
from server.migrations_support import include_object


def run_migrations() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url must be set"
    connectable = context.config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def _run(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
