"""Kinds found in the coastal blind set (split "coast"), one phrase test each."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        # Maritime notices give positions in degrees, minutes and seconds.
        ("tọa độ 20°49'53.9\" N, 106°48'20.2\" E.",
         "tọa độ hai mươi độ bốn mươi chín phút năm mươi ba phẩy chín giây vĩ bắc, "
         "một trăm lẻ sáu độ bốn mươi tám phút hai mươi phẩy hai giây kinh đông."),
        # Curly marks, which cleaning drops, and a leading zero.
        ("Phao “6A”: 09°26’53,0” N; 106°28’04,4” E.",
         "phao sáu a: chín độ hai mươi sáu phút năm mươi ba phẩy không giây vĩ bắc; "
         "một trăm lẻ sáu độ hai mươi tám phút bốn phẩy bốn giây kinh đông."),
        # Minutes only, written with "độ".
        ("tại tọa độ 09 độ 43’N - 106 độ 37’E, cách bờ",
         "tại tọa độ chín độ bốn mươi ba phút vĩ bắc, một trăm lẻ sáu độ ba mươi bảy phút kinh đông, cách bờ"),
    ],
)
def test_degrees_minutes_seconds(text: str, reading: str) -> None:
    assert normalize(text) == reading


def test_fishing_boat_numbers_are_read_like_plates() -> None:
    assert normalize("truy đuổi tàu cá KG - 94793 TS, kết hợp") == (
        "truy đuổi tàu cá ca giê, chín bốn bảy chín ba, tê ét, kết hợp"
    )
    assert normalize("tàu cá BTh-97188-TS và QNg 90512 TS") == (
        "tàu cá bê tê hát, chín bảy một tám tám, tê ét và quy en giê, chín không năm một hai, tê ét"
    )
    # "TS." before a name is still tiến sĩ.
    assert normalize("TS. Lê Văn An") == "tiến sĩ lê văn an"


def test_hours_past_twenty_four_are_a_number_of_hours() -> None:
    assert normalize("cảnh báo thời tiết 48h đến 72h:") == (
        "cảnh báo thời tiết bốn mươi tám giờ đến bảy mươi hai giờ:"
    )
    assert normalize("Dự báo trong 24-72h tới") == "dự báo trong hai mươi tư đến bảy mươi hai giờ tới"
    assert normalize("từ 20-22h") == "từ hai mươi đến hai mươi hai giờ"


def test_so_many_of_so_many_party_cells_and_samples() -> None:
    assert normalize("Có 8/10 chi hội đạt") == "có tám trên mười chi hội đạt"
    assert normalize("toàn bộ 11/11 chi bộ trực thuộc") == "toàn bộ mười một trên mười một chi bộ trực thuộc"
    assert normalize("11/11 CHI BỘ TRỰC THUỘC ĐẢNG BỘ") == "mười một trên mười một chi bộ trực thuộc đảng bộ"
    # A date cue keeps the date.
    assert normalize("Ngày 11/11 chi bộ họp") == "ngày mười một tháng mười một chi bộ họp"


def test_a_dash_date_spanning_to_a_month() -> None:
    assert normalize("tiêm bổ sung từ 22-3 đến tháng 8-2026.") == (
        "tiêm bổ sung từ ngày hai mươi hai tháng ba đến tháng tám năm hai nghìn không trăm hai mươi sáu."
    )
    assert normalize("từ 2-3 ngày") == "từ hai đến ba ngày"


def test_a_minus_before_a_measured_number_is_am() -> None:
    assert normalize("mực nước thấp nhất -15cm lúc 23h30.") == (
        "mực nước thấp nhất âm mười lăm xen ti mét lúc hai mươi ba giờ ba mươi phút."
    )
    # The dash of a span stays a span.
    assert normalize("từ 10 -15cm") == "từ mười đến mười lăm xen ti mét"


def test_a_unit_alone_in_brackets_is_said() -> None:
    assert normalize("Bảng trị số mực nước thực đo (cm).") == "bảng trị số mực nước thực đo, xen ti mét."
    assert normalize("Diện tích gieo cấy (ha)") == "diện tích gieo cấy, héc ta"


def test_comparison_signs_before_numbers() -> None:
    assert normalize("LÀ < 2 MÉT SO VỚI") == "là nhỏ hơn hai mét so với"
    assert normalize("cá biệt >80 con/m2") == "cá biệt lớn hơn tám mươi con mỗi mét vuông"


def test_engine_power_in_cv_is_horsepower() -> None:
    assert normalize("tàu cá lắp máy có công suất từ 20 CV trở lên") == (
        "tàu cá lắp máy có công suất từ hai mươi mã lực trở lên"
    )
    # Without an engine in sight, "CV" after a count is still công văn.
    assert normalize("đã ban hành 15 CV chỉ đạo") == "đã ban hành mười lăm công văn chỉ đạo"


def test_danger_zones_name_parallels_and_meridians() -> None:
    assert normalize("Vùng nguy hiểm: 15,0-18,5N; phía Đông kinh tuyến 114,0E.") == (
        "vùng nguy hiểm: mười lăm phẩy không đến mười tám phẩy năm độ vĩ bắc; "
        "phía đông kinh tuyến một trăm mười bốn phẩy không độ kinh đông."
    )
    assert normalize("Vĩ tuyến 16,00N - 21,50N") == (
        "vĩ tuyến mười sáu phẩy không không độ vĩ bắc đến hai mươi mốt phẩy năm mươi độ vĩ bắc"
    )
    # A letter after a whole number is no coordinate.
    assert normalize("tuyến 5 E") == "tuyến năm e"


def test_a_per_unit_alone_in_brackets_and_a_sign_before_a_level() -> None:
    assert normalize("tăng 0,1 - 3,0 (g/l). Mật độ (con/m2)") == (
        "tăng không phẩy một đến ba phẩy không, gam mỗi lít. mật độ, con mỗi mét vuông"
    )
    assert normalize("Cường độ < Cấp 6") == "cường độ nhỏ hơn cấp sáu"


def test_dotted_date_spans_and_counted_crew() -> None:
    assert normalize("Từ ngày 12.3-30.4, các địa phương tiêm phòng.") == (
        "từ ngày mười hai tháng ba đến ngày ba mươi tháng tư, các địa phương tiêm phòng."
    )
    assert normalize("đợt hai từ 10.9 - 10.10.") == (
        "đợt hai từ ngày mùng mười tháng chín đến ngày mùng mười tháng mười."
    )
    # Section numbers keep their dots.
    assert normalize("Mục 2.1 - 2.3 của kế hoạch") == "mục hai chấm một đến hai chấm ba của kế hoạch"
    assert normalize("3/5 thuyền viên không có giấy tờ") == "ba trên năm thuyền viên không có giấy tờ"
    assert normalize("từ 21-9 đến hết tháng 12-2026.") == (
        "từ ngày hai mươi mốt tháng chín đến hết tháng mười hai năm hai nghìn không trăm hai mươi sáu."
    )


def test_lunar_dates_marked_in_lowercase() -> None:
    assert normalize("xuống giống từ 11- 21/11 (10/10 âl), phân bố") == (
        "xuống giống từ ngày mười một đến ngày hai mươi mốt tháng mười một, ngày mùng mười tháng mười âm lịch, phân bố"
    )


def test_radio_frequencies() -> None:
    assert normalize("qua tần số 7903 kHz hoặc 156,8 MHz") == (
        "qua tần số bảy nghìn chín trăm lẻ ba ki lô héc hoặc một trăm năm mươi sáu phẩy tám mê ga héc"
    )
