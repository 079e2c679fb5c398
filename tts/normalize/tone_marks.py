"""Unicode NFC and one tone-mark placement for every Vietnamese syllable.

Text typed on different keyboards mixes "hoà"/"hòa", "thuý"/"thúy", "khoẻ"/"khỏe". We settle on
the placement used by most government documents ("hòa", "thúy", "khỏe", "ùy"): in an open syllable
of two plain vowels the mark sits on the first; with a final consonant, on the last; a vowel with
a shape mark (ă â ê ô ơ ư) always carries it; "qu" and "gi" count as consonants.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_PLAIN_VOWELS = frozenset("aeiouy")
_SHAPED_VOWELS = frozenset("ăâêôơư")
_VOWELS = _PLAIN_VOWELS | _SHAPED_VOWELS
_ONSETS = frozenset(
    ("", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh",
     "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x")
)  # fmt: skip
_CODAS = frozenset(("", "c", "ch", "m", "n", "ng", "nh", "p", "t"))
_WORD = re.compile(r"[^\W\d_]+")


@functools.lru_cache(maxsize=4096)
def _split_tone(char: str) -> tuple[str, str]:
    """Split a character into its base and tone mark: ố -> (ô, acute); no tone gives ""."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = "".join(mark for mark in decomposed if mark in _TONE_MARKS)
    base = "".join(mark for mark in decomposed if mark not in _TONE_MARKS)
    return unicodedata.normalize("NFC", base), tone


def _syllable_parts(bases: str) -> tuple[int, int] | None:
    """Start and end of the vowel nucleus of a lowercase toneless syllable, or None if not one."""
    start = 0
    while start < len(bases) and bases[start] not in _VOWELS:
        start += 1
    # "qu" and "gi" before another vowel are consonants: quý, già.
    if (
        start > 0
        and bases[start - 1 : start + 1] in ("qu", "gi")
        and start + 1 < len(bases)
        and bases[start + 1] in _VOWELS
    ):
        start += 1
    end = start
    while end < len(bases) and bases[end] in _VOWELS:
        end += 1
    onset, coda = bases[:start], bases[end:]
    if start == end or end - start > 3 or onset not in _ONSETS or coda not in _CODAS:
        return None
    return start, end


def is_syllable(word: str) -> bool:
    """Whether `word` is shaped like one Vietnamese syllable (used to tell words from acronyms)."""
    bases = "".join(_split_tone(ch)[0] for ch in word.lower())
    return bool(bases) and _syllable_parts(bases) is not None


def _tone_position(bases: str, start: int, end: int) -> int:
    nucleus = bases[start:end]
    shaped = [i for i, ch in enumerate(nucleus) if ch in _SHAPED_VOWELS]
    if shaped:
        return start + shaped[-1]
    if len(nucleus) == 1 or end < len(bases):
        return end - 1
    if len(nucleus) == 3:
        return start + 1
    return start


# "ươ" typed with one horn: "nguời", "truờng", "đưong". Vietnamese has "uơ" only open ("thuở", "huơ"),
# and no "ưo" at all, so a half-horned pair before a final sound is "ươ" ("quơ" keeps its "qu").
_HALF_HORN = re.compile(r"(?<![qQ])[uU](?=[ơƠ][cimnptuCIMNPTU])|(?<=[ưƯ])[oO]")
_HORNED = {"u": "ư", "U": "Ư", "o": "ơ", "O": "Ơ"}


def _mend_horns(parts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    bases = "".join(base for base, _ in parts)
    found = [match.start() for match in _HALF_HORN.finditer(bases)]
    if not found:
        return parts
    parts = list(parts)
    for i in found:
        parts[i] = (_HORNED[parts[i][0]], parts[i][1])
    return parts


# Bulletins reuse a small vocabulary, so caching per word makes this pass nearly free.
@functools.lru_cache(maxsize=65536)
def _place_tone(word: str) -> str:
    parts = _mend_horns([_split_tone(ch) for ch in word])
    if any(len(base) != 1 for base, _ in parts):
        return word
    mended = "".join(unicodedata.normalize("NFC", base + tone) for base, tone in parts)
    if mended != word:
        return _place_tone(mended)
    tones = [(i, tone) for i, (_, tone) in enumerate(parts) if tone]
    if len(tones) != 1:
        return word
    bases = "".join(base for base, _ in parts).lower()
    span = _syllable_parts(bases)
    if span is None:
        return word
    target = _tone_position(bases, *span)
    current, tone = tones[0]
    if target == current:
        return word
    chars = [base for base, _ in parts]
    chars[target] = unicodedata.normalize("NFC", chars[target] + tone)
    return "".join(chars)


def normalize_tones(text: str) -> str:
    """NFC-normalize `text` and put every tone mark where `_tone_position` says."""
    text = unicodedata.normalize("NFC", text)
    return _WORD.sub(lambda match: _place_tone(match.group(0)), text)
