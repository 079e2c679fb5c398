"""Numbers left in running text: ordinals, ranges, decimals, thousands separators, integers.

Vietnamese writing groups thousands with dots and marks decimals with a comma: "1.250" is
"một nghìn hai trăm năm mươi", "15,5" is "mười lăm phẩy năm". A dot that does not group thousands
("4.0", "5.2" as a section number) is read "chấm", or "phẩy" before a unit ("2.5 ha").
"""

from __future__ import annotations

import re

from tts.normalize.abbreviations import default_table, spell_letters
from tts.normalize.measures import UNITS
from tts.normalize.numbers import read_decimal, read_integer_text, read_ordinal

_NUMBER = r"[0-9]+(?:[.,][0-9]+)*"
_START = r"(?<![0-9.,])"
_ORDINAL = re.compile(r"\b(?P<lead>(?i:thứ)\s+)(?P<n>[0-9]{1,3})(?![0-9]|[.,/][0-9])")
_RANGE = re.compile(rf"{_START}(?P<a>{_NUMBER})\s*-\s*(?P<b>{_NUMBER})(?![0-9])")
_WEEKDAY_RANGE = re.compile(r"\b(?i:thứ)\s+(?P<a>[2-7])\s*-\s*(?:(?i:thứ)\s+)?(?P<b>[2-7])(?![0-9])")
_COUNTED_WORDS = sorted({*UNITS.values(), "ngày", "tháng", "năm", "tuổi", "người", "hộ", "lần", "giờ", "phút"})
# "10% - 15%", "5 ngày - 7 ngày": the dash between a quantity's unit and the next number.
_UNIT_RANGE = re.compile(rf"(?<=[0-9])(?P<unit>\s*(?:{'|'.join(_COUNTED_WORDS)}))\s*-\s*(?=[0-9])")
# What is left of "24/24", "1:500" after dates and times: a ratio.
_SLASH_AFTER_NUMBER = re.compile(r"(?<=[0-9])\s*/\s*(?=[0-9]|[^\W\d_])|(?<=[0-9]):(?=[0-9])")
_PLUS = re.compile(r"(?<=[0-9])\s*\+\s*(?=[0-9])")
_TOKEN = re.compile(rf"{_START}{_NUMBER}")
_DOT_THOUSANDS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?")
_COMMA_THOUSANDS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3}){2,}(?:\.[0-9]+)?")
# "các khối 2,3,4,5": two commas or more between short numbers make a list, never a decimal.
_COMMA_LIST = re.compile(r"[0-9]{1,2}(?:,[0-9]{1,2}){2,}")
# Words that make "2.5" a quantity (English decimal point) rather than a section number.
_MEASURE_WORDS = re.compile(
    r"\s*(?:phần trăm|ki lô|mét|héc ta|tấn|tạ|yến|triệu|tỷ|nghìn|đồng|lít|độ|gam|mi li|xen ti|oát)\b"
)
# "< 2 mét", ">80 con/m2", "< Cấp 6": a comparison sign before a number, said as cleaning says "≥" (lớn hơn hoặc bằng).
_COMPARED = re.compile(r"(?:(?<=[\s(])|^)(?P<sign>[<>])\s*(?=[0-9]|(?i:cấp)\s+[0-9])")
_COMPARISONS = {"<": "nhỏ hơn", ">": "lớn hơn"}
_GLUED = re.compile(r"(?<=[A-ZĐ])(?=[0-9])|(?<=[0-9])(?=[A-ZĐ])")
# A code's zero is part of its name: "PC06" is pê xê không sáu, "Đề án 06" đề án không sáu.
_CODE_ZERO = re.compile(r"(?<=[A-ZĐ])0(?=[1-9](?![0-9]))|(?<=\b[Đđ]ề án )0(?=[1-9]\b)")


def read_number_token(token: str, following: str = "") -> str:
    """Read one written number, choosing between thousands separators and decimal marks."""
    if _DOT_THOUSANDS.fullmatch(token):
        integer, _, fraction = token.replace(".", "").partition(",")
        return read_decimal(integer, fraction) if fraction else read_integer_text(integer)
    if _COMMA_THOUSANDS.fullmatch(token):
        integer, _, fraction = token.replace(",", "").partition(".")
        return read_decimal(integer, fraction) if fraction else read_integer_text(integer)
    if _COMMA_LIST.fullmatch(token):
        return ", ".join(read_integer_text(part) for part in token.split(","))
    if re.fullmatch(r"[0-9]+,[0-9]+", token):
        return read_decimal(*token.split(","))
    if re.fullmatch(r"[0-9]+\.[0-9]+", token) and _MEASURE_WORDS.match(following):
        return read_decimal(*token.split("."))
    words = []
    for part in re.split(r"([.,])", token):
        if part == ".":
            words.append("chấm")
        elif part == ",":
            words.append("phẩy")
        else:
            words.append(read_integer_text(part))
    return " ".join(words)


def split_glued_codes(text: str) -> str:
    """QL1A -> QL 1 A, H5N1 -> H 5 N 1, so each part is read on its own."""
    return _GLUED.sub(" ", _CODE_ZERO.sub(" không ", _LETTERS_OF_CODE.sub(_spell_code_letters, text)))


# Letters glued to digits name a code, not the body they abbreviate elsewhere: the rice variety
# "BC15" is bê xê mười lăm, not báo cáo. Roads, places and levels keep their meaning: "QL1A" quốc lộ
# một a, "KDC5" khu dân cư năm, "BĐ2" báo động hai, and so do titles ("KP3" khu phố ba).
_LETTERS_OF_CODE = re.compile(r"(?<![\w.&/-])[A-ZĐ]{2,5}(?=[0-9])")
_NUMBERED_KINDS = re.compile(
    r"(?:quốc lộ|tỉnh lộ|đường|hương lộ|khu|tiểu khu|tổ|cụm|phường|quận|thôn|ấp|xóm|bản|báo động|cấp|lô|trạm|"
    r"đội|đồn|tiểu đoàn|trung đoàn|sư đoàn|quân khu|vùng|tuyến|trung ương)\b"
)


def _spell_code_letters(match: re.Match[str]) -> str:
    letters = match.group(0)
    table = default_table()
    spoken = table.text_entries().get(letters)
    if spoken is None or table.is_title(letters) or _NUMBERED_KINDS.match(spoken):
        return letters
    return spell_letters(letters) + " "


def read_numbers(text: str) -> str:
    text = _WEEKDAY_RANGE.sub(lambda m: f"thứ {read_ordinal(int(m['a']))} đến thứ {read_ordinal(int(m['b']))}", text)
    text = _UNIT_RANGE.sub(lambda m: m.group("unit") + " đến ", text)
    text = _ORDINAL.sub(lambda m: m.group("lead") + read_ordinal(int(m.group("n"))), text)
    text = _PLUS.sub(" cộng ", text)
    text = _COMPARED.sub(lambda m: _COMPARISONS[m["sign"]] + " ", text)
    text = _SLASH_AFTER_NUMBER.sub(" trên ", text)

    def number_range(match: re.Match[str]) -> str:
        following = match.string[match.end() : match.end() + 30]
        first = read_number_token(match.group("a"), following)
        return f"{first} đến {read_number_token(match.group('b'), following)}"

    text = _RANGE.sub(number_range, text)
    return _TOKEN.sub(lambda m: " " + read_number_token(m.group(0), m.string[m.end() : m.end() + 30]) + " ", text)
