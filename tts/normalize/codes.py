"""Codes made of digits and letters that later passes would split or misread.

Storm positions "16,8N-112,4E" -> "16,8 độ vĩ bắc, 112,4 độ kinh đông"; virus subtypes "A/H5N1",
"A(H5N1)" -> "A H5N1" (the slash is no "hoặc", the bracket no aside); "Covid – 19" -> "Covid-19";
flood-alert spans "BĐ2-BĐ3" -> "BĐ2 đến BĐ3"; licence plates "29A-123.45" -> "hai chín a, một hai ba
bốn năm" (digit by digit, as the police and the radio read them); rice varieties "lúa OM 18", "IR 50404";
maritime positions in degrees, minutes and seconds "20°49'53.9\" N" -> "20 độ 49 phút 53,9 giây vĩ bắc";
fishing-boat numbers "KG-94793-TS", "QNg 90512 TS" -> "ca giê, chín bốn bảy chín ba, tê ét" (read like a plate);
"công suất máy 90 CV" -> "... mã lực".
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
# Danger zones name one parallel or meridian, or a band of them: "phía Đông kinh tuyến 114,0E",
# "7,00°N", "15,0-18,5N", "16,00N - 21,50N" (a decimal or a degree sign tells a coordinate from a letter).
_COORDINATE_BAND = re.compile(
    rf"(?<![\w.,])(?P<a>{_DEGREES})\s*°?\s*[-–]\s*(?P<b>{_DEGREES})\s*°?\s*(?P<hemi>[NSEW])(?![\w])"
)
_ONE_COORDINATE = re.compile(r"(?<![\w.,])(?P<deg>[0-9]{1,3}(?:[.,][0-9]+\s*°?|\s*°))\s*(?P<hemi>[NSEW])(?![\w])")
_BETWEEN_COORDINATES = re.compile(r"(?P<first>độ (?:vĩ|kinh) (?:bắc|nam|đông|tây))\s*[-–]\s*(?=[0-9])")
# Maritime notices: "20°49'53.9\" N", "09°26’53,0” N", "09 độ 43’N". Cleaning the input drops the quote
# marks, so the minutes may be glued to the seconds ("09°2653,0 N"): two digits each.
_DMS = re.compile(
    r"(?<![\w.,])(?P<deg>[0-9]{1,3})\s*(?:°|độ\b)\s*(?P<min>[0-9]{1,2})\s*['’′]?\s*"
    r"(?:(?P<sec>[0-9]{1,2}(?:[.,][0-9]+)?)\s*(?:\"|”|″|'')?\s*)?(?P<hemi>[NSEW])(?!\w)"
)
# A registered fishing boat: the province's letters, its number, "TS" (thủy sản).
_FISHING_BOAT = re.compile(
    r"(?<![\w/-])(?P<province>[A-ZĐ][A-ZĐa-zđ]{0,2})\s*[-–]?\s*(?P<number>[0-9]{4,5})\s*[-–]?\s*TS(?![\w])"
)
# "công suất 90 CV": an engine's horsepower (cheval-vapeur), not "công văn", which "ban hành 15 CV" stays.
_HORSEPOWER = re.compile(r"(?<=[0-9])\s*CV\b")
_ENGINE_WORDS = re.compile(r"(?i:công suất|máy|động cơ|tàu|thuyền|xuồng)")
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


def _dms(match: re.Match[str]) -> str:
    # "053.9" seconds keep their decimal comma; leading zeros are not read ("09°" chín độ).
    parts = [f"{int(match['deg'])} độ", f"{int(match['min'])} phút"]
    if match["sec"]:
        whole, _, decimal = match["sec"].replace(".", ",").partition(",")
        parts.append(f"{int(whole)},{decimal} giây" if decimal else f"{int(whole)} giây")
    return f"{' '.join(parts)} {_HEMISPHERES[match['hemi']]}"


def _fishing_boat(match: re.Match[str]) -> str:
    province = " ".join(LETTER_NAMES[letter] for letter in match["province"].upper())
    return f"{province}, {read_digits(match['number'])}, tê ét"


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
    r"\b(?P<lead>(?i:lúa|giống|nếp|gạo)\s+)(?P<letters>[A-Z]{2,4})\s*(?P<number>[0-9]+)(?![0-9]|[.,/][0-9]|\s*%)"
)


def _variety(match: re.Match[str]) -> str:
    letters = " ".join(LETTER_NAMES[letter] for letter in match["letters"])
    number = match["number"]
    return f"{match['lead']}{letters} {read_digits(number) if len(number) >= 4 else number}"


def read_codes(text: str) -> str:
    text = _VARIETY.sub(_variety, text)
    if "°" in text or "độ" in text:
        text = _DMS.sub(_dms, text)
    text = _COORDINATES.sub(_coordinates, text)
    if re.search(r"[0-9°]\s*[NSEW]\b", text):
        text = _COORDINATE_BAND.sub(lambda m: f"{m['a']} đến {m['b']} độ {_HEMISPHERES[m['hemi']]}", text)
        text = _ONE_COORDINATE.sub(lambda m: f"{m['deg'].rstrip(' °')} độ {_HEMISPHERES[m['hemi']]}", text)
        text = _BETWEEN_COORDINATES.sub(r"\g<first> đến ", text)
    if "CV" in text:
        text = _HORSEPOWER.sub(
            lambda m: " mã lực" if _ENGINE_WORDS.search(m.string[max(0, m.start() - 40) : m.start()]) else m[0], text
        )
    if "TS" in text:
        text = _FISHING_BOAT.sub(_fishing_boat, text)
    text = _VIRUS_SUBTYPE.sub(lambda match: f"{match['type']} {match['sub']}", text)
    text = _COVID_DASH.sub(lambda match: f"{match['name']}-{match['year']}", text)
    text = _ALERT_SPAN.sub(lambda match: f"{match['first']} đến ", text)
    return _PLATE.sub(_plate, text)
