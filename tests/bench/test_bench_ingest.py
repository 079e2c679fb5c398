"""`bench/ingest.py` at a tiny size through a real Mosquitto: every record is stored once and
acknowledged, the resent batch is absorbed (no timing assertions: machines differ)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from bench.ingest import run
from server.db import dispose_engines, get_engine
from server.models.asrun import AsRun
from server.settings import Settings
from tests.brokers import require_mosquitto

pytestmark = pytest.mark.broker


def test_bench_ingest_stores_and_acknowledges_every_record_once(tmp_path: Path) -> None:
    require_mosquitto()
    result = run(data_dir=tmp_path, devices=4, rows=800)  # 4 devices × 2 batches × 100 records

    assert result["backend"] == "sqlite" and result["broker"] == "mosquitto"
    metrics = result["metrics"]
    assert {"records", "records_per_second", "lost", "duplicates_sent", "devices"} <= set(metrics)
    assert metrics["records"] == 800 and metrics["devices"] == 4 and metrics["batches"] == 8
    assert metrics["lost"] == 0 and metrics["missing_acks"] == 0 and metrics["rejected"] == 0
    assert metrics["duplicates_sent"] == 100 == metrics["duplicates_absorbed"]  # one batch resent
    assert metrics["records_per_second"] > 0

    engine = get_engine(Settings(data_dir=tmp_path).db_url)
    try:
        with Session(engine) as session:
            stored = session.exec(select(func.count()).select_from(AsRun)).one()
            categorised = session.exec(
                select(func.count()).select_from(AsRun).where(AsRun.category != None)  # noqa: E711
            ).one()
    finally:
        dispose_engines()
    assert stored == 800  # exactly the unique records
    assert categorised == 800  # every record names a seeded bulletin: facts were joined
