"""Upgrading to stream sources: relays stored before it become pending (they stop airing until
an approver approves their source) and the downgrade gives the URLs back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from server.db import dispose_engines, downgrade, get_engine, migrate
from tests.services import fresh_postgres_database


def _existing_relays_become_pending(url: str) -> None:
    migrate(url, "0004_reports")
    with get_engine(url).begin() as conn:
        conn.execute(text("INSERT INTO area (code, name, level, parent_code) VALUES ('W9', 'Xã', 'commune', NULL)"))
        for slot_id in (1, 2):
            conn.execute(text(
                "INSERT INTO slot (id, area_code, name, start_local, duration_s, dtstart, exdates, template,"
                " enabled, created_at) VALUES (:id, 'W9', :name, '06:00', 900, '2026-01-01', '[]', '[]', true,"
                " CURRENT_TIMESTAMP)"), {"id": slot_id, "name": f"S{slot_id}"})
        conn.execute(text("INSERT INTO relay (slot_id, stream_url, duration_s, title) VALUES"
                          " (1, 'http://a.example/x', 60, 'A'), (2, 'http://a.example/x', 60, 'A'),"
                          " (2, 'http://b.example/y', 60, 'B')"))
    migrate(url)
    with get_engine(url).connect() as conn:
        sources = conn.execute(text("SELECT id, area_code, url, status FROM stream_source ORDER BY id")).all()
        relays = conn.execute(text("SELECT stream_id FROM relay ORDER BY id")).scalars().all()
    assert [(s.area_code, s.url, s.status) for s in sources] == [
        ("W9", "http://a.example/x", "pending"), ("W9", "http://b.example/y", "pending")]
    assert relays == [sources[0].id, sources[0].id, sources[1].id]
    downgrade(url, "0004_reports")
    with get_engine(url).connect() as conn:
        urls = conn.execute(text("SELECT stream_url FROM relay ORDER BY id")).scalars().all()
    assert urls == ["http://a.example/x", "http://a.example/x", "http://b.example/y"]
    dispose_engines()


def test_sqlite(tmp_path: Path) -> None:
    _existing_relays_become_pending(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.mark.postgres
def test_postgres() -> None:
    with fresh_postgres_database() as url:
        _existing_relays_become_pending(url)
