"""Abbreviations whose reading depends on what follows, and signature dots that end nothing.

- "BCH" is "ban chấp hành" (of the Party, the Youth Union, a trade union) but "ban chỉ huy" before
  "quân sự", "QS", "phòng thủ" or a disaster-prevention body;
- "TT" / "TT." before a Party committee or a council ("TT. Tỉnh ủy", "TT HĐND") is "thường trực",
  elsewhere "TT." is "trung tâm" ("TT. Y tế");
- signature formulas "TM.", "KT.", "TL.", "TUQ.", "Q. Chủ tịch" are "thay mặt", "ký thay",
  "thừa lệnh", "thừa ủy quyền", "quyền": their dot is part of the abbreviation, so the voice does
  not stop in the middle of "ký thay chủ tịch". Without a capital word after them "KT" and "TL"
  keep their table readings (kinh tế in "KT-XH", tỉnh lộ in "TL 291").
"""

from __future__ import annotations

import re

from tts.normalize.abbreviation_senses import read_abbreviation_senses
from tts.normalize.abbreviations import spell_letters

_COMMAND = r"(?:[Qq]uân sự|QS\b|[Pp]hòng thủ|PCTT|PCCC|[Pp]hòng,? chống|[Pp]hòng chống|[Pp]hòng cháy|[Cc]ứu hộ)"
_STANDING = (
    r"(?:Tỉnh ủy|Huyện ủy|Thành ủy|Quận ủy|Thị ủy|Đảng ủy|Đảng bộ|HĐND|Hội đồng nhân dân|UBMTTQ|MTTQ|"
    r"Ủy ban MTTQ|Ủy ban Mặt trận|Ban Chấp hành|BCH|TU|HU|ĐU|Chi bộ)"
)
# Followed by a capitalised word (checked in code: Python's re has no \p{Lu}).
_UPPER_NEXT = r"(?=\w)"
_POSITION = (
    r"(?=(?:Chủ tịch|Phó Chủ tịch|Giám đốc|Trưởng|Chánh|Bí thư|Hiệu trưởng|Viện trưởng|Tổng|Cục trưởng|"
    r"Chỉ huy trưởng|Vụ trưởng|Thủ trưởng|CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG|CHÁNH|BÍ THƯ|HIỆU TRƯỞNG)\b)"
)

# The bodies a title heads: a mass organisation, a council, a committee, a Party cell.
_BODY = (
    r"(?:Hội|UBND|HĐND|Ủy ban|Uỷ ban|UBMTTQ|MTTQ|Mặt trận|Công đoàn|CĐCS|LĐLĐ|Liên đoàn|Đoàn|Chi bộ|Chi hội|"
    r"Đảng ủy|Đảng bộ|Huyện ủy|Tỉnh ủy|Thành ủy|Quận ủy|Thị ủy|Huyện đoàn|Tỉnh đoàn|Thành đoàn|HTX|Hợp tác xã)(?!\w)"
)

# (pattern, reading, whether a capital letter must follow)
RULES: tuple[tuple[re.Pattern[str], str, bool], ...] = (
    (re.compile(rf"(?<![\w&/-])BCH\s+(?={_COMMAND})"), " ban chỉ huy ", False),
    (re.compile(rf"(?<![\w&/-])TT\.?\s*(?={_STANDING}(?![\w]))"), " thường trực ", False),
    (re.compile(r"(?<![\w&/-])TM\.\s*"), " thay mặt ", False),
    # The same formulas typed with a slash: "T/M BAN CHẤP HÀNH", "K/T CHỦ TỊCH".
    (re.compile(r"(?<![\w&/-])T/M\.?\s*"), " thay mặt ", False),
    (re.compile(rf"(?<![\w&/-])K/T\.?\s*{_UPPER_NEXT}"), " ký thay ", True),
    (re.compile(rf"(?<![\w&/-])KT\.\s*{_UPPER_NEXT}"), " ký thay ", True),
    (re.compile(rf"(?<![\w&/-])TL\.\s*{_UPPER_NEXT}"), " thừa lệnh ", True),
    (re.compile(r"(?<![\w&/-])TUQ\.\s*"), " thừa ủy quyền ", False),
    (re.compile(rf"(?<![\w&/-])Q\.\s*{_POSITION}"), " quyền ", False),
    # "QĐ. Hoàng Sa", "QĐ Trường Sa": the archipelagos, not a decision; the dot ends nothing.
    (re.compile(r"(?<![\w&/-])QĐ\.?\s*(?=(?:Hoàng Sa|Trường Sa|HOÀNG SA|TRƯỜNG SA)(?!\w))"), " quần đảo ", False),
    # A title with its dot before the body it heads: "CT. Hội NCT huyện", "PCT. UBND xã", "BT. Chi bộ".
    (re.compile(rf"(?<![\w&/-])CT\.\s*(?={_BODY})"), " chủ tịch ", False),
    (re.compile(rf"(?<![\w&/-])PCT\.\s*(?={_BODY})"), " phó chủ tịch ", False),
    (re.compile(rf"(?<![\w&/-])BT\.\s*(?={_BODY})"), " bí thư ", False),
    (re.compile(rf"(?<![\w&/-])PBT\.\s*(?={_BODY})"), " phó bí thư ", False),
    # "Ngày hội VHTT và DL": the ministry's culture, sports and tourism, written with a spaced "và".
    (re.compile(r"(?<![\w&/-])VHTT\s*(?:và|&)\s*DL(?![\w&])"), " văn hóa thể thao và du lịch ", False),
    # Water-quality indices: dissolved oxygen "DO" after "chỉ số" or in brackets (an all-caps "DO" is "do").
    (re.compile(r"(?:(?<=[Cc]hỉ số )|(?<=[Hh]àm lượng )|(?<=\())DO(?![\w&])"), "đê ô", False),
    # A commune's or district's station: "Đài TT-TH huyện", "Đài TT xã" (not "trung tâm").
    (re.compile(r"(?<=[Đđ]ài )TT\s*-\s*TH(?![\w&])"), "truyền thanh truyền hình", False),
    (re.compile(r"(?<=[Đđ]ài )TT(?![\w&-])"), "truyền thanh", False),
    # "TH" is tiểu học among school levels ("MN, TH, THCS", "Trường TH").
    (re.compile(r"(?<![\w&/-])TH(?=\s*(?:,|&|và)\s*THCS\b)|(?<=[Tt]rường )TH(?![\w&])"), " tiểu học ", False),
)
# Road numbers, before the phone pass takes "ĐT" for điện thoại: "ĐT254", "ĐT.254", "ĐH 12".
_ROADS = {"ĐT": "đường tỉnh", "ĐH": "đường huyện", "ĐX": "đường xã"}
_ROAD_NUMBER = re.compile(r"(?<![\w&/-])(?P<kind>ĐT|ĐH|ĐX)\.?\s?(?=[0-9]{1,3}(?:[A-Z]|\b)(?!\s?[0-9]))")


