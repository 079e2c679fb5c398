"""Document numbers: type, "số", number, year, issuer; no repeats of what the text already says."""

import pytest

from tts.normalize import normalize

Y2020 = "năm hai nghìn không trăm hai mươi"
Y2022 = "năm hai nghìn không trăm hai mươi hai"
Y2024 = "năm hai nghìn không trăm hai mươi tư"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Chỉ thị số 07/CT-TTg", "chỉ thị số bảy của thủ tướng"),
        ("Chỉ thị 07/CT-TTg", "chỉ thị số bảy của thủ tướng"),
        ("theo 07/CT-TTg", "theo chỉ thị số bảy của thủ tướng"),
        ("49/2024/NĐ-CP", f"nghị định số bốn mươi chín {Y2024} của chính phủ"),
        ("Nghị định số 07/2022/NĐ-CP.", f"nghị định số bảy {Y2022} của chính phủ."),
        (
            "Căn cứ Nghị định 100/2019/NĐ-CP",
            "căn cứ nghị định số một trăm năm hai nghìn không trăm mười chín của chính phủ",
        ),
        ("Thông tư số 73/2024/TT-BTC", f"thông tư số bảy mươi ba {Y2024} của bộ tài chính"),
        ("Thông tư 39/2020/TT-BTTTT", f"thông tư số ba mươi chín {Y2020} của bộ thông tin và truyền thông"),
        ("Luật số 59/2020/QH14", f"luật số năm mươi chín {Y2020} của quốc hội khóa mười bốn"),
        ("Kế hoạch số 115/KH-UBND", "kế hoạch số một trăm mười lăm của ủy ban nhân dân"),
        ("Tờ trình số 5/TTr-UBND", "tờ trình số năm của ủy ban nhân dân"),
        ("Công văn số 3270-CV/BTGTU", "công văn số ba nghìn hai trăm bảy mươi của ban tuyên giáo tỉnh ủy"),
        ("Nghị quyết số 01-NQ/TW", "nghị quyết số một của trung ương"),
        (
            "Công văn số 2362/UBND-VHTT",
            "công văn số hai nghìn ba trăm sáu mươi hai của ủy ban nhân dân, văn hóa thông tin",
        ),
        ("văn bản số 07/CT-TTg", "văn bản số bảy chỉ thị của thủ tướng"),
        (
            "Thông tư liên tịch số 5/2015/TTLT-BTC-BYT",
            "thông tư liên tịch số năm năm hai nghìn không trăm mười lăm của bộ tài chính, bộ y tế",
        ),
    ],
)
def test_document_numbers(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        (
            "Chỉ thị số 07/CT-TTg ngày 21/3/2023 của Thủ tướng Chính phủ",
            "chỉ thị số bảy ngày hai mươi mốt tháng ba năm hai nghìn không trăm hai mươi ba của thủ tướng chính phủ",
        ),
        (
            "Nghị quyết số 671/NQ-UBTVQH15 của Ủy ban Thường vụ Quốc hội",
            "nghị quyết số sáu trăm bảy mươi mốt của ủy ban thường vụ quốc hội",
        ),
        (
            "Quyết định số 1842/QĐ-UBND của UBND tỉnh",
            "quyết định số một nghìn tám trăm bốn mươi hai của ủy ban nhân dân tỉnh",
        ),
    ],
)
def test_issuer_named_right_after_is_not_repeated(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_issuer_is_kept_when_a_later_sentence_names_it() -> None:
    spoken = normalize("Thực hiện Kế hoạch số 5/KH-UBND. Đề nghị của UBND xã")
    assert spoken.startswith("thực hiện kế hoạch số năm của ủy ban nhân dân.")


@pytest.mark.parametrize("text", ["Số 5/Khu phố", "tổ 3/Xóm Chùa"])
def test_capitalised_words_after_a_slash_are_not_document_codes(text: str) -> None:
    assert "của" not in normalize(text)
