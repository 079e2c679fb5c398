"""Clock times: "7h30", "07:30:00", "20-22h", "19h/25", "7 giờ 30", "lúc 07.30" (split from dates_times).

7h30 -> "bảy giờ ba mươi phút", 17h and 11h00 -> "mười bảy giờ", "mười một giờ"; 7h30 - 11h00 -> "... đến ...";
"08 giờ 00 phút" -> "tám giờ"; "7 giờ 30 ngày" -> "bảy giờ ba mươi phút ngày"; past 24, "48h" and
"24-72h" are numbers of hours ("bốn mươi tám giờ").
"""

from __future__ import annotations

import re

from tts.normalize.numbers import read_day, read_int

_END = r"(?![0-9]|[/.,:][0-9])"


# "08 giờ 00 phút", "14 giờ 00 ngày": no minutes are not read; "7 giờ 30 ngày" says its "phút".
_ZERO_MINUTES = re.compile(r"(?<=[0-9])(?P<hour>\s*giờ)\s+00(?:\s*phút\b)?(?![0-9])")
_BARE_MINUTES = re.compile(r"(?<=[0-9])(?P<hour>\s*giờ\s+[0-5][0-9])(?![0-9]|[.,/-][0-9]|\s*(?:phút|p)\b)")
# "16h 45": the minutes set apart by a space.
_SPACED_MINUTES = re.compile(
    r"(?<![0-9.,:])(?P<h>[0-9]{1,2})[hH]\s(?P<m>[0-5][0-9])(?![0-9]|[.,/-][0-9]|\s*(?:phút|p)\b)"
)
# "lúc 07.30", "07.30 phút": a time written with a dot.
_DOT_TIME = re.compile(r"(?<![0-9.,])(?P<h>[0-9]{1,2})\.(?P<m>[0-5][0-9])(?![0-9]|[.,][0-9])")
_AFTER_LUC = re.compile(r"\b(?i:lúc)\s$")
_BEFORE_PHUT = re.compile(r"\s*phút\b")


def _dot_time(match: re.Match[str]) -> str:
    hour, minute = int(match["h"]), int(match["m"])
    if hour > 24:
        return match.group(0)
    if _BEFORE_PHUT.match(match.string, match.end()):
        return f"{hour} giờ {minute}"
    if not _AFTER_LUC.search(match.string[max(0, match.start() - 5) : match.start()]):
        return match.group(0)
    return f"{hour} giờ {minute} phút" if minute else f"{hour} giờ"



# "từ 19h/25 đến 07h/26" in rainfall bulletins: an hour of a given day.
_HOUR_OF_DAY = re.compile(r"(?<![0-9.,:/])(?P<h>[0-9]{1,2})[hH](?P<mi>[0-9]{2})?/(?P<d>[0-9]{1,2})(?![0-9]|[/.,][0-9])")


def _hour_of_day(match: re.Match[str]) -> str:
    hour, minute, day = int(match["h"]), int(match["mi"] or 0), match["d"]
    if hour == 24 and not minute:
        # "trực 24h/24", "24h/7": round the clock.
        return f"hai mươi tư giờ trên {read_int(int(day))}"
    if hour > 23 or minute > 59 or not 1 <= int(day) <= 31:
        return match.group(0)
    minutes = f" {read_int(minute)} phút" if minute else ""
    return f"{read_int(hour)} giờ{minutes} ngày {read_day(int(day))}"



def _time_regex(suffix: str) -> str:
    hour, minute, second = f"h{suffix}", f"mi{suffix}", f"s{suffix}"
    with_letter = rf"(?P<{hour}a>[0-9]{{1,2}})(?:[hH]|g(?=[0-9]))(?P<{minute}a>[0-9]{{2}})?(?:'|ph\b|p\b|\s?phút\b)?"
    with_colon = rf"(?P<{hour}b>[0-9]{{1,2}}):(?P<{minute}b>[0-9]{{2}})(?::(?P<{second}>[0-9]{{2}}))?"
    return rf"(?:{with_letter}|{with_colon})(?![^\W\d_])"


# A time may follow a slash: "24/24h".
_TIME = re.compile(rf"(?<![0-9.,:]){_time_regex('1')}(?:\s*-\s*{_time_regex('2')})?{_END}")


# "20-22h", "từ 7-11h": the first hour of a span may lack its "h".
_HOUR_SPAN = re.compile(r"(?<![0-9.,:/])(?P<a>[0-9]{1,2})\s*[-–]\s*(?P<b>[0-9]{1,2})[hH](?![^\W\d_]|[0-9])")


def _hour_span(match: re.Match[str]) -> str:
    first, second = int(match["a"]), int(match["b"])
    # "24-72h tới" past the clock's 24 is a span of hours, said the same way.
    if not first < second <= 120:
        return match.group(0)
    return f"{read_int(first)} đến {read_int(second)} giờ"


