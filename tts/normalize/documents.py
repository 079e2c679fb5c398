"""Legal document numbers: 07/CT-TTg, 49/2024/NĐ-CP, 2362/UBND-VHTT, 3270-CV/BTGTU, 59/2020/QH14.

Spoken the way a newsreader says them: the type, "số", the number as a quantity (leading zeros
dropped), "năm" and the year, then "của" and the issuing body:
  "Nghị định số 49/2024/NĐ-CP" -> "nghị định số bốn mươi chín năm hai nghìn không trăm hai mươi tư
  của chính phủ". The type is not repeated when the text has just said it, and the issuer is left
out when the same sentence goes on with "của <issuer>" ("... ngày 21/3/2023 của Thủ tướng").
"""

from __future__ import annotations

import re

from tts.normalize.abbreviations import AbbreviationTable, default_table, spell_letters
from tts.normalize.numbers import read_int, read_integer_text

_SEGMENT = r"[A-ZĐ][A-Za-zĐđ&]*[0-9]*"
_CODE = rf"{_SEGMENT}(?:-{_SEGMENT})*"
_START = r"(?<![0-9/.,])"
# 3270-CV/BTGTU: the party-document layout puts the type before the slash.
# A number may carry a letter: "Nghị quyết số 30c/NQ-CP".
_NUM = r"(?P<num>[0-9]+)(?P<letter>[a-zđ])?"
_PARTY_NUMBER = re.compile(rf"{_START}{_NUM}-(?P<type>[A-ZĐ][A-Za-zĐ]*)/(?P<code>{_CODE})(?!\w)")
_STATE_NUMBER = re.compile(rf"{_START}{_NUM}(?:/(?P<year>(?:19|20)[0-9]{{2}}))?/(?P<code>{_CODE})(?!\w)")
_SO_BEFORE = re.compile(r"\bsố\s*:?\s*$")
# Typed numbers often carry stray spaces: "456 /UBND-VP", "09/2025/QĐ- TTg", "125 - TB/ĐU".
_SPACED_NUMBER = re.compile(
    r"(?<![0-9/.,])[0-9]+(?:\s*/\s*(?:19|20)[0-9]{2})?(?:\s*-\s*[A-ZĐ][A-Za-zĐ]*|\s+(?P<type>[A-ZĐ][A-Za-zĐ]*)(?=\s*/))?"
    r"\s*/\s*[A-ZĐ][A-Za-zĐđ&]*[0-9]*(?:\s*-\s*[A-ZĐ][A-Za-zĐđ&]*[0-9]*)*"
    # "NQ – UBTVQH 14": the legislature's term after a space.
    r"(?:(?<=QH)\s[0-9]{1,2}(?![0-9]))?"
)
# The text names the issuer itself right after the number (and its date): "... ngày 15/4/2025 của",
# "..., ngày 24/01/2025 của", "... ngày 19 tháng 7 năm 2021 của".
_DATE = (
    r"ngày\s+[0-9]{1,2}\s*(?:[/.-]\s*[0-9]{1,2}(?:\s*[/.-]\s*[0-9]{2,4})?"
    r"|tháng\s+[0-9]{1,2}(?:\s+năm\s+[0-9]{4})?)"
)
_OWN_ISSUER_AFTER = re.compile(rf"\s*(?:,?\s*{_DATE}\s*)?,?\s*của\b", re.IGNORECASE)
# "công điện khẩn số 12/CĐ.UBND": a dot typed for the dash between the type and the issuer.
_DOTTED_CODE = re.compile(r"(?<=[0-9]/)([A-ZĐ][A-Za-zĐđ]{0,5})\.(?=[A-ZĐ][A-ZĐ0-9]+(?!\w))")
# "449/QĐ-TTgngày 12 tháng 3": the word after a code typed against it.
_GLUED_AFTER_CODE = re.compile(r"(?<=[0-9]/)([A-ZĐ][A-Za-zĐđ&0-9/-]*?)(?=(?:ngày|của|về)\s)")
# "2463/QĐ-UBND.VX": a dot typed for the dash before the drafting unit.
_DOTTED_UNIT = re.compile(r"(?<=[0-9]/)([A-ZĐ][A-Za-zĐđ]{0,5}-[A-ZĐ][A-ZĐ0-9]{1,9})\.(?=[A-ZĐ][A-ZĐ0-9]{0,9}(?!\w))")
# "13-NQ/TƯ", "HD/BTCTƯ": Party codes typed with "TƯ" (Trung ương) for "TW".
_TU_FOR_TW = re.compile(r"(?<=/)([A-ZĐ]*)TƯ(?![^\W\d_])")
# The Party's own document types where a state one shares the letters: its "TT" is a "thông tri"
# (the Party issues no "thông tư").
_PARTY_TYPES = {"TT": "thông tri"}
# "Quyết định số: 95/QĐ-UBND": inside a sentence the colon after "số" is no pause (a "Số:" label is).
_SO_COLON = re.compile(r"(?<=[^\W\d_])(\s+số)\s*:\s*(?=[0-9])")
# Names a document type goes by besides its own: Party "Quy định số 37-QĐ/TW" shares QĐ with
# "quyết định"; "Thông tư 16/2016/TTLT-BYT-BQP" names a joint circular by its first words.
_OTHER_NAMES = {"quyết định": ("quy định",)}
# A number of a list after its first: "...; số 43/CĐ-TTg", ", và số 12/QĐ-UBND".
_LISTED_SO = re.compile(r"[;,]\s*(?:và\s+)?số\s*:?\s*$")
# What may stand between two numbers of one list: "(ngày 28/01/2021), Thông báo số", "và Chỉ thị".
_NEXT_IN_LIST = re.compile(
    rf"\s*(?:,?\s*{_DATE}\s*)?(?:,|và|hoặc)\s*(?:[^\W\d_]+\s+){{0,3}}(?:số\s*:?\s*)?(?=[0-9])", re.IGNORECASE
)


