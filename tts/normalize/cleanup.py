"""First and last passes: make input safe to parse, and leave only speakable text behind."""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

from tts.normalize.abbreviations import default_table, spell_letters
from tts.normalize.tone_marks import is_syllable

_TRANSLATION = str.maketrans(
    {
        "\u2013": "-", "\u2014": " - ", "\u2012": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
        # Quotes become spaces: a closing one is often typed against the next word ("mới”năm").
        "\u201c": " ", "\u201d": " ", "\u201e": " ", "\u00ab": " ", "\u00bb": " ", '"': " ",
        "\u2018": "", "\u2019": "", "`": "", "\u00b4": "",
        "\u2026": "...", "\u00b2": "2", "\u00b3": "3", "\u00b9": "1", "\u20ab": "đ", "\u2116": "số ",
        "\u00ba": "°", "\u2044": "/", "\u2215": "/", "\u2192": " => ", "\u21d2": " => ", "\u00d7": " x ", "\t": " ",
    }
)  # fmt: skip
# What a voice cannot say: control and format characters (zero-width joiners too), private and
# unassigned code points, emoji and other pictographs, stray combining marks left after NFC
# (variation selectors, skin tones) and number-like symbols such as "½" or "Ⅳ".
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "So", "Sk", "Mn", "Me", "No", "Nl"})
_KEPT_SYMBOLS = frozenset("°")
# A list number "2) Yêu cầu" is read ("hai, yêu cầu") like "2." and "(2)"; bullets are not.
_LINE_BULLET = re.compile(r"^\s*[-+*>#]+\s+")
# "1- Nói, làm trái ...", "I- MỤC TIÊU", "III/ KINH PHÍ": a dash or slash after a heading number reads
# like "1." and "I." ("1/2 số hộ" keeps its slash: no space follows it).
# "1.1- Về kinh tế" and "B- NHIỆM VỤ" too: a numbered part, a capital letter (said by its name like "A.").
_DASHED_HEADING = re.compile(r"^(\s*(?:[0-9]{1,2}(?:\.[0-9]{1,2}){0,3}|[IVX]{1,4}))\s*(?:-\s*|/\s+)(?=[^\W\d_])")
_DASHED_LETTER_HEADING = re.compile(r"^\s*([A-HK-UWYĐ])-\s*(?=[^\W\d_])")
# "a. Đối với hộ gia đình": a list letter opening a line is said by its name, like "a)" below.
_LETTER_HEADING = re.compile(r"^\s*([a-zđ])[./]\s+(?=[^\W\d_])")
# "V/v: Tổ chức ...": the subject line's colon is no pause after "về việc".
_VV_SUBJECT = re.compile(r"^(\s*[Vv]/v)\s*:\s*")
# "vv", "vv..." as typed for "v.v." (vân vân).
_VV = re.compile(r"(?<![^\W_])vv(?![^\W_])\.?")
# "từ ngày 03 - đến hết 05/3": a dash written before "đến" says nothing more.
_DASH_BEFORE_TO = re.compile(r"\s*[-–—]\s*(?=(?:đến|tới|và)\b)")
# Typing slips around dates and times, closed up so the date rules see the date: "Sáng ngày 7 - 10,"
# (7 October), "Quốc khánh 2/ 9", "từ ngày 07/04/ đến", "8h0".
_SPACED_DASH_DATE = re.compile(r"\b((?i:ngày)\s+[0-9]{1,2})\s+[-–]\s+([0-9]{1,2})(?=\s*(?:$|[,.;:]))")
_SPACED_SLASH = re.compile(r"(?<![0-9/])([0-9]{1,2})/\s+([0-9]{1,2})(?![0-9/])")
_TRAILING_SLASH = re.compile(r"(?<![0-9/])([0-9]{1,2}/[0-9]{1,2})/(?=\s|$)")
# "15/07/2025 10:09": a date then a time (a page's timestamp) is two things, with a pause between.
_DATE_THEN_TIME = re.compile(r"(?<![0-9/])([0-9]{1,2}/[0-9]{1,2}/[0-9]{4})\s+(?=[0-9]{1,2}:[0-9]{2}(?![0-9]))")
_HOUR_ZERO = re.compile(r"(?<=[0-9])h0(?![0-9])")
# "tiêm phòng gia súc.động vật": a dot typed for a comma between two Vietnamese words.
_WORD_DOT_WORD = re.compile(r"(?<=[^\W\d_])\.(?=[^\W\d_])")
# "25.000đ đồng": the currency said twice.
_DONG_TWICE = re.compile(r"(?<=[0-9])đ\s+(?=đồng\b)")
# "TT.ATXH": a dot typed inside an abbreviation the table knows whole (TTATXH).
_DOTTED_ABBREVIATION = re.compile(r"(?<![\w.])([A-ZĐ]{1,4})\.([A-ZĐ]{2,8})(?![\w.])")
# "Lai Châu-Điện Biên", "Bà Rịa-Vũng Tàu": a hyphen between two place names is a pause.
_NAME_HYPHEN_NAME = re.compile(r"(?<=[^\W\d_])-(?=[A-ZĐÀ-Ỹ][^\W\d_])")
# "Ông Trần Minh Khải- PCT UBND xã": a dash glued to a word, then a space, sets off an apposition
# (not after a code: "UBND- VP" is a document number with a stray space).
_APPOSITION_DASH = re.compile(r"(?<=[^\W\d_]{2})-\s+(?=[^\W\d_]{2})")
# "ngày14/11/2013", "khoản2": a Vietnamese word typed against its number.
_WORD_NUMBER = re.compile(r"(?<![\w])([^\W\d_]{2,})(?=[0-9])")
# "Covid- 19", "Covid – 19": a dash between a foreign name and a small number joins one name; between
# Vietnamese words ("xã - thị trấn") or numbers ("2021 - 2025") it is left for the later passes.
_NAME_NUMBER = re.compile(r"\b([A-Za-z]{3,})(?:\s+-\s*|\s*-\s+)([0-9]{1,2})(?![0-9]|[/.,:][0-9])")
# "6 huyện, thành phố/15 huyện", "38.215 ha/152.640 ha", "231,6 ca mắc/100.000 dân", "85,4%/60%": a count out of a
# total is "trên". A time after the slash is a rate or a span the units pass reads ("2 lần/3 tháng"),
# and so is one of a unit ("0,4 miligam/1 lít": mỗi lít).
_COUNT_OF_TOTAL = re.compile(
    r"(?<![\w.,/])([0-9][0-9.,]*(?:\s*%|\s+[^\W\d_]+(?:[ ,]+[^\W\d_]+){0,4}?))\s*/\s*"
    r"(?=[0-9])(?!1\s)(?![0-9.,]+\s*(?:h|giờ|phút|giây|ngày|tuần|tháng|năm|quý)(?![^\W\d_]))"
)
# "lúa giai đoạn đẻ nhánh – làm đòng", "rầy nâu tuổi 5 - trưởng thành": a dash between two growth stages
# is a span.
_STAGE_SPAN = re.compile(
    r"(?i:\b(?:giai đoạn|tuổi)\s+)((?:[^\W\d_]+\s+){0,2}[^\W\d_]+|[0-9]{1,2})\s*-\s*"
    r"(?=(?:[^\W\d_]+\s+){0,2}[^\W\d_]+\s*(?:[,.;)]|$))"
)
# "Sư đoàn 346/Quân khu 1", "Trung đoàn 852/Bộ CHQS tỉnh": a unit, then the body it belongs to.
_UNIT_OF_BODY = re.compile(
    r"(?i:\b(?:sư đoàn|trung đoàn|lữ đoàn|tiểu đoàn|đại đội|hải đội|hải đoàn|đồn)\s+[0-9]+)\s*/\s*(?=[A-ZĐ])"
)
# "TPO - Dự báo ...", "(GLO)- Hai tuần qua ...", "ĐBP - Điện Biên ...": a news site's tag opening a line is
# not read.
_SOURCE_TAG = re.compile(
    r"^\s*(?:\((?P<paren>[A-ZĐ][A-Za-zĐ.&]{1,14})\)|(?P<tag>[A-ZĐ]{2,6}(?:\.VN)?))\s*[-–]\s+(?=\S)"
)
# "(BDO) Sáng 19-11, ...", "(TTV) Chủ động ...": without a dash, a bracketed tag before a sentence is a
# byline too, unless a table or the area's lexicon reads it; clean_input marks the line, finalize decides.
_ROMAN_TAG = re.compile(r"[IVXLC]+")
_BRACKETED_TAG = re.compile(r"^\s*\((?P<tag>[A-ZĐ][A-ZĐ.&]{1,9})\)\s+(?P<next>\S)")
_BYLINE_MARK = "\ue000"
_MARKED_TAG = re.compile(rf"^{_BYLINE_MARK}\s*(?:\([A-ZĐ][A-ZĐ.&]{{1,9}}\)\s+)?")
# "GIA ĐÌNH HẠNH PHÚC *** 2. HƯỞNG ỨNG ...": the stars between the items of a ticker end a sentence.
_TICKER_STARS = re.compile(r"\s*(?:\*\s*){3,}")
# "Tổ dân phố 41,42 và 43": a list of consecutive numbers typed without the space after its comma
# (a decimal "6,5" is no list: the next number does not follow it in a list).
_GLUED_LIST_COMMA = re.compile(r"(?<![0-9.,])([0-9]{1,4}),([0-9]{1,4})(?=\s*(?:,|và)\s*[0-9]+(?![0-9]|[.,][0-9]))")
# "các khối 2,3,4,5": a run of three or more consecutive numbers glued by commas is a list too.
_GLUED_RUN = re.compile(r"(?<![0-9.,])[0-9]{1,4}(?:,[0-9]{1,4}){2,}(?![0-9]|[.,][0-9])")
# "0,52%/ năm", "1.500 đồng /kg": stray spaces around the slash of a rate, after a number or "%".
_SPACED_RATE_SLASH = re.compile(r"([0-9%]|[0-9]\s?[^\W\d_]{1,5})(?:\s+/\s*|/\s+)(?=[^\W\d_])")
# "14//14 thôn": a doubled slash between numbers is a typing slip.
_DOUBLE_SLASH = re.compile(r"(?<=[0-9])\s*/{2,}\s*(?=[0-9])")
# "cấp 12-cấp 13", "tháng 7 - tháng 8": the same word before both numbers makes a span.
_REPEATED_SPAN = re.compile(r"\b([^\W\d_]+)\s+([0-9]+)\s*-\s*(?=\1\s+[0-9])", re.IGNORECASE)
# "(thứ Hai - thứ Sáu)", "Thứ Hai – Chủ nhật": a dash between two weekdays is a span, like "Thứ 2 - Thứ 6".
_WEEKDAY = r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)(?![^\W_])"
_WEEKDAY_SPAN = re.compile(rf"(?i:\b({_WEEKDAY})\s*-\s*(?={_WEEKDAY}))")
# "sáng-xanh-sạch-đẹp": three or more Vietnamese words joined by hyphens are a list (two may be one
# word: "vắc-xin").
_HYPHEN_LIST = re.compile(r"(?<![\w-])[^\W\d_]+(?:-[^\W\d_]+){2,}(?![\w-])")
# "phía Đông - Đông Nam", "hướng Tây - Tây Bắc": one compass direction, said without a pause.
_COMPASS = re.compile(r"(?i:\b(đông|tây|nam|bắc)\s*-\s*(?=(?:đông|tây)\s+(?:nam|bắc)\b))")
# "anh T.V.H. (SN 1987", "bà N.T.L.": initials are spelled, their dots are no sentence ends.
_INITIALS = re.compile(r"(?<![\w.])((?:[A-ZĐ]\.){1,3}[A-ZĐ])\.?(?=\s|[,;:)(]|$)")
# "Ảnh: T. Lan", "Bài: H. Minh": a credit's initial before a name ending the line; its dot ends no sentence.
_CREDIT_INITIAL = re.compile(
    r"(^\s*|\b(?i:ảnh|bài|tin|nguồn|theo)\s*:?\s+)([A-PR-ZĐ])\.\s*"  # not "Q. Chủ tịch" (quyền)
    r"(?=[A-ZĐ][^\W\d_A-ZĐ]*(?:\s+[A-ZĐ][^\W\d_A-ZĐ]*){0,2}\s*(?:$|[)(]))"
)
# "Trang nhất » Tin tức » Thông báo": a page's breadcrumb arrows are pauses (when no "«" pairs them as quotes).
_BREADCRUMB = re.compile(r"\s+[\u00bb\u203a]\s+")


