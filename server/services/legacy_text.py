"""Text pasted from documents typed in the pre-Unicode Vietnamese encodings, converted to Unicode.

Commune offices still receive .doc files typed with the TCVN3 (ABC, ".VnTime") and VNI
("VNI-Times") fonts. Copied out of such a file, the text arrives as the Windows-1252 reading of
the font's bytes: "Th«ng b¸o" (TCVN3) or "Thoâng baùo" (VNI) for "Thông báo".

* TCVN3 gives every lowercase Vietnamese letter its own byte; uppercase letters with a tone mark
  have no code (the ".VnTimeH" font draws the lowercase codes as capitals), so they come back
  lowercase.
* VNI writes a base letter followed by one mark byte (``a`` + ``ù`` = ``á``); ``ô``/``ö``/``ñ``
  alone are ``ơ``/``ư``/``đ`` and ``í ì æ ó ò î`` are the toned ``i``/``ỵ``.

Detection never touches real Unicode Vietnamese: text with any character outside Windows-1252
is Unicode by construction (ư, ơ, đ, ạ… do not exist there). Otherwise a candidate decoding is
accepted only when almost every word it changes becomes a valid Vietnamese syllable while the
text as given is not Vietnamese ("cà phê", "café" stay as they are).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Encoding = Literal["unicode", "tcvn3", "vni"]
MAX_CHARS = 20_000

_TONES = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng

# TCVN3 (ABC): the Unicode letter of each byte, rows by base vowel in the order
# plain, huyền, sắc, hỏi, ngã, nặng.
_TCVN3_ROWS = {
    "aàáảãạ": "a\xb5\xb8\xb6\xb7\xb9",
    "ăằắẳẵặ": "\xa8\xbb\xbe\xbc\xbd\xc6",
    "âầấẩẫậ": "\xa9\xc7\xca\xc8\xc9\xcb",
    "eèéẻẽẹ": "e\xcc\xd0\xce\xcf\xd1",
    "êềếểễệ": "\xaa\xd2\xd5\xd3\xd4\xd6",
    "iìíỉĩị": "i\xd7\xdd\xd8\xdc\xde",
    "oòóỏõọ": "o\xdf\xe3\xe1\xe2\xe4",
    "ôồốổỗộ": "\xab\xe5\xe8\xe6\xe7\xe9",
    "ơờớởỡợ": "\xac\xea\xed\xeb\xec\xee",
    "uùúủũụ": "u\xef\xf3\xf1\xf2\xf4",
    "ưừứửữự": "\xad\xf5\xf8\xf6\xf7\xf9",
    "yỳýỷỹỵ": "y\xfa\xfd\xfb\xfc\xfe",
}
TCVN3: dict[str, str] = {
    code: letter
    for letters, codes in _TCVN3_ROWS.items()
    for letter, code in zip(letters, codes, strict=True)
    if code != letter
} | {"\xae": "đ", "\xa1": "Ă", "\xa2": "Â", "\xa3": "Ê", "\xa4": "Ô", "\xa5": "Ơ", "\xa6": "Ư", "\xa7": "Đ"}

# VNI Windows: mark bytes after a base letter (lowercase forms; uppercase bases take the
# uppercase bytes). Tone marks: sắc ù, huyền ø, hỏi û, ngã õ, nặng ï.
_VNI_TONE = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_HAT = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}  # circumflex
_VNI_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _vni_table() -> dict[str, str]:
    lower: dict[str, str] = {}
    for base in "aeouyơư":
        for mark, tone in _VNI_TONE.items():
            lower[base + mark] = base + tone
    for base in "aeo":
        for mark, tone in _VNI_HAT.items():
            lower[base + mark] = base + "\u0302" + tone
    for mark, tone in _VNI_BREVE.items():
        lower["a" + mark] = "a\u0306" + tone
    # ơ/ư are themselves one VNI byte (ô/ö): their toned forms are two bytes.
    for mark, tone in _VNI_TONE.items():
        lower["ô" + mark] = "ơ" + tone
        lower["ö" + mark] = "ư" + tone
    for seq in [k for k in lower if k[0] in "ơư"]:
        del lower[seq]
    table: dict[str, str] = {}
    for seq, out in lower.items():
        table[seq] = out
        upper_seq = seq[0].upper() + seq[1:].upper()
        table[upper_seq] = out.upper()
        table[seq[0].upper() + seq[1:]] = out.upper()  # capital base, lowercase mark (mixed files)
    for code, letter in _VNI_SINGLE.items():
        table[code] = letter
        table[code.upper()] = letter.upper()
    return {seq: unicodedata.normalize("NFC", out) for seq, out in table.items()}


VNI = _vni_table()
_VNI_RE = re.compile("|".join(sorted(map(re.escape, VNI), key=len, reverse=True)))

_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
# Vowel groups of Vietnamese syllables (after the onset; "gi" and "qu" are onsets).
_NUCLEI = [
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "oo", "ôi",
    "ơi", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê",
    "iêu", "oai", "oao", "oay", "oeo", "uây", "uôi", "uya", "uyê", "ươi", "ươu", "yêu",
]
_NUCLEUS = "(" + "|".join(sorted(_NUCLEI, key=len, reverse=True)) + ")"
_CODA = "(ch|nh|ng|[cmnpt])?"
_SYLLABLE = re.compile(f"^{_ONSET}{_NUCLEUS}{_CODA}$")
# Rime rules that tell real syllables from decoding accidents ("chớnh", "daón", "hoó"): a vowel
# group ending in a glide takes no final consonant; some groups need one; -ch/-nh follow few.
_OPEN_ONLY = frozenset([
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ui", "ưi", "ưu", "ua", "ưa",
    "iêu", "oai", "oao", "oay", "oeo", "uây", "uôi", "uya", "ươi", "ươu", "yêu",
])
_NEEDS_CODA = frozenset(["ă", "â", "iê", "uô", "ươ", "yê", "uyê", "oă", "uâ", "oo"])
_BEFORE_CH_NH = frozenset(["a", "ê", "i", "y", "oa", "uê", "uy", "uyê"])
_PUNCT = "\"'“”‘’.,;:!?()[]{}<>-–—…/*%&+=#@"


@dataclass(frozen=True)
class Converted:
    text: str
    encoding: Encoding


def is_syllable(word: str) -> bool:
    """A plausible Vietnamese syllable: onset + 1–3 vowels + coda, at most one tone mark."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(decomposed.count(t) for t in _TONES) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    match = _SYLLABLE.match(bare)
    if match is None:
        return False
    nucleus, coda = match.group(1), match.group(2)
    if coda is None:
        return nucleus not in _NEEDS_CODA
    if nucleus in _OPEN_ONLY or (coda in ("ng", "c") and nucleus in ("i", "y")):
        return False
    return coda not in ("ch", "nh") or nucleus in _BEFORE_CH_NH