# "QL.3", "TL.291": the dot joins the road to its number, it ends nothing.
_ROAD_DOT = re.compile(r"(?<![\w&/-])(?P<kind>QL|TL)\.(?=[0-9])")


def read_road_numbers(text: str) -> str:
    text = _ROAD_DOT.sub(lambda match: match.group("kind") + " ", text)
    return _ROAD_NUMBER.sub(lambda match: f" {_ROADS[match.group('kind')]} ", text)


# "T2-T6", "T2 - CN": days of the week in a timetable.
_WEEKDAYS = {"2": "thứ hai", "3": "thứ ba", "4": "thứ tư", "5": "thứ năm", "6": "thứ sáu", "7": "thứ bảy",
             "CN": "chủ nhật"}
_WEEKDAY_RANGE = re.compile(r"(?<![\w&/-])T(?P<first>[2-7])\s*(?:-|đến)\s*(?:T(?P<last>[2-7])|(?P<sunday>CN))(?![\w&])")
# "BĐ2", "BĐ III": a flood alert level (báo động).
_ALERT_LEVEL = re.compile(r"(?<![\w&/-])BĐ\s?(?=(?:[1-3]|I{1,3})(?![\w]))")


def _weekday_range(match: re.Match[str]) -> str:
    last = _WEEKDAYS[match.group("last") or "CN"]
    return f"{_WEEKDAYS[match.group('first')]} đến {last}"


def read_weekdays_and_alert_levels(text: str) -> str:
    return _ALERT_LEVEL.sub("báo động ", _WEEKDAY_RANGE.sub(_weekday_range, text))


# "PCT.UBND", "BCH.QS": a dot between two abbreviations joins them, it ends nothing.
_JOINED = re.compile(r"\b([A-ZĐ][A-ZĐ&]+)\.(?=[A-ZĐ][A-ZĐ&]+\b)")


# "THT" is tổ hợp tác, except among livestock diseases and vaccines, where it is tụ huyết trùng.
_THT = re.compile(r"(?<![\w&/-])THT(?![\w&])")
_LIVESTOCK = re.compile(r"LMLM|lở mồm|[Vv]ắc[- ]?xin|[Tt]iêm|trâu|bò|lợn|heo|gia súc|gia cầm|dịch bệnh|thú y")


