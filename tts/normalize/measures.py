"""Units, percentages and currency after a number; "per" slashes; negative temperatures.

"20 km" -> "... ki lô mét", "12,5%" -> "... phần trăm", "30°C" -> "... độ xê", "20.000đ" -> "... đồng",
"20.000 đồng/liều" -> "... đồng mỗi liều", "2 ha/hộ" -> "... héc ta mỗi hộ", "-2°C", "-15cm" -> "âm ...";
a unit alone in brackets, "(cm)", is said.
A unit symbol is read only right after a number, so "m" or "ha" elsewhere stays a word.
"""

from __future__ import annotations

import re

# Symbol -> spoken unit. The regex below tries longer symbols first ("km2" before "km").
UNITS: dict[str, str] = {
    "km/h": "ki lô mét trên giờ",
    "km/giờ": "ki lô mét trên giờ",
    "m/s": "mét trên giây",
    "km²": "ki lô mét vuông",
    "km2": "ki lô mét vuông",
    "cm2": "xen ti mét vuông",
    "m²": "mét vuông",
    "m2": "mét vuông",
    "m³": "mét khối",
    "m3": "mét khối",
    "kWh": "ki lô oát giờ",
    "MWh": "mê ga oát giờ",
    "kW": "ki lô oát",
    "MW": "mê ga oát",
    "kV": "ki lô vôn",
    # Radio channels of the coastal stations: "7903 kHz".
    "kHz": "ki lô héc",
    "MHz": "mê ga héc",
    "Hz": "héc",
    "km": "ki lô mét",
    "cm": "xen ti mét",
    "mm": "mi li mét",
    "kg": "ki lô gam",
    "mg": "mi li gam",
    "ml": "mi li lít",
    "ha": "héc ta",
    "m": "mét",
    "g": "gam",
    "l": "lít",
    "W": "oát",
    "V": "vôn",
    "VNĐ": "đồng",
    "VND": "đồng",
    "vnđ": "đồng",
    "đ": "đồng",
    "USD": "đô la mỹ",
    "%": "phần trăm",
    "‰": "phần nghìn",
}
_SYMBOLS = "|".join(re.escape(unit) for unit in sorted(UNITS, key=len, reverse=True))
_DEGREES_C = re.compile(r"(?<=[0-9])\s*(?:°\s*C|(?i:độ)\s*C)(?![\w])")
# "-2°C", "thấp nhất -15cm": a minus before a measured number (not the dash of a span "10 -15cm").
_NEGATIVE = re.compile(rf"(?:(?<=\s)(?<![0-9.,]\s)|^)[-−](?=[0-9][0-9.,]*\s*(?:°|(?i:độ)|(?:{_SYMBOLS})(?![^\W_])))")
# "(cm)", "(ha)", "(g/l)", "(con/m2)" after a caption: the unit of the figures, said alone.
_ALONE_UNITS = ("km2", "km²", "m2", "m²", "m3", "m³", "km", "cm", "mm", "m", "ha", "kg", "mg", "ml", "tấn")
_BRACKETED_UNIT = re.compile(
    rf"\((?P<unit>{'|'.join(_ALONE_UNITS)}|g|l|con|cây|người|đồng)(?:/(?P<per>[^\W\d_]+[23²³]?))?\)"
)


def _bracketed_unit(match: re.Match[str]) -> str:
    unit, per = match["unit"], match["per"]
    if per is None:
        return f"({UNITS[unit]})" if unit in _ALONE_UNITS and unit in UNITS else match[0]
    per_spoken = UNITS.get(per) or _PER_ONLY.get(per)
    return f"({UNITS.get(unit, unit)} mỗi {per_spoken})" if per_spoken else match[0]