# A Party board's code is the board's and its committee's together: "VPĐU" văn phòng đảng ủy, "BTGDVTU"
# ban tuyên giáo và dân vận tỉnh ủy, "UBKTHU" ủy ban kiểm tra huyện ủy.
_COMMITTEES = ("TW", "TU", "HU", "QU", "ĐU")


def _issuer(segment: str, table: AbbreviationTable) -> str:
    spoken = table.issuer(segment)
    letters = segment.rstrip("0123456789")
    if letters != segment or not spoken.startswith(spell_letters(letters)):
        return spoken
    for committee in _COMMITTEES:
        board = letters[: -len(committee)]
        if letters.endswith(committee) and len(board) >= 2 and not table.issuer(board).startswith(spell_letters(board)):
            said = table.issuer(committee)
            if not said.startswith(spell_letters(committee)):
                return f"{table.issuer(board)} {said}"
    return spoken


def _number_words(match: re.Match[str]) -> list[str]:
    num = match.group("num")
    words = [read_integer_text(num) if len(num) > 9 else read_int(int(num))]
    if match.group("letter"):
        words.append(spell_letters(match.group("letter")))
    year = match.groupdict().get("year")
    if year:
        words += ["năm", read_int(int(year))]
    return words


def _issuer_mentioned_after(text: str, end: int, code: str, spoken: str) -> bool:
    if _OWN_ISSUER_AFTER.match(text, end):
        return True
    issuer = rf"(?:{re.escape(code)}|{re.escape(spoken)})"
    window = re.match(r"[^.;!?\n]{0,80}", text[end:])
    # "của" after the subject ("về việc cấp vắc xin của TTYT khu vực") belongs to the subject.
    before_subject = re.split(r"\bvề\b", window.group(0), maxsplit=1, flags=re.IGNORECASE)[0] if window else ""
    if re.search(rf"\bcủa\s+{issuer}\b", before_subject, re.IGNORECASE):
        return True
    # A title in a list of legal bases ends with its issuer: "Thông tư 25/2019/TT-BNNPTNT quy định
    # về ... do Bộ Nông nghiệp và Phát triển nông thôn ban hành", "... do UBND tỉnh Kon Tum ban hành".
    clause = re.match(r"[^.;!?\n]{0,200}", text[end:])
    issued_by = rf"\bdo\s+{issuer}(?:\s+[^\W\d_]+){{0,4}}?\s+(?:ban hành|phát hành|ký)\b"
    return bool(clause and re.search(issued_by, clause.group(0), re.IGNORECASE))


def _issuer_segments(match: re.Match[str], table: AbbreviationTable) -> list[str]:
    segments = match.group("code").split("-")
    if match.groupdict().get("type") is None and table.doc_type(segments[0]):
        return segments[1:]
    return segments


def _issuer_named_after(match: re.Match[str], issuers: list[str], table: AbbreviationTable, depth: int = 0) -> bool:
    """Whether the text names the issuer itself: right after the number, or after the last number of
    a list from the same issuing body ("Nghị quyết số 18-NQ/TW, Nghị quyết số 19-NQ/TW ngày ... của")."""
    first = issuers[0].rstrip("0123456789") if issuers else ""
    if _issuer_mentioned_after(match.string, match.end(), first, _issuer(first, table)):
        return True
    listed = _NEXT_IN_LIST.match(match.string, match.end())
    if not listed or depth >= 5:
        return False
    following = _PARTY_NUMBER.match(match.string, listed.end()) or _STATE_NUMBER.match(match.string, listed.end())
    # The same issuing body, whatever drafted it: "641/UBND-VX1 ..., 13/TB-UBND ... của UBND tỉnh".
    if following is None or _issuer_segments(following, table)[:1] != issuers[:1]:
        return False
    return _issuer_named_after(following, issuers, table, depth + 1)


