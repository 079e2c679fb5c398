"""LED-look PNG preview of a board page (devices/board_png.py)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from devices.board import BoardError
from devices.board_png import CELL_H, CELL_W, LIT, font_path, render_png


def open_png(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def lit_rows(image: Image.Image) -> list[int]:
    """Rows (in output pixels) holding at least one lit LED."""
    width, height = image.size
    pixels = image.load()
    assert pixels is not None
    return [y for y in range(height) if any(pixels[x, y] == LIT for x in range(width))]


def test_font_is_the_packaged_vietnamese_font() -> None:
    assert font_path().name.startswith("BeVietnamPro") and font_path().is_file()


@pytest.mark.parametrize(("cols", "rows"), [(20, 2), (16, 1), (8, 4)])
def test_png_is_valid_with_the_board_aspect_ratio(cols: int, rows: int) -> None:
    image = open_png(render_png(["Khẩn cấp"], cols, rows))
    width, height = image.size
    assert width * rows * CELL_H == height * cols * CELL_W


def test_vietnamese_marks_render_above_and_below_the_letter() -> None:
    plain = lit_rows(open_png(render_png(["E"], 1, 1)))
    marked = lit_rows(open_png(render_png(["Ệ"], 1, 1)))
    assert plain and marked
    assert min(marked) < min(plain)  # circumflex above the cap height
    assert max(marked) > max(plain)  # dot below the baseline


def test_blank_page_lights_nothing() -> None:
    assert lit_rows(open_png(render_png([], 4, 1))) == []
    assert lit_rows(open_png(render_png(["    "], 4, 1))) == []


def test_page_that_does_not_fit_is_refused() -> None:
    with pytest.raises(BoardError):
        render_png(["quá dài cho bảng"], 5, 1)
    with pytest.raises(BoardError):
        render_png(["a", "b"], 5, 1)
    with pytest.raises(BoardError):
        render_png(["a"], 512, 512)  # too many cells to preview
