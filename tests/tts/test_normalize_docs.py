"""Document references, headings, lists and punctuation: one test per kind of misreading fixed
(split `docs` of the reading corpus, data/corpus_docs.tsv)."""

import pytest

from tts.normalize import normalize
from tts.normalize.abbreviations import AbbreviationTable
from tts.normalize.documents import read_document_numbers

Y2021 = "năm hai nghìn không trăm hai mươi mốt"
Y2025 = "năm hai nghìn không trăm hai mươi lăm"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        # The issuer is not read when the text names it after a comma and the date.
        (
            "Kết luận số 121-KL/TW, ngày 24/01/2025 của Ban Chấp hành Trung ương",
            f"kết luận số một trăm hai mươi mốt, ngày hai mươi tư tháng một {Y2025} của ban chấp hành trung ương",
        ),
        # ... nor after a date written in words.
        (
            "Kết luận số 867-KL/HU ngày 20 tháng 7 năm 2021 của đồng chí Bí thư",
            f"kết luận số tám trăm sáu mươi bảy ngày hai mươi tháng bảy {Y2021} của đồng chí bí thư",
        ),
        # Without "của", the issuer is still read, and before the date.
        (
            "Công văn số 8011-CV/BTCTW, ngày 27/02/2025",
            "công văn số tám nghìn không trăm mười một của ban tổ chức trung ương, "
            f"ngày hai mươi bảy tháng hai {Y2025}",
        ),
    ],
)
def test_issuer_named_by_the_text_is_read_once(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        # Party rules share QĐ with decisions: "Quy định" already names the type.
        ("Quy định số 37-QĐ/TW", "quy định số ba mươi bảy của trung ương"),
        ("Quy định 69-QĐ/TW", "quy định số sáu mươi chín của trung ương"),
        ("Quyết định số 99-QĐ/TW", "quyết định số chín mươi chín của trung ương"),
        # A joint circular named by its first words.
        (
            "Thông tư 36/2011/TTLT-BYT-BQP",
            "thông tư số ba mươi sáu năm hai nghìn không trăm mười một của bộ y tế, bộ quốc phòng",
        ),
    ],
)
def test_document_type_said_under_another_name_is_not_repeated(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_colon_after_so_inside_a_sentence_is_no_pause() -> None:
    assert normalize("Quyết định số: 59/QĐ-UBND") == "quyết định số năm mươi chín của ủy ban nhân dân"
    # A "Số:" label opening a header line keeps its pause.
    assert normalize("Số: 09/UBND- VP") == "số: chín của ủy ban nhân dân, văn phòng"


def test_one_letter_type_the_table_knows_makes_a_document_number() -> None:
    table = AbbreviationTable()
    table.register("L", "lệnh", "doctype")
    table.register("CTN", "chủ tịch nước", "issuer")
    spoken = read_document_numbers("Lệnh số 07/2017/L-CTN công bố Luật", table)
    assert " ".join(spoken.split()) == "Lệnh số bảy năm hai nghìn không trăm mười bảy của chủ tịch nước công bố Luật"


def test_fraction_slash_in_a_document_number() -> None:
    assert normalize("Công điện số 1478⁄CĐ-TTg") == "công điện số một nghìn bốn trăm bảy mươi tám của thủ tướng"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("1- Nói, làm trái Điều lệ Đảng", "một. nói, làm trái điều lệ đảng"),
        ("I- MỤC TIÊU, YÊU CẦU", "một. mục tiêu, yêu cầu"),
        ("II - NHIỆM VỤ", "hai. nhiệm vụ"),
        # A range opening a line is not a heading.
        ("2 - 3 ngày tới trời mưa", "hai đến ba ngày tới trời mưa"),
    ],
)
def test_heading_number_with_a_dash(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    "text", ["dịch Covid- 19", "dịch Covid -19", "dịch Covid – 19", "dịch COVID - 19.", "dịch Covid-19"]
)
def test_dash_between_a_foreign_name_and_its_number_joins_one_name(text: str) -> None:
    assert normalize(text).rstrip(".") == "dịch cô vít mười chín"


