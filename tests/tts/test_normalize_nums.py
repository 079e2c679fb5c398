"""Numbers, units, dates and codes in real bulletins: one test per kind of misreading fixed (helper "nums")."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(("text", "spoken"), [
    # Storm positions written with hemisphere letters.
    ("Tâm bão lúc 13h: 16,8N-112,4E.",
     "tâm bão lúc mười ba giờ: mười sáu phẩy tám độ vĩ bắc, một trăm mười hai phẩy bốn độ kinh đông."),
    ("tọa độ 18.0N - 110.5E", "tọa độ mười tám phẩy không độ vĩ bắc, một trăm mười phẩy năm độ kinh đông"),
    ("12,5S-45,0W", "mười hai phẩy năm độ vĩ nam, bốn mươi lăm phẩy không độ kinh tây"),
])
def test_coordinates(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Cúm A/H5N1 và A/H7N9", "cúm a hát năm en một và a hát bảy en chín"),
    ("dương tính với cúm A(H5N6) tại tỉnh", "dương tính với cúm a hát năm en sáu tại tỉnh"),
    ("dịch Covid – 19 và COVID - 19", "dịch cô vít mười chín và cô vít mười chín"),
])
def test_virus_names(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_alert_level_span() -> None:
    assert normalize("lên mức BĐ2-BĐ3, có sông trên BĐ3") == (
        "lên mức báo động hai đến báo động ba, có sông trên báo động ba"
    )


@pytest.mark.parametrize(("text", "spoken"), [
    ("Xe biển kiểm soát 29A-123.45 vi phạm", "xe biển kiểm soát hai chín a, một hai ba bốn năm vi phạm"),
    ("xe máy 36B5-678.90 bị giữ", "xe máy ba sáu bê năm, sáu bảy tám chín không bị giữ"),
    ("biển số 30K-1234", "biển số ba không ca, một hai ba bốn"),
    ("Nhiệm kỳ 2020-2025", "nhiệm kỳ hai nghìn không trăm hai mươi đến hai nghìn không trăm hai mươi lăm"),
])
def test_licence_plates(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("gieo cấy 84,6 nghìn ha", "gieo cấy tám mươi tư phẩy sáu nghìn héc ta"),
    ("đạt 2,4 triệu kWh và 1,25 tỷ USD", "đạt hai phẩy bốn triệu ki lô oát giờ và một phẩy hai mươi lăm tỷ đô la mỹ"),
    ("tỷ suất sinh 15,2‰", "tỷ suất sinh mười lăm phẩy hai phần nghìn"),
    ("cấp 9 (75-88 km/giờ)", "cấp chín, bảy mươi lăm đến tám mươi tám ki lô mét trên giờ"),
    ("đạt 150 triệu đồng/ha/năm", "đạt một trăm năm mươi triệu đồng mỗi héc ta mỗi năm"),
    ("Mỗi xã/phường cử 2 người", "mỗi xã hoặc phường cử hai người"),
])
def test_units_and_per(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    # A named day is followed by its bare date.
    ("Ngày Giải phóng miền Nam 30/4 và Ngày Quốc tế Lao động 1/5",
     "ngày giải phóng miền nam ba mươi tháng tư và ngày quốc tế lao động mùng một tháng năm"),
    ("nghỉ lễ Quốc khánh 2/9", "nghỉ lễ quốc khánh mùng hai tháng chín"),
    # A sentence that starts with "Ngày" names no day: the second date still says "ngày".
    ("Ngày 15/3 và 16/3 họp.", "ngày mười lăm tháng ba và ngày mười sáu tháng ba họp."),
    # "các ngày từ ... đến ...": "ngày" is said once for the span.
    ("trong các ngày từ 20/02 đến 23/02/2026.",
     "trong các ngày từ hai mươi tháng hai đến hai mươi ba tháng hai năm hai nghìn không trăm hai mươi sáu."),
    # Unchanged: a plain span still says "ngày" twice, and a date after a weekday keeps "ngày".
    ("từ 17/10 đến 18/11", "từ ngày mười bảy tháng mười đến ngày mười tám tháng mười một"),
    ("ngày Chủ nhật, 12/01", "ngày chủ nhật, ngày mười hai tháng một"),
])
def test_dates_after_named_days_and_spans(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("cao điểm 20-22h hằng ngày", "cao điểm hai mươi đến hai mươi hai giờ hằng ngày"),
    ("từ 7-11h", "từ bảy đến mười một giờ"),
    ("từ 7h-11h", "từ bảy giờ đến mười một giờ"),
])
def test_hour_spans(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    # A date written with a dash after "ngày" or a part of the day; a span of days keeps its month after it.
    ("vào lúc 14h30 ngày 12-8.", "vào lúc mười bốn giờ ba mươi phút ngày mười hai tháng tám."),
    ("Từ 15h chiều 23-5, giá", "từ mười lăm giờ chiều ngày hai mươi ba tháng năm, giá"),
    ("ngày 12-15/8", "ngày mười hai đến mười lăm tháng tám"),
    ("ngày 20-25", "ngày hai mươi đến hai mươi lăm"),
    # A dash between counts is a span, not a date.
    ("Uống thuốc ngày 2-3 lần.", "uống thuốc ngày hai đến ba lần."),
    ("Sáng 7-8 giờ có mưa.", "sáng bảy đến tám giờ có mưa."),
    # Each day of a span takes "mùng" when it is 1-10.
    ("ngày 5-6 tháng 9", "ngày mùng năm đến mùng sáu tháng chín"),
    # Rainfall bulletins: an hour of a given day.
    ("từ 19h/25 đến 07h/26: mưa", "từ mười chín giờ ngày hai mươi lăm đến bảy giờ ngày hai mươi sáu: mưa"),
    # Round the clock, unless a date word comes first.
    ("trực 24h/24, trực 24h/7", "trực hai mươi tư giờ trên hai mươi tư, trực hai mươi tư giờ trên bảy"),
    ("hỗ trợ người dân 24/7.", "hỗ trợ người dân hai mươi tư trên bảy."),
    ("từ 24/7 đến 30/7", "từ ngày hai mươi tư tháng bảy đến ngày ba mươi tháng bảy"),
    # The second batch of a year, not February.
    ("Đợt 2/2025 tiêm cho đàn bò", "đợt hai năm hai nghìn không trăm hai mươi lăm tiêm cho đàn bò"),
    ("trong tháng 2/2025", "trong tháng hai năm hai nghìn không trăm hai mươi lăm"),
])
def test_dates_written_other_ways(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("khoảng 14,2N; 115,8E, cấp 7",
     "khoảng mười bốn phẩy hai độ vĩ bắc; một trăm mười lăm phẩy tám độ kinh đông, cấp bảy"),
    ("Giá vé tăng x2; ảnh 3x4", "giá vé tăng nhân hai; ảnh ba nhân bốn"),
    ("Hỗ trợ $500, $1,2 triệu và 300$.", "hỗ trợ năm trăm đô la, một phẩy hai triệu đô la và ba trăm đô la."),
])
def test_separators_multipliers_and_dollars(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    # A document's number and year after its type or "số", not a month.
    ("Nghị định 200/2025 của Chính phủ", "nghị định hai trăm năm hai nghìn không trăm hai mươi lăm của chính phủ"),
    ("Công văn số 5/2025", "công văn số năm năm hai nghìn không trăm hai mươi lăm"),
    ("trong tháng 5/2025", "trong tháng năm năm hai nghìn không trăm hai mươi lăm"),
    # A height in metres and centimetres.
    ("chiều cao từ 1m57, cân nặng 45kg", "chiều cao từ một mét năm mươi bảy, cân nặng bốn mươi lăm ki lô gam"),
])
def test_document_years_and_heights(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    # An emergency service names its own number; a count after it stays a count.
    ("gọi 114; cấp cứu 115; công an 113.", "gọi một một bốn; cấp cứu một một năm; công an một một ba."),
    ("Đội cứu hộ 115 người", "đội cứu hộ một trăm mười lăm người"),
    # Ten-digit toll-free numbers in three groups.
    ("gọi 1800 599 920 (miễn phí).", "gọi một tám không không, năm chín chín, chín hai không, miễn phí."),
])
def test_emergency_and_toll_free_numbers(text: str, spoken: str) -> None:
    assert normalize(text) == spoken
