"""Phone numbers, hotlines and emergency numbers digit by digit; counts stay counts."""

import pytest

from tts.normalize import normalize

MOBILE = "không chín một hai, ba bốn năm, sáu bảy tám"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("0912 345 678", MOBILE),
        ("0912.345.678", MOBILE),
        ("0912-345-678", MOBILE),
        ("0912345678", MOBILE),
        ("Liên hệ 0912 345 678.", f"liên hệ {MOBILE}."),
        ("số điện thoại 0988 215 643", "số điện thoại không chín tám tám, hai một năm, sáu bốn ba"),
        ("ĐT: 0912345678", f"điện thoại: {MOBILE}"),
        ("(0208) 3855 123", "không hai không tám, ba tám năm năm, một hai ba"),
        ("024 3825 1234", "không hai bốn, ba tám hai năm, một hai ba bốn"),
        ("Điện thoại: 0208.3 855 123", "điện thoại: không hai không tám, ba, tám năm năm, một hai ba"),
        ("gọi 0912 345 678 hoặc 5 lần", f"gọi {MOBILE}, hoặc năm lần"),
        ("+84 912 345 678", "cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám"),
        ("+84912345678", "cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám"),
        ("1900 1234", "một chín không không, một hai ba bốn"),
        ("đường dây nóng 1900.9095", "đường dây nóng một chín không không, chín không chín năm"),
        ("18001091", "một tám không không, một không chín một"),
        ("gọi 113", "gọi một một ba"),
        ("gọi số 114", "gọi số một một bốn"),
        ("gọi 113 hoặc 114", "gọi một một ba, hoặc một một bốn"),
        ("Phát hiện cháy gọi 114", "phát hiện cháy gọi một một bốn"),
        ("cấp cứu gọi ngay 115.", "cấp cứu gọi ngay một một năm."),
        ("tổng đài 1022", "tổng đài một không hai hai"),
    ],
)
def test_phone_numbers(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("115 con gia súc", "một trăm mười lăm con gia súc"),
        ("1.250 con gia súc", "một nghìn hai trăm năm mươi con gia súc"),
        ("năm 1900", "năm một nghìn chín trăm"),
        ("0912 con", "không chín một hai con"),
        ("Kế hoạch số 115/KH-UBND", "kế hoạch số một trăm mười lăm của ủy ban nhân dân"),
    ],
)
def test_counts_are_not_phone_numbers(text: str, spoken: str) -> None:
    assert normalize(text) == spoken
