"""Dates, times and their ranges.

21/3/2023 -> "ngày hai mươi mốt tháng ba năm hai nghìn không trăm hai mươi ba" ("ngày" is added only when the text
has not just said it); days 1-10 take "mùng"; month 4 is "tư"; 4/2024 -> "tháng tư năm ...", after "quý" -> "quý một
năm ..."; 20-25/11 -> "từ ngày hai mươi đến ngày hai mươi lăm tháng mười một" (just "hai mươi đến hai mươi lăm tháng
mười một" after "ngày"); 7h30 -> "bảy giờ ba mươi phút", 17h and 11h00 -> "mười bảy giờ", "mười một giờ".
A d/m after an address word ("số nhà 12/3") is read "mười hai trên ba", and before "số"/"diện tích" as a fraction.
"""

from __future__ import annotations

import re

from tts.normalize.clock_times import mark_bare_day_spans, read_clock_times, read_hours_of_day, read_written_minutes
from tts.normalize.numbers import read_day, read_int, read_month

_START = r"(?<![0-9/.,:])"
_END = r"(?![0-9]|[/.,:][0-9])"
_DAY = r"[0-9]{1,2}"
_YEAR = r"[0-9]{4}"


def _ends_with(before: str, *words: str) -> bool:
    return bool(re.search(rf"\b(?:{'|'.join(words)})\s*$", before, re.IGNORECASE))


def _before(match: re.Match[str]) -> str:
    """The few words before a match: enough for "ngày", "từ", "tháng" ... and cheap on long lines."""
    return match.string[max(0, match.start() - 100) : match.start()]


def _valid(day: str | None = None, month: str | None = None) -> bool:
    return (day is None or 1 <= int(day) <= 31) and (month is None or 1 <= int(month) <= 12)


def _date_words(day: str, month: str | None, year: str | None, after_mung: bool = False) -> str:
    words = [read_int(int(day)) if after_mung else read_day(int(day))]
    if month:
        words += ["tháng", read_month(int(month))]
    if year:
        words += ["năm", read_int(int(year))]
    return " ".join(words)


# "Ngày Giải phóng miền Nam 30/4", "Quốc khánh 2/9": a named day is followed by its bare date.
# The name may go on in lowercase ("Ngày hội đại đoàn kết toàn dân tộc 18/11"), but not a plain
# "Ngày mai", "Ngày thứ Bảy".
_NAMED_DAY = re.compile(
    r"(?:\bNgày\s+(?!(?i:mai|hôm|thứ|này|đó|mùng|mồng|trước|sau|đầu|cuối)\b)[^\W\d_]+(?:\s+[^\W\d_]+){0,6}"
    r"|\b(?i:quốc\s+khánh))\s*$"
)
# "trong các ngày từ 20/02 đến 23/02": the second date of a span opened by "ngày từ".
_SPAN_AFTER_DAYS = re.compile(
    r"\b(?i:ngày\s+từ)\s+(?:(?!(?i:ngày)\b)[^\s,;]+\s+){1,16}(?i:đến|tới)(?:\s+(?i:hết))?\s*$"
)


# "Ngày bầu cử được ấn định vào 15/3": a sentence that starts with "Ngày", not a day's name.
_NOT_IN_A_NAME = re.compile(r"\b(?:vào|là|được|sẽ|đã|đang|từ|đến|tới|lúc|diễn|kéo|bắt|tổ)\b", re.IGNORECASE)


# "ngày hôm nay (12/8)": "ngày" is already said ("hôm nay (12/8)" still takes it); so is a named
# day's before its bracket or colon ("Ngày Chuyển đổi số quốc gia (10/10)", "Ngày cập nhật: 28/11/2025").
_SAID_DAY = re.compile(r"\b(?i:ngày\s+(?:hôm\s+nay|hôm\s+qua|mai))\s*[(,]\s*$")
# "Ngày toàn dân đưa trẻ đến trường, khai giảng năm học mới (05/9)": a named day's date in brackets.
_NAMED_DAY_BRACKET = re.compile(r"\bNgày\s+[^\W\d_][^.;:()]*\(\s*$")
# "đường 23/8", "công viên 30/4": a place named after a date.
_NAMED_PLACE = re.compile(r"\b(?i:đường|phố|công\s+viên|quảng\s+trường|cầu|sân\s+vận\s+động)\s*$")
# "dịp Lễ 30/4 và 1/5": a holiday named by its date, and the dates listed with it.
_HOLIDAY = re.compile(r"\b(?:Lễ|Tết)\s*$")
_LISTED_AFTER_HOLIDAY = re.compile(
    r"\b(?:Lễ|Tết)\s+[0-9]{1,2}/[0-9]{1,2}(?:\s*(?:,|và)\s*[0-9]{1,2}/[0-9]{1,2})*\s*(?:,|và)\s*$"
)


