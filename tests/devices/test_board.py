"""Board text rendering (devices/board.py): wrapping, pages, display times, ASCII fallback."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.board import (
    VIETNAMESE_LETTERS,
    BoardError,
    EmptyBoardText,
    InvalidGeometry,
    normalize_board_text,
    render_board,
    to_ascii,
)

LONG_TEXT = (
    "Thông báo: Ủy ban nhân dân xã Đồng Tâm tổ chức tiêm chủng mở rộng cho trẻ em dưới 5 tuổi "
    "vào sáng thứ Bảy, ngày 12/7/2025 tại trạm y tế xã. Đề nghị các hộ gia đình đưa trẻ đến đúng giờ."
)


def lines_of(pages: list[list[str]]) -> list[str]:
    return [line for page in pages for line in page]


def test_long_vietnamese_text_on_a_20x2_board() -> None:
    result = render_board(LONG_TEXT, 20, 2)
    lines = lines_of(result.pages)
    assert all(0 < len(line) <= 20 for line in lines)
    assert all(len(page) <= 2 for page in result.pages)
    assert " ".join(lines) == LONG_TEXT  # every word intact and in order
    assert len(result.seconds) == len(result.pages)
    assert result.pages[0] == ["Thông báo: Ủy ban", "nhân dân xã Đồng Tâm"]


def test_syllables_are_never_split() -> None:
    words = set(LONG_TEXT.split())
    for cols in range(max(map(len, words)), 40):
        for line in lines_of(render_board(LONG_TEXT, cols, 3).pages):
            assert set(line.split()) <= words


def test_only_a_token_longer_than_a_line_is_split() -> None:
    result = render_board("Số điện thoại https://xa-dongtam.gov.vn/thong-bao nhé", 10, 4)
    # Cut after its own separators, not mid-letters.
    assert lines_of(result.pages) == ["Số điện", "thoại", "https://", "xa-", "dongtam.", "gov.vn/", "thong-bao", "nhé"]


def test_decomposed_input_is_nfc_so_each_letter_is_one_cell() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hường")
    assert len(decomposed) > len("Nguyễn Thị Hường")
    assert render_board(decomposed, 16, 1).pages == [["Nguyễn Thị Hường"]]


def test_whitespace_collapsed_and_control_characters_and_emoji_removed() -> None:
    text = "  Họp\tthôn\n\nlúc\u00a019h \x07😀 tại\u200b nhà văn hóa 🏠 "
    assert normalize_board_text(text) == "Họp thôn lúc 19h tại nhà văn hóa"
    assert render_board(text, 40, 1).pages == [["Họp thôn lúc 19h tại nhà văn hóa"]]


def test_typography_is_mapped_to_what_a_board_can_show() -> None:
    assert normalize_board_text("“Khẩn” – bão… 25°C") == '"Khẩn" - bão... 25oC'


def test_ascii_fallback_strips_every_vietnamese_mark() -> None:
    assert to_ascii("Đường ưu tiên: Ơn, Ư, đ, Ệ, ỹ, Ằ") == "Duong uu tien: On, U, d, E, y, A"
    for letter in VIETNAMESE_LETTERS:
        folded = to_ascii(letter)
        assert len(folded) == 1 and folded.isascii() and folded.isalpha()
    result = render_board(LONG_TEXT, 20, 2, ascii_only=True)
    lines = lines_of(result.pages)
    assert all(line.isascii() for line in lines)
    assert " ".join(lines) == to_ascii(LONG_TEXT)
    assert lines[:2] == ["Thong bao: Uy ban", "nhan dan xa Dong Tam"]


def test_other_latin_letters_fold_to_ascii_even_with_diacritics_on() -> None:
    assert normalize_board_text("Café Señor Straße") == "Café Senor Strasse"  # é is Vietnamese


def test_display_time_follows_reading_speed_with_a_minimum() -> None:
    short = render_board("Họp thôn", 20, 2)
    assert short.seconds == [3.0]
    long = render_board("a" * 40 + " " + "b" * 40, 40, 2)  # 80 characters at 12 chars/s
    assert long.seconds == [6.7]
    assert render_board("a" * 40, 40, 1, chars_per_second=4, min_page_seconds=1).seconds == [10.0]
    assert render_board("Họp thôn", 20, 2, min_page_seconds=5).seconds == [5.0]


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_is_a_typed_error_in_vietnamese(text: str) -> None:
    with pytest.raises(EmptyBoardText) as info:
        render_board(text, 20, 2)
    assert "trống" in info.value.message
    assert info.value.code == "board_text_empty"


def test_text_with_nothing_displayable_is_refused() -> None:
    with pytest.raises(EmptyBoardText) as info:
        render_board("😀 🏠 \x07", 20, 2)
    assert "hiển thị được" in info.value.message


@pytest.mark.parametrize(("cols", "rows"), [(0, 2), (20, 0), (-1, 2), (513, 2), (20, 513), (True, 2)])
def test_invalid_geometry(cols: int, rows: int) -> None:
    with pytest.raises(InvalidGeometry) as info:
        render_board("Họp thôn", cols, rows)
    assert "Kích thước bảng" in info.value.message


def test_largest_geometry_is_allowed() -> None:
    assert render_board("Họp thôn", 512, 512).pages == [["Họp thôn"]]


@pytest.mark.parametrize("speed", [0, -1, float("nan"), float("inf")])
def test_invalid_reading_speed(speed: float) -> None:
    with pytest.raises(BoardError):
        render_board("Họp thôn", 20, 2, chars_per_second=speed)


def assert_words_in_order(lines: list[str], words: list[str], cols: int) -> None:
    """Each word appears whole, in order; an over-long word as pieces that are full width or end at
    one of its separators, plus a rest."""
    pieces = iter(piece for line in lines for piece in line.split(" "))
    for word in words:
        if len(word) <= cols:
            assert next(pieces) == word
            continue
        rebuilt = ""
        while len(rebuilt) < len(word):
            piece = next(pieces)
            assert len(piece) == cols or piece[-1] in "/-." or len(rebuilt) + len(piece) == len(word)
            rebuilt += piece
        assert rebuilt == word
    assert next(pieces, None) is None


# Vietnamese-ish syllables: onset + toned vowel (+ coda), plus numbers and punctuation tokens.
onsets = st.sampled_from(["", "b", "ch", "đ", "Đ", "gh", "kh", "ng", "ngh", "nh", "ph", "qu", "th", "tr", "x"])
vowels = st.sampled_from(sorted(VIETNAMESE_LETTERS - {"đ", "Đ"}))
codas = st.sampled_from(["", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "u", "o", ",", "."])
syllable = st.builds(lambda a, b, c: a + b + c, onsets, vowels, codas)
token = (
    syllable | st.from_regex(r"[0-9]{1,4}(/[0-9]{1,2})?", fullmatch=True) | st.text("aăơưđ-", min_size=12, max_size=30)
)
word_lists = st.lists(token, min_size=1, max_size=60)


@settings(derandomize=True, deadline=None, max_examples=100)
@given(word_lists, st.integers(1, 40), st.integers(1, 6), st.booleans())
def test_rendering_invariants(words: list[str], cols: int, rows: int, ascii_only: bool) -> None:
    text = " ".join(words)
    result = render_board(text, cols, rows, ascii_only=ascii_only)
    lines = lines_of(result.pages)
    expected = normalize_board_text(text, ascii_only=ascii_only)
    assert all(0 < len(line) <= cols for line in lines)
    assert all(0 < len(page) <= rows for page in result.pages)
    assert all(seconds >= 3.0 for seconds in result.seconds) and len(result.seconds) == len(result.pages)
    assert all(line == line.strip() and "  " not in line for line in lines)
    if all(len(word) <= cols for word in expected.split(" ")):
        assert " ".join(lines) == expected  # words intact and in order
    assert_words_in_order(lines, expected.split(" "), cols)
    if ascii_only:
        assert all(line.isascii() for line in lines)
    assert unicodedata.is_normalized("NFC", expected)
