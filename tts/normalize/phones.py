"""Telephone numbers, hotlines and emergency numbers, read digit by digit in groups.

A phone number is any 10-11 digit number starting with 0 (however it is grouped), one starting
with +84, a 1800/1900 hotline, or a number right after a phone cue ("gọi", "điện thoại",
"đường dây nóng" ...). The emergency numbers 111-115 are read as digits only near such a cue, so
"115 con" stays a count.
Groups are separated by commas so the voice pauses: "không chín một hai, ba bốn năm, sáu bảy tám".
"""

from __future__ import annotations

import re

from tts.normalize.numbers import read_digits

_SEPARATOR = r"[ .-]"
_NOT_AFTER = r"(?<![0-9.,/])"
_NOT_BEFORE = r"(?![0-9]|[.,/][0-9])"
_LEADING_ZERO = re.compile(rf"{_NOT_AFTER}(?:\(0[0-9]{{1,3}}\)\s*|0)[0-9]{{1,10}}(?:{_SEPARATOR}[0-9]{{1,4}}){{0,4}}")
_INTERNATIONAL = re.compile(
    rf"(?<![\w+])\+84{_SEPARATOR}?(?:\(0\)\s*)?[0-9]{{1,3}}(?:{_SEPARATOR}?[0-9]{{2,4}}){{1,3}}{_NOT_BEFORE}"
)
# "1900 1234", "1900.1234", "1800 599 920": 8 or 10 digits in all.
_HOTLINE = re.compile(
    rf"{_NOT_AFTER}1[89]00{_SEPARATOR}?[0-9]{{2,4}}(?:{_SEPARATOR}?[0-9]{{2}}|{_SEPARATOR}[0-9]{{3}})?{_NOT_BEFORE}"
)
_CUE = (
    r"(?:gọi(?:\s+điện)?(?:\s+(?:ngay|đến|tới|cho))?|điện\s+thoại|đt|sđt|hotline|đường\s+dây\s+nóng"
    r"|tổng\s+đài|số\s+máy|fax|liên\s+hệ|nhắn\s+tin(?:\s+đến)?)"
)
_AFTER_CUE = re.compile(
    rf"(?P<cue>(?i:\b{_CUE})(?:\s*(?:số|:|\(.{{1,20}}\)))*\s*)"
    rf"(?P<number>[0-9]{{3,}}(?:{_SEPARATOR}[0-9]{{2,4}}){{0,3}}){_NOT_BEFORE}"
)
# "hộp thư Thông tin điện nước – 8011035.", "Trực ban: 38221145": an unbroken 7-8 digit number set off by a dash or
# colon and ending its clause is a number to dial (an amount that long is grouped with dots, or names its unit).
_SET_OFF = re.compile(r"(?<=[:\-–] )(?:[1-9][0-9]{6,7})(?=\s*(?:$|[,.;!?)]))")
_EMERGENCY = re.compile(rf"{_NOT_AFTER}\b11[1-5]\b{_NOT_BEFORE}")
# Near enough: "gọi 113", and "điện thoại 0203 3812 345 hoặc 113" once that number is words.
_CUE_NEARBY = re.compile(rf"(?i:\b{_CUE})\b[^.;!?]{{0,100}}$")
# "cấp cứu 115; công an 113": the service names its own number ("đội cứu hộ 115 người" is a count).
_PAUSE_AFTER = re.compile(r"\s*(?:$|[,.;:!?)]|(?:hoặc|và|để|khi|ngay)\b)")
_SERVICE_BEFORE = re.compile(
    r"(?i:\b(?:cấp\s+cứu|công\s+an|cảnh\s+sát|cứu\s+hỏa|chữa\s+cháy|cứu\s+nạn|cứu\s+hộ))\s*:?\s*$"
)


def _groups(number: str) -> list[str]:
    groups = re.findall(r"[0-9]+", number)
    if len(groups) == 1 and len(groups[0]) >= 8:
        digits = groups[0]
        # Unbroken numbers are said in the usual groups: 0912 345 678, 912 345 678, 1900 1234.
        if digits.startswith("0"):
            cuts = [4, 7]
        elif len(digits) == 9:
            cuts = [3, 6]
        else:
            cuts = [4, 8]
        groups = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, None], strict=True) if digits[a:b]]
    return groups


def read_phone(number: str) -> str:
    prefix = ""
    if number.startswith("+84"):
        # "+84 (0) 912...": the bracketed trunk zero is not dialled from abroad.
        prefix, number = "cộng tám bốn, ", number[3:].replace("(0)", "")
    return f" {prefix}" + ", ".join(read_digits(group) for group in _groups(number)) + ", "


def _leading_zero(match: re.Match[str]) -> str:
    """Keep only the leading groups that add up to a real phone number (10-11 digits)."""
    found = match.group(0)
    count = 0
    for group in re.finditer(r"[0-9]+", found):
        count += len(group.group(0))
        if count in (10, 11) and not re.match(r"[0-9]", found[group.end() :]):
            return read_phone(found[: group.end()]) + found[group.end() :]
        if count > 11:
            break
    return found


def read_phone_numbers(text: str) -> str:
    text = _INTERNATIONAL.sub(lambda match: read_phone(match.group(0)), text)
    text = _LEADING_ZERO.sub(_leading_zero, text)
    text = _HOTLINE.sub(lambda match: read_phone(match.group(0)), text)
    text = _AFTER_CUE.sub(lambda match: match.group("cue") + read_phone(match.group("number")), text)
    text = _SET_OFF.sub(lambda match: read_phone(match.group(0)), text)

    def emergency(match: re.Match[str]) -> str:
        before = match.string[max(0, match.start() - 120) : match.start()]
        if _CUE_NEARBY.search(before) or (
            _SERVICE_BEFORE.search(before) and _PAUSE_AFTER.match(match.string, match.end())
        ):
            return read_phone(match.group(0))
        return match.group(0)

    return _EMERGENCY.sub(emergency, text)
