"""Round 3 blind set hills (mountain and ethnic-minority portals): the abbreviation kinds it found."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("biên giới của CHDCND Lào", "biên giới của cộng hòa dân chủ nhân dân lào"),
        ("vùng ĐBDTTS và miền núi", "vùng đồng bào dân tộc thiểu số và miền núi"),
        ("giảm tảo hôn và HNCHT", "giảm tảo hôn và hôn nhân cận huyết thống"),
        ("đẩy lùi tình trạng TH-HNCHT", "đẩy lùi tình trạng tảo hôn và hôn nhân cận huyết thống"),
        ("tình trạng XNCTP tại huyện", "tình trạng xuất nhập cảnh trái phép tại huyện"),
    ],
)
def test_entries_from_real_lines(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_issuing_units_of_the_ethnic_committee_and_the_forest_service() -> None:
    assert normalize("Công văn số 583/UBDT-CSDT ngày 20/6/2016") == (
        "công văn số năm trăm tám mươi ba của ủy ban dân tộc, chính sách dân tộc "
        "ngày hai mươi tháng sáu năm hai nghìn không trăm mười sáu"
    )
    assert "bộ lao động thương binh và xã hội, văn phòng quốc gia về giảm nghèo" in normalize(
        "Công văn số 87/LĐTBXH-VPQGGN ngày 08/01/2024"
    )
    assert "tổng cục lâm nghiệp" in normalize("Quyết định số 447/QĐ-TCLN-KHTC ngày 11/10/2018")
    # In running text LĐTBXH stays the sector's name.
    assert normalize("Sở LĐTBXH tỉnh") == "sở lao động thương binh và xã hội tỉnh"


def test_an_entry_written_with_va_or_a_spaced_dash_is_read_as_the_entry() -> None:
    # VHTT alone is văn hóa thông tin; "VHTT&DL" is the culture, sports and tourism sector.
    assert normalize("Ngày hội VHTT và DL các dân tộc") == "ngày hội văn hóa thể thao và du lịch các dân tộc"
    assert normalize("Ban chỉ huy PCLB – TKCN tỉnh") == "ban chỉ huy phòng chống lụt bão và tìm kiếm cứu nạn tỉnh"
    assert normalize("Sở NN - PTNT tỉnh") == "sở nông nghiệp và phát triển nông thôn tỉnh"
    # Two bodies that form no entry stay two.
    assert normalize("Đoàn TN và Hội LHPN") == "đoàn thanh niên và hội liên hiệp phụ nữ"
    assert normalize("TP.HCM - Hà Nội") == "thành phố hồ chí minh, hà nội"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("đồng chí Chu Thị Lan - QUV, Phó Chủ tịch", "đồng chí chu thị lan, quận ủy viên, phó chủ tịch"),
        ("Đoàn TNCSHCM phường", "đoàn thanh niên cộng sản hồ chí minh phường"),
        ("lập lại TTĐH, TTXD", "lập lại trật tự đường hè, trật tự xây dựng"),
        ("Nếp sống VMĐT", "nếp sống văn minh đô thị"),
        ("Ban QLDA ĐTXD quận", "ban quản lý dự án đầu tư xây dựng quận"),
    ],
)
def test_entries_from_the_city_set(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_an_app_named_in_capitals_after_its_description_is_read() -> None:
    # The app is what people install, not a gloss of the words before it (an English acronym is).
    assert normalize("bảo hiểm xã hội số (VSSID)") == "bảo hiểm xã hội số, vê ét ét ai đi"
    assert normalize("dịch tả lợn châu Phi (ASF) lan rộng") == "dịch tả lợn châu phi lan rộng"


def test_a_district_after_a_town_in_an_address() -> None:
    # "TX." and "TT." name places too, so the "H." after them is huyện, not a person's initial.
    assert normalize("TX.Mường Lay, H.Mường Nhé") == "thị xã mường lay, huyện mường nhé"
    assert normalize("(TT.Sìn Hồ, H.Sìn Hồ)") == "thị trấn sìn hồ, huyện sìn hồ"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("479 NCUT trong thôn", "bốn trăm bảy mươi chín người có uy tín trong thôn"),
        ("quản lý rừng sau GĐGR", "quản lý rừng sau giao đất giao rừng"),
        ("Chương trình MTQG GNBV", "chương trình mục tiêu quốc gia giảm nghèo bền vững"),
        ("kiểm soát XNC tại cửa khẩu", "kiểm soát xuất nhập cảnh tại cửa khẩu"),
        ("BCĐTƯ các CTMTQG", "ban chỉ đạo trung ương các chương trình mục tiêu quốc gia"),
    ],
)
def test_entries_from_ethnic_affairs_and_forest_pages(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_a_bracket_writing_its_ampersand_as_va_defines_the_words_before_it() -> None:
    text = "vùng đồng bào dân tộc thiểu số và miền núi (DTTS và MN) giai đoạn 2021-2030"
    assert normalize(text).startswith("vùng đồng bào dân tộc thiểu số và miền núi giai đoạn")


def test_a_bracket_repeating_the_head_word_before_the_acronym_defines_it() -> None:
    assert normalize("Ban Quản lý dự án (Ban QLDA) huyện") == "ban quản lý dự án huyện"
    assert normalize("Ban Quản lý rừng phòng hộ (Ban QLRPH) Mường Tè, Ban QLRPH") == (
        "ban quản lý rừng phòng hộ mường tè, ban quản lý rừng phòng hộ"
    )
    assert normalize("Quỹ Bảo vệ và Phát triển rừng (Quỹ BV&PTR) tỉnh") == "quỹ bảo vệ và phát triển rừng tỉnh"
    # A title in brackets is not a definition: it is read.
    assert normalize("ông Nguyễn Văn A (Chủ tịch UBND) phát biểu") == (
        "ông nguyễn văn a, chủ tịch ủy ban nhân dân, phát biểu"
    )
