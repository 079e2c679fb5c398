"""`bench/fanout.py` at a tiny size through a real server and Mosquitto (no timing assertions:
machines differ; only that both clocks ran and every device got the alert)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.fanout import run
from tests.brokers import require_mosquitto

pytestmark = pytest.mark.broker


def test_bench_fanout_times_the_alert_and_the_baseline(tmp_path: Path) -> None:
    require_mosquitto()
    result = run(data_dir=tmp_path, devices=5, rows=None)

    assert result["backend"] == "sqlite" and result["broker"] == "mosquitto"
    metrics = result["metrics"]
    assert set(metrics) == {"devices", "loa_seconds", "broker_seconds", "ratio", "approve_seconds",
                            "raw_broker_seconds"}
    assert metrics["devices"] == 5
    assert metrics["loa_seconds"] > 0 and metrics["broker_seconds"] > 0
    assert metrics["ratio"] > 0 and metrics["approve_seconds"] > 0 and metrics["raw_broker_seconds"] > 0
