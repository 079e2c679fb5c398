"""Kinds of misreading found on the fresh3 batch of unseen lines, each pinned by its own cases."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(("text", "spoken"), [
    # Tax, land and disaster abbreviations the table lacked.
    ("thuế GTGT và thuế TNCN", "thuế giá trị gia tăng và thuế thu nhập cá nhân"),
    ("MST của HKD", "mã số thuế của hộ kinh doanh"),
    ("hồ sơ GPXD", "hồ sơ giấy phép xây dựng"),
    ("ATNĐ mạnh lên", "áp thấp nhiệt đới mạnh lên"),
])
def test_tax_land_and_disaster_abbreviations(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Tiêm vắc-xin LMLM, THT cho trâu bò.", "tiêm vắc xin lở mồm long móng, tụ huyết trùng cho trâu bò."),
    ("Bệnh THT ở lợn", "bệnh tụ huyết trùng ở lợn"),
    ("Thành lập THT trồng chè.", "thành lập tổ hợp tác trồng chè."),
])
def test_tht_depends_on_livestock_context(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("vắc-xin sởi - rubella", "vắc xin sởi, ru bê la"),
    ("sản phẩm OCOP, tiêu chuẩn VietGAP", "sản phẩm ô cốp, tiêu chuẩn việt gáp"),
])
def test_health_and_farming_loanwords(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("200 m³/s", "hai trăm mét khối mỗi giây"),
    ("3.000 con/m²", "ba nghìn con mỗi mét vuông"),
    ("150 mm/24h", "một trăm năm mươi mi li mét trong hai mươi tư giờ"),
    ("100 mm/3 giờ", "một trăm mi li mét trong ba giờ"),
    ("2 lần/3 tháng", "hai lần mỗi ba tháng"),  # was "hai lần hoặc ba tháng"
    ("xã/phường", "xã hoặc phường"),
])
def test_per_slash_units_and_spans(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("từ ngày 08/9 - 12/9/2025",
     "từ ngày mùng tám tháng chín đến ngày mười hai tháng chín năm hai nghìn không trăm hai mươi lăm"),
    ("ngày 20-25/11", "ngày hai mươi đến hai mươi lăm tháng mười một"),
])
def test_a_range_of_two_dates_repeats_ngay(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Dịch tả lợn châu Phi (ASF) lây nhanh.", "dịch tả lợn châu phi lây nhanh."),
    # Used again later: the reader needs it, so it stays (read as letters).
    ("Bệnh (ASF). ASF lây nhanh.", "bệnh, a ét ép. a ét ép lây nhanh."),
    # Not a gloss: not after a word.
    ("(ASF) lây nhanh.", "a ét ép, lây nhanh."),
])
def test_english_acronym_gloss_in_brackets_is_skipped(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("quyhoach.thainguyen.gov.vn", "quy hoach chấm thai nguyen chấm gốp chấm vê en"),
    ("vanphong@gmail.com", "van phong a còng giê meo chấm com"),
    ("hoangmai.hanoi.gov.vn", "hoang mai chấm ha noi chấm gốp chấm vê en"),  # "ha noi", not "han oi"
    ("nghean.gov.vn", "nghe an chấm gốp chấm vê en"),  # "ea" is no Vietnamese vowel group
    ("xaanphu.gov.vn", "xa an phu chấm gốp chấm vê en"),
    ("abc.com.vn", "a bê xê chấm com chấm vê en"),  # no syllables: spelled
    ("ubndxa.vn", "u bê en đê ích a chấm vê en"),
    ("tiktok.com", "tê i ca tê o ca chấm com"),
])
def test_run_together_address_syllables_are_read_one_by_one(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("ngập trên QL.3 và TL.291", "ngập trên quốc lộ ba và tỉnh lộ hai trăm chín mươi mốt"),
    ("làm việc T2-T6", "làm việc thứ hai đến thứ sáu"),
    ("mở cửa T2 - CN", "mở cửa thứ hai đến chủ nhật"),
    ("lũ trên BĐ2, có thể lên BĐ III", "lũ trên báo động hai, có thể lên báo động ba"),
    ("Tháng 7-8/2025 mưa nhiều", "tháng bảy đến tháng tám năm hai nghìn không trăm hai mươi lăm mưa nhiều"),
    ("trong tháng 11 - 12", "trong tháng mười một đến tháng mười hai"),
    ("T2 của thôn", "tê hai của thôn"),  # alone, not a timetable
])
def test_roads_weekday_spans_alert_levels_and_month_spans(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("đã tốt nghiệp CĐ, ĐH được tạm hoãn", "đã tốt nghiệp cao đẳng, đại học được tạm hoãn"),
    ("Trường CĐ Y tế", "trường cao đẳng y tế"),
    ("ĐH 12 bị ngập", "đường huyện mười hai bị ngập"),  # a district road, not a university
    ("Công điện số 05/CĐ-UBND", "công điện số năm của ủy ban nhân dân"),
    ("02 ảnh 3x4", "hai ảnh ba nhân bốn"),
    ("15 chi bộ HTXSNV, 2 chi bộ KHTNV",
     "mười lăm chi bộ hoàn thành xuất sắc nhiệm vụ, hai chi bộ không hoàn thành nhiệm vụ"),
])
def test_school_levels_dimensions_and_party_ratings(text: str, spoken: str) -> None:
    assert normalize(text) == spoken
