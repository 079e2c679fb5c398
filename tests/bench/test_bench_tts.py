"""`bench/tts.py` runs end to end (no timing assertions: machines differ)."""

from __future__ import annotations

from pathlib import Path

from bench.tts import BULLETIN, run


def test_bench_tts_reports_its_metrics(tmp_path: Path) -> None:
    result = run(data_dir=tmp_path, devices=None, rows=None)
    assert result["backend"] == "sqlite" and result["broker"] == "none"
    metrics = result["metrics"]
    assert set(metrics) == {"seconds", "cache_hit_seconds"}
    assert metrics["seconds"] > 0 and metrics["cache_hit_seconds"] >= 0
    assert list(tmp_path.iterdir()) == []  # its private media dir is cleaned up
    assert 950 <= len(BULLETIN) <= 1100
