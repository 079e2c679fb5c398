"""`bench/tts.py` runs end to end (no timing assertions: machines differ), and its
intelligibility measure counts what it should."""

from __future__ import annotations

from pathlib import Path

from bench.intelligibility import comparable, edits, sentences
from bench.tts import BULLETIN, run


def test_bench_tts_reports_speed_and_intelligibility(tmp_path: Path) -> None:
    result = run(data_dir=tmp_path, devices=None, rows=2)
    assert result["backend"] == "sqlite" and result["broker"] == "none"
    metrics = result["metrics"]
    assert {"seconds", "cache_hit_seconds", "wer", "cer", "voice", "rate", "sentences"} <= set(metrics)
    assert metrics["seconds"] > 0 and metrics["cache_hit_seconds"] >= 0
    assert (metrics["voice"], metrics["rate"], metrics["sentences"]) == ("vi", 130, 2)
    # The recogniser hears the voice, badly (about 0.7 of words wrong), but not nothing at all:
    # silence, noise or a broken decode would score 1.0.
    assert 0 < metrics["wer"] < 0.95 and 0 < metrics["cer"] < metrics["wer"]
    assert all(w["said"] and isinstance(w["heard"], str) for w in metrics["worst"])
    assert list(tmp_path.iterdir()) == []  # its private media dir is cleaned up
    assert 950 <= len(BULLETIN) <= 1100


def test_the_measure_compares_what_is_heard() -> None:
    assert comparable("Bão số 4, giật cấp 13!") == "bão số 4 giật cấp 13"
    assert edits(["một", "hai", "ba"], ["một", "ba"]) == 1  # a deletion
    assert edits(["một", "hai"], ["mốt", "hai", "ba"]) == 2  # a substitution, an insertion
    assert edits("", "") == 0 and edits("abc", "") == 3
    assert len(sentences()) >= 40 and len(sentences(5)) == 5
    assert all(not s.startswith("#") for s in sentences())
