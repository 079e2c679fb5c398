"""`bench/speech.py` runs end to end (no timing assertions: machines differ)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.speech import run
from server.cli import main


def test_bench_speech_reports_its_metrics(tmp_path: Path) -> None:
    result = run(data_dir=tmp_path, devices=None, rows=None)
    metrics = result["metrics"]
    assert set(metrics) == {"normalize_ms", "normalize_lexicon_ms", "lexicon_lookup_ms", "lexicon_entries",
                            "recheck_ms"}
    assert metrics["lexicon_entries"] == 1500  # three areas' full lexicons, none hiding another
    assert all(value > 0 for value in metrics.values())


@pytest.mark.parametrize("name", ["speech1", "speech1b"])
def test_speech1_is_another_name_for_it(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", name, "--json"]) == 0
    assert f'"bench": "{name}"' in capsys.readouterr().out.splitlines()[-1]
