"""`loa bench console4` at a tiny size, so it never rots (no timing assertions: machines differ)."""

from __future__ import annotations

import json

import pytest

from server.cli import main


def test_bench_console4_via_the_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOA_TEST_POSTGRES_URL", raising=False)
    assert main(["bench", "console4", "--json", "--rows", "300"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (line["bench"], line["backend"], line["broker"]) == ("console4", "sqlite", "none")
    pages = line["metrics"]["pages"]
    assert set(pages) == {"bao_cao_nam", "bao_cao_xa", "thiet_bi_luot_phat", "phat_am", "quan_tri_thiet_bi",
                          "quan_tri_thiet_bi_tim"}
    assert all(ms > 0 for ms in pages.values()) and line["metrics"]["communes"] == 5
