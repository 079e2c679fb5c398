"""`loa board render` (server/cli/board.py), called through server.cli.main."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devices.board import normalize_board_text
from server.cli import main

LONG_TEXT = (
    "Ủy ban nhân dân xã Đồng Tâm thông báo: do ảnh hưởng của bão số 3, từ 18 giờ ngày 15/9 "
    "đề nghị bà con không ra khơi, gia cố nhà cửa, chuẩn bị lương thực và thuốc men dự phòng."
)


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, list]:
    assert main(["board", "render", LONG_TEXT, *args, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # exactly one JSON document
    return json.loads(out)


def test_json_output_20x2(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--cols", "20", "--rows", "2")
    assert set(data) == {"pages", "seconds"}
    lines = [line for page in data["pages"] for line in page]
    assert all(len(line) <= 20 for line in lines)
    assert all(len(page) <= 2 for page in data["pages"])
    assert " ".join(lines) == normalize_board_text(LONG_TEXT) == LONG_TEXT
    assert len(data["seconds"]) == len(data["pages"])


def test_json_keeps_vietnamese_unescaped(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["board", "render", "Bão số 3", "--cols", "20", "--rows", "2", "--json"]) == 0
    assert capsys.readouterr().out == '{"pages": [["Bão số 3"]], "seconds": [3.0]}\n'


def test_ascii_output_is_pure_ascii(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--cols", "20", "--rows", "2", "--ascii")
    lines = [line for page in data["pages"] for line in page]
    assert all(line.isascii() and len(line) <= 20 for line in lines)
    assert lines[0] == "Uy ban nhan dan xa"


def test_human_readable_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["board", "render", "Họp thôn lúc 19 giờ tại nhà văn hóa", "--cols", "12", "--rows", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:5] == ["Trang 1/2 (3 giây)", "+------------+", "|Họp thôn    |", "|lúc 19 giờ  |", "+------------+"]
    assert out[5] == "Trang 2/2 (3 giây)"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["   ", "--cols", "20", "--rows", "2"], "trống"),
        (["Họp thôn", "--cols", "0", "--rows", "2"], "Kích thước bảng"),
        (["Họp thôn", "--cols", "20", "--rows", "600"], "Kích thước bảng"),
    ],
)
def test_errors_are_vietnamese_with_exit_code_2(
    capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    assert main(["board", "render", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("Lỗi: ") and needle in captured.err


def test_png_files_one_per_page(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "preview.png"
    data = run_json(capsys, "--cols", "20", "--rows", "2", "--png", str(target))
    written = sorted(tmp_path.iterdir())
    assert len(written) == len(data["pages"]) > 1
    assert written[0].name == "preview-1.png"
    assert all(path.read_bytes().startswith(b"\x89PNG") for path in written)


def test_png_single_page_uses_the_given_name(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "one.png"
    assert main(["board", "render", "Bão số 3", "--cols", "20", "--rows", "2", "--png", str(target)]) == 0
    assert target.read_bytes().startswith(b"\x89PNG")
    assert str(target) in capsys.readouterr().err
