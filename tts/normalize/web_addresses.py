"""Web addresses and e-mail addresses, read the way a presenter would dictate them.

"dichvucong.gov.vn" -> "dịch vụ công chấm gốp chấm vê en"; "a@b.vn" uses "a còng".
"""

from __future__ import annotations

import itertools
import re

from tts.normalize.abbreviations import spell_letters
from tts.normalize.numbers import read_digits
from tts.normalize.tone_marks import is_syllable

# "zalo.me" and "bit.ly" links are common in notices that point people to a form or an official account.
_TOP_LEVEL = r"(?:vn|com|net|org|gov|edu|info|io|int|me|ly)"
_EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_URL = (
    rf"(?:https?://)?(?:[A-Za-z0-9-]+\.)+{_TOP_LEVEL}(?![A-Za-z0-9-])(?::[0-9]{{2,5}})?"
    r"(?:/[^\s]*[^\s.,;:!?)\"])?/?"
)
_ADDRESS = re.compile(rf"{_EMAIL}|{_URL}")

# Labels that commonly appear in public-service addresses, with their Vietnamese reading.
_KNOWN_LABELS = {
    "www": "vê kép vê kép vê kép",
    "gov": "gốp",
    "vn": "vê en",
    "com": "com",
    "net": "nét",
    "org": "o rờ gờ",
    "edu": "e đu",
    "dichvucong": "dịch vụ công",
    "chinhphu": "chính phủ",
    "baohiemxahoi": "bảo hiểm xã hội",
    "vneid": "vê en e ai đi",
    "gmail": "giê meo",
    "mail": "meo",
    "zalo": "da lô",
    "facebook": "phây búc",
    "youtube": "diu túp",
    "google": "gu gồ",
    "play": "plây",
    "store": "sờ to",
    "apps": "áp",
    "app": "áp",
    "home": "hôm",
    "portal": "po tồ",
    "news": "niu",
    "me": "mi",
    "bit": "bít",
    "ly": "li",
}
_SEPARATORS = {".": "chấm", "@": "a còng", "/": "gạch chéo", "-": "gạch ngang", "_": "gạch dưới", ":": "hai chấm"}


# An unaccented Vietnamese syllable as addresses write them: "thai", "nguyen", "phong".
# The vowel groups of Vietnamese syllables without their marks, longest first ("ươu" is "uou").
_NUCLEI = (
    "(?:ieu|yeu|oai|oay|oeo|uay|uoi|uou|uya|uye|uyu|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ya|ye|"
    "[aeiouy])"
)
_PLAIN_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    rf"(?P<vowels>{_NUCLEI})(?P<coda>ch|nh|ng|[cmnptk])?"
)
# A rhyme that ends in a glide ("ai", "ao", "eu", "oi") takes no final consonant: "thain" is no syllable.
_GLIDE_END = re.compile(r"[aeiouy]+[iuy]|[ae]o")


def _is_plain_syllable(label: str, start: int, end: int) -> bool:
    match = _PLAIN_SYLLABLE.fullmatch(label, start, end)
    if match is None:
        return False
    vowels, coda = match.group("vowels"), match.group("coda")
    # "nh", "ch" close only a front vowel or "a" (anh, ênh, inh, uynh); "k" only the highland "ak" (Đắk, Lắk).
    if (coda in ("nh", "ch") and vowels[-1] not in "aeiy") or (coda == "k" and vowels != "a"):
        return False
    if label.startswith(("ngh", "gh"), start) and vowels[0] not in "ie":  # "nghia", never "ngha"
        return False
    return not (coda and vowels != "uy" and _GLIDE_END.fullmatch(vowels))


def _cost(syllables: list[str]) -> tuple[int, int, int]:
    """Fewest syllables, then fewest starting with a vowel ("ha noi", not "han oi"), then "ng", "nh" kept
    as a final rather than moved on ("long an", "vinh an", not "lo ngan"); "ngh" only ever begins one."""
    after_nasal = [previous.endswith(("ng", "nh")) for previous in ["", *syllables[:-1]]]
    vowel_starts = sum(
        syllable[0] in "aeiouy" and not nasal for syllable, nasal in zip(syllables, after_nasal, strict=True)
    )
    pairs = itertools.pairwise(syllables)
    broken_nasals = sum(
        (after.startswith(("ng", "nh")) and not after.startswith("ngh")) or (before.endswith("n") and after[0] in "gh")
        for before, after in pairs
    )
    return len(syllables), vowel_starts, broken_nasals


def _split_syllables(label: str) -> list[str] | None:
    """"quyhoach" -> ["quy", "hoach"]: the fewest plain syllables that spell the label, if any."""
    best: list[list[str] | None] = [[]] + [None] * len(label)
    for end in range(1, len(label) + 1):
        for start in range(max(0, end - 7), end):
            before = best[start]
            if before is not None and _is_plain_syllable(label, start, end):
                candidate = [*before, label[start:end]]
                if best[end] is None or _cost(candidate) < _cost(best[end] or []):
                    best[end] = candidate
    return best[-1]


def _spell(letters: str) -> str:
    """Dictated letters: "d" is "đê" in an address ("ubnd", "pbgdpl"), as presenters spell it."""
    return " ".join("đê" if word == "dê" else word for word in spell_letters(letters.upper()).split())


def _read_label(label: str) -> str:
    lower = label.lower()
    if lower in _KNOWN_LABELS:
        return _KNOWN_LABELS[lower]
    if lower.isdigit():
        return read_digits(lower)
    # Run-together syllables ("thainguyen") are read one by one, like a presenter dictating them.
    syllables = _split_syllables(lower)
    if syllables and len(syllables) > 1 and 2 * len(syllables) <= len(lower):
        return " ".join(syllables)
    if is_syllable(lower):
        return lower
    # An acronym run into syllables ("ubndxayenphu"): spell the acronym, then read the syllables.
    for cut in range(2, min(6, len(lower) - 1) if len(lower) > 6 else 0):
        rest = _split_syllables(lower[cut:])
        if rest and not _split_syllables(lower[:cut]) and 2 * len(rest) <= len(lower) - cut:
            return " ".join([_spell(lower[:cut]), *rest])
    if len(lower) > 6:
        return lower
    return _spell(lower)


def read_address(address: str) -> str:
    address = re.sub(r"^https?://", "", address).rstrip("/")
    words = []
    for piece in re.split(r"([./@_-]|[?=&:#%+])", address):
        if piece in _SEPARATORS:
            words.append(_SEPARATORS[piece])
        elif piece and piece.isalnum():
            words.extend(_read_label(part) for part in re.findall(r"[0-9]+|[^\W\d_]+", piece))
    return " " + " ".join(words) + " "


# A news agency's tag opening a line, before a dash: "TPO - Dự báo ...", "VOV.VN - Ngày 16/6 ...",
# "(VTC News) - ...", "(Quanlynhanuoc.vn) – ...", "VHO- ...". It credits the source; an announcer does not read it.
_DATELINE = re.compile(
    r"^\s*(?:\((?![0-9IVXivx.]+\))[^()\n]{2,40}\)|[A-ZĐ]{1,5}O|TTXVN|VNA|BNEWS|[A-Za-z]+\.(?:vn|VN))"
    r"\s*[-–]\s*(?=[A-ZĐÀ-Ỹ0-9])",
    re.MULTILINE,
)


def read_web_addresses(text: str) -> str:
    text = _DATELINE.sub("", text)
    return _ADDRESS.sub(lambda match: read_address(match.group(0)), text)
