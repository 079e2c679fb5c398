"""Ranges of numbers, dates and times: "đến", "từ ngày", never "từ từ"."""

import itertools

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("15 - 20", "mười lăm đến hai mươi"),
        ("15-20", "mười lăm đến hai mươi"),
        ("15 – 20", "mười lăm đến hai mươi"),
        ("15 đến 20 km", "mười lăm đến hai mươi ki lô mét"),
        ("100-150 mm", "một trăm đến một trăm năm mươi mi li mét"),
        ("10%-15%", "mười phần trăm đến mười lăm phần trăm"),
        ("5 ngày - 7 ngày", "năm ngày đến bảy ngày"),
        ("giật cấp 10-11", "giật cấp mười đến mười một"),
        ("nhiệm kỳ 2025 - 2027", "nhiệm kỳ hai nghìn không trăm hai mươi lăm đến hai nghìn không trăm hai mươi bảy"),
        ("1.000-2.000 đồng", "một nghìn đến hai nghìn đồng"),
        ("Thứ 2 - Thứ 6", "thứ hai đến thứ sáu"),
        ("thứ 2-6", "thứ hai đến thứ sáu"),
    ],
)
def test_number_ranges(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("7h30 - 11h00", "bảy giờ ba mươi phút đến mười một giờ"),
        ("7h00-11h30", "bảy giờ đến mười một giờ ba mươi phút"),
        ("8h-11h", "tám giờ đến mười một giờ"),
        ("từ 7h30 đến 11h00", "từ bảy giờ ba mươi phút đến mười một giờ"),
        ("13:30 - 17:00", "mười ba giờ ba mươi phút đến mười bảy giờ"),
    ],
)
def test_time_ranges(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("20-25/11", "từ ngày hai mươi đến ngày hai mươi lăm tháng mười một"),
        ("ngày 20-25/11", "ngày hai mươi đến hai mươi lăm tháng mười một"),
        ("từ ngày 20-25/11", "từ ngày hai mươi đến hai mươi lăm tháng mười một"),
        ("từ 20 - 25/11", "từ ngày hai mươi đến ngày hai mươi lăm tháng mười một"),
        ("18-19/3", "từ ngày mười tám đến ngày mười chín tháng ba"),
        ("ngày 5-10/3", "ngày mùng năm đến mùng mười tháng ba"),
        (
            "từ 01/01/2024 - 31/12/2024",
            "từ ngày mùng một tháng một năm hai nghìn không trăm hai mươi tư"
            " đến ngày ba mươi mốt tháng mười hai năm hai nghìn không trăm hai mươi tư",
        ),
        ("28/11 - 2/12", "từ ngày hai mươi tám tháng mười một đến ngày mùng hai tháng mười hai"),
    ],
)
def test_date_ranges(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_no_doubled_words_in_ranges() -> None:
    for text in ("từ 20-25/11", "từ ngày 20-25/11", "ngày 20-25/11", "từ ngày 21/3/2023"):
        words = normalize(text).split()
        assert all(a != b for a, b in itertools.pairwise(words)), text