@functools.lru_cache(maxsize=4096)
def _keep(char: str) -> bool:
    return char in _KEPT_SYMBOLS or unicodedata.category(char) not in _DROPPED_CATEGORIES


def _ascii_digit(char: str) -> str:
    # Python's regex \d also matches other scripts' digits; fold them so one set of rules applies.
    if char.isdigit() and not char.isascii():
        return str(unicodedata.digit(char, 0))
    return char


def clean_input(line: str) -> str:
    """NFC, typographic symbols folded, emoji/control characters dropped, line bullets removed."""
    line = unicodedata.normalize("NFC", line)
    if "\u00ab" not in line:
        line = _BREADCRUMB.sub(", ", line)
    line = line.translate(_TRANSLATION)
    line = "".join(_ascii_digit(char) for char in line if _keep(char))
    line = _TICKER_STARS.sub(". ", line)
    line = line.replace("**", " ").replace("__", " ")
    line = _GLUED_RUN.sub(_glued_run, line)
    line = _GLUED_LIST_COMMA.sub(_glued_list, line)
    line = _WORD_NUMBER.sub(lambda m: m.group(1) + " " if _is_word(m.group(1)) else m.group(1), line)
    line = _NAME_NUMBER.sub(_join_name_number, line)
    # Headings start with a capital: "2 - 3 ngày" and "a. b." are no headings.
    line = _DASHED_HEADING.sub(lambda m: m.group(1) + ". " if _capital_after(m) else m.group(0), line)
    line = _DASHED_LETTER_HEADING.sub(
        lambda m: spell_letters(m.group(1)) + ". " if _capital_after(m) else m.group(0), line
    )
    line = _LETTER_HEADING.sub(lambda m: spell_letters(m.group(1)) + ". " if _capital_after(m) else m.group(0), line)
    line = _VV.sub("v.v.", line)
    line = _VV_SUBJECT.sub(r"\1 ", line)
    line = _DASH_BEFORE_TO.sub(" ", line)
    line = _SPACED_DASH_DATE.sub(r"\1-\2", line)
    line = _SPACED_SLASH.sub(r"\1/\2", line)
    line = _TRAILING_SLASH.sub(r"\1", line)
    line = _HOUR_ZERO.sub("h00", line)
    line = _DATE_THEN_TIME.sub(r"\1, ", line)
    line = _WORD_DOT_WORD.sub(_dot_between_words, line)
    line = _DONG_TWICE.sub("", line)
    line = _DOTTED_ABBREVIATION.sub(_join_dotted, line)
    line = _NAME_HYPHEN_NAME.sub(_hyphen_between_names, line)
    line = _SOURCE_TAG.sub(_source_tag, line)
    if _is_byline(_BRACKETED_TAG.match(line)):
        line = _BYLINE_MARK + " " + line.lstrip()
    line = _DOUBLE_SLASH.sub("/", line)
    line = _SPACED_RATE_SLASH.sub(r"\1/", line)
    line = _UNIT_OF_BODY.sub(lambda m: m.group(0).split("/")[0].rstrip() + ", ", line)
    line = _COUNT_OF_TOTAL.sub(_count_of_total, line)
    line = _REPEATED_SPAN.sub(r"\1 \2 đến ", line)
    line = _WEEKDAY_SPAN.sub(r"\1 đến ", line)
    line = _HYPHEN_LIST.sub(_hyphen_list, line)
    line = _COMPASS.sub(r"\1 ", line)
    line = _INITIALS.sub(_initials, line)
    line = _CREDIT_INITIAL.sub(lambda m: m.group(1) + spell_letters(m.group(2)) + " ", line)
    line = _STAGE_SPAN.sub(lambda m: m.group(0)[: m.end(1) - m.start()] + " đến ", line)
    line = _APPOSITION_DASH.sub(lambda m: ", " if line[m.start() - 1].islower() else m.group(0), line)
    return _LINE_BULLET.sub("", line).strip()


