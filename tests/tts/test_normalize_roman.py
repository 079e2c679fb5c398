"""Roman numerals only after words that take them; a capital I elsewhere is a letter."""

import pytest

from tts.normalize import normalize
from tts.normalize.roman import roman_value


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Quý IV", "quý bốn"),
        ("quý I/2024", "quý một năm hai nghìn không trăm hai mươi tư"),
        ("thế kỷ XXI", "thế kỷ hai mươi mốt"),
        ("Khóa XIII", "khóa mười ba"),
        ("Quốc hội khóa XV", "quốc hội khóa mười lăm"),
        ("lần thứ II", "lần thứ hai"),
        ("lần thứ IV", "lần thứ tư"),
        ("Đại hội XIV", "đại hội mười bốn"),
        ("Đại hội Đảng toàn quốc lần thứ XIII", "đại hội đảng toàn quốc lần thứ mười ba"),
        ("cháy rừng ở cấp IV", "cháy rừng ở cấp bốn"),
        ("Phần II", "phần hai"),
        ("Chương IX", "chương chín"),
        ("Mục XL", "mục bốn mươi"),
        ("II. NỘI DUNG", "hai. nội dung"),
        ("Khu vực I, II và III", "khu vực một, hai và ba"),
        ("quý III - IV/2024", "quý ba đến bốn năm hai nghìn không trăm hai mươi tư"),
        ("lần thứ I và II", "lần thứ nhất và thứ hai"),
    ],
)
def test_roman_numerals_in_context(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Tôi là I", "tôi là i"),
        ("loại C", "loại xê"),
        ("khu vực D", "khu vực dê"),
        ("Vitamin C", "vi ta min xê"),
        ("MIX", "em i ích"),
    ],
)
def test_capitals_elsewhere_are_not_numbers(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("numeral", "value"), [("I", 1), ("IV", 4), ("IX", 9), ("XIV", 14), ("XXI", 21), ("XC", 90)])
def test_roman_value(numeral: str, value: int) -> None:
    assert roman_value(numeral) == value
