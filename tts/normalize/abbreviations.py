"""The abbreviation dictionary: loading `abbreviations.tsv`, registering more, expanding text.

Kinds of entries are described at the top of the data file. The default table is loaded once, on
first use; `register_abbreviation` adds to it at run time (e.g. a commune's own acronyms).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Literal, cast

from tts.normalize.numbers import read_integer_text
from tts.normalize.tone_marks import is_syllable, normalize_tones

Kind = Literal["text", "title", "doctype", "issuer"]
KINDS: tuple[Kind, ...] = ("text", "title", "doctype", "issuer")

LETTER_NAMES = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "Ê": "ê",
    "F": "ép", "G": "giê", "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "e lờ", "M": "em",
    "N": "en", "O": "o", "Ô": "ô", "Ơ": "ơ", "P": "pê", "Q": "quy", "R": "e rờ", "S": "ét",
    "T": "tê", "U": "u", "Ư": "ư", "V": "vê", "W": "vê kép", "X": "ích", "Y": "i", "Z": "dét",
}  # fmt: skip


def spell_letters(token: str) -> str:
    """Read an unknown acronym letter by letter: "VTV" -> "vê tê vê"; digits as numbers."""
    words = []
    for part in re.findall(r"[0-9]+|[^\W\d_]", token):
        if part.isdigit():
            words.append(read_integer_text(part))
        else:
            words.append(LETTER_NAMES.get(part.upper(), part.lower()))
    return " ".join(words)


@dataclass(frozen=True)
class Abbreviation:
    abbr: str
    spoken: str
    kind: Kind = "text"


def _parse_tsv(text: str) -> list[Abbreviation]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        # A field starting with "#" is a note on where the entry comes from, not part of it.
        fields = line.split("\t#", 1)[0].split("\t")
        kind = fields[2].strip() if len(fields) > 2 and fields[2].strip() else "text"
        if len(fields) < 2 or not fields[1].strip() or kind not in KINDS:
            raise ValueError(f"abbreviations.tsv line {number}: expected 'abbr<TAB>spoken[<TAB>kind]'")
        entries.append(Abbreviation(fields[0].strip(), fields[1].strip(), cast(Kind, kind)))
    return entries


# Readings that depend on what follows, checked before the dictionary: "SN 1965" is a birth year.
_CONTEXT_READINGS = (
    (re.compile(r"\bSN:?\s*(?=(?:19|20)[0-9]{2}(?![0-9]))"), " sinh năm "),
    # "HĐND các cấp NK 2021 – 2026": before a year NK is a term (nhân khẩu, nhập khẩu elsewhere).
    (re.compile(r"\bNK:?\s*(?=(?:19|20)[0-9]{2}(?![0-9]))"), " nhiệm kỳ "),
)
# "(xã Bình Thủy, H.Châu Phú, An Giang)", "1 phố Xốm, P.Phú Lãm, Q.Hà Đông", "phường Bến Nghé, Q.1":
# a district, ward or urban district in a place apposition. Only after "(" or ",", and only before a
# place name (a capitalised word with small letters) or, for wards and urban districts, a number:
# elsewhere "H." is a person's initial, and "Q. Giám đốc", "P. Chủ tịch", "(P.KT)" are quyền, phó, phòng.
_PLACE_INITIAL = re.compile(r"(?:(?<=\()|(?<=,)|(?<=, )|(?<=\bvà ))(?P<initial>[HPQ])\.\s?(?=(?P<next>[^\W_]+))")
# "Trung tâm Y tế các huyện: Thoại Sơn ..., Châu Thành ... và H.Tri Tôn ...": after "và" the initial
# ends a list of such units, so the sentence before it names the unit ("huyện").
_SENTENCE_START = re.compile(r"[.;!?\n](?=[^.;!?\n]*$)")
_PLACE_UNITS = {"H": "huyện", "P": "phường", "Q": "quận"}
_TITLE_AFTER_INITIAL = frozenset({"Chủ", "Giám", "Trưởng", "Phó", "Hiệu", "Chánh", "Bí", "Tổng", "Thủ"})


# After a comma the part before must be a place too ("1 phố Xốm, P.Phú Lãm"), not a byline ("N.Anh, P.Thanh").
_PLACE_BEFORE = re.compile(
    r"\b(?:xã|phường|thị trấn|thôn|xóm|bản|ấp|khóm|tổ|phố|đường|số|quận|huyện|tỉnh|thành phố|TP|TX|TT|[HPQ]\.)", re.I
)


def _read_place_initials(text: str) -> str:
    def unit(match: re.Match[str]) -> str:
        initial, following = match["initial"], match["next"]
        name = following[0].isupper() and following != following.upper() and following not in _TITLE_AFTER_INITIAL
        number = following.isdigit() and initial != "H"
        separator = text.rfind(",", 0, match.start())
        opened = max(text.rfind(",", 0, separator), text.rfind("(", 0, separator))
        if text[match.start() - 3 : match.start()] == "và ":
            start = _SENTENCE_START.search(text, 0, match.start())
            sentence = text[start.end() if start else 0 : match.start()]
            in_place = re.search(rf"\b{_PLACE_UNITS[initial]}\b", sentence, re.I) is not None
        else:
            in_place = text[match.start() - 1] == "(" or _PLACE_BEFORE.search(text[opened + 1 : separator]) is not None
        return f" {_PLACE_UNITS[initial]} " if (name or number) and in_place else match.group(0)

    return _PLACE_INITIAL.sub(unit, text)


_COMPOUND = re.compile(r"[^\W_]+(?:-[^\W_]+)*(?:\s?&\s?[^\W_]+)+")
_AMPERSAND = re.compile(r"\s?&\s?")
# "VHTT và DL", "PCLB – TKCN", "Sở NN - PTNT": an "&" or "-" entry written with "và" or a spaced
# dash. Read as the entry, since a part alone may mean something else (VHTT alone is văn hóa thông tin).
_ACRONYM = r"[A-ZĐ][A-ZĐ0-9]*[A-ZĐ]"
_SPLIT_PAIR = re.compile(
    rf"(?<![\w&\-])(?P<first>{_ACRONYM})(?P<joint>\s+và\s+|\s*[-–—]\s+|\s+[-–—]\s*)(?P<second>{_ACRONYM})(?![\w&\-])"
)
# A period ending these keys also ends the sentence when the line ends or a capital follows.
_SENTENCE_FINAL_KEYS = frozenset({"v.v."})


class AbbreviationTable:
    """Abbreviations by kind, with the regex for running text compiled lazily."""

    def __init__(self, entries: list[Abbreviation] | None = None) -> None:
        self._by_kind: dict[Kind, dict[str, str]] = {kind: {} for kind in KINDS}
        self._text_pattern: re.Pattern[str] | None = None
        self._text_entries: Mapping[str, str] | None = None
        for entry in entries or []:
            self.register(entry.abbr, entry.spoken, entry.kind)

    def register(self, abbr: str, spoken: str, kind: Kind = "text") -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown abbreviation kind {kind!r}; expected one of {', '.join(KINDS)}")
        if not abbr.strip() or not spoken.strip():
            raise ValueError("abbreviation and spoken form must not be empty")
        self._by_kind[kind][abbr.strip()] = normalize_tones(spoken.strip()).lower()
        self._text_pattern = None
        self._text_entries = None

    def text_entries(self) -> Mapping[str, str]:
        """Entries expanded in running text (text and title kinds); merged once per change of the
        table, as many passes look words up in it for every line."""
        if self._text_entries is None:
            self._text_entries = MappingProxyType({**self._by_kind["title"], **self._by_kind["text"]})
        return self._text_entries

    def is_title(self, abbr: str) -> bool:
        return abbr in self._by_kind["title"]

    def doc_type(self, code: str) -> str | None:
        return self._by_kind["doctype"].get(code)

    def issuer(self, code: str) -> str:
        """Spoken name of an issuing body inside a document number ("UBTVQH15" included)."""
        letters = code.rstrip("0123456789")
        digits = code[len(letters) :]
        spoken = self._by_kind["issuer"].get(letters) or self.text_entries().get(letters)
        words = [spoken or spell_letters(letters)] if letters else []
        if digits:
            # QH14, UBTVQH15: the digits are the legislature's term.
            prefix = ["khóa"] if letters.endswith("QH") else []
            words += [*prefix, read_integer_text(digits)]
        return " ".join(words)

    def _pattern(self) -> re.Pattern[str]:
        if self._text_pattern is None:
            keys = sorted(self.text_entries(), key=len, reverse=True)
            titles = self._by_kind["title"]
            alternatives = [re.escape(key) + (r"\.?" if key in titles else "") for key in keys]
            body = "|".join(alternatives) or r"(?!x)x"
            # A title's period may be glued to the name after it ("TP.Bà Rịa", "TX.Dĩ An").
            self._text_pattern = re.compile(rf"(?<![\w&])(?:{body})(?:(?<=\.)|(?![\w&]))")
        return self._text_pattern

    def _split_ampersands(self, text: str) -> str:
        """Close up a spaced "&" in an entry ("LĐ-TB & XH"); open up an "&" compound the table
        lacks ("TKCN&PTDS", "PCTT& TKCN") when its parts are entries of three letters or more,
        as shorter ones are too ambiguous ("CN&TY" is not chủ nhật)."""
        entries = self.text_entries()

        def split(match: re.Match[str]) -> str:
            compound = match.group(0)
            if (closed := _AMPERSAND.sub("&", compound)) in entries:
                return closed
            parts = _AMPERSAND.split(compound)
            known = [part for part in parts if part in entries]
            if compound in entries or not known or any(len(part) < 3 for part in known):
                return compound
            return " & ".join(parts)

        return _COMPOUND.sub(split, self._join_split_pairs(text))

    def _join_split_pairs(self, text: str) -> str:
        entries = self.text_entries()

        def join(match: re.Match[str]) -> str:
            first, second = match["first"], match["second"]
            joints = ("&",) if "và" in match["joint"] else ("&", "-")
            for joint in joints:
                if (compound := f"{first}{joint}{second}") in entries:
                    return compound
            return match.group(0)

        return _SPLIT_PAIR.sub(join, text)

    def expand(self, text: str) -> str:
        """Replace every abbreviation standing as a word in `text` with its spoken form."""
        entries = self.text_entries()
        for pattern, spoken in _CONTEXT_READINGS:
            text = pattern.sub(spoken, text)
        text = _read_place_initials(text)

        def replace(match: re.Match[str]) -> str:
            found = match.group(0)
            key = found if found in entries else found[:-1]
            if is_syllable(key) and _inside_capitals(match):
                return found
            spoken = entries[key]
            rest = text[match.end() : match.end() + 20].lstrip()
            if key in _SENTENCE_FINAL_KEYS and (not rest or rest[0].isupper()):
                spoken += "."
            return f" {spoken} "

        return self._pattern().sub(replace, self._split_ampersands(text))


def _is_capital_word(word: str) -> bool:
    return len(word) > 1 and word.isupper() and is_syllable(word)


def _inside_capitals(match: re.Match[str]) -> bool:
    """Whether a syllable-like key ("TU", "CA") stands in an all-caps heading ("TU BỔ ĐÊ")."""
    before = re.findall(r"[^\W\d_]+", match.string[max(0, match.start() - 40) : match.start()])
    after = re.findall(r"[^\W\d_]+", match.string[match.end() : match.end() + 40])
    neighbours = before[-1:] + after[:1]
    return any(_is_capital_word(word) for word in neighbours)


def load_entries() -> list[Abbreviation]:
    """The entries of the packaged abbreviations.tsv."""
    data = resources.files("tts.normalize").joinpath("abbreviations.tsv").read_text(encoding="utf-8")
    return _parse_tsv(data)


@functools.cache
def default_table() -> AbbreviationTable:
    return AbbreviationTable(load_entries())


def register_abbreviation(abbr: str, spoken: str, kind: Kind = "text") -> None:
    """Add or replace an abbreviation in the default table (case-sensitive)."""
    default_table().register(abbr, spoken, kind)


def expand_abbreviations(text: str) -> str:
    return default_table().expand(text)