_COUNTED_AFTER = re.compile(r"\s*([0-9][0-9.,]*)\s+([^\W\d_]+)")


def _count_of_total(match: re.Match[str]) -> str:
    """ "... trên ..."; but two counts of different things are a pair, "25 tàu/270 lao động" (hai mươi lăm tàu,
    hai trăm bảy mươi lao động), unless the second is a round base of a rate ("ca mắc/100.000 dân")."""
    after = _COUNTED_AFTER.match(match.string, match.end())
    counted = match.group(1).split(maxsplit=1)[1:]
    if after and counted and "%" not in counted[0]:
        base = after.group(1).replace(".", "").replace(",", "")
        words = re.findall(r"[^\W\d_]+", counted[0].lower())
        if after.group(2).lower() not in words and not re.fullmatch(r"10*", base):
            return match.group(1) + ", "
    return match.group(1) + " trên "


def _initials(match: re.Match[str]) -> str:
    # The last dot still ends a sentence at the end of the line or before a capital ("chị N.T.T. Sau đó").
    rest = match.string[match.end() :].lstrip()
    ends = match.group(0).endswith(".") and (not rest or rest[0].isupper())
    return " " + spell_letters(match.group(1).replace(".", "")) + (". " if ends else " ")


def _word_at(text: str, start: int, end: int) -> str:
    while start > 0 and (text[start - 1].isalpha()):
        start -= 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[start:end]


