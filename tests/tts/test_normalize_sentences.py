"""split_sentences: sentence ends first, then commas, then words, never over max_chars."""

import pytest

from tts.normalize import normalize, split_sentences


def test_splits_at_sentence_ends() -> None:
    assert split_sentences("một hai. ba bốn! năm sáu? bảy") == ["một hai.", "ba bốn!", "năm sáu?", "bảy"]


def test_long_sentences_split_at_commas_and_pack_clauses() -> None:
    sentence = "mưa to, gió giật mạnh, sóng lớn, nước dâng cao, bà con chú ý."
    pieces = split_sentences(sentence, max_chars=25)
    assert pieces == ["mưa to, gió giật mạnh,", "sóng lớn, nước dâng cao,", "bà con chú ý."]
    assert " ".join(pieces) == sentence


def test_clause_without_commas_falls_back_to_words() -> None:
    pieces = split_sentences("một hai ba bốn năm sáu bảy tám chín mười", max_chars=12)
    assert pieces == ["một hai ba", "bốn năm sáu", "bảy tám chín", "mười"]


def test_a_word_longer_than_the_limit_is_cut() -> None:
    assert split_sentences("abcdefghij", max_chars=4) == ["abcd", "efgh", "ij"]


def test_empty_text_gives_no_pieces() -> None:
    assert split_sentences("") == []
    assert split_sentences("   ") == []


def test_max_chars_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_chars"):
        split_sentences("một", max_chars=0)


@pytest.mark.parametrize("max_chars", [40, 100, 400])
def test_pieces_of_a_normalized_bulletin_respect_the_limit(max_chars: int) -> None:
    spoken = normalize(
        "Thực hiện Chỉ thị số 07/CT-TTg ngày 21/3/2023 của Thủ tướng Chính phủ, UBND xã thông báo: từ 7h30 "
        "đến 11h00 ngày 15/12/2024 tiêm phòng cho 1.250 con gia súc tại thôn 3. Liên hệ 0912 345 678."
    )
    pieces = split_sentences(spoken, max_chars=max_chars)
    assert all(0 < len(piece) <= max_chars for piece in pieces)
    assert " ".join(pieces) == spoken
