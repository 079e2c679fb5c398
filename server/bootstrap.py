"""Start-up checks and preparation shared by `loa serve`, `loa demo` and other commands."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from server.db import check_database, get_engine, migrate
from server.errors import ConfigError
from server.settings import Settings


def check_data_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise ConfigError(
            f"Thư mục dữ liệu '{path}' không ghi được ({exc.strerror}). "
            "Đặt LOA_DATA_DIR (hoặc --data-dir) tới một thư mục có quyền ghi."
        ) from exc


def prepare(settings: Settings) -> Engine:
    """Check settings, then bring the schema to head. Raises ConfigError with one clear line."""
    check_data_dir(settings.data_dir)
    check_database(settings.db_url)
    try:
        migrate(settings.db_url)
    except SQLAlchemyError as exc:
        raise ConfigError(
            f"Không cập nhật được lược đồ cơ sở dữ liệu (LOA_DATABASE_URL): {str(exc).splitlines()[0]}"
        ) from exc
    return get_engine(settings.db_url)


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Third-party chatter that would otherwise log every request or job run at INFO.
    for noisy in ("apscheduler.executors", "apscheduler.scheduler", "httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
