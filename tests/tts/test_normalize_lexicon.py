"""An area's pronunciation lexicon inside the normalizer: whole tokens, longest first, before tables."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tts.normalize import normalize
from tts.normalize.lexicon import Lexicon, clean_reading, clean_term

LEX = {
    "KDC": "khu dân cư", "TĐC": "tái định cư",
    "KDC mới": "khu dân cư mới ở phía đông", "Nà Pặc": "nà pặc", "CT": "công ty",
}


@pytest.mark.parametrize(("text", "spoken"), [
    ("Họp KDC số 3.", "họp khu dân cư số ba."),
    ("Họp KDC mới.", "họp khu dân cư mới ở phía đông."),  # the longer term wins
    ("TĐCX và TĐC2, TĐC.", "tê đê xê ích và tê đê xê hai, tái định cư."),  # not inside a token
    ("kdc viết thường.", "kdc viết thường."),  # case-sensitive, as acronyms are
    ("Bà CT của xã.", "bà công ty của xã."),  # beats the built-in table (CT = chủ tịch)
    ("Thực hiện 07/CT-TTg.", "thực hiện chỉ thị số bảy của thủ tướng."),  # not inside a document number
])
def test_lexicon_replaces_whole_tokens(text: str, spoken: str) -> None:
    assert normalize(text, LEX) == spoken


def test_no_lexicon_reads_as_before() -> None:
    assert normalize("Bà CT của xã.") == "bà chủ tịch của xã."
    assert normalize("Bà CT của xã.", {}) == normalize("Bà CT của xã.", Lexicon({}))


@pytest.mark.parametrize("term", ["", " ", "<b>", "-KDC", "K" * 65])
def test_unusable_terms_are_refused(term: str) -> None:
    assert clean_term(term) is None


@pytest.mark.parametrize("reading", ["", "khu <dân>", "r" * 201, "khu_dân"])
def test_unusable_readings_are_refused(reading: str) -> None:
    assert clean_reading(reading) is None


def test_terms_and_readings_are_canonical() -> None:
    assert clean_term("  Nà   Pặc ") == "Nà Pặc"
    assert clean_term("TT.") == "TT."
    assert clean_reading("Khu  Dân Cư, mới") == "khu dân cư, mới"
    assert clean_reading("hoà") == "hòa"


# Property: an entry changes the reading exactly where its term stands as a whole token.
words = st.sampled_from(["họp", "thôn", "xã", "Nà", "Pặc", "lúc", "sáng", "QZX", "QZXY", "QZX2", "(QZX)", "QZX.",
                         "QZX,", "-QZX", "BQLDA", "12/3"])


@settings(derandomize=True, deadline=None, max_examples=150)
@given(st.lists(words, min_size=1, max_size=12))
def test_an_entry_applies_to_whole_tokens_only(tokens: list[str]) -> None:
    text = " ".join(tokens)
    with_entry = normalize(text, {"QZX": "khu xóm mới"})
    stands_alone = any(t in ("QZX", "(QZX)", "QZX.", "QZX,") for t in tokens)
    if not stands_alone:
        assert with_entry == normalize(text)
    else:
        assert "khu xóm mới" in with_entry
    assert "khu xóm mới" not in normalize(text)
