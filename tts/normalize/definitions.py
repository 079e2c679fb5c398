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

from tts.normalize.abbreviations import load_entries

_PARENTHESIS = re.compile(r"\(\s*(?P<abbr>[A-ZĐ][A-Za-zĐđ&.\- ]{0,18}[A-Za-zĐđ])\s*\)")
_WORD = re.compile(r"[^\W\d_]+")
_MAX_WORDS = 14


def _base(letter: str) -> str:
    """"Ủ" -> "U", "Đ" stays "Đ" (a letter of its own in acronyms)."""
    if letter in "Đđ":
        return "Đ"
    return unicodedata.normalize("NFD", letter)[0].upper()


def _letters(abbr: str) -> str | None:
    """The initials an acronym stands for, or None when it is not an acronym."""
    capitals = [c for c in abbr if c.isalpha() and c.isupper()]
    if len(capitals) < 2 or sum(c.isalpha() and c.islower() for c in abbr) > 1:
        return None
    return "".join(_base(c) for c in abbr if c.isalpha() and c.isupper())


def _full_form(before: str, letters: str) -> str | None:
    """The words right before the parenthesis whose initials spell `letters`, as written."""
    words = list(_WORD.finditer(before))[-_MAX_WORDS:]
    initials = ""
    for start in range(len(words) - 1, -1, -1):
        word = words[start].group(0)
        if word.lower() != "và":
            initials = _base(word[0]) + initials
        if initials == letters:
            return before[words[start].start() :].strip(" ,;:")
        if len(initials) >= len(letters):
            return None
    return None


_FOREIGN_ACRONYM = re.compile(r"[A-Z]{2,6}")


@functools.cache
def _known_abbreviations() -> frozenset[str]:
    return frozenset(entry.abbr for entry in load_entries())


@functools.cache
def _table_readings() -> dict[str, str]:
    return {entry.abbr: entry.spoken.lower() for entry in load_entries() if entry.kind == "text"}


def _repeats_its_reading(abbr: str, before: str) -> bool:
    """"Tổ chức Y tế Thế giới (WHO)": the table reads WHO as the words just said; not twice."""
    reading = _table_readings().get(abbr)
    said = " ".join(_WORD.findall(before.lower()))
    return bool(reading) and said.endswith(" ".join(_WORD.findall(reading or "")))


def _is_foreign_gloss(abbr: str, text: str, match: re.Match[str]) -> bool:
    """"Dịch tả lợn châu Phi (ASF)": an English acronym glossing the words before it is for
    readers; an announcer skips it. Kept when the text uses it again or the table knows it."""
    return (
        _FOREIGN_ACRONYM.fullmatch(abbr) is not None
        and text[: match.start()].rstrip()[-1:].isalpha()
        and abbr not in _known_abbreviations()
        and text.count(abbr) == 1
    )


def find_definitions(text: str) -> tuple[dict[str, str], str]:
    """Definitions ({abbreviation: full form, lowercase}) and the text without the "(ABBR)" marks."""
    definitions: dict[str, str] = {}

    def drop(match: re.Match[str]) -> str:
        abbr = match.group("abbr")
        letters = _letters(abbr)
        line_start = text.rfind("\n", 0, match.start()) + 1
        full = _full_form(text[line_start : match.start()], letters) if letters else None
        if full is None:
            before = text[line_start : match.start()]
            glossed = _is_foreign_gloss(abbr, text, match) or _repeats_its_reading(abbr, before)
            return " " if glossed else match.group(0)
        key = " ".join(abbr.split())
        definitions.setdefault(key, " ".join(full.replace(",", " ").split()).lower())
        return " "

    return definitions, _PARENTHESIS.sub(drop, text)
