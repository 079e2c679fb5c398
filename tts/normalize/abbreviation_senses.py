"""Abbreviations with several senses, read by the words around them.

Commune text writes "TN" for thanh niên, tài nguyên and tai nạn, "HS" for học sinh and hồ sơ,
"CĐ" for công đoàn and cao đẳng. A sense is chosen in two rounds: first the words right next to
the abbreviation ("vụ TN giao thông", "tiếp nhận 126 HS"), then words anywhere within a few words
("... đoàn viên"), each round in the order the senses are listed. With no telling word the sense
most frequent in commune text is read; `None` leaves the abbreviation to the table.

A document type written before its own number ("TT số 12/2024/TT-BYT", "CT số 05-CT/TU") is the
type, read before the number pass so the type is said once.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from tts.normalize.abbreviations import default_table


@dataclass(frozen=True)
class Sense:
    reading: str
    before: str = ""  # what the text right before the abbreviation ends with
    after: str = ""  # what the text right after it starts with
    near: str = ""  # a word anywhere in the window either side


def _after(words: str) -> str:
    return rf"\s*(?:{words})(?![\w])"


def _before(words: str) -> str:
    return rf"(?<![\w])(?:{words})\s*$"


_JOIN = r"\s*(?:,|và|-|&|hoặc)?\s*"
_POSITIONS = (
    "CHỦ TỊCH|Chủ tịch|GIÁM ĐỐC|Giám đốc|TRƯỞNG|Trưởng|BÍ THƯ|Bí thư|HIỆU TRƯỞNG|Hiệu trưởng|CHÁNH|Chánh|"
    "CỤC TRƯỞNG|Cục trưởng|CHỈ HUY TRƯỞNG|Chỉ huy trưởng|THỦ TRƯỞNG|Thủ trưởng|TỔNG|Tổng"
)
_UNION_WORDS = r"đoàn viên|[Cc]ông đoàn|CĐCS|LĐLĐ|[Ll]iên đoàn|người lao động|NLĐ|CNVC|[Nn]ghiệp đoàn|công nhân"
_SCHOOL_WORDS = (
    r"tốt nghiệp|[Tt]rường|sinh viên|học sinh|tuyển sinh|THPT|TCCN|[Tt]rung cấp|[Cc]ao đẳng|[Đđ]ại học|ĐH|"
    r"trình độ|văn bằng"
)
_FILE_WORDS = (
    r"một cửa|TTHC|thủ tục|dịch vụ công|DVC|[Tt]iếp nhận|[Gg]iải quyết|trả kết quả|[Nn]ộp|hợp lệ|trực tuyến|"
    r"trễ hạn|quá hạn|đúng hạn"
)
_CROP_WORDS = r"tạ/ha|tạ|tấn/ha|tấn|gieo|cấy|thu hoạch|vụ (?:chiêm|mùa|xuân|đông|hè)|lúa|hoa màu|cây trồng"
_DOCUMENT_HEADS = "TT|CT|QĐ|NQ|KH|TB|CV|HD|BC|KL|NĐ|CĐ|TTr|CTr|QC|GM"

SENSES: dict[str, tuple[tuple[Sense, ...], str | None]] = {
    "CĐ": ((
        Sense("công đoàn", before=_before(r"[Cc]hủ tịch|BCH|[Bb]an [Cc]hấp hành|[Đđ]oàn viên|[Đđ]ại hội|[Cc]án bộ"),
              after=_after(r"cơ sở|CS|ngành|cấp trên|bộ phận|viên"), near=_UNION_WORDS),
        Sense("cao đẳng", before=_before(r"[Tt]rường|trình độ|bằng|tốt nghiệp|hệ|[Tt]rung cấp|TC|TCCN") + "|"
              + _before(r"(?:[Tt]rung cấp|TC|TCCN|ĐH|[Đđ]ại học)" + _JOIN),
              after=_after(r"trở lên|trở xuống|nghề|sư phạm") + "|" + _after(_JOIN + r"(?:ĐH|[Đđ]ại học)"),
              near=_SCHOOL_WORDS),
    ), "công đoàn"),
    "KT": ((
        # Social-assistance lists: "người KT nặng", "trẻ em KT".
        Sense("khuyết tật", before=_before(r"[Nn]gười|[Tt]rẻ em|[Hh]ọc sinh|HS"),
              after=_after(r"nặng|đặc biệt nặng|nhẹ|vận động|trí tuệ")),
        Sense("ký thay", after=_after(_POSITIONS)),
        Sense("kiểm tra", before=_before(r"[Đđ]oàn|[Tt]ổ|[Cc]ông tác|[Cc]ơ quan"),
              after=_after(_JOIN + r"(?:GS|giám sát|liên ngành|chéo|đột xuất|định kỳ)")),
        Sense("kinh tế", before=_before(r"[Pp]hòng|[Pp]hát triển|[Nn]ền|[Tt]ăng trưởng|[Cc]ơ cấu|[Hh]iệu quả|[Vv]ùng|"
                                        r"[Kk]hu|[Mm]ô hình|[Hh]ội đồng|[Nn]gành"),
              after=_after(r"xã hội|tập thể|hộ|trang trại|nông nghiệp|biển|số|tư nhân|hạ tầng|nông thôn|vườn|"
                           r"HĐND|-\s*NS|ngân sách")),
    ), None),  # bare "KT" is left to the table (ký thay in signature blocks)
    "GS": ((Sense("giám sát", before=_before(r"(?:KT|[Kk]iểm tra)" + _JOIN)),), None),
    "CT": ((Sense("công ty", after=_after(r"TNHH|CP|[Cc]ổ phần|MTV|[Tt]rách nhiệm hữu hạn")),), None),
    "TN": ((
        Sense("tai nạn", after=_after(r"giao thông|lao động|thương tích|đuối nước|điện|cháy nổ|rủi ro")),
        Sense("tệ nạn", after=_after(r"xã hội|XH|ma túy|mại dâm")),
        Sense("tài nguyên", after=_after(_JOIN + r"(?:môi trường|MT|khoáng sản|nước|đất)")),
        Sense("thanh niên", before=_before(r"[Đđ]oàn|[Tt]háng|[Hh]ội|[Đđ]oàn viên|ĐV|[Cc]hi đoàn|[Đđ]ội|[Bb]í thư"),
              after=_after(r"tình nguyện|xung kích|xung phong|[Cc]ộng sản|lập nghiệp")),
    ), "thanh niên"),
    "ĐT": ((
        Sense("đào tạo", before=_before(r"[Ll]ớp|[Cc]ông tác|[Gg]iáo dục(?: và| -|-|&)?|GD\s*(?:-|&|và)?|[Cc]ơ sở"),
              after=_after(r"nghề|,?\s*bồi dưỡng|và bồi dưỡng|lại|nguồn nhân lực|sơ cấp|nâng cao")),
    ), None),
    "QĐ": ((
        Sense("quân đội", before=_before(r"[Cc]hiến sĩ|[Bb]ộ đội|[Nn]gày thành lập"),
              after=_after(r"nhân dân|ND|Nhân dân")),
    ), None),
    "HS": ((
        Sense("hệ số", after=_after(r"lương|phụ cấp|[0-9]+(?:[,.][0-9]+)?")),
        Sense("hồ sơ", before=_before(r"[Nn]ộp|[Tt]iếp nhận|[Gg]iải quyết|[Tt]hụ lý|[Tt]rả|[Bb]ộ|[Tt]hành phần")
              + "|" + _before(r"(?:[Nn]ộp|[Tt]iếp nhận|[Gg]iải quyết|[Tt]hụ lý|đúng hạn|trễ hạn)\s+[0-9.]+"),
              after=_after(r"đề nghị|đăng ký|hợp lệ|trực tuyến|TTHC|thủ tục|địa chính|đất đai|xin"),
              near=_FILE_WORDS),
    ), "học sinh"),
    "NV": ((
        Sense("nghĩa vụ", after=_after(r"quân sự|QS|tham gia|công an|CAND|nộp thuế|thuế|lao động công ích")),
        Sense("nhân viên", after=_after(r"y tế|thú y|bưu điện|kỹ thuật|văn phòng|kế toán|bảo vệ|phục vụ|hợp đồng|"
                                        r"khuyến nông|thống kê|NV")),
    ), "nhiệm vụ"),
    "VP": ((
        Sense("vi phạm",
              before=_before(r"[Xx]ử lý|[Xx]ử phạt|[Hh]ành vi|[Tt]rường hợp|[Pp]hát hiện|[Đđ]ối tượng|[Vv]ụ|[Kk]hông|"
                             r"[Nn]ghiêm cấm|[Cc]ác lỗi|lỗi"),
              after=_after(r"hành chính|pháp luật|hành lang|quy định|luật|giao thông|TTATGT|ATGT|trật tự|an toàn")),
    ), "văn phòng"),
    "LĐ": ((
        Sense("lãnh đạo", before=_before(r"[Cc]án bộ|[Đđ]ồng chí|[Tt]ập thể|[Cc]ác đồng chí"),
              after=_after(r"UBND|HĐND|Đảng ủy|ĐU|xã|huyện|tỉnh|Sở|sở|cấp|chủ chốt|phòng|đơn vị|địa phương|các")),
        Sense("lao động", before=_before(r"[0-9.]+|[Nn]gười|[Ss]ử dụng|[Tt]hu hút|[Tt]uyển|[Xx]uất khẩu|[Tt]ai nạn|"
                                         r"[Aa]n toàn"),
              after=_after(r"trở lên|nông thôn|phổ thông|việc làm|thất nghiệp|xuất khẩu|[Tt]hương binh")),
    ), "lao động"),
    # Farm and budget reports: "NS lúa đạt 62 tạ/ha", "thu NS xã", "DT gieo cấy", "SL lúa".
    "NS": ((
        Sense("năng suất", after=_after(r"lúa|ngô|lạc|khoai|sắn|đậu|chè|cà phê|cây|bình quân|trung bình|đạt"),
              near=_CROP_WORDS),
        Sense("ngân sách", before=_before(r"[Tt]hu|[Cc]hi|[Nn]guồn|[Vv]ốn|[Kk]inh phí|[Dd]ự toán"),
              after=_after(r"xã|huyện|tỉnh|nhà nước|NN|địa phương|cấp|trung ương|TW")),
    ), "ngân sách"),
    "DT": ((
        Sense("dân tộc", after=_after(r"thiểu số|Kinh|Mông|Tày|Thái|Dao|Nùng|Mường|Khmer|Chăm")),
        Sense("diện tích", after=_after(r"gieo|cấy|trồng|lúa|rừng|đất|canh tác|nuôi|mặt nước|sàn|bị|thiệt hại|ngô|chè"),
              near=_CROP_WORDS + r"|ha\b|héc ta|m2|m²|km2|sào"),
        Sense("dự toán", before=_before(r"(?:[Ss]o với|[Gg]iao|[Tt]heo|[Vv]ượt|[Đđ]ạt)(?:\s+[0-9.,]+\s*%)?"),
              near=r"ngân sách|NS|kinh phí|triệu đồng|tỷ đồng"),
    ), "diện tích"),
    "SL": ((
        Sense("sản lượng", after=_after(r"lúa|ngô|lương thực|thịt|trứng|sữa|thủy sản|cá|chè|đạt"), near=_CROP_WORDS),
    ), "số lượng"),
    "CN": ((
        # "hộ nghèo, hộ CN", "hộ nghèo và CN": the near-poor households of social-policy lending.
        Sense("cận nghèo", before=_before(r"nghèo(?:,| và| -)?(?: hộ)?")),
        Sense("công nhân", after=_after(r"lao động|LĐ|viên chức|CNVC")),
        Sense("chăn nuôi", after=_after(r"-?\s*(?:TY|thú y)|gia súc|gia cầm|lợn|trâu|bò|tập trung|trang trại|nông hộ"),
              before=_before(r"[Tt]rồng trọt(?:,| và| -)?|[Hh]ộ"),
              near=r"gia súc|gia cầm|đàn|lợn|trâu|bò|thú y|vật nuôi|chuồng"),
        Sense("công nghiệp", after=_after(_JOIN + r"(?:TTCN|XD|xây dựng|tiểu thủ công nghiệp|dịch vụ|thương mại)"),
              near=r"TTCN|tiểu thủ công nghiệp|XD|xây dựng|KCN|CCN|thương mại"),
    ), None),  # else the table's chủ nhật (timetables)
    # "hộ có mức sống TB", "điểm TB": average; "TB, BB", "gia đình TB": war invalids (thương binh).
    "TB": ((
        Sense("trung bình", before=_before(r"[Mm]ức sống|[Mm]ức|[Đđ]iểm|[Ll]oại|[Hh]ạng|[Tt]hu nhập|[Kk]há(?:,| và)?")),
        Sense("thương binh", before=_before(r"[Gg]ia đình|[Tt]hân nhân|[Cc]hế độ|[Tt]hẻ|[Cc]ác|[Vv]ợ|[Cc]on"),
              after=_after(_JOIN + r"(?:BB|bệnh binh|LS|liệt sĩ)|hạng")),
    ), None),
    "BB": ((Sense("bệnh binh", before=_before(r"(?:TB|thương binh)" + _JOIN)),), None),
    # "Chi hội PN thôn 2", "hội viên PN": the Women's Union and its members.
    "PN": ((
        Sense("phụ nữ",
              before=_before(r"[Hh]ội|[Cc]hi hội|[Hh]ội viên|[Cc]án bộ|[Tt]ổ|CLB|[Cc]âu lạc bộ|LH|[Ll]iên hiệp"),
              after=_after(r"nghèo|khó khăn|đơn thân|khởi nghiệp|xã|phường|thị trấn|huyện|tỉnh|thôn|ấp|bản")),
    ), None),
    "ĐV": ((
        Sense("đơn vị", before=_before(r"[Cc]ơ quan,?|[Mm]ỗi|[Tt]ừng|[Cc]ác cơ quan,?"),
              after=_after(r"trực thuộc|sự nghiệp|hành chính|tính|thi công")),
        Sense("đảng viên", before=_before(r"[Kk]ết nạp|[Cc]hi bộ|[Cc]ấp ủy viên,?"),
              near=r"[Đđ]ảng|[Cc]hi bộ|ĐU|cấp ủy|huy hiệu"),
        Sense("đoàn viên", near=r"[Đđ]oàn|ĐTN|[Tt]hanh niên|TN\b|[Cc]ông đoàn|CĐ|[Hh]ội viên"),
    ), "đảng viên"),
    # Left out of the table on purpose by the abbreviation round: each has two readings in real text.
    "THA": ((
        Sense("tăng huyết áp", before=_before(r"[Ss]àng lọc|[Bb]ệnh|[Mm]ắc|[Đđ]iều trị|[Qq]uản lý|[Pp]hòng chống"),
              after=_after(_JOIN + r"(?:ĐTĐ|đái tháo đường|tim mạch)"),
              near=r"huyết áp|ĐTĐ|đái tháo đường|sàng lọc|không lây|khám|tim mạch|người cao tuổi"),
        Sense("thi hành án", before=_before(r"[Cc]ơ quan|[Cc]hi cục|[Cc]ục|[Cc]ưỡng chế|[Cc]ông tác|[Cc]hấp hành viên"),
              near=r"THADS|[Cc]hấp hành viên|[Cc]ưỡng chế|dân sự|bản án|[Tt]òa án|[Cc]hi cục"),
    ), "tăng huyết áp"),
    "BP": ((
        Sense("biên phòng", before=_before(r"[Đđ]ồn|[Bb]ộ đội|[Bb]ộ Chỉ huy|[Cc]hiến sĩ|[Cc]án bộ,? chiến sĩ"),
              after=_after(r"tỉnh|[Cc]ửa khẩu")),
        Sense("bộ phận", after=_after(r"một cửa|tiếp nhận|văn phòng|chuyên môn|kế toán|thường trực")),
    ), "bộ phận"),
    "CB": ((
        Sense("chi bộ", before=_before(r"[Bb]í thư|[Pp]hó [Bb]í thư|[Đđ]ảng viên|[Ss]inh hoạt|[Cc]ấp ủy"),
              after=_after(r"[Đđ]ảng")),
        Sense("cán bộ", before=_before(r"[Đđ]ội ngũ|[Cc]ác|[Tt]oàn thể|[Tt]ập huấn cho"),
              after=_after(r",?\s*(?:CC|công chức|chiến sĩ|CS|đảng viên|ĐV|y tế|thú y|địa chính|tư pháp|"
                           r"chuyên trách|không chuyên trách|phụ trách|lãnh đạo|hưu)")),
    ), "cán bộ"),
    "MN": ((
        Sense("miền núi", before=_before(r"[Vv]ùng|DTTS\s*(?:và|&)|[Dd]ân tộc thiểu số\s*(?:và|&)|[Tt]rung du và|"
                                         r"[Vv]ùng cao,?|[Hh]uyện"),
              after=_after(r"phía Bắc|[Bb]iên giới")),
    ), None),
    "BC": ((
        Sense("bầu cử", before=_before(r"[Nn]gày|[Cc]uộc|[Tt]ổ|[Kk]hu vực|[Đđ]iểm|[Ủủ]y ban|[Đđ]ơn vị|[Cc]ông tác"),
              after=_after(r"ĐBQH|đại biểu|HĐND|Quốc hội|trưởng thôn")),
    ), None),
    "DN": ((
        Sense("dạy nghề", before=_before(r"[Tt]rung tâm|TT|[Tt]rường|[Đđ]ào tạo,?|[Cc]ơ sở"),
              after=_after(r"cho lao động|nông thôn|ngắn hạn")),
    ), None),
    # A photo credit ("Ảnh minh họa - TL", "Ảnh: TL") is the archive, not a provincial road.
    "TL": ((Sense("tư liệu", before=_before(r"[Ảả]nh(?: minh h(?:ọa|oạ))?\s*[-–:]?|[Nn]guồn\s*:?|\(")
                  + "|" + _before(r"[Ảả]nh")),), None),
    "HC": ((Sense("huy chương", after=_after(r"[Vv]àng|[Bb]ạc|[Đđ]ồng")),), "hành chính"),
    "GD": ((), "giáo dục"),
    "GĐ": ((
        Sense("giám đốc", before=_before(r"[Pp]hó|[Nn]guyên|[Qq]uyền|[Tt]ổng|[Bb]an"),
              after=_after(r"Sở|sở|Trung tâm|TT|Công ty|CT|Ban|Bệnh viện|BV|Chi nhánh|Ngân hàng|Quỹ|Kho bạc|KBNN|HTX|"
                           r"Hợp tác xã|Bưu điện|Điện lực|Đài|Nhà máy|Xí nghiệp|Cục|Học viện|Viện|Văn phòng|"
                           r"các (?:HTX|hợp tác xã|doanh nghiệp|DN|công ty|đơn vị|trường|sở|trung tâm|ngân hàng)")),
    ), "gia đình"),
    "BĐ": ((
        Sense("bộ đội", after=_after(r"biên phòng|BP|cụ Hồ|xuất ngũ|địa phương|chủ lực")),
        Sense("bưu điện", after=_after(r"văn hóa|VHX|huyện|tỉnh|xã")),
    ), None),  # "BĐ2", "BĐ III" are flood alert levels (context.py)
    # "Công ty CP" is a joint-stock company; "NĐ-CP" and a bare "CP" keep the table's chính phủ.
    "CP": ((
        Sense("cổ phần",
              before=_before(r"[Cc]ông ty|CÔNG TY|Cty|CTy|CT|TCT|[Tt]ổng [Cc]ông ty|[Tt]ập đoàn|[Nn]gân hàng TM")),
    ), None),
    # "ĐH" beside Party, Front and union words is a congress (đại hội); among school words context.py
    # has already read đại học, and "ĐH 12" is a district road.
    "ĐH": ((
        Sense("đại hội", before=_before(r"[Bb]ầu|[Cc]hào mừng|[Tt]ổ chức|[Dd]ự|[Bb]ế mạc|[Kk]hai mạc|[Nn]ghị quyết|NQ"),
              after=_after(r"[Đđ]ảng|đại biểu|[Đđ]oàn|[Hh]ội|[Cc]ông đoàn|MTTQ|[Mm]ặt trận|[Cc]hi bộ|nhiệm kỳ|lần thứ|"
                           r"đã bầu|đã thông qua|[IVX]+\b"),
              near=r"[Đđ]ảng|nhiệm kỳ|BCH|[Bb]an [Cc]hấp hành|bầu|đại biểu|khóa|[Bb]í thư|[Cc]hi bộ|đảng viên"),
    ), None),
    # "SK" is sức khỏe in health checks and conscription; elsewhere (sáng kiến, sự kiện) it is left alone.
    "SK": ((
        Sense("sức khỏe",
              before=_before(r"[Kk]hám|[Tt]iêu chuẩn|[Cc]hăm sóc|[Bb]ảo vệ|[Tt]ình trạng|[Nn]âng cao|[Tt]ư vấn|"
                             r"[Kk]iểm tra|[Pp]hân loại|[Gg]iấy khám|[Gg]iấy chứng nhận|[Đđ]ủ|[Tt]ruyền thông"),
              after=_after(r"sinh sản|cộng đồng|ban đầu|định kỳ|tâm thần|người cao tuổi|học đường|răng miệng|"
                           r"loại [0-9]|nghĩa vụ|NVQS|tốt"),
              near=r"[Kk]hám|[Yy] tế|bệnh|NVQS|nghĩa vụ quân sự|tuyển quân|nhập ngũ|[Tt]iêm"),
    ), None),
    "PC": ((
        Sense("phòng chống", after=_after(
            r"dịch|thiên tai|lụt|bão|cháy|tội phạm|ma túy|tham nhũng|tác hại|bệnh|HIV|sốt|đuối|COVID|Covid|rét|"
            r"hạn hán|xâm nhập|thuốc lá|bạo lực|mua bán|buôn lậu|gian lận|khủng bố|SXH|TCM")),
    ), None),
}

# Any short capital token (a character class is faster than trying every key); others are left alone.
_TOKEN = re.compile(r"(?<![\w&/.-])(?P<abbr>[A-ZĐ]{2,3})(?![\w&]|-[A-ZĐ]|\.[A-ZĐ0-9])")
_WINDOW = 45  # characters each side: a few words


@dataclass(frozen=True)
class _Compiled:
    reading: str
    before: re.Pattern[str] | None
    after: re.Pattern[str] | None
    near: re.Pattern[str] | None

    @classmethod
    def of(cls, sense: Sense) -> _Compiled:
        def compiled(pattern: str) -> re.Pattern[str] | None:
            return re.compile(pattern) if pattern else None

        return cls(sense.reading, compiled(sense.before), compiled(sense.after), compiled(sense.near))

    def next_to(self, left: str, right: str) -> bool:
        return bool((self.before and self.before.search(left)) or (self.after and self.after.match(right)))

    def within(self, left: str, right: str) -> bool:
        return bool(self.near and (self.near.search(left) or self.near.search(right)))


_COMPILED = {abbr: (tuple(map(_Compiled.of, senses)), default) for abbr, (senses, default) in SENSES.items()}


def _choose(abbr: str, left: str, right: str) -> str | None:
    senses, default = _COMPILED[abbr]
    for sense in senses:
        if sense.next_to(left, right):
            return sense.reading
    for sense in senses:
        if sense.within(left, right):
            return sense.reading
    return default


@functools.cache
def _longer_table_keys() -> re.Pattern[str] | None:
    """Table entries that begin with one of these abbreviations ("LĐ,TB&XH"): the table reads them whole."""
    entries = default_table().text_entries()
    keys = sorted((key for key in entries if key not in SENSES and key.startswith(tuple(SENSES))),
                  key=len, reverse=True)
    return re.compile("|".join(re.escape(key) + r"(?![\w&])" for key in keys)) if keys else None


def read_abbreviation_senses(text: str) -> str:
    longer = _longer_table_keys()

    def replace(match: re.Match[str]) -> str:
        if match.group("abbr") not in SENSES or (longer and longer.match(text, match.start())):
            return match.group(0)
        left = text[max(0, match.start() - _WINDOW) : match.start()]
        right = text[match.end() : match.end() + _WINDOW]
        reading = _choose(match.group("abbr"), left, right)
        return f" {reading} " if reading else match.group(0)

    return _TOKEN.sub(replace, text)


# "TT số 12/2024/TT-BYT", "CT số 05-CT/TU": the abbreviation is the type of the number after it.
_TYPE_BEFORE_ITS_NUMBER = re.compile(
    rf"(?<![\w&/-])(?P<abbr>{_DOCUMENT_HEADS})\.?\s+(?=số\s*:?\s*[0-9]+"
    r"(?:(?:/(?:19|20)[0-9]{2})?/(?P=abbr)-|-(?P=abbr)/))"
)


def read_document_type_abbreviations(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        spoken = default_table().doc_type(match.group("abbr"))
        return f"{spoken} " if spoken else match.group(0)

    return _TYPE_BEFORE_ITS_NUMBER.sub(replace, text)
