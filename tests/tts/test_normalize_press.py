"""Kinds the press set found in the context, sense and loanword passes (round 2, helper press)."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(("text", "spoken"), [
    # The initial that hides a given name after a surname and a middle name.
    ("Đối tượng Lê Văn T. (SN 1995), Vũ Ngọc Th., trú tại xã",
     "đối tượng lê văn tê, sinh năm một nghìn chín trăm chín mươi lăm, vũ ngọc tê hát, trú tại xã"),
    ("Bắt giữ Nguyễn Văn A.", "bắt giữ nguyễn văn a."),
    ("Xem Phụ lục A. Nội dung kèm theo.", "xem phụ lục a. nội dung kèm theo."),
    # Senses: a joint-stock company, a Party congress, a health check.
    ("Công ty CP Cấp nước tạm ngừng cấp nước", "công ty cổ phần cấp nước tạm ngừng cấp nước"),
    ("Nghị định số 15/2020/NĐ-CP", "nghị định số mười lăm năm hai nghìn không trăm hai mươi của chính phủ"),
    ("ĐH đã bầu BCH gồm 9 đồng chí", "đại hội đã bầu ban chấp hành gồm chín đồng chí"),
    ("tốt nghiệp CĐ, ĐH", "tốt nghiệp cao đẳng, đại học"),
    ("tiêu chuẩn SK, khám SK cho công dân", "tiêu chuẩn sức khỏe, khám sức khỏe cho công dân"),
    # Loanwords, also inside a hyphenated word.
    ("thùng carton, phân compost", "thùng các tông, phân com pốt"),
    ("Festival Cồng chiêng; trạng thái La Nina", "phét ti van cồng chiêng; trạng thái la ni na"),
    ("Lễ hội Ok Om Bok; Ok", "lễ hội óc om bóc; ô kê"),
    ("vắc xin Sởi-Rubella; ứng dụng PC-Covid; Covid-19",
     "vắc xin sởi, ru bê la; ứng dụng pê xê cô vít; cô vít mười chín"),
    # Syllables written as one name are said one by one.
    ("Lễ hội Katê của người Chăm theo đạo Bàlamôn, người Êđê",
     "lễ hội ca tê của người chăm theo đạo bà la môn, người ê đê"),
    ("ĐBSCL, HĐND", "đồng bằng sông cửu long, hội đồng nhân dân"),
])
def test_press_kinds(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    # A news agency's tag opening a line is not read; a list number or a Roman heading before a dash is.
    ("TPO - Dự báo chiều và đêm nay", "dự báo chiều và đêm nay"),
    ("VOV.VN - Ngày 16/6, UBND tỉnh họp", "ngày mười sáu tháng sáu, ủy ban nhân dân tỉnh họp"),
    ("(VTC News) - Để làm thẻ căn cước", "để làm thẻ căn cước"),
    ("VHO- Phân loại rác tại nguồn", "phân loại rác tại nguồn"),
    ("(12) - Nội dung", "mười hai, nội dung"),
    ("dichvucong.gov.vn - Cổng dịch vụ công", "dịch vụ công chấm gốp chấm vê en, cổng dịch vụ công"),
    # Brands in market-surveillance news, and app and institute names.
    ("giả mạo Nike, Adidas, Gucci", "giả mạo nai ki, a đi đát, gu chi"),
    ("nhập passcode; Viện Pasteur", "nhập pát cốt; viện pát tơ"),
])
def test_press_datelines_and_names(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    # Police and health news: drugs, dengue control, vehicles written as one word.
    ("dương tính với ketamine; bình hút shisha, phòng VIP 4",
     "dương tính với ke ta min; bình hút si sa, phòng víp bốn"),
    ("muỗi mang Wolbachia, virus Dengue và Zika", "muỗi mang ôn ba chi a, vi rút đen gơ và di ca"),
    ("5 xe ôtô, 12 xe môtô; rò rỉ gas", "năm xe ô tô, mười hai xe mô tô; rò rỉ ga"),
])
def test_press_police_and_health_words(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_scam_warnings_read_app_names_and_dollars_without_a_number() -> None:
    spoken = "mất hàng chục nghìn đô la mỹ qua tê lê gram, vai bơ"
    assert normalize("mất hàng chục nghìn USD qua Telegram, Viber") == spoken
    assert normalize("đạt 1,25 tỷ USD") == "đạt một phẩy hai mươi lăm tỷ đô la mỹ"
