"""Access to real services for integration tests (PostgreSQL, Mosquitto).

On a user's machine without them the tests skip; CI sets LOA_REQUIRE_SERVICES=1, which turns
those skips into failures so a missing service can never pass silently.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

REQUIRE = os.environ.get("LOA_REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"required service unavailable (LOA_REQUIRE_SERVICES=1): {reason}")
    pytest.skip(reason)


def postgres_admin_url() -> str | None:
    return os.environ.get("LOA_TEST_POSTGRES_URL") or None


def _psycopg(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """Create `loa_test_<random>` next to LOA_TEST_POSTGRES_URL, yield its URL, drop it after."""
    admin_url = postgres_admin_url()
    if admin_url is None:
        unavailable("LOA_TEST_POSTGRES_URL is not set")
        raise AssertionError("unreachable")
    name = f"loa_test_{secrets.token_hex(6)}"
    admin = create_engine(_psycopg(admin_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        unavailable(f"PostgreSQL at LOA_TEST_POSTGRES_URL not reachable: {type(exc).__name__}")
        raise
    base, _, _db = _psycopg(admin_url).rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        from server.db import dispose_engines

        dispose_engines()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
