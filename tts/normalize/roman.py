"""Roman numerals, read only where Vietnamese uses them: after "quý", "thế kỷ", "khóa", "lần thứ" ...

"Quý IV" -> "quý bốn", "thế kỷ XXI" -> "thế kỷ hai mươi mốt", "lần thứ II" -> "lần thứ hai",
"Quý I/2024", "quý I-2024" or "quý I.2024" -> "quý một năm hai nghìn không trăm hai mươi tư", "lần II" -> "lần hai",
and a heading "II. NỘI DUNG" ->
"hai. NỘI DUNG". A capital I or V anywhere else is left alone.
"""

from __future__ import annotations

import re

from tts.normalize.numbers import read_int, read_ordinal

_CONTEXT_WORDS = (
    "quý", "thế kỷ", "thế kỉ", "khóa", "kỳ họp", "kỳ", "đại hội", "hội nghị", "phần", "chương", "mục",
    "tầng", "cấp", "giai đoạn", "đợt", "tập", "nhóm", "loại", "hạng", "vùng", "khu vực", "quân khu",
    "phụ lục", "tuần", "bậc", "quyển", "điều", "khoản", "tiểu mục", "học kỳ", "trung đoàn", "sư đoàn",
    "báo động", "mức báo động", "độ", "cấp độ", "lữ đoàn", "tiểu đoàn", "đại đội", "khối", "phần thứ",
    "lần", "khu",
)  # fmt: skip
# Up to 399, and a lone C or L is a letter ("loại C"), not a number.
_ROMAN = r"(?=[IVX]|[CL][CLXVI])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_CONTEXT = "|".join(sorted((re.escape(word) for word in _CONTEXT_WORDS), key=len, reverse=True))
_IN_CONTEXT = re.compile(
    rf"(?P<lead>\b(?i:{_CONTEXT})\s+(?:(?i:lần\s+)?(?P<ordinal>(?i:thứ))\s+)?|\b(?i:lần\s+)?(?P<ordinal2>(?i:thứ))\s+)"
    # "khu vực I, II và III", "quý III-IV": the context word covers the whole list.
    rf"(?P<roman>{_ROMAN})(?![\w])(?P<more>(?:\s*(?:,|và|hoặc|đến|-)\s*{_ROMAN}(?![\w]))*)"
    # "Quý I/2024", "quý II-2025", "quý IV.2015": the year after a slash, a dash or a dot.
    rf"(?:[/.-](?P<year>(?:19|20)[0-9]{{2}})(?![0-9]))?"
    # "mục II.1": a numbered part of a Roman one.
    rf"(?P<sub>(?:\.[0-9]{{1,2}})+(?![0-9]))?"
)
_LISTED = re.compile(rf"(?P<joint>\s*(?:,|và|hoặc|đến|-)\s*)(?P<roman>{_ROMAN})")
_HEADING = re.compile(rf"^(?P<roman>{_ROMAN})(?P<sub>(?:\.[0-9]{{1,2}})+)?(?=[.)]\s)")
_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# "(i) hoàn thiện thể chế; (ii) phát triển nguồn nhân lực": small Roman numerals in brackets number the
# items of a list. Read only as a list (two of them, or one opening the line): "(x)" alone is a tick.
_BRACKETED_ITEM = re.compile(r"\((?P<roman>i{1,3}|iv|vi{0,3}|ix|x)\)(?=\s)")


def roman_value(numeral: str) -> int:
    total = 0
    for char, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = _VALUES[char]
        total += -value if following and _VALUES[following] > value else value
    return total


def _in_context(match: re.Match[str]) -> str:
    is_ordinal = match.group("ordinal") or match.group("ordinal2")

    def read(numeral: str) -> str:
        return read_ordinal(roman_value(numeral)) if is_ordinal else read_int(roman_value(numeral))

    words = read(match.group("roman"))
    for listed in _LISTED.finditer(match.group("more")):
        joint = " đến " if listed.group("joint").strip() == "-" else listed.group("joint")
        words += joint + ("thứ " if is_ordinal else "") + read(listed.group("roman"))
    if match.group("year"):
        words += f" năm {read_int(int(match.group('year')))}"
    return match.group("lead") + words + _sub_parts(match.group("sub"))


def _sub_parts(sub: str | None) -> str:
    """".1.2" after a Roman numeral: "chấm một chấm hai"."""
    return "".join(f" chấm {read_int(int(part))}" for part in (sub or "").split(".")[1:])


def _read_bracketed_items(text: str) -> str:
    items = list(_BRACKETED_ITEM.finditer(text))
    if len(items) < 2 and not (items and not text[: items[0].start()].strip()):
        return text
    return _BRACKETED_ITEM.sub(lambda m: f"({read_int(roman_value(m.group('roman').upper()))})", text)


def read_roman_numerals(text: str) -> str:
    text = _read_bracketed_items(text)
    text = _HEADING.sub(lambda m: read_int(roman_value(m.group("roman"))) + _sub_parts(m.group("sub")), text)
    return _IN_CONTEXT.sub(_in_context, text)
