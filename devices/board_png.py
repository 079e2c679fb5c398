"""PNG preview of one board page in an LED dot-matrix look (amber dots on a dark panel).

Each character cell is ``CELL_W`` × ``CELL_H`` dots. Glyphs come from Be Vietnam Pro (the
``fontpkg-be-vietnam-pro`` package, SIL OFL), whose stacked marks (Ẫ, Ệ) fit the 18-dot cell;
they are rasterised at one pixel per dot, thresholded, and every dot is drawn as a round LED.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import fontpkg
from PIL import Image, ImageChops, ImageDraw, ImageFont

from devices.board import BoardError, check_geometry

CELL_W, CELL_H = 9, 18  # dots per character cell, one column/row of it is spacing
FONT_PX, BASELINE = 11, 14  # at 11 px the tallest Vietnamese capital (Ẫ) needs 13 dots above
DOT_PX = 5  # output pixels per dot (a 4-pixel LED plus a 1-pixel gap)
MAX_CELLS = 4096  # keeps a preview under ~17 megapixels
LIT, UNLIT, PANEL = (255, 176, 0), (56, 32, 8), (12, 10, 8)
_THRESHOLD = 110  # grey level from which an anti-aliased pixel counts as a lit dot


def font_path() -> Path:
    """Be Vietnam Pro SemiBold: heavy enough to survive rasterising at 11 dots."""
    return Path(fontpkg.path("Be Vietnam Pro", 600))


@lru_cache(maxsize=1)
def _font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path()), FONT_PX)


@lru_cache(maxsize=1024)
def _glyph(ch: str) -> Image.Image:
    """One character cell as a 0/255 mask, the glyph centred; wide glyphs (W, M) squeezed."""
    canvas = Image.new("L", (CELL_W * 3, CELL_H))
    ImageDraw.Draw(canvas).text((canvas.width / 2, BASELINE), ch, fill=255, font=_font(), anchor="ms")
    cell = Image.new("L", (CELL_W, CELL_H))
    box = canvas.getbbox()
    if box:
        strip = canvas.crop((box[0], 0, box[2], CELL_H))
        if strip.width > CELL_W - 1:
            strip = strip.resize((CELL_W - 1, CELL_H), Image.Resampling.BILINEAR)
        cell.paste(strip, ((CELL_W - strip.width) // 2, 0))
    return cell.point(lambda v: 255 if v >= _THRESHOLD else 0)


@lru_cache(maxsize=8)
def _dot_grid(width: int, height: int) -> Image.Image:
    """A mask with a round LED for each of ``width`` × ``height`` dots."""
    tile = Image.new("L", (DOT_PX, DOT_PX))
    ImageDraw.Draw(tile).ellipse((0, 0, DOT_PX - 2, DOT_PX - 2), fill=255)
    row = Image.new("L", (width * DOT_PX, DOT_PX))
    for x in range(width):
        row.paste(tile, (x * DOT_PX, 0))
    grid = Image.new("L", (width * DOT_PX, height * DOT_PX))
    for y in range(height):
        grid.paste(row, (0, y * DOT_PX))
    return grid


def render_png(page_lines: list[str], cols: int, rows: int) -> bytes:
    """A PNG of one page on a ``cols`` × ``rows`` board (aspect ``cols * CELL_W : rows * CELL_H``)."""
    check_geometry(cols, rows)
    if cols * rows > MAX_CELLS:
        raise BoardError(f"Bảng quá lớn để xem trước (tối đa {MAX_CELLS} ô ký tự).")
    if len(page_lines) > rows or any(len(line) > cols for line in page_lines):
        raise BoardError(f"Trang không vừa bảng {cols} cột × {rows} dòng.")
    mask = Image.new("L", (cols * CELL_W, rows * CELL_H))
    for r, line in enumerate(page_lines):
        for c, ch in enumerate(line):
            if not ch.isspace():
                mask.paste(_glyph(ch), (c * CELL_W, r * CELL_H))
    grid = _dot_grid(mask.width, mask.height)
    size = grid.size
    lit = ImageChops.multiply(mask.resize(size, Image.Resampling.NEAREST), grid)
    image = Image.new("RGB", size, PANEL)
    image.paste(UNLIT, (0, 0, *size), grid)
    image.paste(LIT, (0, 0, *size), lit)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
