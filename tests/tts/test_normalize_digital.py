"""Kinds the round-4 blind sets found in the sense and loanword passes (helper digital)."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(("text", "spoken"), [
    # A photo credit is the archive; elsewhere "TL" stays a provincial road.
    ("Ảnh minh họa - TL", "ảnh minh họa, tư liệu"),
    ("Ảnh: TL", "ảnh: tư liệu"),
    ("Đường TL 291 bị sạt lở", "đường tỉnh lộ hai trăm chín mươi mốt bị sạt lở"),
    # A loanword after a slash that joins two words, not only after a space.
    ("chuẩn hóa qua website/app của nhà mạng", "chuẩn hóa qua oép sai hoặc áp của nhà mạng"),
    # Telecoms' self-care apps and a sport the commune games now hold.
    ("tải ứng dụng My VNPT hoặc My Viettel", "tải ứng dụng mai vê en pê tê hoặc mai viết ten"),
    ("các môn bơi lội, pickleball, cầu lông", "các môn bơi lội, píc cơ bóng, cầu lông"),
    # "TT" after "Đài" is the commune's or district's radio station.
    ("Đài TT-TH thành phố; Đài TT xã", "đài truyền thanh truyền hình thành phố; đài truyền thanh xã"),
    # A run-together domain keeps "ng", "nh" as finals ("Long An", not "lo ngan"); "Đắk" is one syllable.
    ("xem tại longan.gov.vn, capnuoctrungan.vn", "xem tại long an chấm gốp chấm vê en, cap nuoc trung an chấm vê en"),
    ("daknong.gov.vn; hoangha.vn; gianghia.vn",
     "dak nong chấm gốp chấm vê en; hoang ha chấm vê en; gia nghia chấm vê en"),
])
def test_digital_kinds(text: str, spoken: str) -> None:
    assert normalize(text) == spoken