def _with_day_prefix(before: str, words: str) -> str:
    if _SAID_DAY.search(before):
        return words
    if _NAMED_DAY_BRACKET.search(before[-120:]) or _NAMED_PLACE.search(before):
        return words
    before = re.sub(r"\s*[(:]\s*$", "", before)
    if _HOLIDAY.search(before) or _LISTED_AFTER_HOLIDAY.search(before):
        return words
    named = _NAMED_DAY.search(before)
    if named and _NOT_IN_A_NAME.search(named.group(0)):
        named = None
    if _ends_with(before, "ngày", "ngày từ") or named or _SPAN_AFTER_DAYS.search(before):
        return words
    return f"ngày {words}"


_DAY_LIST = re.compile(
    rf"(?P<lead>\b(?i:ngày)\s+)(?P<days>(?:{_DAY}\s*(?:,|và|;)\s*)+)"
    rf"(?P<d>{_DAY})/(?P<m>[0-9]{{1,2}})(?:/(?P<y>{_YEAR}))?{_END}"
)


def _day_list(match: re.Match[str]) -> str:
    days = re.findall(r"[0-9]+", match.group("days"))
    if not _valid(match.group("d"), match.group("m")) or not all(_valid(day) for day in days):
        return match.group(0)
    listed = re.sub(r"[0-9]+", lambda day: read_day(int(day.group(0))), match.group("days"))
    last = _date_words(match.group("d"), match.group("m"), match.group("y"))
    return f"{match.group('lead')}{listed}{last}"


_DATE_RANGE = re.compile(
    rf"{_START}(?P<d1>{_DAY})(?:/(?P<m1>[0-9]{{1,2}})(?:/(?P<y1>{_YEAR}))?)?\s*-\s*"
    rf"(?P<d2>{_DAY})/(?P<m2>[0-9]{{1,2}})(?:/(?P<y2>{_YEAR}))?{_END}"
)


def _date_range(match: re.Match[str]) -> str:
    d1, m1, y1, d2, m2, y2 = match.group("d1", "m1", "y1", "d2", "m2", "y2")
    if not (_valid(d1, m1) and _valid(d2, m2)):
        return match.group(0)
    first, second = _date_words(d1, m1, y1), _date_words(d2, m2, y2)
    before = _before(match)
    if _ends_with(before, "ngày", "sáng", "trưa", "chiều", "tối", "đêm"):
        # "ngày 20-25/11" shares one month; "ngày 08/9 - 12/9" names two dates, each a "ngày".
        return f"{first} đến {'ngày ' if m1 else ''}{second}"
    if _ends_with(before, "ngày từ"):
        return f"{first} đến {second}"
    prefix = "" if _ends_with(before, "từ") else "từ "
    return f"{prefix}ngày {first} đến ngày {second}"


_FULL_DATE = re.compile(rf"{_START}(?P<d>{_DAY})(?P<sep>[/.-])(?P<m>[0-9]{{1,2}})(?P=sep)(?P<y>{_YEAR}){_END}")
_DAY_MONTH = re.compile(rf"{_START}(?P<d>{_DAY})/(?P<m>[0-9]{{1,2}}){_END}")
# "số nhà 12/3", "ngõ 25/7": an address, read "mười hai trên ba", not a date.
_ADDRESS_WORDS = ("số", "số nhà", "SN", "nhà", "ngõ", "ngách", "hẻm", "kiệt", "lô", "phòng", "căn hộ")
# "1/2 số hộ", "2/3 diện tích": a fraction of something, not a date.
_FRACTION_OF = re.compile(r"\s+(?:số|tổng|diện tích|dân số|lượng|khối lượng|kinh phí)\b", re.IGNORECASE)
# "có 05/07 xã đạt chuẩn": so many of so many units, not the 5th of July.
_COUNT_OF = re.compile(
    r"\s+(?:xã|phường|thị trấn|huyện|tỉnh|ấp|khóm|thôn|bản|tổ|khu phố|khu dân cư|hộ|người|tiêu chí|chỉ tiêu|"
    r"trường|đơn vị|cơ quan|học sinh|trường hợp|hồ sơ|thủ tục|doanh nghiệp|hợp tác xã|dự án|công trình|tàu|đội|"
    r"nhóm|chi bộ|chi hội|chi đoàn|đảng bộ|đảng viên|hội viên|đoàn viên|thành viên|mẫu|thuyền viên|ngư dân|lao động)\b"
)