def _words(text: str) -> list[str]:
    return [w.strip(_PUNCT) for w in text.split()]


def _score(text: str) -> tuple[int, int]:
    """(valid syllables, words) over the words with a non-ASCII character."""
    words = [w for w in _words(text) if w and not w.isascii()]
    return sum(1 for w in words if is_syllable(w) and not _mixed_case(w)), len(words)


def _mixed_case(text: str) -> bool:
    """A capital right after a small letter ("mỈt"): how a wrong decoding often looks."""
    return any(a.islower() and b.isupper() for a, b in itertools.pairwise(text))


def decode_tcvn3(text: str) -> str:
    return unicodedata.normalize("NFC", "".join(TCVN3.get(ch, ch) for ch in text))


def decode_vni(text: str) -> str:
    return unicodedata.normalize("NFC", _VNI_RE.sub(lambda m: VNI[m.group(0)], text))


def _legacy_candidate(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False  # a character no legacy font paste can produce: Unicode already
    return any(ord(ch) > 0x7F for ch in text)


def detect(text: str) -> Encoding:
    if not _legacy_candidate(text):
        return "unicode"
    valid, total = _score(text)
    given = valid / total if total else 0.0
    # On a tie, the byte range decides: VNI never writes U+00A1–U+00BF, while TCVN3 puts its most
    # frequent letters there (à á ả ã ạ ă â ê ô ơ ư đ).
    tcvn3_bytes = any("\xa1" <= ch <= "\xbf" for ch in text)
    best: tuple[float, bool, Encoding] = (given, True, "unicode")
    for name, decode in (("tcvn3", decode_tcvn3), ("vni", decode_vni)):
        out = decode(text)
        ok, n = _score(out)
        if out == text or not n or ok / n < 0.8:
            continue
        likely = tcvn3_bytes == (name == "tcvn3") and not _mixed_case(out)
        if ok / n > given and (ok / n, likely) > best[:2]:  # strictly better than as given
            best = (ok / n, likely, name)  # type: ignore[assignment]
    return best[2]


def convert(text: str) -> Converted:
    """``text`` in Unicode NFC, with the legacy encoding it was detected in."""
    encoding = detect(text)
    if encoding == "tcvn3":
        return Converted(decode_tcvn3(text), encoding)
    if encoding == "vni":
        return Converted(decode_vni(text), encoding)
    return Converted(text, "unicode")
