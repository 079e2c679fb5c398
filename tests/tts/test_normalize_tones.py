"""Unicode NFC, one tone-mark placement, and removal of characters a voice cannot say."""

import unicodedata

import pytest

from tts.normalize import normalize, normalize_tones
from tts.normalize.tone_marks import is_syllable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hoà", "hòa"),
        ("Hoà Bình", "Hòa Bình"),
        ("HOÀ", "HÒA"),
        ("thuý", "thúy"),
        ("oà", "òa"),
        ("uỳ", "ùy"),
        ("khoẻ", "khỏe"),
        ("xoá bỏ", "xóa bỏ"),
        ("uỷ ban", "ủy ban"),
        ("tuỳ thân", "tùy thân"),
        ("qúy", "quý"),
        ("gìa", "già"),
        # Already canonical, or a final consonant / shaped vowel decides: unchanged.
        ("hòa", "hòa"),
        ("hoàn", "hoàn"),
        ("huỳnh", "huỳnh"),
        ("thuyền", "thuyền"),
        ("người", "người"),
        ("ngoài", "ngoài"),
        ("khuỷu", "khuỷu"),
        ("quốc", "quốc"),
        ("giữa", "giữa"),
        ("gì", "gì"),
        ("mùa", "mùa"),
    ],
)
def test_tone_placement(text: str, expected: str) -> None:
    assert normalize_tones(text) == expected


def test_decomposed_input_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Thủ tướng Chính phủ hoà")
    assert normalize_tones(decomposed) == "Thủ tướng Chính phủ hòa"
    assert normalize(decomposed) == "thủ tướng chính phủ hòa"


def test_old_and_new_styles_normalize_to_the_same_text() -> None:
    assert normalize("Văn hoá, thuỷ lợi, sức khoẻ") == normalize("Văn hóa, thủy lợi, sức khỏe")
    assert normalize("Văn hoá, thuỷ lợi, sức khoẻ") == "văn hóa, thủy lợi, sức khỏe"


def test_foreign_words_are_left_alone() -> None:
    assert normalize_tones("café naïve") == "café naïve"


@pytest.mark.parametrize(("word", "expected"), [("NAM", True), ("HUYỆN", True), ("UBND", False), ("VTV", False)])
def test_is_syllable(word: str, expected: bool) -> None:
    assert is_syllable(word) is expected


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("🔥🔥 Cảnh báo ‼️ cháy rừng", "cảnh báo cháy rừng"),
        ("Bão\x00 số\x07 4", "bão số bốn"),
        ("xin\u200b chào\ufeff", "xin chào"),
        ("👍🏽 tốt", "tốt"),
        ("thôn ٣", "thôn ba"),
        ("\ue000 riêng", "riêng"),
    ],
)
def test_unsupported_characters_are_removed(text: str, spoken: str) -> None:
    assert normalize(text) == spoken
