"""Web addresses and e-mail addresses, read the way a presenter would dictate them.

"dichvucong.gov.vn" -> "dịch vụ công chấm gốp chấm vê en"; "a@b.vn" uses "a còng".
"""

from __future__ import annotations

import re

from tts.normalize.abbreviations import spell_letters
from tts.normalize.numbers import read_digits
from tts.normalize.tone_marks import is_syllable

_TOP_LEVEL = r"(?:vn|com|net|org|gov|edu|info|io|int)"
_EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_URL = (
    rf"(?:https?://)?(?:[A-Za-z0-9-]+\.)+{_TOP_LEVEL}(?![A-Za-z0-9-])"
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
}
_SEPARATORS = {".": "chấm", "@": "a còng", "/": "gạch chéo", "-": "gạch ngang", "_": "gạch dưới"}


def _read_label(label: str) -> str:
    lower = label.lower()
    if lower in _KNOWN_LABELS:
        return _KNOWN_LABELS[lower]
    if lower.isdigit():
        return read_digits(lower)
    if is_syllable(lower) or len(lower) > 6:
        return lower
    return spell_letters(lower.upper())


def read_address(address: str) -> str:
    address = re.sub(r"^https?://", "", address).rstrip("/")
    words = []
    for piece in re.split(r"([./@_-]|[?=&:#%+])", address):
        if piece in _SEPARATORS:
            words.append(_SEPARATORS[piece])
        elif piece and piece.isalnum():
            words.extend(_read_label(part) for part in re.findall(r"[0-9]+|[^\W\d_]+", piece))
    return " " + " ".join(words) + " "


def read_web_addresses(text: str) -> str:
    return _ADDRESS.sub(lambda match: read_address(match.group(0)), text)