_UNIT_AFTER_NUMBER = re.compile(rf"(?<=[0-9])\s*(?P<unit>{_SYMBOLS})(?![^\W_])")
# "84,6 nghìn ha", "2,4 triệu kWh", "1,25 tỷ USD": the unit follows the number's scale word.
_UNIT_AFTER_SCALE = re.compile(rf"(?<=[0-9])(?P<scale>\s*(?:nghìn|ngàn|triệu|tỷ|vạn))\s+(?P<unit>{_SYMBOLS})(?![^\W_])")
# A road marker names its kilometre before the number: "Km 15+200".
_KILOMETRE_MARKER = re.compile(r"(?<![0-9])(?<![0-9]\s)\b[Kk]m\s*(?=[0-9])")
_PER_SLASH = re.compile(r"(?<=[^\W\d_])\s*/\s*(?P<tail>[^\W\d_]+[23²³]?)(?![0-9])")
# Units that appear only after "per": "m³/s" is "mỗi giây", "km/giờ" stays a word.
_PER_ONLY = {"s": "giây", "h": "giờ", "ph": "phút"}
# A slash means "per" when a number stands at most four words before it.
_QUANTITY_BEFORE = re.compile(r"[0-9][0-9.,]*\s*(?:[^\W\d_]+\s+){0,3}[^\W\d_]+\s*$")
# A second "per" in a chain: "150 triệu đồng/ha/năm" is "... mỗi héc ta mỗi năm".
_AFTER_PER = re.compile(r"[0-9][0-9.,]*\s*(?:[^\W\d_]+\s+){0,3}mỗi\s+(?:[^\W\d_]+\s+){0,2}[^\W\d_]+\s*$")


# The abbreviation pass leaves "bão/ áp thấp nhiệt đới": a word glued to the slash, a space after it.
_EXPANDED_AFTER_SLASH = re.compile(r"/\s+[^\W\d_]")


# "02 buổi/1 tuần" is "hai buổi mỗi tuần"; "6 tháng/lần" is "sáu tháng một lần".
_PER_ONE = re.compile(r"(?<=[^\W\d_])\s*/\s*0*1\s+(?=[^\W\d_])")
_ONCE_PER = re.compile(r"(?<=[^\W\d_])\s*/\s*(?=lần\b)")
_SPAN_BEFORE = re.compile(r"\b(?:giờ|ngày|tuần|tháng|năm|quý|phút)\s*$")


def _once_per(match: re.Match[str]) -> str:
    # After a span it says how often ("6 tháng/lần" sáu tháng một lần); after a price, for each
    # time ("25.000 đồng/lần" hai mươi lăm nghìn đồng mỗi lần).
    return " một " if _SPAN_BEFORE.search(match.string, 0, match.start()) else " mỗi "


# The dates pass has already read "/24h" as "/hai mươi tư giờ".
_COUNT_WORDS = {"một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười", "mươi"}
_AMOUNT_UNITS = tuple(UNITS[unit] for unit in ("mm", "cm", "m", "km", "m³", "l", "ml", "kg", "g"))


# "2 lần/3 tháng" is "hai lần mỗi ba tháng"; "100 mm/3 giờ" is "... trong ba giờ".
_PER_SPAN = re.compile(r"(?<=[^\W\d_])\s*/\s*(?=[0-9]{1,3}\s*(?:giờ|ngày|tuần|tháng|năm|phút)\b)")


def _per_span(match: re.Match[str]) -> str:
    return " trong " if match.string[: match.start()].endswith(_AMOUNT_UNITS) else " mỗi "


def _per(text: str) -> str:
    text = _ONCE_PER.sub(_once_per, _PER_ONE.sub(" mỗi ", text))
    text = _PER_SPAN.sub(_per_span, text)
    position = 0
    while match := _PER_SLASH.search(text, position):
        position = match.start() + 1
        before = text[max(0, match.start() - 80) : match.start()]
        if not (_QUANTITY_BEFORE.search(before) or _AFTER_PER.search(before)):
            continue
        if _EXPANDED_AFTER_SLASH.match(text, match.start()):
            # "cơn bão/ATNĐ" is bão or áp thấp nhiệt đới: an abbreviation is never the unit of a "per".
            continue
        tail = match.group("tail")
        if tail in _COUNT_WORDS and text[: match.start()].endswith(_AMOUNT_UNITS):
            # "150 mm/24h" is an amount over a span: "trong hai mươi tư giờ".
            text = f"{text[: match.start()]} trong {text[match.start() :].lstrip(' /')}"
            continue
        spoken = UNITS.get(tail) or _PER_ONLY.get(tail) or tail
        text = f"{text[: match.start()]} mỗi {spoken}{text[match.end() :]}"
    return text