def _type_names(doc_type: str) -> str:
    words = doc_type.split()
    names = {doc_type, *_OTHER_NAMES.get(doc_type, ())}
    if len(words) > 2:
        names.add(" ".join(words[:2]))
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


def _type_said(doc_type: str, before: str, sentence_before: str) -> bool:
    names = _type_names(doc_type)
    # "Thông báo kết luận số 125-TB/ĐU", "các Công điện: số 41/CĐ-TTg": said a few words before "số".
    if re.search(rf"\b(?:{names})(?:\s+[^\W\d_]+){{0,3}}\s*:?\s*(?:số\s*:?\s*)?$", before):
        return True
    # "...; số 43/CĐ-TTg": a later item of a list whose type the sentence named once.
    return bool(_LISTED_SO.search(before)) and bool(
        re.search(rf"\b(?:{names})\b[^.!?]*$", sentence_before, re.IGNORECASE)
    )


def _looks_like_code(segment: str) -> bool:
    """Codes look like TTg, NĐ, UBTVQH15; "Khu" (as in "số 5/Khu phố") is a word."""
    letters = segment.rstrip("0123456789")
    return len(letters) >= 2 and not re.search(r"[a-zđ]{2}", letters)


def _read_document_number(match: re.Match[str], table: AbbreviationTable) -> str:
    segments = match.group("code").split("-")
    # A one-letter type the table knows is still a code: "08/2017/L-CTN" (lệnh).
    known_type = bool(table.doc_type(segments[0]))
    if not all(_looks_like_code(segment) or (i == 0 and known_type) for i, segment in enumerate(segments)):
        return match.group(0)
    party_type = match.groupdict().get("type")
    doc_type = _PARTY_TYPES.get(party_type or "") or table.doc_type(party_type or segments[0])
    segments = _issuer_segments(match, table)
    if party_type and not doc_type:
        doc_type = table.issuer(party_type)

    before = match.string[max(0, match.start() - 60) : match.start()].lower()
    type_said = doc_type and _type_said(doc_type, before, match.string[max(0, match.start() - 240) : match.start()])
    # "Số quyết định: 3150/QĐ-UBND": the label has said "số" and the type.
    has_so = bool(_SO_BEFORE.search(before)) or bool(
        type_said and re.search(rf"\bsố\s+(?:{_type_names(doc_type or '')})\s*:\s*$", before)
    )
    number = _number_words(match)
    if doc_type and not type_said:
        words = [*number, doc_type] if has_so else [doc_type, "số", *number]
    else:
        words = number if has_so else ["số", *number]

    if segments and not _issuer_named_after(match, segments, table):
        words += ["của", ", ".join(_spoken_issuers(segments, doc_type or "", table))]
    return " " + " ".join(words) + " "


def _spoken_issuers(segments: list[str], doc_type: str, table: AbbreviationTable) -> list[str]:
    """The issuing body, then its drafting unit ("UBND-VP": ủy ban nhân dân, văn phòng). A unit code the
    table does not know ("UBND-KTN") is an internal filing tag, left out rather than spelled; the
    bodies of a joint document ("TTLT-BTC-BNV") are all read."""
    spoken = [_issuer(segment, table) for segment in segments]
    if "liên tịch" in doc_type:
        return spoken
    # "CAT-PA05": a unit's number does not make an unknown code known.
    known = [
        i == 0 or not (said + " ").startswith(spell_letters(segment.rstrip("0123456789")) + " ")
        for i, (segment, said) in enumerate(zip(segments, spoken, strict=True))
    ]
    return [said for said, keep in zip(spoken, known, strict=True) if keep]


def _squeeze(match: re.Match[str], table: AbbreviationTable) -> str:
    number = re.sub(r"\s+", "", match.group(0))
    if match.group("type"):
        # "298 KH/TWĐTN": a space in place of the party layout's dash, for a type the table knows.
        if not table.doc_type(match.group("type")):
            return match.group(0)
        number = re.sub(r"^([0-9]+)", r"\1-", number)
    return number if _looks_like_code(number.rsplit("/", 1)[-1].split("-")[0]) else match.group(0)


def read_document_numbers(text: str, table: AbbreviationTable | None = None) -> str:
    table = table or default_table()
    text = _TU_FOR_TW.sub(r"\1TW", text)
    text = _SO_COLON.sub(r"\1 ", text)
    text = _GLUED_AFTER_CODE.sub(r"\1 ", text)
    text = _DOTTED_UNIT.sub(r"\1-", text)
    text = _DOTTED_CODE.sub(lambda m: m.group(1) + ("-" if table.doc_type(m.group(1)) else "."), text)
    text = _SPACED_NUMBER.sub(lambda match: _squeeze(match, table), text)
    text = _PARTY_NUMBER.sub(lambda match: _read_document_number(match, table), text)
    return _STATE_NUMBER.sub(lambda match: _read_document_number(match, table), text)
