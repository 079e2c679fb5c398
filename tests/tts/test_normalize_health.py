"""Round 4 blind sets (health, justice, radio): the kinds fixed in the abbreviation table and its code."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        # An issuer only inside document numbers.
        ("Công văn 1022/TCT-TNCN", "công văn số một nghìn không trăm hai mươi hai của tổng cục thuế, thu nhập cá nhân"),
        ("điều trị ARV", "điều trị a rờ vê"),
        ("KSV phải xem hồ sơ", "kiểm sát viên phải xem hồ sơ"),
        ("các điều luật trong BLTTHS", "các điều luật trong bộ luật tố tụng hình sự"),
        ("Cơ quan CSĐT Công an huyện", "cơ quan cảnh sát điều tra công an huyện"),
        ("của TANDTC và VKSNDTC", "của tòa án nhân dân tối cao và viện kiểm sát nhân dân tối cao"),
        ("của Đài TT-TH thành phố", "của đài truyền thanh truyền hình thành phố"),
        ("Trung tâm VHTT&TT huyện", "trung tâm văn hóa thông tin và thể thao huyện"),
        ("nhân rộng các CLB ĐCTT", "nhân rộng các câu lạc bộ đờn ca tài tử"),
        # Primary-care and hospital terms.
        ("Tăng tiếp cận CSSK tại YTCS", "tăng tiếp cận chăm sóc sức khỏe tại y tế cơ sở"),
        ("ứng dụng YHCT trong KBCB", "ứng dụng y học cổ truyền trong khám bệnh chữa bệnh"),
        ("khoa HSCC làm xét nghiệm CLS", "khoa hồi sức cấp cứu làm xét nghiệm cận lâm sàng"),
    ],
)
def test_round4_table_entries(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_district_initial_ending_a_list_of_districts() -> None:
    text = "Trung tâm Y tế các huyện: Châu Thành tuyển 106 người và H.Tri Tôn tuyển 101 người."
    assert normalize(text) == (
        "trung tâm y tế các huyện: châu thành tuyển một trăm lẻ sáu người và huyện tri tôn tuyển một trăm lẻ một người."
    )


def test_initial_after_and_without_a_unit_stays_a_person_initial() -> None:
    assert normalize("Anh Tuấn và H.Lan dự họp.") == "anh tuấn và hát. lan dự họp."


def test_mixed_case_english_gloss_is_dropped() -> None:
    text = "Khi nào cần điều trị dự phòng trước phơi nhiễm HIV (PrEP)?"
    assert normalize(text) == "khi nào cần điều trị dự phòng trước phơi nhiễm hát i vê?"