def _read_tht(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        around = text[max(0, match.start() - 40) : match.end() + 40]
        return " tụ huyết trùng " if _LIVESTOCK.search(around) else match.group(0)

    return _THT.sub(replace, text)


# "ĐH" is đại học among school words ("tốt nghiệp CĐ, ĐH"); "ĐH 12" is a district road. ("CĐ" is
# read in abbreviation_senses: công đoàn or cao đẳng.)
_SCHOOL_LEVEL = re.compile(r"(?<![\w&/-])(?P<level>ĐH)(?![\w&]|\s?[0-9])")
_SCHOOL_WORDS = re.compile(
    r"tốt nghiệp|[Tt]rường|sinh viên|học sinh|tuyển sinh|THPT|TCCN|[Tt]rung cấp|[Cc]ao đẳng|[Đđ]ại học|"
    r"(?<![\w&/-])(?:CĐ|ĐH)(?![\w&])\s*(?:,|và|hoặc)\s*(?:CĐ|ĐH)(?![\w&])"
)
_SCHOOL_READINGS = {"ĐH": " đại học "}


def _read_school_levels(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        around = text[max(0, match.start() - 30) : match.end() + 30]
        return _SCHOOL_READINGS[match.group("level")] if _SCHOOL_WORDS.search(around) else match.group(0)

    return _SCHOOL_LEVEL.sub(replace, text)


# "UBND TT. Phủ Thông", "các xã, TT": after a local body or beside "xã", TT is a thị trấn.
_TOWN = re.compile(
    r"(?P<lead>(?<![\w&/-])(?:UBND|HĐND|Ủy ban nhân dân|Đảng ủy|Đảng bộ|Công an|MTTQ|"
    r"(?:xã|phường)\s*(?:,|/|và|hoặc))\s*)TT\.?(?![\w&])"
)


# "TT. Y tế" is a trung tâm: its name says what it does. "TT. Ngãi Giao", a name, is a thị trấn.
_TT_BEFORE_NAME = re.compile(r"(?<![\w&/-])TT(?P<dot>\.?)(?:\s*|-(?=Huế))(?=[^\W\d_])")
_CENTRE_FUNCTIONS = re.compile(
    r"(?:Y tế|Văn hóa|Giáo dục|Dịch vụ|Phục vụ|Hành chính|Chính trị|Bồi dưỡng|Khuyến|Kiểm soát|Truyền|Phát triển|"
    r"Dạy nghề|Quan trắc|Thông tin|Điều hành|Dữ liệu|Công nghệ|Nước|Quỹ|Kỹ thuật|Giống|Thể|Huấn luyện|Cứu hộ|"
    r"Bảo trợ|Công tác|Xúc tiến|Lưu trữ|Giám định|Trợ giúp|Tư vấn|Khí tượng|Hội nghị|Thương mại|Học tập|"
    r"Nghiên cứu|Chăm sóc|Điều dưỡng|Phòng|Tiêm chủng|Xét nghiệm|Pháp y|Đăng kiểm|Quản lý|Khai thác|Đào tạo|"
    r"Ngoại ngữ|Tin học|Sát hạch|Hoạt động|Dân số|Lao động|Việc làm|Hỗ trợ|Giới thiệu|Môi trường|Nông nghiệp|"
    r"Kiểm định|Đo lường|Ứng dụng|Sản xuất|Bảo tồn|Thanh thiếu niên|Tiếp nhận|Một cửa|Cai nghiện|Kinh tế|"
    r"Phục hồi|Phát thanh|Báo chí|Thủy sản|Du lịch|Lâm nghiệp|Cấp|Nuôi dưỡng|Hướng nghiệp|Kiểm nghiệm|Kiểm dịch|"
    r"Dịch tễ)(?!\w)"
)


def _read_tt_before_name(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        rest = text[match.end() : match.end() + 30]
        word = re.match(r"\w+", rest)
        if not word or not word.group(0)[0].isupper():
            return match.group(0)
        if word.group(0) == "Huế":  # TT.Huế, TT-Huế: the province of Thừa Thiên Huế
            return " thừa thiên "
        if _CENTRE_FUNCTIONS.match(rest) or word.group(0).isupper():
            return " trung tâm " if match.group("dot") else match.group(0)
        return " thị trấn "

    return _TT_BEFORE_NAME.sub(replace, text)


# "đối tượng Lê Văn T. (SN 1995)", "Vũ Ngọc Th., trú tại": the initial that hides a given name in police
# news ends nothing either; it follows a capitalised surname and middle name.
_NAME_INITIAL = re.compile(r"(?<= )(?P<letter>[A-ZĐ]h?)\.(?=\s*[(,;:]|\s*$)")
_TWO_NAME_WORDS = re.compile(r"(?:^|\s)[^\W\d_]+\s[^\W\d_]+\s$")


def _read_name_initial(match: re.Match[str]) -> str:
    before = _TWO_NAME_WORDS.search(match.string[max(0, match.start() - 30) : match.start()])
    if not before or not all(word[0].isupper() for word in before.group(0).split()):
        return match.group(0)
    at_end = not match.string[match.end() :].strip()
    return spell_letters(match.group("letter").upper()) + ("." if at_end else " ")


def read_context_abbreviations(text: str) -> str:
    text = _NAME_INITIAL.sub(_read_name_initial, text)
    text = _read_school_levels(_read_tht(_JOINED.sub(r"\1 ", text)))
    text = _TOWN.sub(r"\g<lead> thị trấn ", text)
    for pattern, spoken, capital_next in RULES:
        def replace(match: re.Match[str], spoken: str = spoken, capital_next: bool = capital_next) -> str:
            following = match.string[match.end() : match.end() + 1]
            return spoken if not capital_next or following.isupper() else match.group(0)

        text = pattern.sub(replace, text)
    return read_abbreviation_senses(_read_tt_before_name(text))
