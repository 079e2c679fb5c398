"""Fixtures for the fault tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from server.db import dispose_engines, get_engine, migrate
from tests.factories import add_users, seed_two_communes


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "data"
    path.mkdir()
    url = f"sqlite:///{path / 'loa.db'}"
    migrate(url)
    engine = get_engine(url)
    seed_two_communes(engine)
    add_users(engine, [("canbo1", "officer", "W001"), ("quantri1", "admin", "P01")])
    dispose_engines()
    yield path
