"""Abbreviations a text defines itself: "Hợp tác xã nông nghiệp (HTXNN) ... HTXNN sẽ ...".

An announcer reads the full form once and drops the "(HTXNN)" after it; later mentions of the
abbreviation in the same text are read as the full form the text gave. A parenthesis counts as a
definition only when its letters are the initials of the words right before it ("và" may stand
for "&"), so "(lần 2)" or "(CCCD, sổ hộ khẩu...)" are left alone.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection

from tts.normalize.abbreviations import default_table, load_entries, spell_letters
from tts.normalize.loanwords import LOANWORDS
from tts.normalize.tone_marks import normalize_tones

# "dưới báo động 3 (BĐ3)": an acronym may end with the number the words before it end with.
# A head word may come first ("Quỹ BV&PTR"), and "và" may stand for "&" ("DTTS và MN").
_PARENTHESIS = re.compile(
    r"\(\s*(?P<abbr>(?:[A-ZĐ][^\W\d_A-ZĐ]{1,6} )?[A-ZĐ](?:[A-Za-zĐđ&./\- ]|và){0,18}[A-Za-zĐđ]"
    r"(?P<number>[0-9]{1,3})?)\s*\)"
)
_WORD = re.compile(r"[^\W\d_]+")
# "vũ khí, vật liệu nổ, công cụ hỗ trợ (VK, VLN, CCHT)": one bracket defining a list.
_PARENTHESIS_LIST = re.compile(
    r"\(\s*(?P<list>[A-ZĐ][A-Za-zĐđ&.\-]{0,12}(?:\s*[,;]\s*[A-ZĐ][A-Za-zĐđ&.\-]{0,12})+)\s*\)"
)
_MAX_WORDS = 14


def _base(letter: str) -> str:
    """ "Ủ" -> "U", "Đ" stays "Đ" (a letter of its own in acronyms)."""
    if letter in "Đđ":
        return "Đ"
    return unicodedata.normalize("NFD", letter)[0].upper()


def _letters(abbr: str) -> str | None:
    """The initials an acronym stands for, or None when it is not an acronym."""
    capitals = [c for c in abbr if c.isalpha() and c.isupper()]
    if len(capitals) < 2 or sum(c.isalpha() and c.islower() for c in abbr) > 1:
        return None
    return "".join(_base(c) for c in abbr if c.isalpha() and c.isupper())


# Small words an acronym may leave out: "cơ sở dữ liệu quốc gia về dân cư (CSDLQGDC)"; "và" is
# always left out (it may stand for "&").
_SKIPPABLE = frozenset({"về", "của"})


def _full_form(before: str, letters: str) -> str | None:
    """The words right before the parenthesis whose initials spell `letters`, as written."""
    words = list(_WORD.finditer(before))[-_MAX_WORDS:]

    def start_of(end: int, wanted: str) -> int | None:
        """Index of the first word when words[:end] end with the initials `wanted`."""
        if not wanted:
            return end
        if end == 0:
            return None
        word = words[end - 1].group(0).lower()
        if word == "và":
            return start_of(end - 1, wanted)
        if _base(word[0]) == wanted[-1] and (found := start_of(end - 1, wanted[:-1])) is not None:
            return found
        return start_of(end - 1, wanted) if word in _SKIPPABLE else None

    first = start_of(len(words), letters)
    if first is None or first == len(words):
        return None
    return before[words[first].start() :].strip(" ,;:")


# UNICEF, USAID; "PrEP" (pre-exposure prophylaxis) keeps small letters between its capitals.
_FOREIGN_ACRONYM = re.compile(r"[A-Z](?:[A-Z]|[a-z](?=[A-Z])){1,5}")


@functools.cache
def _known_abbreviations() -> frozenset[str]:
    return frozenset(entry.abbr for entry in load_entries())


def _is_foreign_gloss(abbr: str, text: str, match: re.Match[str]) -> bool:
    """ "Dịch tả lợn châu Phi (ASF)": an English acronym glossing the words before it is for
    readers; an announcer skips it. Kept when the text uses it again or the table knows it as
    words; one the table only spells ("Ủy ban châu Âu (EC)", EC e xê) is still a gloss. An app's
    name in capitals ("bảo hiểm xã hội số (VSSID)") names the thing to install: it is read."""
    known = abbr in _known_abbreviations()
    return (
        _FOREIGN_ACRONYM.fullmatch(abbr) is not None
        and abbr.lower() not in LOANWORDS
        and text[: match.start()].rstrip()[-1:].isalpha()
        and (not known or default_table().text_entries().get(abbr) == spell_letters(abbr))
        and _uses(text, abbr) == 1
    )


def _uses(text: str, abbr: str) -> int:
    """How many times `abbr` stands as a word ("MR" is not used again inside "TCMR")."""
    return len(re.findall(rf"(?<![\w&]){re.escape(abbr)}(?![\w&])", text))


# Police and army units' own codes: PC06, PA03, PV01.
_UNIT_CODE = re.compile(r"[A-Z]{2,3}[0-9]{2}")


def _is_unit_code_gloss(abbr: str, text: str, match: re.Match[str]) -> bool:
    """ "Phòng Cảnh sát quản lý hành chính về trật tự xã hội (PC06)": a unit's code after its
    name is for readers, like a foreign gloss; kept when the text uses it again."""
    return (
        _UNIT_CODE.fullmatch(abbr) is not None
        and text[: match.start()].rstrip()[-1:].isalpha()
        and _uses(text, abbr) == 1
    )


def _restates_known(abbr: str, before: str) -> bool:
    """ "Trung tâm Kiểm soát bệnh tật (CDC)": the table already reads the abbreviation as the words
    right before it, so the bracket says nothing new to a listener."""
    spoken = default_table().text_entries().get(" ".join(abbr.split()))
    if not spoken:
        return False
    words = spoken.split()
    return _WORD.findall(normalize_tones(before).lower())[-len(words) :] == words


def _ends_with_number(before: str, match: re.Match[str]) -> bool:
    """An acronym with a number ("BĐ3") defines the words before it only when they end with it."""
    number = match.group("number")
    return number is None or re.search(rf"(?<![0-9]){number}\s*$", before) is not None


def _list_definitions(before: str, abbrs: list[str]) -> dict[str, str] | None:
    """Each abbreviation of a bracketed list against the comma-separated phrases before it, in
    order; None unless every one of them is defined there."""
    segments = re.split(r"[,;]", before)
    if len(segments) < len(abbrs):
        return None
    found = {}
    for abbr, segment in zip(abbrs, segments[-len(abbrs) :], strict=True):
        letters = _letters(abbr)
        full = _full_form(segment, letters) if letters else None
        if full is None:
            return None
        found[abbr] = " ".join(full.split()).lower()
    return found


# "dân tộc thiểu số và miền núi (DTTS và MN)": the bracket writes its "&" as "và".
_AND = re.compile(r"\s+và\s+")
# "Ban Quản lý dự án (Ban QLDA)": the bracket repeats the head word before the acronym of the rest.
_HEADED = re.compile(r"(?P<head>[A-ZĐ][^\W\d_A-ZĐ]+) (?P<acronym>[A-ZĐ][A-ZĐ&\-]+)")


def _headed_definition(abbr: str, before: str) -> tuple[str, str] | None:
    """(acronym, its full form) when the bracket is "<head word> <acronym>" and the words before it
    are that head word followed by the acronym's words; the acronym alone keeps the meaning."""
    if (parts := _HEADED.fullmatch(abbr)) is None or (letters := _letters(parts["acronym"])) is None:
        return None
    full = _full_form(before, letters)
    if full is None:
        return None
    head = _WORD.findall(before[: before.rfind(full)])[-1:]
    if [word.lower() for word in head] != [parts["head"].lower()]:
        return None
    return parts["acronym"], " ".join(full.replace(",", " ").split()).lower()


