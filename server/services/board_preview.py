"""Board previews for the editor: pages and page times, a PNG of one page, and the board
geometries enrolled in an area's subtree (so the officer previews every model that will show it)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from devices.board import BoardError, BoardRender, render_board
from server.errors import Invalid
from server.models.bulletins import BOARD_MAX
from server.models.devices import Device
from server.services.areas import AreaTree


@dataclass(frozen=True)
class BoardModel:
    cols: int
    rows: int
    ascii: bool
    devices: int


def render_pages(text: str, cols: int, rows: int, ascii_only: bool) -> BoardRender:
    if len(text) > BOARD_MAX:
        raise Invalid(f"Nội dung bảng điện tử quá dài: tối đa {BOARD_MAX} ký tự.", code="board_text_too_long")
    try:
        return render_board(text, cols, rows, ascii_only=ascii_only)
    except BoardError as exc:
        raise Invalid(exc.message, code=exc.code) from exc


def render_page_png(text: str, cols: int, rows: int, ascii_only: bool, page: int = 1) -> bytes:
    """PNG of page ``page`` (1-based) of ``text`` on a ``cols`` × ``rows`` board."""
    result = render_pages(text, cols, rows, ascii_only)
    if not 1 <= page <= len(result.pages):
        raise Invalid(f"Trang {page} không tồn tại: nội dung có {len(result.pages)} trang.",
                      code="board_page_invalid")
    from devices.board_png import render_png  # Pillow and the font load only when asked for

    try:
        return render_png(result.pages[page - 1], cols, rows)
    except BoardError as exc:
        raise Invalid(exc.message, code=exc.code) from exc


def board_models(session: Session, tree: AreaTree, area_code: str) -> list[BoardModel]:
    """Distinct geometries of the enrolled (not revoked) boards in the subtree, most used first."""
    count = func.count()
    stmt = (
        select(Device.board_cols, Device.board_rows, Device.board_ascii, count)
        .where(Device.kind == "board")
        .where(col(Device.revoked_at).is_(None))
        .where(col(Device.board_cols).is_not(None))
        .where(col(Device.board_rows).is_not(None))
        .where(col(Device.area_code).in_(tree.descendants(area_code)))
        .group_by(col(Device.board_cols), col(Device.board_rows), col(Device.board_ascii))
    )
    models = [BoardModel(int(c), int(r), bool(a), int(n)) for c, r, a, n in session.exec(stmt).all()
              if c is not None and r is not None]
    return sorted(models, key=lambda m: (-m.devices, m.cols, m.rows, m.ascii))
