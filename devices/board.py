"""Board text for LED/LCD boards of ``cols`` × ``rows`` character cells (DESIGN.md §1, bảng điện tử).

``render_board`` turns a bulletin's board text into pages of lines plus a display time per page.
Wrapping is greedy at spaces by phrase (``board_phrases``: "ngày 12/7", "20 km", "Đồng Tâm" stay on
one line), so a Vietnamese syllable (one space-delimited token) is never cut; only a token longer
than a whole line is split, after its own separators where it can be. Every output character occupies one cell: text is
NFC-normalized (a Vietnamese letter is then one code point), and anything a board cannot show
(control characters, emoji, other scripts) is mapped to ASCII or dropped.

Display time: ``max(min_page_seconds, characters_on_page / chars_per_second)``. The default of
12 characters per second sits below the 15–20 chars/s a fluent adult reads on screen, because a
public board is read from a distance, by passers-by and by older readers; a page never shows for
less than 3 s so the eye can find it.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Any

from devices.board_phrases import paginate, wrap_phrases

DEFAULT_CHARS_PER_SECOND = 12.0
DEFAULT_MIN_PAGE_SECONDS = 3.0
MAX_DIMENSION = 512  # cells per side; no real board comes near it

_TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # huyền sắc hỏi ngã nặng
_VOWELS = "aăâeêioôơuưy"
# 144 vowel forms (12 vowels × 2 cases × 6 tones) plus đ/Đ: what a board "with diacritics"
# draws besides ASCII.
VIETNAMESE_LETTERS = frozenset(
    unicodedata.normalize("NFC", vowel + mark)
    for base in _VOWELS
    for vowel in (base, base.upper())
    for mark in _TONE_MARKS
) | {"đ", "Đ"}

# Letters without a Unicode decomposition, and typography a dot-matrix charset lacks.
_ASCII_MAP = {
    "đ": "d", "Đ": "D", "Ð": "D", "ð": "d", "ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o",
    "Œ": "OE", "œ": "oe", "Ł": "L", "ł": "l", "ı": "i",
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "⁄": "/",
    "…": "...", "•": "-", "·": "-", "°": "o", "×": "x", "÷": ":",
}  # fmt: skip


class BoardError(ValueError):
    """Board text cannot be rendered; ``message`` is Vietnamese (shown to officers)."""

    code = "board_invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EmptyBoardText(BoardError):
    code = "board_text_empty"


class InvalidGeometry(BoardError):
    code = "board_geometry_invalid"


@dataclass(frozen=True)
class BoardRender:
    pages: list[list[str]]  # each page: at most ``rows`` lines of at most ``cols`` characters
    seconds: list[float]  # display time per page

    def as_dict(self) -> dict[str, Any]:
        return {"pages": self.pages, "seconds": self.seconds}


def check_geometry(cols: int, rows: int) -> None:
    for value in (cols, rows):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DIMENSION:
            raise InvalidGeometry(
                f"Kích thước bảng không hợp lệ ({cols} cột × {rows} dòng): "
                f"số cột và số dòng phải là số nguyên từ 1 đến {MAX_DIMENSION}."
            )


def to_ascii(text: str) -> str:
    """Strip Vietnamese (and other) diacritics: "Đường ưu tiên" → "Duong uu tien"; pure ASCII out."""
    return "".join(_fold(ch) for ch in unicodedata.normalize("NFC", text))


def _fold(ch: str) -> str:
    if " " <= ch <= "~":
        return ch
    out = []
    # NFKD splits "ệ" into "e" + marks and "²" into "2"; the marks are then not ASCII and drop out.
    for part in unicodedata.normalize("NFKD", _ASCII_MAP.get(ch, ch)):
        mapped = _ASCII_MAP.get(part, part)
        if all(" " <= c <= "~" for c in mapped):
            out.append(mapped)
    return "".join(out)


def _board_char(ch: str, ascii_only: bool) -> str:
    if ch.isspace():
        return " "  # newlines and tabs become word breaks
    if not ascii_only and ch in VIETNAMESE_LETTERS:
        return ch
    return _fold(ch)  # emoji, control characters and other scripts come back empty


def normalize_board_text(text: str, *, ascii_only: bool = False) -> str:
    """The text as the board will show it, before wrapping: NFC, displayable, single spaces."""
    shown = "".join(_board_char(ch, ascii_only) for ch in unicodedata.normalize("NFC", text))
    return " ".join(shown.split())


def wrap_words(words: list[str], cols: int) -> list[str]:
    """Greedy word wrap; only a word longer than ``cols`` is split (into ``cols``-sized pieces)."""
    lines: list[str] = []
    line = ""
    for word in words:
        while len(word) > cols:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cols])
            word = word[cols:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= cols:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def page_seconds(page: list[str], chars_per_second: float, min_page_seconds: float) -> float:
    chars = sum(len(line) for line in page)
    return max(min_page_seconds, round(chars / chars_per_second, 1))


def render_board(
    text: str,
    cols: int,
    rows: int,
    *,
    ascii_only: bool = False,
    chars_per_second: float = DEFAULT_CHARS_PER_SECOND,
    min_page_seconds: float = DEFAULT_MIN_PAGE_SECONDS,
) -> BoardRender:
    """Pages of at most ``rows`` lines × ``cols`` characters, words intact and in order, wrapped by
    phrase (``devices.board_phrases``)."""
    check_geometry(cols, rows)
    if not (math.isfinite(chars_per_second) and chars_per_second > 0):
        raise BoardError("Tốc độ đọc phải là số dương (ký tự mỗi giây).")
    if not (math.isfinite(min_page_seconds) and min_page_seconds >= 0):
        raise BoardError("Thời gian tối thiểu mỗi trang không được âm.")
    if not text.strip():
        raise EmptyBoardText("Nội dung hiển thị trống: hãy nhập chữ cho bảng điện tử.")
    shown = normalize_board_text(text, ascii_only=ascii_only)
    if not shown:
        raise EmptyBoardText("Nội dung không có ký tự nào bảng điện tử hiển thị được.")
    lines = wrap_phrases(shown.split(" "), cols)
    pages = paginate(lines, rows, cols)
    seconds = [page_seconds(page, chars_per_second, min_page_seconds) for page in pages]
    return BoardRender(pages=pages, seconds=seconds)
