"""Kinds found in the round-4 blind sets (split "justice" and the other r4 sets), one phrase test each."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        # A span of bare days before a date names its month once; the first day is a day too.
        ("Từ 24 đến 26-3, tất cả các huyện ra quân.",
         "từ ngày hai mươi tư đến ngày hai mươi sáu tháng ba, tất cả các huyện ra quân."),
        ("từ 5 đến 7/10.", "từ ngày mùng năm đến ngày mùng bảy tháng mười."),
        # ... and a span of months before a month/year names its year once.
        ("từ 8 đến 10/2025.", "từ tháng tám đến tháng mười năm hai nghìn không trăm hai mươi lăm."),
        # Two commas or more between short numbers make a list, not a decimal.
        ("các khối 2,3,4,5; khối 1", "các khối hai, ba, bốn, năm; khối một"),
        # An unbroken 7-8 digit number set off by a dash or colon at the end of its clause is dialled.
        ("hộp thư thông tin điện nước – 8011035.", "hộp thư thông tin điện nước, tám không một một không ba năm."),
        ("Trực ban: 38221145", "trực ban: ba tám hai hai, một một bốn năm"),
    ],
)
def test_kind_is_read_right(text: str, reading: str) -> None:
    assert normalize(text) == reading


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("từ 2 đến 3-4 lần", "từ hai đến ba đến bốn lần"),
        ("từ 10 đến 15/100 hộ", "từ mười đến mười lăm trên một trăm hộ"),
        ("1,234,567 đồng", "một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy đồng"),
        ("15,5 ha", "mười lăm phẩy năm héc ta"),
        ("Tổng: 1500000 đồng.", "tổng: một triệu năm trăm nghìn đồng."),
    ],
)
def test_lookalikes_keep_their_reading(text: str, reading: str) -> None:
    assert normalize(text) == reading
