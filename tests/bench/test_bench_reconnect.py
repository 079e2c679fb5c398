"""`bench/reconnect.py` at a tiny size through a real server and Mosquitto (no timing
assertions: machines differ; the manifest comes back no sooner than the connection)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.reconnect import run
from tests.brokers import require_mosquitto

pytestmark = pytest.mark.broker


def test_bench_reconnect_times_reconnection_and_manifests(tmp_path: Path) -> None:
    require_mosquitto()
    result = run(data_dir=tmp_path, devices=5, rows=None)

    assert result["backend"] == "sqlite" and result["broker"] == "mosquitto"
    metrics = result["metrics"]
    assert set(metrics) == {"devices", "loa_seconds", "broker_seconds", "ratio"}
    assert metrics["devices"] == 5
    assert metrics["broker_seconds"] > 0
    assert metrics["loa_seconds"] > 0  # the two are polled separately: no ordering at tiny sizes
