"""Kinds found by the round-2 blind sets (central, south) in the document, cleanup and Roman-numeral passes."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(("text", "spoken"), [
    # A count out of a total, with its nouns on both sides, is "trên" (it was "hoặc").
    ("Có 6 huyện, thành phố/15 huyện, thành phố đạt chuẩn.",
     "có sáu huyện, thành phố trên mười lăm huyện, thành phố đạt chuẩn."),
    ("Đã thu hoạch 3.215 ha/12.640 ha.",
     "đã thu hoạch ba nghìn hai trăm mười lăm héc ta trên mười hai nghìn sáu trăm bốn mươi héc ta."),
    ("Tỷ lệ mắc 231,6 ca mắc/100.000 dân.", "tỷ lệ mắc hai trăm ba mươi mốt phẩy sáu ca mắc trên một trăm nghìn dân."),
    # ... but a time after the slash, or one of a unit, is still a rate or a span.
    ("Tiêm 2 lần/3 tháng", "tiêm hai lần mỗi ba tháng"),
    ("Nồng độ cồn 0,4 miligam/1 lít khí thở", "nồng độ cồn không phẩy bốn mi li gam mỗi lít khí thở"),
])
def test_a_count_out_of_a_total(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Vấn đề quý Ông/Bà phản ánh", "vấn đề quý ông, bà phản ánh"),
    ("Kính gửi anh/chị", "kính gửi anh, chị"),
    ("Các xã/phường", "các xã hoặc phường"),  # a choice stays a choice
])
def test_a_pair_of_forms_of_address(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Lúa giai đoạn đẻ nhánh – làm đòng.", "lúa giai đoạn đẻ nhánh đến làm đòng."),
    ("Diện tích 2.300 ha, lúa giai đoạn đỏ đuôi – chín.",
     "diện tích hai nghìn ba trăm héc ta, lúa giai đoạn đỏ đuôi đến chín."),
    # Not a span: a long clause after the dash.
    ("Giai đoạn hiện nay - đây là nhiệm vụ trọng tâm của xã.", "giai đoạn hiện nay, đây là nhiệm vụ trọng tâm của xã."),
])
def test_a_span_of_growth_stages(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Nhiệm vụ quý II-2025", "nhiệm vụ quý hai năm hai nghìn không trăm hai mươi lăm"),
    ("Nghị quyết Tỉnh ủy quý I-2025", "nghị quyết tỉnh ủy quý một năm hai nghìn không trăm hai mươi lăm"),
    ("Tuần văn hóa lần II, năm 2026", "tuần văn hóa lần hai, năm hai nghìn không trăm hai mươi sáu"),
])
def test_roman_numerals_after_quy_with_a_dashed_year_and_after_lan(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Thông tư 25/2019/TT-BNNPTNT quy định về phòng cháy rừng do Bộ Nông nghiệp và Phát triển nông thôn ban hành",
     "thông tư số hai mươi lăm năm hai nghìn không trăm mười chín quy định về phòng cháy rừng"
     " do bộ nông nghiệp và phát triển nông thôn ban hành"),
    ("Quyết định 15/2021/QĐ-UBND về quy chế phối hợp do UBND tỉnh Điện Biên ban hành",
     "quyết định số mười lăm năm hai nghìn không trăm hai mươi mốt về quy chế phối hợp"
     " do ủy ban nhân dân tỉnh điện biên ban hành"),
    # Another body after "do" does not stand for the issuer.
    ("Thông tư 25/2019/TT-BNNPTNT do Sở Tư pháp phát hành",
     "thông tư số hai mươi lăm năm hai nghìn không trăm mười chín của bộ nông nghiệp và phát triển nông thôn"
     " do sở tư pháp phát hành"),
])
def test_the_issuer_named_by_do_ban_hanh_is_not_read_twice(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Tỷ lệ xã đạt chuẩn 85,4%/60% tổng số xã",
     "tỷ lệ xã đạt chuẩn tám mươi lăm phẩy bốn phần trăm trên sáu mươi phần trăm tổng số xã"),
    ("Tăng 10%/năm", "tăng mười phần trăm mỗi năm"),  # a rate stays a rate
    ("Họp thôn 14//14 thôn", "họp thôn mười bốn trên mười bốn thôn"),  # a doubled slash is one
])
def test_percent_out_of_percent_and_a_doubled_slash(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Gió mạnh cấp 12-cấp 13, giật cấp 15", "gió mạnh cấp mười hai đến cấp mười ba, giật cấp mười lăm"),
    ("Tháng 7 - tháng 8", "tháng bảy đến tháng tám"),
    ("Rầy nâu phổ biến tuổi 5 - trưởng thành;", "rầy nâu phổ biến tuổi năm đến trưởng thành;"),
])
def test_spans_written_with_a_dash(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Ngõ xóm sáng-xanh-sạch-đẹp", "ngõ xóm sáng, xanh, sạch, đẹp"),
    ("Tiêm vắc-xin", "tiêm vắc xin"),  # two parts may be one word
    ("Về phía Đông - Đông Nam", "về phía đông đông nam"),
    ("Hướng Tây - Tây Bắc; Nam - Bắc", "hướng tây tây bắc; nam, bắc"),
    ("Anh T.V.H. (SN 1987, trú tại xã Phú Lộc) nhận cuộc gọi",
     "anh tê vê hát, sinh năm một nghìn chín trăm tám mươi bảy, trú tại xã phú lộc, nhận cuộc gọi"),
])
def test_hyphenated_lists_compass_points_and_initials(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_a_military_unit_then_the_body_it_belongs_to() -> None:
    text = "Nhập ngũ vào Sư đoàn 346/Quân khu 1; Trung đoàn 852/Bộ CHQS tỉnh."
    spoken = (
        "nhập ngũ vào sư đoàn ba trăm bốn mươi sáu, quân khu một;"
        " trung đoàn tám trăm năm mươi hai, bộ chỉ huy quân sự tỉnh."
    )
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Công điện khẩn số 14/CĐ.UBND về khắc phục", "công điện khẩn số mười bốn của ủy ban nhân dân về khắc phục"),
    ("Theo số 12/QĐ.UBND.", "theo số mười hai quyết định của ủy ban nhân dân."),
])
def test_a_dot_typed_for_the_dash_of_a_document_number(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Công an tỉnh ban hành Công văn số 312/CAT-PA05 về việc phối hợp",
     "công an tỉnh ban hành công văn số ba trăm mười hai của công an tỉnh về việc phối hợp"),
    # "của" inside the subject does not name the issuer of the number.
    ("Căn cứ Công văn số 36/UBND-VP về việc cấp vắc xin của UBND xã",
     "căn cứ công văn số ba mươi sáu của ủy ban nhân dân, văn phòng về việc cấp vắc xin của ủy ban nhân dân xã"),
])
def test_issuers_of_a_document_number(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("TPO - Dự báo chiều nay có mưa.", "dự báo chiều nay có mưa."),
    ("(GLO)- Hai tuần qua, số ca mắc tăng.", "hai tuần qua, số ca mắc tăng."),
    ("CSGT - Công an huyện ra quân.", "cảnh sát giao thông, công an huyện ra quân."),  # an abbreviation is read
])
def test_a_news_sites_tag_opening_a_line(text: str, spoken: str) -> None:
    assert normalize(text) == spoken
