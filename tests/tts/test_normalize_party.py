"""Kinds found by the round-3 blind set "party" (Party committees' texts) in the document and Roman passes."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(("text", "spoken"), [
    # "TƯ" typed for the Party code "TW": the number is still a document number of the Centre.
    ("Nghị quyết số 60-NQ/TƯ ngày 12/4/2025.",
     "nghị quyết số sáu mươi của trung ương ngày mười hai tháng tư năm hai nghìn không trăm hai mươi lăm."),
    ("Hướng dẫn số 21-HD/BTCTƯ về đại hội.", "hướng dẫn số hai mươi mốt của ban tổ chức trung ương về đại hội."),
    ("Sau 12 năm thực hiện Nghị quyết 13-NQ/TƯ của Tỉnh ủy.",
     "sau mười hai năm thực hiện nghị quyết số mười ba của tỉnh ủy."),
])
def test_a_party_code_typed_with_tu_for_tw_is_read(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    # The Party's "TT" is a "thông tri"; a state "TT" stays a "thông tư".
    ("Thông tri số 03-TT/TW hướng dẫn.", "thông tri số ba của trung ương hướng dẫn."),
    ("Số 12-TT/TU", "số mười hai thông tri của tỉnh ủy"),
    ("Thông tư số 12/2025/TT-BYT hướng dẫn.",
     "thông tư số mười hai năm hai nghìn không trăm hai mươi lăm của bộ y tế hướng dẫn."),
])
def test_a_party_tt_is_a_thong_tri(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Trọng tâm quý IV.2015.", "trọng tâm quý bốn năm hai nghìn không trăm mười lăm."),
    ("Quý I/2026 hoàn thành.", "quý một năm hai nghìn không trăm hai mươi sáu hoàn thành."),
    ("Mục II.1 nêu rõ.", "mục hai chấm một nêu rõ."),
])
def test_a_quarters_year_may_follow_a_dot(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Ba đột phá: (i) hoàn thiện thể chế; (ii) phát triển nguồn nhân lực.",
     "ba đột phá: một, hoàn thiện thể chế; hai, phát triển nguồn nhân lực."),
    ("(iv) Tăng cường quốc phòng, an ninh.", "bốn, tăng cường quốc phòng, an ninh."),
    # One bracketed letter inside a sentence is no list: a tick mark stays a letter.
    ("Đánh dấu (x) vào ô trống.", "đánh dấu, ích, vào ô trống."),
])
def test_small_roman_numerals_in_brackets_number_a_list(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Hộ nghèo giảm bình quân 0,52%/ năm.", "hộ nghèo giảm bình quân không phẩy năm mươi hai phần trăm mỗi năm."),
    ("Giá lúa 7.500 đồng /kg.", "giá lúa bảy nghìn năm trăm đồng mỗi ki lô gam."),
    # A count of a total and a choice keep their readings.
    ("Lúa 1/ 2 diện tích.", "lúa một phần hai diện tích."),  # as "1/2 diện tích"
    ("Xã/ phường thông báo.", "xã hoặc phường thông báo."),
])
def test_stray_spaces_around_the_slash_of_a_rate(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    # A Party board's code is its board's and its committee's codes together.
    ("Công văn số 88-CV/VPĐU về lịch làm việc.", "công văn số tám mươi tám của văn phòng đảng ủy về lịch làm việc."),
    ("Công văn số 45-CV/BTGDVTU về tuyên truyền.",
     "công văn số bốn mươi lăm của ban tuyên giáo và dân vận tỉnh ủy về tuyên truyền."),
    ("Thông báo số 7-TB/UBKTHU về kiểm tra.", "thông báo số bảy của ủy ban kiểm tra huyện ủy về kiểm tra."),
    # A code with no known board is still spelled.
    ("Công văn số 12-CV/XYZTU về lịch.", "công văn số mười hai của ích i dét tê u về lịch."),
])
def test_a_party_boards_code_is_read_from_its_parts(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    # Heading marks typed with a dash or a slash read like "A." and "1.1.".
    ("B- NHIỆM VỤ TRỌNG TÂM", "bê. nhiệm vụ trọng tâm"),
    ("1.1- Về kinh tế", "một chấm một. về kinh tế"),
    ("a/ Về chính trị tư tưởng", "a. về chính trị tư tưởng"),
    # ... not a code, nor a span.
    ("B-52 ném bom", "bê năm mươi hai ném bom"),
    ("2 - 3 ngày", "hai đến ba ngày"),
])
def test_a_heading_mark_with_a_dash_or_a_slash(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    # Two counts of different things are a pair, not a count out of a total.
    ("Hoàng Sa (25 tàu/270 lao động).", "hoàng sa, hai mươi lăm tàu, hai trăm bảy mươi lao động."),
    ("Cho vay 28,5 triệu đồng/21 hội viên.", "cho vay hai mươi tám phẩy năm triệu đồng, hai mươi mốt hội viên."),
    # A count out of a total of the same thing, and a rate per a round base, stay "trên".
    ("215 ha/640 ha", "hai trăm mười lăm héc ta trên sáu trăm bốn mươi héc ta"),
    ("231,6 ca mắc/100.000 dân", "hai trăm ba mươi mốt phẩy sáu ca mắc trên một trăm nghìn dân"),
])
def test_two_counts_of_different_things_are_a_pair(text: str, spoken: str) -> None:
    assert normalize(text) == spoken
