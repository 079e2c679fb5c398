"""Legacy encodings: TCVN3 (ABC) and VNI pasted text comes back as Unicode NFC; real Unicode
Vietnamese is never touched."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.services import legacy_text as lt

BULLETINS = Path(__file__).resolve().parents[3] / "server" / "demo_data" / "bulletins.jsonl"
TCVN3_ENCODE = {letter: code for code, letter in lt.TCVN3.items()}
# Unicode -> VNI: the shortest VNI sequence of each letter (single bytes win over base+mark).
VNI_ENCODE: dict[str, str] = {}
for _seq, _letter in sorted(lt.VNI.items(), key=lambda kv: (len(kv[0]), kv[0])):
    if len(_letter) == 1 and not (_seq[0].isupper() and _seq[1:].islower()):
        VNI_ENCODE.setdefault(_letter, _seq)

VOWELS = [unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưy" for t in ("", *lt._TONES)]


def to_tcvn3(text: str) -> str:
    # TCVN3 has no uppercase toned letters (the all-caps font draws lowercase codes as capitals).
    out = []
    for ch in unicodedata.normalize("NFC", text):
        code = TCVN3_ENCODE.get(ch) or (TCVN3_ENCODE.get(ch.lower()) if ch.lower() != ch else None)
        out.append(code if code is not None else ch)
    return "".join(out)


def to_vni(text: str) -> str:
    return "".join(VNI_ENCODE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def bodies() -> list[str]:
    return [json.loads(line)["body"] for line in BULLETINS.read_text(encoding="utf-8").splitlines()]


def test_tables_cover_every_vietnamese_letter() -> None:
    # 72 lowercase forms minus a e i o u y, minus ý (its TCVN3 byte is Latin-1 "ý"), + đ + 7 capitals
    assert len(lt.TCVN3) == 72 - 6 - 1 + 1 + 7
    assert set(VOWELS) - {"a", "e", "i", "o", "u", "y", "ý"} <= set(lt.TCVN3.values())
    for letter in [*VOWELS, *(v.upper() for v in VOWELS), "đ", "Đ"]:
        if letter.isascii():
            continue
        assert letter in VNI_ENCODE, letter
        assert lt.decode_vni(VNI_ENCODE[letter]) == letter


@pytest.mark.parametrize("body", bodies())
def test_real_bulletins_round_trip_through_both_encodings(body: str) -> None:
    tcvn3 = lt.convert(to_tcvn3(body))
    assert tcvn3.encoding == "tcvn3"
    assert tcvn3.text == _lower_toned(body)
    vni = lt.convert(to_vni(body))
    assert vni == lt.Converted(unicodedata.normalize("NFC", body), "vni")


def _lower_toned(text: str) -> str:
    """What TCVN3 can carry: capitals that have no code become lowercase."""
    return "".join(ch.lower() if ch not in TCVN3_ENCODE and ch.lower() in TCVN3_ENCODE else ch for ch in text)


@pytest.mark.parametrize("body", bodies())
def test_unicode_bulletins_are_never_converted(body: str) -> None:
    assert lt.convert(body) == lt.Converted(body, "unicode")


@pytest.mark.parametrize("text", [
    "cà phê", "Bà về quê", "Tôi là ai", "café Zürich", "Ông Bà", "São Paulo à la carte", "naïve résumé",
    "Giá 20.000 đồng", "Hà Nội", "A", "", "12/3/2024 7h30", "Chủ tịch UBND xã",
])
def test_no_false_positive(text: str) -> None:
    assert lt.convert(text) == lt.Converted(text, "unicode")


@pytest.mark.parametrize(("pasted", "encoding", "expected"), [
    ("Th«ng b¸o vÒ viÖc tiªm phßng", "tcvn3", "Thông báo về việc tiêm phòng"),
    ("UBND x· Phó §Þnh th«ng b¸o", "tcvn3", "UBND xã Phú Định thông báo"),
    ("Ng\xadêi d©n", "tcvn3", "Người dân"),
    ("Xin chaøo caùc baïn", "vni", "Xin chào các bạn"),
    ("Ñöôøng Nguyeãn Hueä", "vni", "Đường Nguyễn Huệ"),
    ("ÑAØ NAÜNG", "vni", "ĐÀ NẴNG"),
])
def test_known_samples(pasted: str, encoding: str, expected: str) -> None:
    result = lt.convert(pasted)
    assert result == lt.Converted(expected, encoding)  # type: ignore[arg-type]
    assert unicodedata.is_normalized("NFC", result.text)


def test_syllable_check() -> None:
    assert lt.is_syllable("nghiêng") and lt.is_syllable("khuyếch") and lt.is_syllable("Người")
    assert not lt.is_syllable("chaøo") and not lt.is_syllable("chaứo") and not lt.is_syllable("ắá")


SYLLABLES = sorted({w.strip('.,;:!?()"') for body in bodies() for w in body.split()
                    if lt.is_syllable(w.strip('.,;:!?()"'))})
# Lowercase running text (a capital toned letter has no TCVN3 code; the bulletins above cover capitals).
# A few words are ambiguous on their own ("sô" is VNI for "sơ" and Unicode "sô"): running text has
# at least five words with a Vietnamese letter.
sentences = st.lists(st.sampled_from(sorted({s.lower() for s in SYLLABLES})), min_size=8, max_size=40).filter(
    lambda ws: sum(not w.isascii() for w in ws) >= 5).map(" ".join)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(sentences)
def test_property_sentences_round_trip_and_unicode_stays(text: str) -> None:
    assert lt.convert(text) == lt.Converted(text, "unicode")
    vni, tcvn3 = lt.convert(to_vni(text)), lt.convert(to_tcvn3(text))
    assert vni.text == unicodedata.normalize("NFC", text) and tcvn3.text == _lower_toned(text)
    assert (vni.encoding, tcvn3.encoding) == ("vni", "tcvn3")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(max_size=60))
def test_property_never_raises_and_output_is_nfc(text: str) -> None:
    result = lt.convert(text)
    assert result.encoding in ("unicode", "tcvn3", "vni")
    assert (result.encoding == "unicode" and result.text == text) or unicodedata.is_normalized("NFC", result.text)
