"""Kinds found by the round-3 blind sets (city, hills) in the cleanup, document and Roman-numeral passes."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(("text", "spoken"), [
    # A news site's tag opening a line: in brackets before a sentence, or with a Đ before a dash.
    ("(BDO) Sáng 19-11, Chi bộ khu phố 3 họp.", "sáng ngày mười chín tháng mười một, chi bộ khu phố ba họp."),
    ("(TTV) Chủ động phòng chống cháy rừng", "chủ động phòng chống cháy rừng"),
    ("ĐBP - Điện Biên là địa bàn miền núi.", "điện biên là địa bàn miền núi."),
    ("CTTĐT - Chiều nay, UBND huyện họp.", "chiều nay, ủy ban nhân dân huyện họp."),
    # ... but not an abbreviation the table reads, nor a gloss before a lowercase word.
    ("(UBND) Xã thông báo", "ủy ban nhân dân, xã thông báo"),
    ("(ASF) lây nhanh.", "a ét ép, lây nhanh."),
    ("HĐND - UBND xã thông báo.", "hội đồng nhân dân, ủy ban nhân dân xã thông báo."),
])
def test_a_news_sites_tag_opening_a_line_is_not_read(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_a_bracketed_tag_the_lexicon_reads_is_read() -> None:
    assert normalize("(QZX) Nà họp", {"QZX": "khu xóm mới"}) == "khu xóm mới, nà họp"


@pytest.mark.parametrize(("text", "spoken"), [
    ("1. NAM, NỮ BÌNH ĐẲNG *** 2. HƯỞNG ỨNG NGÀY QUỐC TẾ ***", "một. nam, nữ bình đẳng. hai. hưởng ứng ngày quốc tế."),
    ("*** Tin vắn *** Họp dân lúc 8 giờ", "tin vắn. họp dân lúc tám giờ"),
])
def test_the_stars_between_ticker_items_end_a_sentence(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Tổ dân phố 41,42 và 43.", "tổ dân phố bốn mươi mốt, bốn mươi hai và bốn mươi ba."),
    ("gồm tổ 27,28 và 31, 32", "gồm tổ hai mươi bảy, hai mươi tám và ba mươi mốt, ba mươi hai"),
    # Decimals stay decimals.
    ("thu dọn 6,5 và 7 tấn", "thu dọn sáu phẩy năm và bảy tấn"),
    ("đường 5,6 và 7,5 km", "đường năm phẩy sáu và bảy phẩy năm ki lô mét"),
])
def test_a_list_of_consecutive_numbers_without_spaces(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_a_word_typed_against_a_document_code() -> None:
    assert normalize("Căn cứ Quyết định số 449/QĐ-TTgngày 12/3/2013 của Thủ tướng Chính phủ") == (
        "căn cứ quyết định số bốn trăm bốn mươi chín ngày mười hai tháng ba năm hai nghìn không trăm mười ba "
        "của thủ tướng chính phủ"
    )
    assert normalize("Quyết định số 449/QĐ-TTngày 12 tháng 3 năm 2013 của Thủ tướng") == (
        "quyết định số bốn trăm bốn mươi chín ngày mười hai tháng ba năm hai nghìn không trăm mười ba của thủ tướng"
    )


def test_a_roman_numbered_zone() -> None:
    assert normalize("Kiểm tra tại 3 xã khu IV.") == "kiểm tra tại ba xã khu bốn."


@pytest.mark.parametrize(("text", "spoken"), [
    ("Số quyết định: 3150/QĐ-UBND-DM", "số quyết định: ba nghìn một trăm năm mươi của ủy ban nhân dân"),
    ("Quyết định: 95/QĐ-UBND", "quyết định: số chín mươi lăm của ủy ban nhân dân"),  # no label "số" here
])
def test_a_label_that_says_the_number_and_its_type(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_a_dot_typed_before_the_drafting_unit() -> None:
    assert normalize("Quyết định số 2463/QĐ-UBND.VX ngày 1/7/2025") == (
        "quyết định số hai nghìn bốn trăm sáu mươi ba của ủy ban nhân dân, văn xã ngày mùng một tháng bảy "
        "năm hai nghìn không trăm hai mươi lăm"
    )


@pytest.mark.parametrize(("text", "spoken"), [
    ("Giờ làm việc (thứ Hai - thứ Sáu)", "giờ làm việc, thứ hai đến thứ sáu"),
    ("Thứ Hai – Chủ nhật: mở cửa", "thứ hai đến chủ nhật: mở cửa"),
])
def test_a_dash_between_two_weekdays_is_a_span(text: str, spoken: str) -> None:
    assert normalize(text) == spoken