def _time_words(match: re.Match[str], suffix: str) -> str | None:
    hour = match.group(f"h{suffix}a") or match.group(f"h{suffix}b")
    minute = match.group(f"mi{suffix}a") or match.group(f"mi{suffix}b")
    second = match.group(f"s{suffix}")
    if 24 < int(hour) <= 120 and match.group(f"h{suffix}a") and not minute:
        # "48h", "72h tới": a number of hours, not a time of day.
        return f"{read_int(int(hour))} giờ"
    if int(hour) > 24 or (minute and int(minute) > 59) or (second and int(second) > 59):
        return None
    words = [read_int(int(hour)), "giờ"]
    if minute and (int(minute) or second):
        words += [read_int(int(minute)), "phút"]
    if second and int(second):
        words += [read_int(int(second)), "giây"]
    return " ".join(words)


def _time(match: re.Match[str]) -> str:
    first = _time_words(match, "1")
    has_second = match.group("h2a") or match.group("h2b")
    second = _time_words(match, "2") if has_second else ""
    if first is None or second is None:
        return match.group(0)
    return f"{first} đến {second}" if second else first


# "lúc 14g", "từ 7g đến 11g": an hour written with "g" (giờ), as southern papers do; "14g đường" is grams.
_HOUR_G = re.compile(r"(?<![0-9.,])(?P<h>[0-9]{1,2})g\b")
_HOUR_G_LEAD = re.compile(r"\b(?i:lúc|từ|đến|vào)\s+$")


def _hour_g(match: re.Match[str]) -> str:
    lead = _HOUR_G_LEAD.search(match.string[max(0, match.start() - 5) : match.start()])
    return f"{match['h']} giờ" if lead and int(match["h"]) <= 24 else match.group(0)


# "từ 24 đến 26-3", "từ 5 đến 7/10": a span of days that names its month once; the first day is a day too
# ("từ ngày hai mươi tư đến ngày hai mươi sáu tháng ba"), so "ngày" is written in for the date rules.
# Only before a pause, a name or a linking word: "từ 2 đến 3-4 lần" is a count.
_BARE_DAY_SPAN = re.compile(
    r"\b(?P<lead>(?i:từ))\s+(?=(?P<d1>[0-9]{1,2})\s*(?:đến|tới)\s+(?:hết\s+)?(?P<d2>[0-9]{1,2})(?P<sep>[-/])"
    r"(?P<m>[0-9]{1,2})(?:(?P=sep)[0-9]{4})?(?![0-9]|[/.,-][0-9])"
    r"\s*(?:$|[,.;:!?()]|[A-ZĐ]|(?:tại|và|của|trên|tới|để|sẽ|đã|các|theo|với|ở|nhằm|tức|âm|dương)\b))"
)

# "từ 8 đến 10/2025": a span of months that names its year once ("từ tháng tám đến tháng mười năm ...").
_BARE_MONTH_SPAN = re.compile(
    r"\b(?P<lead>(?i:từ))\s+(?=(?P<m1>[0-9]{1,2})\s*(?:đến|tới)\s+(?:hết\s+)?(?P<m2>[0-9]{1,2})/[0-9]{4}(?![0-9]|[/.,-][0-9]))"
)


def mark_bare_day_spans(text: str) -> str:
    def mark(match: re.Match[str]) -> str:
        first, last, month = int(match["d1"]), int(match["d2"]), int(match["m"])
        return f"{match['lead']} ngày " if 1 <= first < last <= 31 and 1 <= month <= 12 else match[0]

    def mark_months(match: re.Match[str]) -> str:
        return f"{match['lead']} tháng " if 1 <= int(match["m1"]) < int(match["m2"]) <= 12 else match[0]

    return _BARE_MONTH_SPAN.sub(mark_months, _BARE_DAY_SPAN.sub(mark, text))


def read_written_minutes(text: str) -> str:
    """Hours and minutes written with words or a dot, read before dates take the digits."""
    text = _HOUR_G.sub(_hour_g, text)
    if "giờ" in text:
        text = _ZERO_MINUTES.sub(lambda m: m["hour"], text)
        text = _BARE_MINUTES.sub(lambda m: m["hour"] + " phút", text)
    if "h " in text or "H " in text:
        text = _SPACED_MINUTES.sub(r"\g<h>h\g<m>", text)
    return _DOT_TIME.sub(_dot_time, text) if "." in text else text


def read_hours_of_day(text: str) -> str:
    return _HOUR_OF_DAY.sub(_hour_of_day, text)


def read_clock_times(text: str) -> str:
    text = _HOUR_SPAN.sub(_hour_span, text)
    return _TIME.sub(_time, text)
