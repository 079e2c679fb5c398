"""Symbols, bullets, punctuation, web addresses, multi-line text and empty results."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("A & B", "a và bê"),
        ("* Lưu ý: => nộp hồ sơ", "lưu ý: nộp hồ sơ"),
        ("- Tổ chức tuyên truyền", "tổ chức tuyên truyền"),
        ("+ Tổ chức tuyên truyền", "tổ chức tuyên truyền"),
        ("• Mục 1", "mục một"),
        ("## **2. Thực hiện tốt**", "hai. thực hiện tốt"),
        ("#LoaXa", "loaxa"),
        ("cấp IV — cấp nguy hiểm", "cấp bốn, cấp nguy hiểm"),
        ("tiêm vắc-xin", "tiêm vắc xin"),
        ("Luật Đất đai (sửa đổi).", "luật đất đai, sửa đổi."),
        ("“Ngày hội”", "ngày hội"),
        ("Chú ý!!! Bão …", "chú ý! bão."),
        ("thông báo: , họp", "thông báo: họp"),
        ("thực hiện./.", "thực hiện."),
        ("và/hoặc", "và hoặc"),
        ("Sở/ngành", "sở hoặc ngành"),
        ("nhiệt độ ≥ 35°", "nhiệt độ lớn hơn hoặc bằng ba mươi lăm độ"),
    ],
)
def test_symbols_become_words_or_pauses(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("dichvucong.gov.vn", "dịch vụ công chấm gốp chấm vê en"),
        ("Truy cập https://dichvucong.gov.vn.", "truy cập dịch vụ công chấm gốp chấm vê en."),
        ("www.chinhphu.vn", "vê kép vê kép vê kép chấm chính phủ chấm vê en"),
        ("email: ubndxa@gmail.com", "i meo: u bê en đê ích a a còng giê meo chấm com"),
    ],
)
def test_web_and_email_addresses(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_each_line_ends_a_sentence() -> None:
    text = "THÔNG BÁO\nVề việc tiêm phòng\n\nUBND xã thông báo:\n- Thời gian: 7h30"
    assert normalize(text) == (
        "thông báo. về việc tiêm phòng. ủy ban nhân dân xã thông báo: thời gian: bảy giờ ba mươi phút"
    )


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "***", "🔥🔥", "=>", "- ", "...", "\x00\x01"])
def test_nothing_speakable_gives_empty_string(text: str) -> None:
    assert normalize(text) == ""
