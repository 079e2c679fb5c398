"""Kinds of misreading found in the held-out real lines (corpus_real4.tsv), each fixed in general."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(("text", "spoken"), [
    # A code's leading zero is part of its name; a plain count's is not.
    ("Phòng PC06 Công an tỉnh", "phòng pê xê không sáu công an tỉnh"),
    ("Đề án 06 của Chính phủ", "đề án không sáu của chính phủ"),
    ("cử 07 đồng chí", "cử bảy đồng chí"),
    # Letters glued to digits name a code; roads, places, alert levels and titles keep their meaning.
    ("Giống lúa BC15, Khang dân 18", "giống lúa bê xê mười lăm, khang dân mười tám"),
    ("QL1A, TL291, KDC5, BĐ2, KP3", "quốc lộ một a, tỉnh lộ hai trăm chín mươi mốt, khu dân cư năm, báo động hai, "
     "khu phố ba"),
    # A named day, even one that goes on in lowercase, is followed by its bare date.
    ("Ngày hội đại đoàn kết toàn dân tộc 18/11", "ngày hội đại đoàn kết toàn dân tộc mười tám tháng mười một"),
    ("Ngày mai 18/11 họp", "ngày mai ngày mười tám tháng mười một họp"),
    # Bare days after "ngày": "mùng" for 1-10 when a month follows in some form.
    ("vào các ngày 5 và 6 hàng tháng", "vào các ngày mùng năm và mùng sáu hàng tháng"),
    ("từ ngày 03 - đến hết 05/3", "từ ngày mùng ba đến hết ngày mùng năm tháng ba"),
    ("ngày 2 lần mỗi tháng", "ngày hai lần mỗi tháng"),
    # A dash glued to a word sets off an apposition; after a code it is a stray space in a number.
    ("Ông Trần Minh Khải- PCT UBND xã", "ông trần minh khải, phó chủ tịch ủy ban nhân dân xã"),
    ("Số: 09/UBND- VP", "số: chín của ủy ban nhân dân, văn phòng"),
    # Initials keep the sentence end their last dot makes; a bracketed Roman number heads a section.
    ("Tặng quà cho chị N.T.T. Sau đó về.", "tặng quà cho chị en tê tê. sau đó về."),
    ("Tặng quà cho chị N.T.T.", "tặng quà cho chị en tê tê."),
    ("anh T.V.H. (SN 1987) trú tại", "anh tê vê hát, sinh năm một nghìn chín trăm tám mươi bảy, trú tại"),
    ("(II) - Nội dung chính", "hai. nội dung chính"),
    ("TPO - Dự báo mưa lớn", "dự báo mưa lớn"),
    # Typing slips around dates, times, quotes and dots (real6).
    ("Sáng ngày 7 - 10, tại xã", "sáng ngày mùng bảy tháng mười, tại xã"),
    ("Trong 2 ngày 8 – và 9/3, tiêm", "trong hai ngày mùng tám và mùng chín tháng ba, tiêm"),
    ("chào mừng Quốc khánh 2/ 9", "chào mừng quốc khánh mùng hai tháng chín"),
    ("từ ngày 07/04/ đến ngày 26/04", "từ ngày mùng bảy tháng tư đến ngày hai mươi sáu tháng tư"),
    ("từ 8h0 đến 16h30", "từ tám giờ đến mười sáu giờ ba mươi phút"),
    ("nông thôn mới”năm 2025", "nông thôn mới năm hai nghìn không trăm hai mươi lăm"),
    ("tiêm phòng gia súc.động vật", "tiêm phòng gia súc, động vật"),
    ("vào dichvucong.gov.vn", "vào dịch vụ công chấm gốp chấm vê en"),
    ("giá 25.000đ đồng/lần/con; khám 6 tháng/lần",
     "giá hai mươi lăm nghìn đồng mỗi lần mỗi con; khám sáu tháng một lần"),
    ("riêng Lai Châu-Điện Biên; PC-Covid", "riêng lai châu, điện biên; pê xê cô vít"),
    ("giữ gìn ANCT, TT.ATXH", "giữ gìn an ninh chính trị, trật tự an toàn xã hội"),
    ("cùng 6/6 đội bóng", "cùng sáu trên sáu đội bóng"),
    ("điều trị bằng Methadone, phòng chống AIDS", "điều trị bằng mê ta đôn, phòng chống ết"),
    # Metric units written out as one word are said syllable by syllable.
    ("0,4 miligam/1 lít khí thở; 5 Kilôgam gạo", "không phẩy bốn mi li gam mỗi lít khí thở; năm ki lô gam gạo"),
])  # fmt: skip
def test_held_out_kind_is_read_right(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_a_bracketed_term_of_the_area_lexicon_is_read_not_taken_for_a_gloss() -> None:
    assert normalize("Họp (QZX) sáng nay.", {"QZX": "quy dét ích"}) == "họp, quy dét ích, sáng nay."
    assert normalize("Họp (QZX) sáng nay.") == "họp sáng nay."  # unknown: a gloss the listener can do without
    # A definition is still one: read once, then as its full form.
    assert normalize("Hợp tác xã Quyết Thắng (HTXQT) họp. HTXQT chia lãi.", {"HTXQT": "hợp tác xã quyết thắng"}) == (
        "hợp tác xã quyết thắng họp. hợp tác xã quyết thắng chia lãi.")
