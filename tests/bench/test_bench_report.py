"""`loa bench report` at a tiny size, so it never rots (no timing assertions: machines differ)."""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from bench import report as bench
from server.cli import main
from server.db import get_engine, migrate
from tests.services import postgres_admin_url, unavailable

METRICS = {"rows", "seconds", "generate_seconds", "rollup_seconds", "late_rows", "late_seconds", "days", "devices"}


def test_bench_report_on_sqlite_via_the_cli(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOA_TEST_POSTGRES_URL", raising=False)
    assert main(["bench", "report", "--json", "--rows", "2000"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (line["bench"], line["backend"], line["broker"]) == ("report", "sqlite", "none")
    metrics = line["metrics"]
    assert set(metrics) == METRICS
    assert metrics["rows"] >= 2000 and metrics["devices"] == 20 and metrics["days"] == 8
    assert metrics["seconds"] > 0 and metrics["late_rows"] > 0


def test_bench_cleans_up_its_scratch_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOA_TEST_POSTGRES_URL", raising=False)
    result = bench.run(data_dir=tmp_path, devices=40, rows=3000)
    assert result["metrics"]["devices"] == 40 and result["backend"] == "sqlite"
    assert list(tmp_path.iterdir()) == []


def _norm(value: Any) -> str:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = datetime.fromisoformat(value)  # SQLite returns timestamps as text
    return str(value)


def _summary(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        outcomes = conn.execute(text(
            "SELECT outcome, COALESCE(reason, ''), COUNT(*), SUM(aired_ms), COUNT(DISTINCT bulletin_id), "
            "MIN(planned_start), MAX(received_at) FROM asrun GROUP BY outcome, COALESCE(reason, '') ORDER BY 1, 2"
        )).all()
        plans = conn.execute(text("SELECT COUNT(*), MIN(start), MAX(start), SUM(bulletin_id) FROM planned_item")).one()
    return {"asrun": [tuple(_norm(v) for v in row) for row in outcomes], "plans": tuple(_norm(v) for v in plans)}


@pytest.mark.postgres
def test_postgres_generator_matches_the_python_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server-side generate_series SQL produces the same rows as the SQLite generator."""
    admin = postgres_admin_url()
    if admin is None:
        unavailable("LOA_TEST_POSTGRES_URL is not set")
    shape = bench.shape_for(3000, 30)  # two communes, the second one short
    summaries, urls = [], []
    for backend in ("postgresql", "sqlite"):
        if backend == "sqlite":
            monkeypatch.delenv("LOA_TEST_POSTGRES_URL", raising=False)
        with bench.scratch_database(tmp_path) as url:
            urls.append(url)
            migrate(url)
            engine = get_engine(url)
            assert engine.dialect.name == backend
            bench._seed_small(engine, shape)
            (bench._generate_postgres if backend == "postgresql" else bench._generate_sqlite)(engine, shape)
            summaries.append(_summary(engine))
    assert summaries[0] == summaries[1]
    assert list(tmp_path.iterdir()) == []
    assert admin is not None
    probe = create_engine(bench._psycopg(admin))
    with probe.connect() as conn:  # and the scratch database was dropped
        left = conn.execute(text("SELECT COUNT(*) FROM pg_database WHERE datname = :name"),
                            {"name": urls[0].rpartition("/")[2]}).scalar()
    probe.dispose()
    assert urls[0].rpartition("/")[2].startswith("loa_bench_") and left == 0