def _counted_after(match: re.Match[str]) -> re.Match[str] | None:  # also in a heading: "11/11 CHI BỘ"
    following = match.string[match.end() : match.end() + 40]
    word = following.split(maxsplit=1)[:1]
    return _COUNT_OF.match(following.lower() if word and word[0].isupper() else following)


def _date(match: re.Match[str]) -> str:
    day, month = match.group("d"), match.group("m")
    year = match.groupdict().get("y")
    if not _valid(day, month):
        return match.group(0)
    before = _before(match)
    if not year and _ends_with(before, *_ADDRESS_WORDS):
        return f"{read_int(int(day))} trên {read_int(int(month))}"
    if not year and not _ends_with(before, "ngày") and _FRACTION_OF.match(match.string, match.end()):
        return f"{read_int(int(day))} phần {read_int(int(month))}"
    counted = not year and _counted_after(match) and int(day) <= int(month)
    if counted and not _ends_with(before, *_DATE_CUES):
        return f"{read_int(int(day))} trên {read_int(int(month))}"
    if _ends_with(before, "mùng", "mồng"):
        return _date_words(day, month, year, after_mung=True)
    return _with_day_prefix(before, _date_words(day, month, year))


# "ngày 12-8", "chiều 23-5": a date written with a dash. Only before a pause, a name or a linking
# word: "ngày 2-3 lần", "sáng 7-8 giờ" are counts, and a span of days names its month after it.
_DASH_DATE_END = (
    r"(?![0-9]|[/.,-][0-9])(?=\s*(?:$|[,.;:!?()\]]|[A-ZĐ]|(?:tại|và|đến|tới|của|vừa|qua|về|ở|lúc|hoặc|cho|với"
    r"|để|sẽ|đã|có|trước|sau|các|này|theo|trên|dưới|âm|dương|tức|nhằm)\b))"
)
_DASH_DATE = re.compile(
    r"\b(?P<lead>(?i:ngày|sáng|trưa|chiều|tối|đêm|giờ)\s+)(?P<d>[0-9]{1,2})-(?P<m>[0-9]{1,2})" + _DASH_DATE_END
)
# "ngày 7 và 8-12", "từ ngày 17 đến 23-11", "ngày 8 đến 18-10-2025": the days before share the month.
_DASH_DATE_AFTER_DAYS = re.compile(
    r"\b(?P<lead>(?i:ngày),?\s+)(?P<days>[0-9]{1,2}(?:\s*(?:,|và)\s*[0-9]{1,2})*)\s*(?P<link>,|và|đến|tới)\s*"
    r"(?P<d>[0-9]{1,2})-(?P<m>[0-9]{1,2})(?:-(?P<y>[0-9]{4}))?" + _DASH_DATE_END
)
# "ngày 17-8 đến 27-8 âm lịch": the end of a span whose start is already read.
_DASH_DATE_ENDING_SPAN = re.compile(
    r"(?P<lead>\btháng\s+(?:mười\s+một|mười\s+hai|một|hai|ba|tư|năm|sáu|bảy|tám|chín|mười|giêng|chạp)"
    r"\s+(?:đến|tới)\s+)(?P<d>[0-9]{1,2})-(?P<m>[0-9]{1,2})" + _DASH_DATE_END
)


# "từ 17-10 đến 18-11", "từ 22-3 đến tháng 8-2026": a span (one dash date alone may be a count, "từ 2-3 ngày").
_DASH_DATE_SPAN = re.compile(
    r"\b(?P<lead>(?i:từ)\s+)(?P<d1>[0-9]{1,2})-(?P<m1>[0-9]{1,2})\s+(?P<link>đến|tới)\s+"
    r"(?:(?P<d2>[0-9]{1,2})-(?P<m2>[0-9]{1,2})" + _DASH_DATE_END
    + r"|(?=(?:hết\s)?(?i:tháng)\s(?:[0-9]{1,2}[-/.][0-9]{4}|\S+(?:\s\S+)?\snăm\s)))"
)
# "từ tháng 12/2026 - 01/2027": a span of months.
_MONTH_YEAR_SPAN = re.compile(
    rf"(?P<first>\b(?i:tháng)\s+[0-9]{{1,2}}/{_YEAR})\s*[-–]\s*(?=[0-9]{{1,2}}/{_YEAR}{_END})"
)