def _join_dotted(match: re.Match[str]) -> str:
    joined = match.group(1) + match.group(2)
    return joined if joined in default_table().text_entries() else match.group(0)


def _dot_between_words(match: re.Match[str]) -> str:
    # Only between lowercase Vietnamese syllables, one with its marks: "dichvucong.gov.vn" stays an address.
    left = _word_at(match.string, match.start(), match.start())
    right = _word_at(match.string, match.end(), match.end())
    words = (left, right)
    vietnamese = all(w.islower() and is_syllable(w) for w in words) and not all(w.isascii() for w in words)
    return ", " if vietnamese else match.group(0)


def _hyphen_between_names(match: re.Match[str]) -> str:
    # "Lai Châu-Điện Biên", "Truyền thanh-Truyền hình": Vietnamese syllables, the right one capitalised (the
    # left one may be a name's lowercase tail), not "PC-Covid" or "e-Office".
    left = _word_at(match.string, match.start(), match.start())
    right = _word_at(match.string, match.end(), match.end())
    left_ok = (left.istitle() or left.islower()) and is_syllable(left) and len(left) > 1
    names = left_ok and right.istitle() and is_syllable(right) and len(right) > 1
    return ", " if names else match.group(0)


def _capital_after(match: re.Match[str]) -> bool:
    return match.string[match.end()].isupper()


