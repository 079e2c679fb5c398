"""Kinds the unions set (and the round-3 sets) found in the context, loanword, address and tone passes."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(("text", "spoken"), [
    # A dictated address spells "d" as "đê", like the acronyms it abbreviates.
    ("Gửi về vanphong.ubnd@gmail.com", "gửi về van phong chấm u bê en đê a còng giê meo chấm com"),
    ("Truy cập https://pbgdpl.gov.vn", "truy cập pê bê giê đê pê e lờ chấm gốp chấm vê en"),
    # Loanwords: the coronavirus, a vaccine serotype, neighbouring countries, water-quality indices.
    ("Vi rút SARS-CoV-2 lưu hành", "vi rút sát cô vi hai lưu hành"),
    ("Lở mồm long móng (type O, type O-A)", "lở mồm long móng, típ o, típ o a"),
    ("Việt Nam - Malaysia - Singapore", "việt nam, ma lai xi a, xin ga po"),
    ("Chỉ số DO, COD và BOD đạt", "chỉ số đê ô, xê ô đê và bê ô đê đạt"),
    ("talkshow khởi nghiệp, mini game, điểm check-in", "tóc sô khởi nghiệp, mi ni gêm, điểm chéc in"),
    ("DO ẢNH HƯỞNG CỦA BÃO", "do ảnh hưởng của bão"),
    # "ươ" typed with one horn.
    ("dân số 215 nguời; TRUỜNG học; đưong đầu", "dân số hai trăm mười lăm người; trường học; đương đầu"),
    ("thuở ấy, huơ tay, quơ", "thuở ấy, huơ tay, quơ"),
    # A title with its dot before the body it heads; the archipelagos; the culture-sports-tourism ministry.
    ("Bà Hạnh CT. Hội NCT huyện phát biểu", "bà hạnh chủ tịch hội người cao tuổi huyện phát biểu"),
    ("Ông Tài PBT. Đảng ủy xã dự", "ông tài phó bí thư đảng ủy xã dự"),
    ("Thủy triều tại QĐ. Hoàng Sa cao 0,8m", "thủy triều tại quần đảo hoàng sa cao không phẩy tám mét"),
    ("Theo QĐ số 12 của UBND", "theo quyết định số mười hai của ủy ban nhân dân"),
    ("Ngày hội VHTT và DL vùng Tây Bắc", "ngày hội văn hóa thể thao và du lịch vùng tây bắc"),
    # Signature formulas typed with a slash, and "Q." before an all-caps position.
    ("T/M BAN CHẤP HÀNH", "thay mặt ban chấp hành"),
    ("K/T CHỦ TỊCH", "ký thay chủ tịch"),
    ("Q. CHỦ TỊCH", "quyền chủ tịch"),
    # Social-policy senses: the Women's Union, disability, near-poor households.
    ("Chi hội PN thôn 2 ra mắt", "chi hội phụ nữ thôn hai ra mắt"),
    ("trợ cấp cho người KT nặng", "trợ cấp cho người khuyết tật nặng"),
    ("cho vay hộ nghèo, hộ CN", "cho vay hộ nghèo, hộ cận nghèo"),
    ("Hộ CN lợn", "hộ chăn nuôi lợn"),
    ("hộ có mức sống TB; chế độ cho TB, BB", "hộ có mức sống trung bình; chế độ cho thương binh, bệnh binh"),
    ("Theo TB của UBND xã", "theo thông báo của ủy ban nhân dân xã"),
])
def test_unions_kinds(text: str, spoken: str) -> None:
    assert normalize(text) == spoken
