"""Codes made of digits and letters that later passes would split or misread.

Storm positions "16,8N-112,4E" -> "16,8 độ vĩ bắc, 112,4 độ kinh đông"; virus subtypes "A/H5N1",
"A(H5N1)" -> "A H5N1" (the slash is no "hoặc", the bracket no aside); "Covid – 19" -> "Covid-19";
flood-alert spans "BĐ2-BĐ3" -> "BĐ2 đến BĐ3"; licence plates "29A-123.45" -> "hai chín a, một hai ba
bốn năm" (digit by digit, as the police and the radio read them); rice varieties "lúa OM 18", "IR 50404".
Runs before document numbers are read and before letters and digits are split apart.
"""

from __future__ import annotations

import re

from tts.normalize.abbreviations import LETTER_NAMES
from tts.normalize.numbers import read_digits

_DEGREES = r"[0-9]{1,3}(?:[.,][0-9]+)?"
_HEMISPHERES = {"N": "vĩ bắc", "S": "vĩ nam", "E": "kinh đông", "W": "kinh tây"}
_COORDINATES = re.compile(
    rf"(?<![\w.,])(?P<lat>{_DEGREES})\s*°?\s*(?P<ns>[NS])\s*(?P<sep>[-–,;/]?)\s*"
    rf"(?P<lon>{_DEGREES})\s*°?\s*(?P<ew>[EW])(?![\w])"
)
_VIRUS_SUBTYPE = re.compile(r"\b(?P<type>[AB])\s*(?:/|\()\s*(?P<sub>H[0-9]{1,2}N[0-9]{1,2})\s*\)?")
_COVID_DASH = re.compile(r"\b(?P<name>(?i:covid))\s*[-–—]\s*(?P<year>[0-9]{2})\b")
_ALERT_SPAN = re.compile(r"(?P<first>\bBĐ\s?(?:[1-3]|I{1,3}))\s*[-–]\s*(?=BĐ\s?(?:[1-3]|I{1,3})\b)")
_PLATE_CUE = re.compile(r"(?i:biển\s+(?:kiểm\s+soát|số)|BKS)\s*:?\s*$")
# "29A-123.45", "36B5-678.90", "51LD-123.45"; "29A-1234" only after "biển số"/"biển kiểm soát".
_PLATE = re.compile(
    r"(?<![\w./-])(?P<province>[0-9]{2})\s?(?P<series>[A-ZĐ]{1,2})(?P<digit>[0-9]?)\s*[-–]\s*"
    r"(?P<number>[0-9]{3}\.[0-9]{2}|[0-9]{4,5})(?![\w]|[.,][0-9])"
)


def _coordinates(match: re.Match[str]) -> str:
    # A semicolon the writer put between the two stays a pause of its own.
    pause = ";" if match["sep"] == ";" else ","
    return f"{match['lat']} độ {_HEMISPHERES[match['ns']]}{pause} {match['lon']} độ {_HEMISPHERES[match['ew']]}"


def _plate(match: re.Match[str]) -> str:
    number = match["number"]
    if "." not in number and not _PLATE_CUE.search(match.string[max(0, match.start() - 30) : match.start()]):
        return match.group(0)
    series = " ".join(LETTER_NAMES[letter] for letter in match["series"])
    head = " ".join(filter(None, [read_digits(match["province"]), series, read_digits(match["digit"])]))
    return f"{head}, {read_digits(number)}"


# Rice varieties: "lúa OM 18" is o em mười tám, not the word "om"; a long number is said digit by digit,
# as the extension service reads it ("OM 5451" o em năm bốn năm một, "IR 50404").
_VARIETY = re.compile(
    r"\b(?P<lead>(?i:lúa|giống|nếp|gạo)\s+)(?P<letters>[A-Z]{2,4})\s*(?P<number>[0-9]+)(?![0-9]|[.,/][0-9])"
)


def _variety(match: re.Match[str]) -> str:
    letters = " ".join(LETTER_NAMES[letter] for letter in match["letters"])
    number = match["number"]
    return f"{match['lead']}{letters} {read_digits(number) if len(number) >= 4 else number}"


def read_codes(text: str) -> str:
    text = _VARIETY.sub(_variety, text)
    text = _COORDINATES.sub(_coordinates, text)
    text = _VIRUS_SUBTYPE.sub(lambda match: f"{match['type']} {match['sub']}", text)
    text = _COVID_DASH.sub(lambda match: f"{match['name']}-{match['year']}", text)
    text = _ALERT_SPAN.sub(lambda match: f"{match['first']} đến ", text)
    return _PLATE.sub(_plate, text)