def test_dash_between_vietnamese_words_stays_a_pause() -> None:
    assert normalize("các xã - thị trấn, thôn Trung - 2") == "các xã, thị trấn, thôn trung, hai"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("theo điểm c khoản 3 Điều 4", "theo điểm xê khoản ba điều bốn"),
        ("tại điểm a, b khoản 1", "tại điểm a, bê khoản một"),
        ("sau đây: a) Chưa đủ sức khỏe; b) Là lao động", "sau đây: a, chưa đủ sức khỏe; bê, là lao động"),
        ("đ) Các trường hợp khác", "đê, các trường hợp khác"),
    ],
)
def test_list_and_point_letters_are_said_by_name(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_legislature_term_after_a_space() -> None:
    assert normalize("Nghị quyết số 819/NQ – UBTVQH 14") == (
        "nghị quyết số tám trăm mười chín của ủy ban thường vụ quốc hội khóa mười bốn"
    )


def test_number_with_a_letter() -> None:
    assert normalize("Nghị quyết số 30c/NQ-CP") == "nghị quyết số ba mươi xê của chính phủ"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Hướng dẫn số 4488/BCĐ ngày14/11/2013", "hướng dẫn số bốn nghìn bốn trăm tám mươi tám của ban chỉ đạo "
         "ngày mười bốn tháng mười một năm hai nghìn không trăm mười ba"),
        ("theo khoản2 Điều 5", "theo khoản hai điều năm"),
        # Codes stay glued to their numbers.
        ("QL1A và H5N1", "quốc lộ một a và hát năm en một"),
    ],
)
def test_word_typed_against_its_number(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        # The issuer named after the last number of a list covers every number from that issuer.
        (
            "Nghị quyết số 18-NQ/TW, Nghị quyết số 19-NQ/TW ngày 25/10/2017 của Hội nghị Trung ương 6",
            "nghị quyết số mười tám, nghị quyết số mười chín ngày hai mươi lăm tháng mười năm hai nghìn không trăm "
            "mười bảy của hội nghị trung ương sáu",
        ),
        (
            "Chỉ thị 15/CT-TTg và Chỉ thị 16/CT-TTg của Thủ tướng",
            "chỉ thị số mười lăm và chỉ thị số mười sáu của thủ tướng",
        ),
        # A different issuer keeps its own.
        (
            "Nghị quyết số 57-NQ/TW và Nghị quyết số 17/NQ-CP của Chính phủ",
            "nghị quyết số năm mươi bảy của trung ương và nghị quyết số mười bảy của chính phủ",
        ),
    ],
)
def test_issuer_named_once_for_a_list_of_numbers(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_vv_is_read_like_v_v() -> None:
    assert normalize("lãnh đạo xã, trưởng thôn, vv... tham dự.") == "lãnh đạo xã, trưởng thôn, vân vân, tham dự."


def test_list_letter_with_a_dot_opening_a_line() -> None:
    spoken = normalize("a. Đối với hộ gia đình\nb. Đối với doanh nghiệp")
    assert spoken == "a. đối với hộ gia đình. bê. đối với doanh nghiệp"


def test_type_named_once_for_a_list_of_numbers() -> None:
    spoken = normalize("tại các Công điện: số 41/CĐ-TTg ngày 27/4/2024; số 43/CĐ-TTg ngày 01/5/2024.")
    assert spoken == (
        "tại các công điện: số bốn mươi mốt của thủ tướng ngày hai mươi bảy tháng tư năm hai nghìn không trăm "
        "hai mươi tư; số bốn mươi ba của thủ tướng ngày mùng một tháng năm năm hai nghìn không trăm hai mươi tư."
    )


def test_space_in_place_of_the_party_dash() -> None:
    assert normalize("Kế hoạch số 298 KH/TWĐTN ngày 14/7/2011 của Trung ương Đoàn") == (
        "kế hoạch số hai trăm chín mươi tám ngày mười bốn tháng bảy năm hai nghìn không trăm mười một "
        "của trung ương đoàn"
    )
    # Only before a type the table knows: "12 Khu/Tổ 3" is no document number.
    spoken = normalize("nhà số 12 Khu/Tổ 3")
    assert spoken.startswith("nhà số mười hai khu") and "của" not in spoken


def test_unknown_drafting_unit_is_left_out_not_spelled() -> None:
    table = AbbreviationTable()
    table.register("UBND", "ủy ban nhân dân", "issuer")
    table.register("VP", "văn phòng", "issuer")
    table.register("BTC", "bộ tài chính", "issuer")
    table.register("TTLT", "thông tư liên tịch", "doctype")

    def read(text: str) -> str:
        return " ".join(read_document_numbers(text, table).split())

    assert read("Công văn số 2008/UBND-KTTH về") == "Công văn số hai nghìn không trăm lẻ tám của ủy ban nhân dân về"
    assert read("Công văn số 456/UBND-VP về") == "Công văn số bốn trăm năm mươi sáu của ủy ban nhân dân, văn phòng về"
    # Every body of a joint document is read, known or not.
    assert read("số 5/2015/TTLT-BTC-BXD về").endswith("của bộ tài chính, bê ích dê về")


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("III/ KINH PHÍ", "ba. kinh phí"),
        ("1/ Mục đích", "một. mục đích"),
        ("2) Yêu cầu", "hai, yêu cầu"),
        ("II.1. Mục tiêu chung", "hai chấm một. mục tiêu chung"),
        ("theo mục II.1 của Kế hoạch", "theo mục hai chấm một của kế hoạch"),
        # Not headings: a fraction, a quarter and its year.
        ("1/2 số hộ dân", "một phần hai số hộ dân"),
        ("Quý III/2025", "quý ba năm hai nghìn không trăm hai mươi lăm"),
    ],
)
def test_heading_and_list_numbers(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def test_subject_line_colon_is_no_pause() -> None:
    assert normalize("V/v: Tổ chức Tết trồng cây") == "về việc tổ chức tết trồng cây"


def test_issuer_named_once_for_a_list_from_one_body_with_different_units() -> None:
    spoken = normalize(
        "Văn bản số 614/UBND-VX ngày 28/01/2021, Thông báo số 31/TB-UBND ngày 02/02/2021, "
        "Thông báo số 36/TB-UBND ngày 15/02/2021 của UBND tỉnh"
    )
    assert "của" not in spoken.removesuffix("của ủy ban nhân dân tỉnh")
