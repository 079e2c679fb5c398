"""A pronunciation lexicon: terms an area reads its own way ("KDC" -> "khu dân cư").

Entries come from outside the normalizer (the server keeps them per area and merges the area
tree, nearest area first); here they are plain ``{term: reading}``. A term matches only as a
whole token: not inside a longer word, not glued to letters or digits ("KDC" is not found in
"KDCX" nor in "KDC2"). Matching is case-sensitive, as acronyms are; longer terms win, so
"KDC mới" can read differently from "KDC". The lexicon runs before every other pass, so a local
reading overrides the built-in tables.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from tts.normalize.tone_marks import normalize_tones

TERM_MAX = 64
READING_MAX = 200
# A term: letters, digits, and inside it spaces, ".", "-", "&", "/" (TT.VH, BQL-DA, Đ/c).
TERM_PATTERN = re.compile(r"[^\W_](?:[\w.&/ -]*[^\W_])?\.?")
# A reading: words, with commas for pauses; digits are allowed (the normalizer reads them).
READING_PATTERN = re.compile(r"[^\W_]+(?:,? [^\W_]+)*")


def clean_term(term: str) -> str | None:
    """The term in canonical form (NFC, single spaces), or None when it cannot be matched."""
    term = " ".join(normalize_tones(term).split())
    if not 0 < len(term) <= TERM_MAX or not TERM_PATTERN.fullmatch(term):
        return None
    return term


def clean_reading(reading: str) -> str | None:
    """The reading as it will be spoken (NFC, lowercase, single spaces), or None when unusable."""
    reading = " ".join(normalize_tones(reading).split()).lower()
    if not 0 < len(reading) <= READING_MAX or not READING_PATTERN.fullmatch(reading):
        return None
    return reading


class Lexicon:
    """Compiled ``{term: reading}``; applying it replaces each whole-token term by its reading."""

    def __init__(self, entries: Mapping[str, str]) -> None:
        self.entries = {clean_term(t) or t: clean_reading(r) or r.lower() for t, r in entries.items()}
        keys = sorted(self.entries, key=len, reverse=True)
        body = "|".join(re.escape(key) for key in keys)
        self._pattern = re.compile(rf"(?<![\w&/.-])(?:{body})(?![\w&])") if keys else None

    def apply(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda match: f" {self.entries[match.group(0)]} ", text)

    def __bool__(self) -> bool:
        return bool(self.entries)
