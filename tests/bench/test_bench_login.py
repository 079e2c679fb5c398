"""`loa bench login` at a tiny size, so it never rots (no timing assertions: machines differ)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import login as bench


def test_bench_login_floods_a_real_server_and_the_known_user_gets_in(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOA_TEST_POSTGRES_URL", raising=False)
    result = bench.run(data_dir=tmp_path, devices=5, seconds=2.0)
    metrics = result["metrics"]
    assert (result["backend"], metrics["concurrency"]) == ("sqlite", 5)
    for prefix in ("single", "spread"):
        assert metrics[f"{prefix}_attempts"] > 0
        # A client may lose a keep-alive race (ReadError); the server itself must never fail.
        assert not [kind for kind in metrics[f"{prefix}_error_kinds"] if kind.startswith("http_")]
        ok, tried = metrics[f"{prefix}_known_login_ok"].split("/")
        assert int(tried) >= 1 and ok == tried
        assert metrics[f"{prefix}_healthz_max_seconds"] > 0 and metrics[f"{prefix}_rss_max_mib"] > 0