def _dash_date_span(match: re.Match[str]) -> str:
    d1, m1, d2, m2 = match.group("d1", "m1", "d2", "m2")
    if d2 is None:
        return f"{match['lead']}ngày {_date_words(d1, m1, None)} {match['link']} " if _valid(d1, m1) else match[0]
    if not (_valid(d1, m1) and _valid(d2, m2)):
        return match.group(0)
    first, second = _date_words(d1, m1, None), _date_words(d2, m2, None)
    return f"{match['lead']}ngày {first} {match['link']} ngày {second}"


def _dash_date_after_days(match: re.Match[str]) -> str:
    days = re.findall(r"[0-9]+", match["days"])
    if not (_valid(match["d"], match["m"]) and all(_valid(day) for day in days)):
        return match.group(0)
    listed = re.sub(r"[0-9]+", lambda day: read_day(int(day.group(0))), match["days"])
    link = "," if match["link"] == "," else f" {match['link']}"
    # "từ ngày 2 đến 5-3": the end of a span is a day of its own ("đến ngày mùng năm tháng ba").
    day = " ngày" if match["link"] in ("đến", "tới") else ""
    return f"{match['lead']}{listed}{link}{day} {_date_words(match['d'], match['m'], match['y'])}"


def _dash_date_ending_span(match: re.Match[str]) -> str:
    if not _valid(match["d"], match["m"]):
        return match.group(0)
    return match["lead"] + _date_words(match["d"], match["m"], None)


def _dash_date(match: re.Match[str]) -> str:
    day, month = match.group("d", "m")
    if not _valid(day, month):
        return match.group(0)
    return match["lead"] + _with_day_prefix(match["lead"], _date_words(day, month, None))


# "trực 24/7" is round the clock, unless a date word comes before it ("từ 24/7", "ngày 24/7").
_ROUND_THE_CLOCK = re.compile(r"(?<![0-9/.,])24/7(?![0-9]|/[0-9])")
_DATE_CUES = ("ngày", "từ", "đến", "tới", "trước", "sau", "hết", "vào", "hôm", "mùng", "nay", "lúc", "sáng",
              "trưa", "chiều", "tối", "đêm")


def _round_the_clock(match: re.Match[str]) -> str:
    return match.group(0) if _ends_with(_before(match), *_DATE_CUES) else "hai mươi tư trên bảy"


# "Nghị định 200/2025", "Công văn số 5/2025": a document's number and year, not a month.
_NUMBERED_IN_YEAR = re.compile(
    r"(?P<lead>\b(?i:nghị\s+định|quyết\s+định|thông\s+tư|chỉ\s+thị|nghị\s+quyết|luật|công\s+văn|kế\s+hoạch"
    r"|thông\s+báo|công\s+điện|hướng\s+dẫn|văn\s+bản|số)\s+(?:(?i:số)\s+)?)"
    rf"(?P<n>[0-9]{{1,4}})/(?P<y>{_YEAR})(?![0-9]|[/.,-]?[^\W_])"
)
_COUNTED_IN_YEAR = ("đợt", "kỳ", "lần", "phiên", "tuần", "khóa", "lứa")
_MONTH_YEAR = re.compile(rf"{_START}(?P<m>[0-9]{{1,2}})/(?P<y>{_YEAR}){_END}")


def _month_year(match: re.Match[str]) -> str:
    month, year = int(match.group("m")), int(match.group("y"))
    before = _before(match)
    if _ends_with(before, "quý") and 1 <= month <= 4:
        return f"{read_int(month)} năm {read_int(year)}"
    if _ends_with(before, *_COUNTED_IN_YEAR):
        # "đợt 2/2025", "kỳ 1/2026": the second batch of the year, not February.
        return f"{read_int(month)} năm {read_int(year)}"
    if not 1 <= month <= 12:
        return match.group(0)
    words = f"{read_month(month)} năm {read_int(year)}"
    return words if _ends_with(before, "tháng") else f"tháng {words}"