def _is_word(letters: str) -> bool:
    """A Vietnamese syllable written with its marks ("ngày", "số"), not a code such as "QL" or "Ha"."""
    return not letters.isascii() and is_syllable(letters) and (letters.islower() or letters.istitle())


def _source_tag(match: re.Match[str]) -> str:
    tag = match.group("paren") or match.group("tag")
    if _ROMAN_TAG.fullmatch(tag):  # "(II) - Nội dung": a heading's number, not a news site's tag
        return tag + ". "
    return match.group(0) if tag in default_table().text_entries() else ""


def _is_byline(match: re.Match[str] | None) -> bool:
    return bool(match and match.group("next").isupper() and match.group("tag") not in default_table().text_entries())


def _glued_list(match: re.Match[str]) -> str:
    first, second = match.groups()
    return f"{first}, {second}" if int(second) == int(first) + 1 else match.group(0)


def _glued_run(match: re.Match[str]) -> str:
    numbers = [int(part) for part in match.group(0).split(",")]
    consecutive = all(b == a + 1 for a, b in itertools.pairwise(numbers))
    return match.group(0).replace(",", ", ") if consecutive else match.group(0)


def _hyphen_list(match: re.Match[str]) -> str:
    words = match.group(0).split("-")
    if all(_is_word(word) or (word.islower() and is_syllable(word)) for word in words):
        return ", ".join(words)
    return match.group(0)


def _join_name_number(match: re.Match[str]) -> str:
    name, number = match.groups()
    return match.group(0) if is_syllable(name) else f"{name}-{number}"


