"""Number words: mốt/tư/lăm/lẻ, mười vs mươi, scales, separators, decimals."""

import pytest

from tts.normalize import normalize
from tts.normalize.numbers import read_day, read_int, read_month, read_ordinal


@pytest.mark.parametrize(
    ("value", "spoken"),
    [
        (0, "không"),
        (1, "một"),
        (4, "bốn"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (44, "bốn mươi tư"),
        (55, "năm mươi lăm"),
        (100, "một trăm"),
        (101, "một trăm lẻ một"),
        (105, "một trăm lẻ năm"),
        (110, "một trăm mười"),
        (111, "một trăm mười một"),
        (121, "một trăm hai mươi mốt"),
        (1000, "một nghìn"),
        (1005, "một nghìn không trăm lẻ năm"),
        (1015, "một nghìn không trăm mười lăm"),
        (1250, "một nghìn hai trăm năm mươi"),
        (2024, "hai nghìn không trăm hai mươi tư"),
        (10_000, "mười nghìn"),
        (15_000, "mười lăm nghìn"),
        (21_000, "hai mươi mốt nghìn"),
        (100_000, "một trăm nghìn"),
        (1_000_000, "một triệu"),
        (1_000_005, "một triệu không trăm lẻ năm"),
        (2_500_000, "hai triệu năm trăm nghìn"),
        (356_500_000, "ba trăm năm mươi sáu triệu năm trăm nghìn"),
        (1_000_000_000, "một tỷ"),
        (1_500_000_000, "một tỷ năm trăm triệu"),
        (15_000_000_000_000, "mười lăm nghìn tỷ"),
    ],
)
def test_read_int(value: int, spoken: str) -> None:
    assert read_int(value) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("1.250", "một nghìn hai trăm năm mươi"),
        ("1.005", "một nghìn không trăm lẻ năm"),
        ("2.500.000 đồng", "hai triệu năm trăm nghìn đồng"),
        ("356.500.000 đồng", "ba trăm năm mươi sáu triệu năm trăm nghìn đồng"),
        ("1,2 tỷ", "một phẩy hai tỷ"),
        ("2,5 triệu đồng", "hai phẩy năm triệu đồng"),
        ("15,5", "mười lăm phẩy năm"),
        ("17,8 độ Vĩ Bắc", "mười bảy phẩy tám độ vĩ bắc"),
        ("108,2", "một trăm lẻ tám phẩy hai"),
        ("0,5", "không phẩy năm"),
        ("1,05", "một phẩy không năm"),
        ("3,14", "ba phẩy mười bốn"),
        ("1.250,5", "một nghìn hai trăm năm mươi phẩy năm"),
        ("1,250,000", "một triệu hai trăm năm mươi nghìn"),
        ("1.5 triệu", "một phẩy năm triệu"),
        ("công nghiệp 4.0", "công nghiệp bốn chấm không"),
        ("mục 5.2", "mục năm chấm hai"),
        ("cử 01 đại diện", "cử một đại diện"),
        ("mã 0123", "mã không một hai ba"),
        ("năm 1975", "năm một nghìn chín trăm bảy mươi lăm"),
        ("cấp 11, giật cấp 13", "cấp mười một, giật cấp mười ba"),
        ("1.250 con gia súc", "một nghìn hai trăm năm mươi con gia súc"),
        ("2 + 3", "hai cộng ba"),
        ("24/24h", "hai mươi tư trên hai mươi tư giờ"),
        ("1/2 số hộ", "một phần hai số hộ"),
        ("Tỷ lệ 1:500", "tỷ lệ một trên năm trăm"),
    ],
)
def test_numbers_in_text(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("thôn 3", "thôn ba"),
        ("số 3", "số ba"),
        ("thứ 2", "thứ hai"),
        ("thứ 4", "thứ tư"),
        ("Thứ 7", "thứ bảy"),
        ("lần thứ 1", "lần thứ nhất"),
        ("lần thứ 14", "lần thứ mười bốn"),
        ("kỳ họp thứ 7", "kỳ họp thứ bảy"),
        ("từ thứ 2 đến thứ 6", "từ thứ hai đến thứ sáu"),
    ],
)
def test_ordinals_and_counted_nouns(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_small_word_helpers() -> None:
    assert [read_ordinal(n) for n in (1, 2, 4, 5)] == ["nhất", "hai", "tư", "năm"]
    assert [read_month(n) for n in (1, 4, 12)] == ["một", "tư", "mười hai"]
    assert [read_day(n) for n in (1, 10, 11, 21)] == ["mùng một", "mùng mười", "mười một", "hai mươi mốt"]


def test_very_long_digit_strings_are_read_digit_by_digit() -> None:
    assert normalize("12345678901234567") == "một hai ba bốn năm sáu bảy tám chín không một hai ba bốn năm sáu bảy"
