"""`loa bench console3` at a tiny size, so it never rots (no timing assertions: machines differ)."""

from __future__ import annotations

import json

import pytest

from server.cli import main

SIZES = {"devices", "bulletins", "communes"}


def test_bench_console3_via_the_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOA_TEST_POSTGRES_URL", raising=False)
    assert main(["bench", "console3", "--json", "--devices", "40", "--rows", "300"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (line["bench"], line["backend"], line["broker"]) == ("console3", "sqlite", "none")
    metrics = line["metrics"]
    timed = set(metrics) - SIZES
    assert {"public_page_p95_ms", "public_feed_p95_ms", "badge_p95_ms", "dashboard_year_p95_ms"} <= timed
    assert metrics["devices"] == 40 and metrics["communes"] == 2 and metrics["bulletins"] > 300
    assert all(metrics[name] > 0 for name in timed)