_DAY_OF_MONTH = re.compile(r"\b(?P<lead>(?i:ngày)\s+)(?P<d>[0-9]{1,2})(?=\s+(?i:tháng)\s+[0-9])")
# "ngày 5-6 tháng 9": each day of the span takes "mùng" when it is 1-10.
_DAYS_OF_MONTH = re.compile(
    r"\b(?P<lead>(?i:ngày)\s+)(?P<d1>[0-9]{1,2})\s*[-–]\s*(?P<d2>[0-9]{1,2})(?=\s+(?i:tháng)\s+[0-9])"
)


def _days_of_month(match: re.Match[str]) -> str:
    d1, d2 = match.group("d1", "d2")
    if not (_valid(d1) and _valid(d2)):
        return match.group(0)
    return f"{match['lead']}{read_day(int(d1))} đến {read_day(int(d2))}"

# Bare days named after "ngày": "các ngày 5 và 6 hàng tháng", "từ ngày 03 đến hết 05/3".
_MONTHLY_DAYS = re.compile(
    r"\b(?P<lead>(?i:ngày)\s+)(?P<days>[0-9]{1,2}(?:\s*(?:,|và|hoặc)\s*[0-9]{1,2})*)(?=\s+(?i:hàng|hằng|mỗi)\s+tháng\b)"
)
_DAY_BEFORE_SPAN = re.compile(
    r"\b(?P<lead>(?i:ngày)\s+)(?P<days>[0-9]{1,2})(?=\s+(?:đến|tới)\s+(?:hết\s+)?(?:(?:ngày\s+)?[0-9]{1,2}/|ngày\s+[0-9]{1,2}-)[0-9]{1,2})"
)


def _bare_days(match: re.Match[str]) -> str:
    days = re.findall(r"[0-9]+", match.group("days"))
    if not all(_valid(day) for day in days):
        return match.group(0)
    return match.group("lead") + re.sub(r"[0-9]+", lambda day: read_day(int(day.group(0))), match.group("days"))


_MONTH = re.compile(r"\b(?P<lead>(?i:tháng)\s+)(?P<m>[0-9]{1,2})(?![0-9]|[/.,][0-9])")


# "tháng 7-8/2025" is a span of months: "tháng bảy đến tháng tám năm ...".
_MONTH_RANGE = re.compile(
    rf"\b(?P<lead>(?i:tháng)\s+)(?P<m1>[0-9]{{1,2}})\s*-\s*(?P<m2>[0-9]{{1,2}})(?:/(?P<y>{_YEAR}))?{_END}"
)


def _month_range(match: re.Match[str]) -> str:
    m1, m2, year = match.group("m1", "m2", "y")
    if not (_valid(month=m1) and _valid(month=m2)):
        return match.group(0)
    words = f"{match.group('lead')}{read_month(int(m1))} đến tháng {read_month(int(m2))}"
    return f"{words} năm {read_int(int(year))}" if year else words


# "(18.11)" after a named day, "tối 4.11", "tháng 1.2022", "tháng 8-2021": dates written with a dot or dash.
_DOT_DATE = re.compile(r"(?<![0-9.,])(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})(?![0-9]|[.,][0-9])")
# "từ ngày 21 - 23.5": a span of days in a month written with a dot.
_DOT_DATE_SPAN = re.compile(
    r"\b(?P<lead>(?i:ngày)\s+)(?P<d1>[0-9]{1,2})\s*[-–]\s*(?P<d2>[0-9]{1,2})\.(?P<m>[0-9]{1,2})(?![0-9]|[.,][0-9])"
)
_DOT_DATES_SPAN = re.compile(r"(?<![0-9.,])(\d\d?)\.(\d\d?)\s*[-–]\s*(\d\d?)\.(\d\d?)(?![0-9]|[.,][0-9])")
_DOT_DATE_LEAD = re.compile(r"(?P<lead>\b(?i:ngày|sáng|trưa|chiều|tối|đêm|hôm\s+nay)\s+|\()$")
_DOT_MONTH_YEAR = re.compile(rf"\b(?P<lead>(?i:tháng)\s+)(?P<m>[0-9]{{1,2}})[.-](?P<y>{_YEAR}){_END}")