# "38OC", "37,5 oC": the degree sign typed as a letter o.
_LETTER_O_DEGREES = re.compile(r"(?<=[0-9])\s?[oO]C\b")
# "ảnh 3x4", "phòng 4 x 6 m": dimensions are read "ba nhân bốn".
_BY = re.compile(r"(?<=[0-9])\s*[x×]\s*(?=[0-9])")
# "cao 1m57": a height in metres and centimetres.
_METRES_CENTIMETRES = re.compile(r"(?<![\w.,])(?P<m>[0-9])m(?P<cm>[0-9]{2})(?![\w]|[.,][0-9])")
# "tăng x2", "nhân hệ số x3": a multiplier standing alone.
_TIMES = re.compile(r"(?<![\w.,])[x×](?=[0-9]{1,2}(?![\w.,]))")
# "$500", "$1,2 triệu": the dollar sign is said after the amount.
_DOLLARS = re.compile(r"\$\s*(?P<amount>[0-9]+(?:[.,][0-9]+)*(?:\s+(?:nghìn|triệu|tỷ))?)|(?<=[0-9])\s*\$")


# Metric units written out as one word ("0,4 miligam"): said syllable by syllable, as eSpeak's
# Vietnamese voice otherwise guesses at them.
_UNIT_WORDS = {
    "kilôgam": "ki lô gam", "kilogam": "ki lô gam", "kilôgram": "ki lô gam", "kilogram": "ki lô gam",
    "kilômét": "ki lô mét", "kilomet": "ki lô mét", "kilômet": "ki lô mét", "kilomét": "ki lô mét",
    "miligam": "mi li gam", "miligram": "mi li gam", "mililít": "mi li lít", "mililit": "mi li lít",
    "milimét": "mi li mét", "milimet": "mi li mét", "xentimét": "xen ti mét", "centimet": "xen ti mét",
    "centimét": "xen ti mét", "xăngtimét": "xăng ti mét", "hécta": "héc ta", "hecta": "héc ta",
    "kilôoát": "ki lô oát", "kilowatt": "ki lô oát", "megaoát": "mê ga oát",
}  # fmt: skip
_UNIT_WORD = re.compile(r"\b(?i:" + "|".join(sorted(_UNIT_WORDS, key=len, reverse=True)) + r")\b")


def read_measures(text: str) -> str:
    text = _UNIT_WORD.sub(lambda match: _UNIT_WORDS[match.group(0).lower()], text)
    text = _BY.sub(" nhân ", text)
    text = _METRES_CENTIMETRES.sub(lambda match: f"{match['m']} mét {match['cm']}", text)
    text = _TIMES.sub("nhân ", text)
    text = _DOLLARS.sub(lambda match: f"{match['amount'] or ''} đô la", text)
    text = _NEGATIVE.sub("âm ", text)
    text = _BRACKETED_UNIT.sub(_bracketed_unit, text)
    text = _DEGREES_C.sub(" độ xê", text)
    text = _LETTER_O_DEGREES.sub(" độ xê", text)
    text = _KILOMETRE_MARKER.sub("ki lô mét ", text)
    text = _UNIT_AFTER_SCALE.sub(lambda match: f"{match['scale']} {UNITS[match['unit']]}", text)
    text = _UNIT_AFTER_NUMBER.sub(lambda match: " " + UNITS[match.group("unit")], text)
    return _per(text)
