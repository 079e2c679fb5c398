"""The abbreviation dictionary: its contents, expansion in text, and run-time registration."""

import re

import pytest

from tts.normalize import abbreviations, normalize, register_abbreviation
from tts.normalize.abbreviations import AbbreviationTable, _parse_tsv, default_table, load_entries, spell_letters

TEXT_ENTRIES = default_table().text_entries()


def test_dictionary_is_generous_and_covers_the_issue() -> None:
    required = {
        "UBND", "HĐND", "MTTQ", "TT&TT", "VHTTDL", "THCS", "THPT", "BHYT", "BHXH", "CCCD", "CMND", "PCCC",
        "TP", "TX", "GS.TS", "PGS", "ThS", "Đ/c", "SN", "v.v.", "NĐ-CP", "QĐ", "TT", "CV", "KH", "BTTTT",
        "TTg", "CP", "BCH", "ĐU", "ĐTN", "CAX", "UBMTTQ", "KT-XH", "ATGT", "ATTP", "HTX",
    }  # fmt: skip
    assert required <= set(TEXT_ENTRIES)
    assert len(TEXT_ENTRIES) >= 60


def test_every_entry_expands_between_words() -> None:
    # One loop rather than ~280 parametrized cases: the suite stays fast and a failure lists them all.
    spoken = {abbr: normalize(f"xã {abbr} xã") for abbr in TEXT_ENTRIES}
    wrong = {abbr: text for abbr, text in spoken.items() if text != f"xã {TEXT_ENTRIES[abbr]} xã"}
    assert wrong == {}


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("UBND xã thông báo", "ủy ban nhân dân xã thông báo"),
        ("Sở TT&TT", "sở thông tin và truyền thông"),
        ("Đ/c Nguyễn Văn A", "đồng chí nguyễn văn a"),
        ("TP. Hà Nội", "thành phố hà nội"),
        ("TX. Sơn Tây", "thị xã sơn tây"),
        ("ThS. Lê Thị B", "thạc sĩ lê thị bê"),
        ("GS.TS Nguyễn Văn C", "giáo sư tiến sĩ nguyễn văn xê"),
        ("PGS.TS Trần D", "phó giáo sư tiến sĩ trần dê"),
        ("SN 15", "số nhà mười lăm"),
        ("gạo, muối, v.v. Đề nghị", "gạo, muối, vân vân. đề nghị"),
        ("gạo, muối, v.v.", "gạo, muối, vân vân."),
        ("HĐND - UBND", "hội đồng nhân dân, ủy ban nhân dân"),
        ("các PCT UBND", "các phó chủ tịch ủy ban nhân dân"),
        ("QL1A", "quốc lộ một a"),
        ("COVID-19", "cô vít mười chín"),
        ("ứng dụng VNeID", "ứng dụng vê en e ai đi"),
        ("Ông Nguyễn Văn B, SN 1965", "ông nguyễn văn bê, sinh năm một nghìn chín trăm sáu mươi lăm"),
        ("Chương trình MTQG xây dựng NTM", "chương trình mục tiêu quốc gia xây dựng nông thôn mới"),
        ("V/v tổ chức hội nghị", "về việc tổ chức hội nghị"),
    ],
)
def test_abbreviations_in_text(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("TU BỔ ĐÊ ĐIỀU", "tu bổ đê điều"),
        ("CA SĨ", "ca sĩ"),
        ("Ca sĩ", "ca sĩ"),
        ("TU xã", "tỉnh ủy xã"),
    ],
)
def test_syllable_like_keys_in_capitalised_headings_stay_words(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("acronym", "spoken"), [("VTV", "vê tê vê"), ("XYZ", "ích i dét"), ("H5N1", "hát năm en một")])
def test_unknown_acronyms_are_spelled(acronym: str, spoken: str) -> None:
    assert normalize(acronym) == spoken
    assert spell_letters(acronym) == spoken


@pytest.fixture
def fresh_default_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registration changes process-wide state: give the test its own copy of the table."""
    table = AbbreviationTable(load_entries())
    monkeypatch.setattr(abbreviations, "default_table", lambda: table)


@pytest.mark.usefixtures("fresh_default_table")
def test_register_abbreviation_extends_the_default_table() -> None:
    assert normalize("HTXLOA") == "hát tê ích e lờ o a"
    register_abbreviation("HTXLOA", "hợp tác xã loa  ", kind="text")
    assert normalize("Họp HTXLOA.") == "họp hợp tác xã loa."


def test_registered_spoken_forms_get_the_same_tone_placement() -> None:
    table = AbbreviationTable()
    table.register("HV", "Hoà Vang")
    assert table.expand("HV") == " hòa vang "


def test_document_only_kinds_do_not_expand_in_text() -> None:
    table = AbbreviationTable()
    table.register("BTC", "bộ tài chính", kind="issuer")
    table.register("NĐ", "nghị định", kind="doctype")
    assert table.expand("BTC NĐ") == "BTC NĐ"
    assert table.issuer("BTC") == "bộ tài chính"
    assert table.doc_type("NĐ") == "nghị định"


@pytest.mark.parametrize(("abbr", "spoken", "kind"), [("X", "", "text"), ("", "y", "text"), ("X", "y", "word")])
def test_register_rejects_bad_entries(abbr: str, spoken: str, kind: str) -> None:
    with pytest.raises(ValueError):
        AbbreviationTable().register(abbr, spoken, kind)  # type: ignore[arg-type]


def test_tsv_errors_name_the_line() -> None:
    with pytest.raises(ValueError, match="line 2"):
        _parse_tsv("# comment\nUBND\n")


def test_data_file_spoken_forms_are_lowercase_vietnamese_words() -> None:
    table = default_table()
    for entries in (table.text_entries(), table._by_kind["doctype"], table._by_kind["issuer"]):
        for abbr, spoken in entries.items():
            assert re.fullmatch(r"[^\W\d_]+(?: [^\W\d_]+)*", spoken), abbr
            assert spoken == spoken.lower(), abbr
