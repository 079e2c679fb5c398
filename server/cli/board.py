"""`loa board render TEXT --cols N --rows N [--ascii] [--json] [--png FILE]`: preview board pages."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from devices.board import BoardError, BoardRender, render_board
from server.cli._common import add_command
from server.errors import Invalid


def register(sub: Any) -> None:
    board = add_command(sub, "board", "bảng điện tử: xem trước nội dung hiển thị")
    actions = board.add_subparsers(dest="board_command", required=True, metavar="LỆNH")
    render = add_command(actions, "render", "chia nội dung thành các trang cho bảng cột × dòng")
    render.add_argument("text", metavar="TEXT", help="nội dung hiển thị")
    render.add_argument("--cols", type=int, required=True, help="số ký tự mỗi dòng")
    render.add_argument("--rows", type=int, required=True, help="số dòng của bảng")
    render.add_argument("--ascii", action="store_true", help="bảng không hiển thị được dấu tiếng Việt")
    render.add_argument("--json", action="store_true", help='in {"pages": [...], "seconds": [...]}')
    render.add_argument("--png", type=Path, metavar="FILE", help="lưu ảnh xem trước (PNG) từng trang")
    render.set_defaults(func=_render)


def _render(args: argparse.Namespace) -> int:
    try:
        result = render_board(args.text, args.cols, args.rows, ascii_only=args.ascii)
        if args.png:
            _write_pngs(result, args.png, args.cols, args.rows)
    except BoardError as exc:
        # Mapped by server.cli.main to "Lỗi: …" on stderr and exit code 2.
        raise Invalid(exc.message, code=exc.code) from exc
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        _print_pages(result, args.cols)
    return 0


def _write_pngs(result: BoardRender, target: Path, cols: int, rows: int) -> None:
    from devices.board_png import render_png  # Pillow and the font load only when asked for

    many = len(result.pages) > 1
    for number, page in enumerate(result.pages, start=1):
        path = target.with_name(f"{target.stem}-{number}{target.suffix or '.png'}") if many else target
        path.write_bytes(render_png(page, cols, rows))
        print(f"Đã lưu {path}", file=sys.stderr)  # stderr: stdout stays JSON-clean


def _print_pages(result: BoardRender, cols: int) -> None:
    border = "+" + "-" * cols + "+"
    total = len(result.pages)
    for number, (page, seconds) in enumerate(zip(result.pages, result.seconds, strict=True), start=1):
        print(f"Trang {number}/{total} ({seconds:g} giây)")
        print(border)
        for line in page:
            print(f"|{line.ljust(cols)}|")
        print(border)
