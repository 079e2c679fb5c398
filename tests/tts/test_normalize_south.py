"""Kinds found in the southern portals' blind set (split "south"), one phrase test each."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        # Days listed or spanned before a dash date share its month (and its "ngày").
        ("vào ngày 7 và 8-12 (tức ngày 17 và 18-10 âm lịch).",
         "vào ngày mùng bảy và mùng tám tháng mười hai, tức ngày mười bảy và mười tám tháng mười âm lịch."),
        ("diễn ra từ ngày 17 đến 23-11.", "diễn ra từ ngày mười bảy đến hai mươi ba tháng mười một."),
        ("từ ngày 8 đến 18-10-2025 (nhằm",
         "từ ngày mùng tám đến mười tám tháng mười năm hai nghìn không trăm hai mươi lăm, nhằm"),
        ("giải đua (diễn ra 2 ngày, 21 và 22-11);",
         "giải đua, diễn ra hai ngày, hai mươi mốt và hai mươi hai tháng mười một;"),
        # The end of a span whose start is already a date.
        ("nhằm ngày 17-8 đến 27-8 âm lịch.", "nhằm ngày mười bảy tháng tám đến hai mươi bảy tháng tám âm lịch."),
    ],
)
def test_dash_dates_after_days(text: str, reading: str) -> None:
    assert normalize(text) == reading


def test_a_span_opened_by_ngay_says_it_once() -> None:
    assert normalize("từ ngày 8 đến 18/10") == "từ ngày mùng tám đến mười tám tháng mười"
    # "đến hết" names a day of its own.
    assert normalize("từ ngày 03 - đến hết 05/3") == "từ ngày mùng ba đến hết ngày mùng năm tháng ba"


def test_so_many_of_so_many_units_is_no_date() -> None:
    assert normalize("huyện đã có 05/07 xã đạt chuẩn") == "huyện đã có năm trên bảy xã đạt chuẩn"
    assert normalize("Sáng 5/7 xã tổ chức") == "sáng ngày mùng năm tháng bảy xã tổ chức"


def test_zero_minutes_written_out_are_not_read() -> None:
    assert normalize("Buổi sáng: 08 giờ 00 phút.") == "buổi sáng: tám giờ."
    assert normalize("từ 07 giờ 30 phút") == "từ bảy giờ ba mươi phút"


def test_a_sentence_starting_with_ngay_is_no_named_day() -> None:
    assert normalize("Ngày bầu cử được ấn định vào 15/3/2026.") == (
        "ngày bầu cử được ấn định vào ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu."
    )
    assert normalize("Ngày Giải phóng miền Nam 30/4") == "ngày giải phóng miền nam ba mươi tháng tư"


def test_a_slash_before_a_number_is_out_of() -> None:
    assert normalize("thu hoạch 38.215 ha/152.640 ha") == (
        "thu hoạch ba mươi tám nghìn hai trăm mười lăm héc ta trên một trăm năm mươi hai nghìn sáu trăm bốn mươi héc ta"
    )
    assert normalize("231,6 ca mắc/100.000 dân") == "hai trăm ba mươi mốt phẩy sáu ca mắc trên một trăm nghìn dân"
