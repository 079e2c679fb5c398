"""Shared fixtures: clean environment, migrated databases (SQLite always, PostgreSQL when
configured), settings in a temporary data dir, and an API client."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

from server.app import create_app
from server.db import dispose_engines, get_engine, make_engine, migrate
from server.runtime import Runtime, build_runtime
from server.services import areas as area_service
from server.settings import Settings, get_settings
from tests.services import fresh_postgres_database

pytest_plugins = ["tests.log_audit"]  # secrets never reach the logs (checked over the whole run)

KEEP_ENV = {"LOA_TEST_POSTGRES_URL", "LOA_REQUIRE_SERVICES", "LOA_TEST_MOSQUITTO", "LOA_REQUIRE_BROWSER"}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No LOA_* setting from the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("LOA_") and key not in KEEP_ENV:
            monkeypatch.delenv(key)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once per session; each test copies the file (much faster than migrating)."""
    path = tmp_path_factory.mktemp("template") / "loa.db"
    migrate(f"sqlite:///{path}")
    engine = get_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    dispose_engines()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with fresh_postgres_database() as url:
        migrate(url)
        yield url


def _truncate_all(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def settings(tmp_path: Path, sqlite_template: Path) -> Settings:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(sqlite_template, data_dir / "loa.db")
    return Settings(data_dir=data_dir)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """Run a test on SQLite and on PostgreSQL (integration) from the same migrations."""
    if request.param == "sqlite":
        return settings
    url = request.getfixturevalue("postgres_url")
    _truncate_all(get_engine(url))
    return settings.model_copy(update={"database_url": url})


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    eng = get_engine(settings.db_url)
    yield eng
    area_service.invalidate(eng)
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    rt = build_runtime(settings)
    yield rt
    area_service.invalidate(rt.engine)
    rt.engine.dispose()


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    """API client; the scheduler is not started (tests run jobs directly)."""
    app = create_app(runtime, start_runtime=False)
    with TestClient(app) as c:
        yield c


@pytest.fixture
def memory_engine() -> Iterator[Engine]:
    """In-memory SQLite with the full schema, for pure data-layer unit tests."""
    eng = make_engine("sqlite://")
    from server.db import alembic_config

    cfg = alembic_config("sqlite://")
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        from alembic import command

        command.upgrade(cfg, "head")
    yield eng
    eng.dispose()