def find_definitions(text: str, local_terms: Collection[str] = ()) -> tuple[dict[str, str], str]:
    """Definitions ({abbreviation: full form, lowercase}) and the text without the "(ABBR)" marks.

    ``local_terms`` (the area lexicon's) are read where they stand: a bracketed local term is never
    taken for a gloss the listener can do without."""
    definitions: dict[str, str] = {}

    def drop_list(match: re.Match[str]) -> str:
        abbrs = [part.strip() for part in re.split(r"[,;]", match.group("list"))]
        line_start = text.rfind("\n", 0, match.start()) + 1
        found = _list_definitions(text[line_start : match.start()], abbrs)
        if found is None:
            return match.group(0)
        for abbr, full in found.items():
            definitions.setdefault(abbr, full)
        return " "

    text = _PARENTHESIS_LIST.sub(drop_list, text)

    def drop(match: re.Match[str]) -> str:
        abbr = match.group("abbr")
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[line_start : match.start()]
        if (headed := _headed_definition(abbr, before)) is not None:
            definitions.setdefault(*headed)
            return " "
        letters = _letters(_AND.sub("&", abbr))
        full = _full_form(before, letters) if letters and _ends_with_number(before, match) else None
        if full is None:
            glossed = abbr not in local_terms and (
                _is_foreign_gloss(abbr, text, match)
                or _is_unit_code_gloss(abbr, text, match)
                or _restates_known(abbr, before)
            )
            return " " if glossed else match.group(0)
        key = " ".join(abbr.split())
        definitions.setdefault(key, " ".join(full.replace(",", " ").split()).lower())
        return " "

    return definitions, _PARENTHESIS.sub(drop, text)
