"""`loa bench scale2` at a tiny size, so it never rots (no timing assertions: machines differ)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import scale2 as bench


def test_bench_scale2_polls_a_real_api_replica_with_etags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOA_DATABASE_URL", raising=False)
    result = bench.run(data_dir=tmp_path, devices=25, seconds=1.0, concurrency=4)
    metrics = result["metrics"]
    assert result["backend"] == "sqlite" and metrics["devices"] == 25
    assert metrics["errors"] == 0  # every first pull 200 with an ETag, every later one 304
    assert metrics["etag_requests"] > 25 and metrics["full_per_second"] > 0
    assert metrics["devices_per_core"] > 0 and metrics["etag_p95_ms"] > 0
