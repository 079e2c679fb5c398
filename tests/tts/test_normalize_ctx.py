"""Ambiguous abbreviations read by context, foreign acronyms, and app and product names."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(("text", "spoken"), [
    # CĐ: công đoàn beside union words, even next to "trường"; cao đẳng among school levels.
    ("Chủ tịch CĐ trường Mầm non Hoa Mai", "chủ tịch công đoàn trường mầm non hoa mai"),
    ("CĐ các trường kết nạp 20 đoàn viên", "công đoàn các trường kết nạp hai mươi đoàn viên"),
    ("trình độ CĐ trở lên; tốt nghiệp trung cấp, CĐ", "trình độ cao đẳng trở lên; tốt nghiệp trung cấp, cao đẳng"),
    # TN: tai nạn, tài nguyên, thanh niên.
    ("vụ TN giao thông; TN thương tích; phòng chống TN xã hội",
     "vụ tai nạn giao thông; tai nạn thương tích; phòng chống tệ nạn xã hội"),
    ("phụ trách TN, môi trường", "phụ trách tài nguyên, môi trường"),
    ("Đoàn TN xã, Tháng TN", "đoàn thanh niên xã, tháng thanh niên"),
    # HS: hồ sơ near filing words, else học sinh.
    ("tiếp nhận 126 HS, trả đúng hạn", "tiếp nhận một trăm hai mươi sáu hồ sơ, trả đúng hạn"),
    ("Trường có 12 HS giỏi", "trường có mười hai học sinh giỏi"),
    # NV: nghĩa vụ, nhân viên, else nhiệm vụ.
    ("thực hiện NV tham gia Công an nhân dân", "thực hiện nghĩa vụ tham gia công an nhân dân"),
    ("NV y tế thôn; giao NV cho thôn", "nhân viên y tế thôn; giao nhiệm vụ cho thôn"),
    # VP: vi phạm after handling words, else văn phòng.
    ("xử lý VP hành chính; VP HĐND xã", "xử lý vi phạm hành chính; văn phòng hội đồng nhân dân xã"),
    # KT and GS: kiểm tra, giám sát; kinh tế; ký thay before a position.
    ("Đoàn KT, GS của Đảng ủy", "đoàn kiểm tra, giám sát của đảng ủy"),
    ("Phòng KT; phát triển KT tập thể; Ban KT HĐND",
     "phòng kinh tế; phát triển kinh tế tập thể; ban kinh tế hội đồng nhân dân"),
    ("KT CHỦ TỊCH", "ký thay chủ tịch"),
    # CT, QĐ, GĐ, LĐ, HC, ĐT, PC.
    ("CT TNHH Minh An", "công ty trách nhiệm hữu hạn minh an"),
    ("chiến sĩ QĐ nhân dân", "chiến sĩ quân đội nhân dân"),
    ("GĐ Sở Y tế; Phó GĐ; GĐ văn hóa; GĐ các HTX",
     "giám đốc sở y tế; phó giám đốc; gia đình văn hóa; giám đốc các hợp tác xã"),
    ("DN có 20 LĐ trở lên; LĐ UBND xã",
     "doanh nghiệp có hai mươi lao động trở lên; lãnh đạo ủy ban nhân dân xã"),
    ("đoạt HC vàng; cải cách HC", "đoạt huy chương vàng; cải cách hành chính"),
    ("lớp ĐT nghề may; ĐT: 0912 345 678",
     "lớp đào tạo nghề may; điện thoại: không chín một hai, ba bốn năm, sáu bảy tám"),
    ("công tác PC dịch, PC thiên tai", "công tác phòng chống dịch, phòng chống thiên tai"),
    # Farm and budget reports.
    ("NS lúa đạt 62 tạ/ha; thu NS xã", "năng suất lúa đạt sáu mươi hai tạ mỗi héc ta; thu ngân sách xã"),
    ("DT gieo cấy 500 ha; đạt 120% DT; đồng bào DT thiểu số",
     "diện tích gieo cấy năm trăm héc ta; đạt một trăm hai mươi phần trăm dự toán; đồng bào dân tộc thiểu số"),
    ("SL lúa đạt 3.100 tấn", "sản lượng lúa đạt ba nghìn một trăm tấn"),
    ("trồng trọt và CN; CN gia cầm; T2 - CN", "trồng trọt và chăn nuôi; chăn nuôi gia cầm; thứ hai đến chủ nhật"),
    # Left out of the table by the abbreviation round for having two readings.
    ("HS lương 2,34", "hệ số lương hai phẩy ba mươi tư"),
    ("Sàng lọc THA, ĐTĐ", "sàng lọc tăng huyết áp, đái tháo đường"),
    ("Chi cục THADS cưỡng chế THA", "chi cục thi hành án dân sự cưỡng chế thi hành án"),
    ("Đồn BP Săm Pun; BP một cửa", "đồn biên phòng săm pun; bộ phận một cửa"),
    ("BĐ biên phòng; BĐ văn hóa xã; trên BĐ2", "bộ đội biên phòng; bưu điện văn hóa xã; trên báo động hai"),
    ("Bí thư CB thôn Đông; CB y tế", "bí thư chi bộ thôn đông; cán bộ y tế"),
    ("vùng DTTS và MN; trường MN Hoa Sen", "vùng dân tộc thiểu số và miền núi; trường mầm non hoa sen"),
    ("ngày BC đại biểu; BC kết quả", "ngày bầu cử đại biểu; báo cáo kết quả"),
    ("Trung tâm DN huyện; DN trên địa bàn", "trung tâm dạy nghề huyện; doanh nghiệp trên địa bàn"),
    # ĐV: đảng viên, đoàn viên, đơn vị.
    ("Chi bộ kết nạp 3 ĐV mới; các cơ quan, ĐV", "chi bộ kết nạp ba đảng viên mới; các cơ quan, đơn vị"),
    ("Chi đoàn có 20 ĐV", "chi đoàn có hai mươi đoàn viên"),
])
def test_abbreviation_sense_follows_the_words_around(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("UBND TT. Phủ Thông; các xã, TT", "ủy ban nhân dân thị trấn phủ thông; các xã, thị trấn"),
    ("Lãnh đạo TT. Ngãi Giao", "lãnh đạo thị trấn ngãi giao"),
    ("TT. Y tế huyện; TT. GDNN-GDTX", "trung tâm y tế huyện; trung tâm giáo dục nghề nghiệp, giáo dục thường xuyên"),
    ("tỉnh TT.Huế", "tỉnh thừa thiên huế"),
])
def test_tt_before_a_name_is_a_town(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Căn cứ TT số 12/2024/TT-BYT", "căn cứ thông tư số mười hai năm hai nghìn không trăm hai mươi tư của bộ y tế"),
    ("Thực hiện CT số 05-CT/TU", "thực hiện chỉ thị số năm của tỉnh ủy"),
    ("Theo QĐ số 749/QĐ-TTg", "theo quyết định số bảy trăm bốn mươi chín của thủ tướng"),
])
def test_document_type_before_its_own_number_is_said_once(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("ASEAN, UNICEF, FAO, WTO, EU", "a xê an, u ni xép, ép a ô, vê kép tê ô, e u"),
    ("JICA và KOICA tài trợ", "gi ca và côi ca tài trợ"),
    ("mã QR, file PDF", "mã quy a, phai pê đê ép"),
    ("vắc xin IPV, bOPV", "vắc xin i pê vê, bê ô pê vê"),
])
def test_international_acronyms_take_the_names_vietnamese_say(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("iHanoi, VssID, VNEID, eKYC, e-Cabinet", "ai hà nội, vê ét ét ai đi, vê en e ai đi, i ca i xê, i ca bi nét"),
    ("ví MoMo, ViettelPay, Mobile Money, Smart Banking", "ví mô mô, viết ten pây, mô bai mơ ni, sờ mát banh kinh"),
    ("vắc xin Pfizer, AstraZeneca, Vero Cell, Rota, ComBE Five, Hexaxim, Varivax",
     "vắc xin phai dơ, át tra dê nê ca, vê rô xen, rô ta, com bê phai, hếch xa xim, va ri vắc"),
    ("Cloramin B, chlorine, hầm Biogas, Glyphosate", "clo ra min bê, clo, hầm bi ô ga, gli phô sát"),
    ("SEA Games 33, giải futsal, tablet", "xi ghêm ba mươi ba, giải phút xan, táp lét"),
    ("Viettel, MobiFone, Agribank, BIDV", "viết ten, mô bi phôn, a gri banh, bê i đê vê"),
    ("tải trên App Store hoặc CH Play", "tải trên áp sờ to hoặc xê hát plây"),
    ("camera AI giám sát", "ca mê ra ây ai giám sát"),
    ("bán trên Shopee, Lazada; thuốc 300EC; vắc xin Pentaxim",
     "bán trên sốp pi, la da đa; thuốc ba trăm e xê; vắc xin pen ta xim"),
    ("iOffice, iGate, e-Office, iOS; bị hack; máy POS", "ai óp phít, ai ghết, i óp phít, ai ô ét; bị hách; máy pốt"),
    ("AI CŨNG PHẢI ĐI", "ai cũng phải đi"),
])
def test_apps_and_products_are_spelled_for_one_voice(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("zalo.me/ubndxa và bit.ly/khaosat", "da lô chấm mi gạch chéo u bê en đê ích a và bít chấm li gạch chéo khao sat"),
    ("http://thanhhoa.gov.vn:8080/portal",
     "thanh hoa chấm gốp chấm vê en hai chấm tám không tám không gạch chéo po tồ"),
    ("https://play.google.com/store/apps", "plây chấm gu gồ chấm com gạch chéo sờ to gạch chéo áp"),
    ("facebook.com/ubndxayenphu", "phây búc chấm com gạch chéo u bê en đê xa yen phu"),
])
def test_links_with_ports_short_domains_and_run_together_names(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), [
    ("Tổ chức Y tế Thế giới (WHO) khuyến cáo", "tổ chức y tế thế giới khuyến cáo"),
    ("Quỹ Nhi đồng Liên hợp quốc (UNICEF) hỗ trợ", "quỹ nhi đồng liên hợp quốc hỗ trợ"),
])
def test_an_acronym_glossing_the_name_just_read_is_not_read(text: str, spoken: str) -> None:
    assert normalize(text) == spoken
