"""Vietnamese number words: integers, digit strings, decimals, ordinals, days and months.

Spelling follows northern broadcast usage: "nghìn" (not "ngàn"), "lẻ" (not "linh"),
"mốt"/"tư"/"lăm" after "mươi", "mười" for 10-19 and "mươi" for 20-90.
"""

from __future__ import annotations

DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_SCALES = ("", "nghìn", "triệu")
# Beyond this many digits a value is an identifier, not a quantity: read it digit by digit.
MAX_QUANTITY_DIGITS = 15


def _read_units_after_tens(tens: int, units: int) -> list[str]:
    if units == 0:
        return []
    if units == 5:
        return ["lăm"]
    if tens >= 2 and units == 1:
        return ["mốt"]
    if tens >= 2 and units == 4:
        return ["tư"]
    return [DIGIT_WORDS[units]]


def _read_triple(value: int, full: bool) -> list[str]:
    """Read 0-999; `full` reads "không trăm"/"lẻ" as needed inside a larger number."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words += ["lẻ", DIGIT_WORDS[units]]
        elif units:
            words.append(DIGIT_WORDS[units])
    elif tens == 1:
        words.append("mười")
        words += _read_units_after_tens(1, units)
    else:
        words += [DIGIT_WORDS[tens], "mươi"]
        words += _read_units_after_tens(tens, units)
    return words


def _scale_words(index: int) -> list[str]:
    # Vietnamese repeats "tỷ" for larger scales: 10^12 is "nghìn tỷ", 10^18 "tỷ tỷ".
    words = [_SCALES[index % 3]] if index % 3 else []
    return words + ["tỷ"] * (index // 3)


def read_int(value: int) -> str:
    """Read a non-negative integer: 1005 -> "một nghìn không trăm lẻ năm"."""
    if value < 0:
        return "âm " + read_int(-value)
    if value == 0:
        return DIGIT_WORDS[0]
    groups: list[int] = []
    while value:
        groups.append(value % 1000)
        value //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _read_triple(group, full=bool(words))
        words += _scale_words(index)
    return " ".join(words)


def read_digits(digits: str) -> str:
    """Read each digit on its own: "0912" -> "không chín một hai"."""
    return " ".join(DIGIT_WORDS[int(ch)] for ch in digits if ch.isdigit())


def read_integer_text(digits: str) -> str:
    """Read a digit string as a quantity, or digit by digit when it is really a code.

    "05" is five, but "0123" (a code with a significant leading zero) and overly long strings
    are read digit by digit.
    """
    digits = digits.strip()
    if len(digits) > MAX_QUANTITY_DIGITS or (len(digits) > 2 and digits.startswith("0")):
        return read_digits(digits)
    return read_int(int(digits))


def read_fraction(digits: str) -> str:
    """Read the part after a decimal comma: "5" -> "năm", "05" -> "không năm", "25" -> "hai mươi lăm"."""
    stripped = digits.lstrip("0")
    zeros = [DIGIT_WORDS[0]] * (len(digits) - len(stripped))
    if not stripped:
        return " ".join(zeros)
    if len(stripped) > 3:
        return " ".join([*zeros, read_digits(stripped)])
    return " ".join([*zeros, read_int(int(stripped))])


def read_decimal(integer: str, fraction: str) -> str:
    """15,5 -> "mười lăm phẩy năm"."""
    return f"{read_integer_text(integer)} phẩy {read_fraction(fraction)}"


def read_ordinal(value: int) -> str:
    """The word after "thứ": 1 -> "nhất", 4 -> "tư", otherwise the cardinal."""
    if value == 1:
        return "nhất"
    if value == 4:
        return "tư"
    return read_int(value)


def read_month(value: int) -> str:
    """The word after "tháng": 4 -> "tư" (tháng tư), 1 -> "một"."""
    return "tư" if value == 4 else read_int(value)


def read_day(value: int) -> str:
    """The day of a month: days 1-10 take "mùng" (mùng một ... mùng mười)."""
    return f"mùng {read_int(value)}" if value <= 10 else read_int(value)
