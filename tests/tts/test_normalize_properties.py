"""Property: whatever mix of digits, separators and words comes in, normalize returns speakable text."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tts.normalize import normalize, split_sentences

WORDS = [
    "ngày", "tháng", "năm", "thứ", "quý", "số", "thôn", "gọi", "từ", "đến", "lúc", "khoảng", "UBND", "km",
    "ha", "h", "IV", "I", "x", "Đ/c", "mùng", "lần", "cấp", "TP.", "của", "Thủ", "tướng", "CT-TTg", "NĐ-CP",
]  # fmt: skip
DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=12)
NUMBERS = st.lists(DIGITS, min_size=1, max_size=4).flatmap(
    lambda parts: st.sampled_from(".,/:h-").map(lambda sep: sep.join(parts))
)
SEPARATORS = st.sampled_from([" ", " ", ", ", ". ", "/", "-", " - ", ":", "%", "(", ")", "&", "°C", "\n"])
TOKENS = st.one_of(st.sampled_from(WORDS), NUMBERS, SEPARATORS, st.text(max_size=3))
TEXTS = st.lists(TOKENS, max_size=14).map("".join)


@settings(derandomize=True, deadline=None, max_examples=150)
@given(TEXTS)
def test_normalize_never_raises_and_leaves_no_digits_or_symbols(text: str) -> None:
    spoken = normalize(text)
    assert not re.search(r"[0-9]", spoken)
    assert not re.search(r"[^\w\s.,;:!?]|_", spoken)
    assert spoken == spoken.strip()
    for piece in split_sentences(spoken, max_chars=50):
        assert 0 < len(piece) <= 50
