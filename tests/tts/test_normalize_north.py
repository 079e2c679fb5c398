"""Round 2 blind sets (north, central, south): the abbreviation kinds they found, one test each."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("đoàn viên khối HCSN", "đoàn viên khối hành chính sự nghiệp"),
        ("UVTV Tỉnh ủy", "ủy viên ban thường vụ tỉnh ủy"),
        ("cao hơn TBNN cùng thời kỳ", "cao hơn trung bình nhiều năm cùng thời kỳ"),
        ("TLM các tỉnh", "tổng lượng mưa các tỉnh"),
        ("bệnh đạo ôn lá, TLB 5%", "bệnh đạo ôn lá, tỷ lệ bệnh năm phần trăm"),
        ("chi trả DVMTR", "chi trả dịch vụ môi trường rừng"),
        ("phát triển KHCN, ĐMST", "phát triển khoa học và công nghệ, đổi mới sáng tạo"),
        ("Sở VH-TT-DL tỉnh", "sở văn hóa thể thao và du lịch tỉnh"),
        ("gạo XK", "gạo xuất khẩu"),
        ("tỉnh BR-VT", "tỉnh bà rịa vũng tàu"),
    ],
)
def test_entries_from_real_lines(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_place_initials_in_an_address() -> None:
    assert normalize("xã Bình Thủy, H.Châu Phú, An Giang") == "xã bình thủy, huyện châu phú, an giang"
    assert normalize("Xín Cái (H. Mèo Vạc)") == "xín cái, huyện mèo vạc"
    assert normalize("(1 phố Xốm, P.Phú Lãm, Q.Hà Đông)") == "một phố xốm, phường phú lãm, quận hà đông"
    assert normalize("phường Bến Nghé, Q.1") == "phường bến nghé, quận một"
    # Elsewhere the letters are initials or titles, not places.
    assert "huyện" not in normalize("ông Nguyễn H. Nam")
    assert "phường" not in normalize("N.Anh, P.Thanh")
    assert normalize("ông A, Q. Giám đốc Sở") == "ông a, quyền giám đốc sở"
    assert normalize("Phòng Kinh tế (P.KT) xã") == "phòng kinh tế xã"


def test_bracketed_acronym_ending_with_the_number_before_it() -> None:
    assert normalize("dưới báo động 3 (BĐ3): 0,14m") == "dưới báo động ba: không phẩy mười bốn mét"
    # A number that does not match is not a definition: the bracket is read.
    assert "báo động ba" in normalize("trên báo động 2 (BĐ3)")


def test_spelled_acronym_glossing_a_name_is_skipped() -> None:
    # The table spells IUU, so in running text it is read; after the words it abbreviates it only glosses.
    text = "chống khai thác bất hợp pháp, không báo cáo và không theo quy định (IUU) trên biển"
    assert "i u u" not in normalize(text)
    assert "i u u" in normalize("chống khai thác IUU")


def test_unit_code_after_the_units_name_is_skipped() -> None:
    text = "Phòng Cảnh sát hình sự (PC02) Công an tỉnh"
    assert normalize(text) == "phòng cảnh sát hình sự công an tỉnh"
    # In running text the code is read.
    assert "không hai" in normalize("Phòng PC02 tiếp nhận tin báo")


def test_nk_before_a_year_is_a_term() -> None:
    assert normalize("HĐND các cấp NK 2021 – 2026").startswith("hội đồng nhân dân các cấp nhiệm kỳ hai nghìn")
    assert "nhiệm kỳ" not in normalize("hộ có 5 NK")


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Bộ KHĐT", "bộ kế hoạch và đầu tư"),
        ("tổ CNSCĐ xóm", "tổ công nghệ số cộng đồng xóm"),
        ("Chương trình Môi trường LHQ", "chương trình môi trường liên hợp quốc"),
        ("Cục Cảnh sát ĐTTP", "cục cảnh sát điều tra tội phạm"),
        ("Khoa KSBT", "khoa kiểm soát bệnh tật"),
        ("nạn nhân CĐDC", "nạn nhân chất độc da cam"),
    ],
)
def test_entries_seen_on_northern_pages(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_gloss_counted_as_a_word_not_inside_a_longer_acronym() -> None:
    # "MR" inside "TCMR" is not a second use: the bracket after "Sởi-Rubella" is still a gloss.
    text = "Chương trình TCMR tiêm vaccine Sởi-Rubella (MR)."
    assert "em e rờ" not in normalize(text)


def test_bracket_restating_a_slashed_title() -> None:
    text = "gồm 9 đồng chí (Đ/C), Đ/C Lê Văn Hòa được bầu làm Bí thư."
    assert normalize(text) == "gồm chín đồng chí, đồng chí lê văn hòa được bầu làm bí thư."


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("quyền SHTT", "quyền sở hữu trí tuệ"),
        ("chia sẻ với VOVGT", "chia sẻ với vê ô vê giao thông"),
        (
            "Công văn số 931/BYT-BH năm 2022",
            "công văn số chín trăm ba mươi mốt của bộ y tế, bảo hiểm năm hai nghìn không trăm hai mươi hai",
        ),
    ],
)
def test_entries_from_the_press_set(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_rice_variety_series() -> None:
    assert normalize("giá lúa OM 18") == "giá lúa o em mười tám"
