"""Wrapping board text by phrase: what belongs together stays on one line, and so on one page.

Kept together whenever a break elsewhere is possible (a group longer than a line falls back to
word-by-word wrapping):
- "số", "ngày", "lúc" with the token after them ("số 115/KH-UBND", "ngày 12/7/2025", "lúc 7h30");
- a number with its unit ("20 km", "5 tuổi", "20.000 đồng");
- a run of capitalised syllables, a proper name ("Đồng Tâm", "Nguyễn Văn An"), up to a punctuation mark.
A token longer than a line breaks after its own separators ("/", "-", "."), and mid-letters only
when a piece between separators is itself longer than a line. The last page never holds a single
word when the text is longer than one page: the previous page gives it company.
"""

from __future__ import annotations

import re

LEADERS = frozenset({"số", "ngày", "lúc"})
UNITS = frozenset({
    "km", "m", "cm", "mm", "ha", "kg", "g", "tấn", "tạ", "lít", "l", "ml", "m2", "m3", "m²", "m³", "%",
    "đồng", "đ", "nghìn", "triệu", "tỷ", "usd", "giờ", "phút", "giây", "ngày", "tuần", "tháng", "năm",
    "tuổi", "người", "hộ", "con", "cây", "lần", "buổi", "độ", "°c", "km/h", "suất", "xã", "thôn",
})  # fmt: skip
_NUMBER = re.compile(r"[0-9][0-9.,]*")
_ENDS_PHRASE = re.compile(r"[.,;:!?)\]\"']$")
_SEPARATED = re.compile(r"[^/\-.]*[/\-.]|[^/\-.]+")


def _core(token: str) -> str:
    return token.strip("()[]\"'.,;:!?").lower()


def _is_name_part(token: str) -> bool:
    return token[:1].isupper() and token[:1].isalpha()


def _glued(token: str, following: str) -> bool:
    """Whether `token` must stay on the line of the token after it."""
    if _ENDS_PHRASE.search(token):
        return False
    if token.lower() in LEADERS:
        return True
    if _NUMBER.fullmatch(token) and _core(following) in UNITS:
        return True
    return _is_name_part(token) and _is_name_part(following)


def phrase_groups(words: list[str]) -> list[list[str]]:
    """Consecutive words in groups that should share a line."""
    groups: list[list[str]] = []
    for index, word in enumerate(words):
        if groups and index > 0 and _glued(words[index - 1], word):
            groups[-1].append(word)
        else:
            groups.append([word])
    return groups


def split_token(token: str, cols: int) -> list[str]:
    """A token longer than a line, in line-sized pieces cut after its separators where possible."""
    pieces: list[str] = []
    for part in _SEPARATED.findall(token):
        while len(part) > cols:  # no separator close enough: cut
            pieces.append(part[:cols])
            part = part[cols:]
        if pieces and len(pieces[-1]) + len(part) <= cols:
            pieces[-1] += part
        elif part:
            pieces.append(part)
    return pieces


def _place_words(lines: list[list[str]], words: list[str], cols: int) -> None:
    for word in words:
        pieces = split_token(word, cols) if len(word) > cols else [word]
        for piece in pieces:
            current = " ".join(lines[-1]) if lines else ""
            if lines and lines[-1] and len(current) + 1 + len(piece) <= cols and len(pieces) == 1:
                lines[-1].append(piece)
            else:
                lines.append([piece])


def wrap_phrases(words: list[str], cols: int) -> list[str]:
    """Greedy wrap by phrase groups; a group longer than a line is wrapped word by word."""
    lines: list[list[str]] = []
    for group in phrase_groups(words):
        text = " ".join(group)
        current = " ".join(lines[-1]) if lines else ""
        if lines and len(current) + 1 + len(text) <= cols:
            lines[-1].extend(group)
        elif len(text) <= cols:
            lines.append(list(group))
        else:
            _place_words(lines, group, cols)
    return [" ".join(line) for line in lines]


def paginate(lines: list[str], rows: int, cols: int) -> list[list[str]]:
    """Pages of `rows` lines; a lone last word takes the previous page's last phrase with it."""
    pages = [lines[i : i + rows] for i in range(0, len(lines), rows)]
    if len(pages) < 2 or len(pages[-1]) != 1 or " " in pages[-1][0]:
        return pages
    previous, orphan = pages[-2], pages[-1][0]
    last_group = " ".join(phrase_groups(previous[-1].split(" "))[-1])
    left = [*previous[:-1], previous[-1][: -len(last_group)].rstrip()]
    leaves_company = len(" ".join(left).split()) > 1  # not a new orphan on the page before
    if last_group != previous[-1] and leaves_company and len(last_group) + 1 + len(orphan) <= cols:
        previous[-1] = previous[-1][: -len(last_group)].rstrip()
        pages[-1][0] = f"{last_group} {orphan}"
    elif rows > 1:  # the whole line moves down; the previous page gets one line shorter
        pages[-1].insert(0, previous.pop())
    return pages
