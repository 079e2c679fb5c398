"""Announcer readings of real administrative text: the corpus score, and each kind of error fixed."""

import pytest

from tests.tts.corpus import Line, load, misread, share_right, splits
from tts.normalize import normalize, split_sentences

LINES = load()


# Every split must stay at 95 % or better unless it is listed here with its own floor.
FLOORS = {
    "tune": 0.98,
    # Below 95 %: lines whose reading other batches' writers settled the other way (see their file headers).
    "fresh3": 0.9, "south": 0.9, "party2": 0.9, "radio": 0.85, "justice": 0.9,
    # real5 was held out: nobody read its lines until after the last fix (docs/speech.md). Its floor is
    # near what it reads today, so a change that makes once-unseen text worse fails.
    "real5": 0.9,
}


@pytest.mark.parametrize("split", splits(LINES))
def test_corpus_is_read_right(split: str) -> None:
    least = FLOORS.get(split, 0.95)
    lines = [line for line in LINES if line.split == split]
    assert len(lines) >= 30
    wrong = [(line.text, got) for line, got in misread(lines)]
    assert share_right(lines) >= least, wrong


def test_a_line_with_two_usual_readings_accepts_either() -> None:
    line = Line("x", "written", "Họp lúc 7h30.", "họp lúc bảy giờ rưỡi. | họp lúc bảy giờ ba mươi phút.")
    other = Line("x", "written", "Họp lúc 7h30.", "họp lúc bảy giờ rưỡi.")
    assert len(line.readings) == 2 and normalize(line.text) in line.readings
    assert misread([line]) == [] and len(misread([other])) == 1


def test_corpus_is_mostly_real_text() -> None:
    real = [line for line in LINES if line.source.startswith(("seed", "bulletin", "page"))]
    assert len(LINES) >= 350 and len(real) >= 150


@pytest.mark.parametrize(("text", "spoken"), [
    # An abbreviation defined in parentheses is read once, then as its full form.
    ("Hợp tác xã kiểu mới (HTXKM) họp. Sau đó HTXKM chia lãi.",
     "hợp tác xã kiểu mới họp. sau đó hợp tác xã kiểu mới chia lãi."),
    ("Ban quản lý dự án (BQLDA) xã", "ban quản lý dự án xã"),
    ("Kế hoạch tiêm (lần 2) sẽ báo sau.", "kế hoạch tiêm, lần hai, sẽ báo sau."),  # not a definition
    ("Văn bản QPPL (quy phạm pháp luật)", "văn bản quy phạm pháp luật, quy phạm pháp luật"),
    # Context: BCH and TT.
    ("BCH Đảng bộ xã", "ban chấp hành đảng bộ xã"),
    ("BCH Quân sự xã", "ban chỉ huy quân sự xã"),
    ("Chỉ huy trưởng BCH quân sự", "chỉ huy trưởng ban chỉ huy quân sự"),
    ("TT. Huyện ủy, TT HĐND huyện", "thường trực huyện ủy, thường trực hội đồng nhân dân huyện"),
    ("TT. Y tế huyện", "trung tâm y tế huyện"),
    # Signature dots are not sentence ends.
    ("TM. UBND xã, KT. Chủ tịch", "thay mặt ủy ban nhân dân xã, ký thay chủ tịch"),
    ("TL. Giám đốc, TUQ. Chủ tịch, Q. Chủ tịch", "thừa lệnh giám đốc, thừa ủy quyền chủ tịch, quyền chủ tịch"),
    ("Phát triển KT-XH; tỉnh lộ TL 291", "phát triển kinh tế xã hội; tỉnh lộ tỉnh lộ hai trăm chín mươi mốt"),
    # Document numbers with stray spaces, and the issuer said once.
    ("Quyết định số 09/2025/QĐ- TTg", "quyết định số chín năm hai nghìn không trăm hai mươi lăm của thủ tướng"),
    ("Công văn số 456 /UBND-VP", "công văn số bốn trăm năm mươi sáu của ủy ban nhân dân, văn phòng"),
    ("Thông báo kết luận số 12-TB/ĐU ngày 5/4/2025 của Đảng ủy xã",
     "thông báo kết luận số mười hai ngày mùng năm tháng tư năm hai nghìn không trăm hai mươi lăm của đảng ủy xã"),
    # Ellipses inside a phrase are pauses.
    ("Giấy tờ (CCCD, hộ khẩu...) mang theo.", "giấy tờ, căn cước công dân, hộ khẩu, mang theo."),
    ("Các hộ kinh doanh... chấp hành.", "các hộ kinh doanh, chấp hành."),
    ("Bão đang đến... Bà con chú ý.", "bão đang đến. bà con chú ý."),
    # "/" by context.
    ("Tập 02 buổi/1 tuần, khám 6 tháng/lần.", "tập hai buổi mỗi tuần, khám sáu tháng một lần."),
    ("Đăng ký và/hoặc nộp; các xã/phường", "đăng ký và hoặc nộp; các xã hoặc phường"),
    # Loanwords in Vietnamese spelling, whatever their case.
    ("Xem Video trên Facebook, ZALO và fanpage.", "xem vi đê ô trên phây búc, da lô và phan pết."),
    ("Gửi email, xem clip online, dùng wifi.", "gửi i meo, xem cờ líp on lai, dùng oai phai."),
    # School levels and road numbers by context.
    ("Trường TH và THCS; các trường MN, TH, THCS", "trường tiểu học và trung học cơ sở; các trường mầm non, tiểu học, "
     "trung học cơ sở"),
    ("Cấm xe trên ĐT254, ĐH.12; ĐT: 0912 345 678", "cấm xe trên đường tỉnh hai trăm năm mươi tư, đường huyện mười hai; "
     "điện thoại: không chín một hai, ba bốn năm, sáu bảy tám"),
])
def test_each_kind_of_error_is_fixed(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_signature_formulas_make_one_sentence() -> None:
    pieces = split_sentences(normalize("TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH, PHÓ CHỦ TỊCH"))
    assert pieces == ["thay mặt ủy ban nhân dân, ký thay chủ tịch, phó chủ tịch"]
