"""`bench/console.py` at a tiny size: every console page of this build renders for its role over
the generated province, and the JSON has the DESIGN.md §5 shape (no timing assertions)."""

from __future__ import annotations

from pathlib import Path

from bench.console import run


def test_bench_console_times_every_page(tmp_path: Path) -> None:
    result = run(data_dir=tmp_path, rows=200, repeats=2)

    assert result["backend"] == "sqlite" and result["broker"] == "none"
    metrics = result["metrics"]
    pages = metrics["pages"]
    assert {"duyet", "duyet_xem", "duyet_xac_nhan", "khan_cap", "khan_cap_xac_nhan", "khan_cap_trang_thai",
            "lich_phat", "lich_phat_tuan", "lich_phat_phien", "trang_chu"} <= set(pages)
    assert all(isinstance(ms, float) and ms > 0 for ms in pages.values())
    assert metrics["slowest_ms"] == max(pages.values()) and metrics["goal_ms"] == 300
    assert metrics["bulletins"] == 200 and metrics["devices"] == 5 * 20 and metrics["planned_airings"] > 0
