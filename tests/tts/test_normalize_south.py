"""Kinds found in the southern portals' blind set (split "south"), one phrase test each."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        # Days listed or spanned before a dash date share its month (and its "ngày").
        ("vào ngày 7 và 8-12 (tức ngày 17 và 18-10 âm lịch).",
         "vào ngày mùng bảy và mùng tám tháng mười hai, tức ngày mười bảy và mười tám tháng mười âm lịch."),
        ("diễn ra từ ngày 17 đến 23-11.", "diễn ra từ ngày mười bảy đến ngày hai mươi ba tháng mười một."),
        ("từ ngày 8 đến 18-10-2025 (nhằm",
         "từ ngày mùng tám đến ngày mười tám tháng mười năm hai nghìn không trăm hai mươi lăm, nhằm"),
        ("giải đua (diễn ra 2 ngày, 21 và 22-11);",
         "giải đua, diễn ra hai ngày, hai mươi mốt và hai mươi hai tháng mười một;"),
        # The end of a span whose start is already a date.
        ("nhằm ngày 17-8 đến 27-8 âm lịch.", "nhằm ngày mười bảy tháng tám đến hai mươi bảy tháng tám âm lịch."),
    ],
)
def test_dash_dates_after_days(text: str, reading: str) -> None:
    assert normalize(text) == reading


def test_a_span_of_days_says_its_ngay_once_after_ngay_tu() -> None:
    assert normalize("trong 03 ngày từ 09-11/10.") == "trong ba ngày từ mùng chín đến mười một tháng mười."
    assert normalize("từ 17-10 đến 18-11;") == "từ ngày mười bảy tháng mười đến ngày mười tám tháng mười một;"
    assert normalize("từ 2-3 ngày") == "từ hai đến ba ngày"


def test_a_day_already_said_or_named_takes_no_ngay() -> None:
    assert normalize("lúc 13 giờ ngày hôm nay (12/8) như sau") == (
        "lúc mười ba giờ ngày hôm nay, mười hai tháng tám, như sau"
    )
    assert normalize("Sáng nay (3/1/2025), tỉnh") == (
        "sáng nay, ngày mùng ba tháng một năm hai nghìn không trăm hai mươi lăm, tỉnh"
    )
    assert normalize("Ngày Chuyển đổi số quốc gia (10/10)") == "ngày chuyển đổi số quốc gia, mùng mười tháng mười"
    assert normalize("Ngày cập nhật : 28/11/2025") == (
        "ngày cập nhật: hai mươi tám tháng mười một năm hai nghìn không trăm hai mươi lăm"
    )
    assert normalize("dịp Lễ 30/4") == "dịp lễ ba mươi tháng tư"


def test_dates_written_with_a_dot() -> None:
    assert normalize("Tối 4.11, tin từ") == "tối ngày mùng bốn tháng mười một, tin từ"
    assert normalize("Ngày Di sản Văn hóa Việt Nam (23.11).") == (
        "ngày di sản văn hóa việt nam, hai mươi ba tháng mười một."
    )
    assert normalize("từ tháng 1.2022 việc") == "từ tháng một năm hai nghìn không trăm hai mươi hai việc"
    assert normalize("mục 4.11. Nội dung") == "mục bốn chấm mười một. nội dung"


def test_a_span_of_months_with_years() -> None:
    assert normalize("từ tháng 12/2026 - 01/2027 phổ biến") == (
        "từ tháng mười hai năm hai nghìn không trăm hai mươi sáu đến tháng một năm hai nghìn không trăm hai mươi bảy"
        " phổ biến"
    )


def test_clock_times_written_with_words_or_a_dot() -> None:
    assert normalize("Đúng 7 giờ 30 ngày 12/2") == "đúng bảy giờ ba mươi phút ngày mười hai tháng hai"
    assert normalize("vào lúc 14 giờ 00 ngày 18/11") == "vào lúc mười bốn giờ ngày mười tám tháng mười một"
    assert normalize("khai mạc lúc 07.30 phút với") == "khai mạc lúc bảy giờ ba mươi phút với"
    assert normalize("lúc 07.30, các") == "lúc bảy giờ ba mươi phút, các"


def test_so_many_of_so_many_units_is_no_date() -> None:
    assert normalize("huyện đã có 05/07 xã đạt chuẩn") == "huyện đã có năm trên bảy xã đạt chuẩn"
    assert normalize("Sáng 5/7 xã tổ chức") == "sáng ngày mùng năm tháng bảy xã tổ chức"


def test_zero_minutes_written_out_are_not_read() -> None:
    assert normalize("Buổi sáng: 08 giờ 00 phút.") == "buổi sáng: tám giờ."
    assert normalize("từ 07 giờ 30 phút") == "từ bảy giờ ba mươi phút"
    assert normalize("từ 07 giờ 30 đến 16 giờ") == "từ bảy giờ ba mươi phút đến mười sáu giờ"


def test_a_sentence_starting_with_ngay_is_no_named_day() -> None:
    assert normalize("Ngày bầu cử được ấn định vào 15/3/2026.") == (
        "ngày bầu cử được ấn định vào ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu."
    )
    assert normalize("Ngày Giải phóng miền Nam 30/4") == "ngày giải phóng miền nam ba mươi tháng tư"


def test_rice_varieties_are_spelled() -> None:
    assert normalize("giá lúa OM 18 tăng") == "giá lúa o em mười tám tăng"
    assert normalize("giống lúa OM 5451") == "giống lúa o em năm bốn năm một"


def test_a_slash_before_an_abbreviation_is_a_choice_not_a_per() -> None:
    assert normalize("có khoảng 01-03 cơn bão/ATNĐ.") == "có khoảng một đến ba cơn bão hoặc áp thấp nhiệt đới."
    assert normalize("giá 20.000 đồng/liều") == "giá hai mươi nghìn đồng mỗi liều"


def test_dates_listed_after_a_holiday_take_no_ngay() -> None:
    assert normalize("dịp Lễ 30/4 và 1/5.") == "dịp lễ ba mươi tháng tư và mùng một tháng năm."
    assert normalize("ngày 30/4 và 1/5") == "ngày ba mươi tháng tư và ngày mùng một tháng năm"


def test_a_month_and_year_joined_by_a_dash() -> None:
    assert normalize("từ tháng 8-2021 đến nay") == "từ tháng tám năm hai nghìn không trăm hai mươi mốt đến nay"
    assert normalize("tháng 7-8/2025") == "tháng bảy đến tháng tám năm hai nghìn không trăm hai mươi lăm"


def test_named_places_and_named_days_in_brackets() -> None:
    assert normalize("đường 23/8 và đường Lê Huân") == "đường hai mươi ba tháng tám và đường lê huân"
    assert normalize("Ngày toàn dân đưa trẻ đến trường, khai giảng năm học mới (05/9);") == (
        "ngày toàn dân đưa trẻ đến trường, khai giảng năm học mới, mùng năm tháng chín;"
    )


def test_spans_after_a_time_of_day_and_with_a_dot() -> None:
    assert normalize("chiều và đêm 14-15/6, miền") == "chiều và đêm mười bốn đến mười lăm tháng sáu, miền"
    assert normalize("từ ngày 21 - 23.5 tại") == "từ ngày hai mươi mốt đến hai mươi ba tháng năm tại"


def test_degrees_typed_with_a_letter_o_and_hours_with_g() -> None:
    assert normalize("ghi nhận được 38OC (ngày 14-3") == "ghi nhận được ba mươi tám độ xê, ngày mười bốn tháng ba"
    assert normalize("lúc 14g tại trạm") == "lúc mười bốn giờ tại trạm"
    assert normalize("mua 14g đường") == "mua mười bốn gam đường"


def test_a_dash_date_after_an_hour_and_a_day_before_the_span_end() -> None:
    assert normalize("đến 5 giờ 10-8, nhiều") == "đến năm giờ ngày mùng mười tháng tám, nhiều"
    assert normalize("từ ngày 6 đến ngày 7-11, khu vực") == "từ ngày mùng sáu đến ngày mùng bảy tháng mười một, khu vực"


def test_minutes_after_a_space_or_before_phut_and_a_dot_date_after_hom_nay() -> None:
    assert normalize("từ 16h 45 cho tới 19h") == "từ mười sáu giờ bốn mươi lăm phút cho tới mười chín giờ"
    assert normalize("lúc 6h30 phút") == "lúc sáu giờ ba mươi phút"
    assert normalize("từ 22 giờ ngày hôm nay 14.10 đến") == (
        "từ hai mươi hai giờ ngày hôm nay ngày mười bốn tháng mười đến"
    )


def test_the_lunar_calendar_written_al() -> None:
    assert normalize("Rằm tháng 9 AL có thể") == "rằm tháng chín âm lịch có thể"
