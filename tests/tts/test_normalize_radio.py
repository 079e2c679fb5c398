"""Kinds found by the round-4 blind sets (radio, justice) in the cleanup pass."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(("text", "spoken"), [
    # A page's breadcrumb arrows are pauses, not quotes.
    ("Trang nhất » Tin Tức » NGHIỆP VỤ THI HÀNH ÁN", "trang nhất, tin tức, nghiệp vụ thi hành án"),
    ("Trang chủ › Thông báo", "trang chủ, thông báo"),
    # ... while paired « » are still quotes.
    ("Anh được gọi là «Người hùng» của xã", "anh được gọi là người hùng của xã"),
])
def test_breadcrumb_arrows_are_pauses(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    # A credit's initial before a name ending the line: its dot ends no sentence.
    ("Phát tài liệu đến tận hộ dân. Ảnh: T. Lan", "phát tài liệu đến tận hộ dân. ảnh: tê lan"),
    ("Tin, ảnh: N. Hà", "tin, ảnh: en hà"),
    # ... a letter ending a sentence before another one is untouched.
    ("Ông Nguyễn Văn A. Hôm nay", "ông nguyễn văn a. hôm nay"),
])
def test_a_credit_initial_is_no_sentence_end(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    # A hyphen between two capitalised names is a pause even when the first name ends in a lowercase word.
    ("Đài Truyền thanh-Truyền hình huyện", "đài truyền thanh, truyền hình huyện"),
    ("Sở Văn hóa-Thể thao tỉnh", "sở văn hóa, thể thao tỉnh"),
    # ... but not inside a loanword or a code.
    ("Ứng dụng PC-Covid và e-Office", "ứng dụng pê xê cô vít và i óp phít"),
])
def test_a_hyphen_before_a_capitalised_name_is_a_pause(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    # A run of consecutive numbers glued by commas is a list, not decimals.
    ("Học sinh các khối 2,3,4,5 tựu trường.", "học sinh các khối hai, ba, bốn, năm tựu trường."),
    # ... numbers that do not follow each other are left to the number passes.
    ("Đạt 2,345,6", "đạt hai phẩy ba trăm bốn mươi lăm phẩy sáu"),
])
def test_a_glued_run_of_consecutive_numbers_is_a_list(text: str, spoken: str) -> None:
    assert normalize(text) == spoken
