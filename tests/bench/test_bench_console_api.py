"""`loa bench console-api` at a tiny size, so it never rots (no timing assertions: machines differ)."""

from __future__ import annotations

import json

import pytest

from server.cli import main

TIMED = {"search_p95_ms", "list_p95_ms", "estimate_p95_ms", "delivery_p95_ms", "normalize_p95_ms",
         "board_png_p95_ms", "convert_p95_ms"}


def test_bench_console_api_via_the_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOA_TEST_POSTGRES_URL", raising=False)
    assert main(["bench", "console-api", "--json", "--devices", "40", "--rows", "300"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (line["bench"], line["backend"], line["broker"]) == ("console-api", "sqlite", "none")
    metrics = line["metrics"]
    assert set(metrics) == TIMED | {"devices", "bulletins", "communes"}
    assert metrics["devices"] == 40 and metrics["communes"] == 2 and metrics["bulletins"] > 300
    assert all(metrics[name] > 0 for name in TIMED)