_ADDRESS = "ông|bà|anh|chị|cô|chú|bác|em|cháu"
_SYMBOL_WORDS = (
    (re.compile(r"\s*&\s*"), " và "),
    (re.compile(r"\s*(?:=>|->|==>|-->)\s*"), ", "),
    (re.compile(r"\s*[=]\s*"), " bằng "),
    (re.compile(r"\s*[≥]\s*"), " lớn hơn hoặc bằng "),
    (re.compile(r"\s*[≤]\s*"), " nhỏ hơn hoặc bằng "),
    (re.compile(r"\s*@\s*"), " a còng "),
    (re.compile(r"°"), " độ "),
    (re.compile(r"[()\[\]{}|]"), ", "),
    # A dash between spaces (or opening a line) is a pause; inside a word (vắc-xin) a space.
    (re.compile(r"(?:^|\s)-+(?=\s|$)|^-+"), ", "),
    (re.compile(r"(?<=[^\W_])-+(?=[^\W_])"), " "),
    # "quý Ông/Bà", "anh/chị": a pair of forms of address is said as a pair, not as a choice.
    (re.compile(rf"(?i:\b({_ADDRESS})\s*/\s*(?=(?:{_ADDRESS})\b))"), r"\1, "),
    # "xã/phường" offers a choice; "và/hoặc" already says so.
    (re.compile(r"(?:(?<=\bvà)|(?<=\bhoặc))\s*/\s*(?=[^\W\d_])|(?<=[^\W\d_])\s*/\s*(?=(?:và|hoặc)\b)"), " "),
    (re.compile(r"(?<=[^\W\d_])\s*/\s*(?=[^\W\d_])"), " hoặc "),
)
_UNSPEAKABLE = re.compile(r"[^\w\s.,;:!?]|_")
_PUNCTUATION_RUN = re.compile(r"\s*([.,;:!?](?:\s*[.,;:!?])*)\s*")
_PUNCTUATION_STRENGTH = "?!.;:,"
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def _strongest(match: re.Match[str]) -> str:
    marks = match.group(1)
    best = min(marks.replace(" ", ""), key=_PUNCTUATION_STRENGTH.index)
    return f"{best} "


def _speak_capitals(match: re.Match[str]) -> str:
    """An unknown acronym ("VTV") is spelled; a capitalised Vietnamese word is just a word."""
    token = match.group(0)
    if not token.isupper() or is_syllable(token):
        return token
    return spell_letters(token)


_ELLIPSIS = re.compile(r"\.{2,}")
# List and point letters are said by their names ("b" bê, "c" xê): "b) Là lao động", "điểm a, b khoản 1".
# A lone letter elsewhere ("m và g") is left alone.
_LETTER = r"[a-zđ](?![^\W_])"
_LIST_LETTER = re.compile(rf"(?<![^\W_])({_LETTER})(?=\))")
_POINT_LETTERS = re.compile(rf"(?<![^\W_])((?i:điểm|tiết)\s+){_LETTER}(?:\s*(?:,|và|hoặc|đến)\s*{_LETTER})*")


def _name_letters(match: re.Match[str]) -> str:
    lead = match.group(1)
    return lead + re.sub(_LETTER, lambda letter: spell_letters(letter.group(0)), match.group(0)[len(lead) :])


def _ellipsis(match: re.Match[str]) -> str:
    """An ellipsis ends a sentence only where one could end: not inside "(..., ...)" nor before
    a lowercase word ("các hộ kinh doanh... chấp hành"), where the voice just pauses."""
    rest = match.string[match.end() :].lstrip()
    if rest and (rest[0] == ")" or rest[0].islower() or rest[0] in ",;:"):
        return ","
    return "."


def finalize(text: str) -> str:
    """Symbols to words or pauses, acronyms spelled, lowercase, tidy spacing and punctuation."""
    text = _MARKED_TAG.sub("", text)
    text = _ELLIPSIS.sub(_ellipsis, text)
    text = _LIST_LETTER.sub(lambda match: spell_letters(match.group(1)), text)
    text = _POINT_LETTERS.sub(_name_letters, text)
    for pattern, replacement in _SYMBOL_WORDS:
        text = pattern.sub(replacement, text)
    text = _UNSPEAKABLE.sub(" ", text)
    text = _LETTER_RUN.sub(_speak_capitals, text)
    text = re.sub(r"[0-9]+", lambda m: " " + spell_letters(m.group(0)) + " ", text)
    text = _PUNCTUATION_RUN.sub(_strongest, text.lower())
    text = re.sub(r"\s+", " ", text)
    return text.strip().lstrip(".,;:!? ").rstrip(", ")