def _dot_date(match: re.Match[str]) -> str:
    day, month = match["d"], match["m"]
    before = _before(match)
    lead = _DOT_DATE_LEAD.search(before)
    if not lead or not _valid(day, month):
        return match.group(0)
    if lead["lead"] == "(":
        # Only a bracket that closes right after, following a named day: "Ngày ... (18.11)".
        closed = match.string.startswith(")", match.end())
        if not closed or not re.search(r"\bNgày\s+[^\W\d_]", before[-120:]):
            return match.group(0)
        return _date_words(day, month, None)
    return _with_day_prefix(before, _date_words(day, month, None))


# "tháng 9 AL", "15/8 AL": the lunar calendar.
_LUNAR = re.compile(r"(?P<lead>\b(?i:tháng)\s+[0-9]{1,2}|(?<![0-9/])[0-9]{1,2}/[0-9]{1,2})\s+(?:AL|ÂL|âl)\b")


# Cheap tests that let a line without a dotted or dashed number skip those passes.
_DOT_BETWEEN_DIGITS = re.compile(r"[0-9][.-][0-9]")
_DASH_AFTER_DIGIT = re.compile(r"[0-9]\s*[-–]")


def _read_dot_dates(text: str) -> str:  # "từ 12.3-30.4" is two dates for the range pass ("Mục 2.1 - 2.3" is not)
    valid = lambda m: _valid(m[1], m[2]) and _valid(m[3], m[4]) and _ends_with(_before(m), "ngày", "từ")  # noqa: E731
    text = _DOT_DATES_SPAN.sub(lambda m: f"{m[1]}/{m[2]} - {m[3]}/{m[4]}" if valid(m) else m[0], text)
    text = _DOT_DATE_SPAN.sub(
        lambda m: f"{m['lead']}{read_day(int(m['d1']))} đến {_date_words(m['d2'], m['m'], None)}"
        if _valid(m["d1"], m["m"]) and _valid(m["d2"])
        else m.group(0),
        text,
    )
    text = _DOT_DATE.sub(_dot_date, text)
    return _DOT_MONTH_YEAR.sub(
        lambda m: f"{m['lead']}{read_month(int(m['m']))} năm {read_int(int(m['y']))}"
        if _valid(month=m["m"])
        else m.group(0),
        text,
    )


def read_dates_and_times(text: str) -> str:
    if "AL" in text or "ÂL" in text or "âl" in text:
        text = _LUNAR.sub(r"\g<lead> âm lịch", text)
    text = mark_bare_day_spans(read_written_minutes(text))
    if _DOT_BETWEEN_DIGITS.search(text):
        text = _read_dot_dates(text)
    dashed = _DASH_AFTER_DIGIT.search(text)
    if dashed:
        text = _DASH_DATE_SPAN.sub(_dash_date_span, text)
        text = _MONTH_YEAR_SPAN.sub(r"\g<first> đến ", text)
    text = _MONTHLY_DAYS.sub(_bare_days, text)
    text = _DAY_BEFORE_SPAN.sub(_bare_days, text)
    text = _MONTH_RANGE.sub(_month_range, text)
    if dashed:
        text = _DASH_DATE_AFTER_DAYS.sub(_dash_date_after_days, text)
        text = _DASH_DATE.sub(_dash_date, text)
        text = _DASH_DATE_ENDING_SPAN.sub(_dash_date_ending_span, text)
    text = read_hours_of_day(text)
    text = _ROUND_THE_CLOCK.sub(_round_the_clock, text)
    text = _DAY_LIST.sub(_day_list, text)
    text = _DATE_RANGE.sub(_date_range, text)
    text = _FULL_DATE.sub(_date, text)
    text = _NUMBERED_IN_YEAR.sub(lambda m: f"{m['lead']}{read_int(int(m['n']))} năm {read_int(int(m['y']))}", text)
    text = _MONTH_YEAR.sub(_month_year, text)
    text = _DAY_MONTH.sub(_date, text)
    text = read_clock_times(text)
    text = _DAYS_OF_MONTH.sub(_days_of_month, text)
    text = _DAY_OF_MONTH.sub(
        lambda m: m.group("lead") + read_day(int(m.group("d"))) if _valid(m.group("d")) else m.group(0), text
    )
    return _MONTH.sub(
        lambda m: m.group("lead") + read_month(int(m.group("m"))) if _valid(month=m.group("m")) else m.group(0),
        text,
    )
