"""Dates (ngày/mùng/tháng tư/năm), months with years, quarters, and clock times."""

import pytest

from tts.normalize import normalize

Y2023 = "năm hai nghìn không trăm hai mươi ba"
Y2024 = "năm hai nghìn không trăm hai mươi tư"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("21/3/2023", f"ngày hai mươi mốt tháng ba {Y2023}"),
        ("ngày 21/3/2023", f"ngày hai mươi mốt tháng ba {Y2023}"),
        ("Ngày 21/3/2023, Thủ tướng", f"ngày hai mươi mốt tháng ba {Y2023}, thủ tướng"),
        ("ngày 05/3/2024", f"ngày mùng năm tháng ba {Y2024}"),
        ("21.3.2023", f"ngày hai mươi mốt tháng ba {Y2023}"),
        ("21-3-2023", f"ngày hai mươi mốt tháng ba {Y2023}"),
        ("01/12", "ngày mùng một tháng mười hai"),
        ("ngày 01/12", "ngày mùng một tháng mười hai"),
        ("mùng 2/9", "mùng hai tháng chín"),
        ("30/4", "ngày ba mươi tháng tư"),
        ("10/10", "ngày mùng mười tháng mười"),
        ("trước 20/12/2024", f"trước ngày hai mươi tháng mười hai {Y2024}"),
        ("hết ngày 15/3/2023", f"hết ngày mười lăm tháng ba {Y2023}"),
        ("sáng 15/12", "sáng ngày mười lăm tháng mười hai"),
        ("tháng 4/2024", f"tháng tư {Y2024}"),
        ("4/2024", f"tháng tư {Y2024}"),
        ("tháng 12/2024", f"tháng mười hai {Y2024}"),
        ("quý 2/2024", f"quý hai {Y2024}"),
        ("tháng 4", "tháng tư"),
        ("tháng 1", "tháng một"),
        ("ngày 4 tháng 5 năm 2024", f"ngày mùng bốn tháng năm {Y2024}"),
        ("các ngày 18 và 19/3/2024", f"các ngày mười tám và mười chín tháng ba {Y2024}"),
        ("ngày 5, 6 và 7/6", "ngày mùng năm, mùng sáu và mùng bảy tháng sáu"),
        ("Chủ nhật, 12/01/2025", "chủ nhật, ngày mười hai tháng một năm hai nghìn không trăm hai mươi lăm"),
        ("15/8 âm lịch", "ngày mười lăm tháng tám âm lịch"),
        # Addresses and fractions share the d/m shape but are not dates.
        ("Số nhà 12/3 đường Lê Lợi", "số nhà mười hai trên ba đường lê lợi"),
        ("ngõ 25/7", "ngõ hai mươi lăm trên bảy"),
        ("khoảng 1/3 diện tích", "khoảng một phần ba diện tích"),
    ],
)
def test_dates(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("7h30", "bảy giờ ba mươi phút"),
        ("7H30", "bảy giờ ba mươi phút"),
        ("17h", "mười bảy giờ"),
        ("11h00", "mười một giờ"),
        ("7h05", "bảy giờ năm phút"),
        ("7g30", "bảy giờ ba mươi phút"),
        ("7:30", "bảy giờ ba mươi phút"),
        ("14:15:30", "mười bốn giờ mười lăm phút ba mươi giây"),
        ("lúc 14h ngày Chủ nhật", "lúc mười bốn giờ ngày chủ nhật"),
        ("Hồi 10 giờ sáng nay", "hồi mười giờ sáng nay"),
        ("7 giờ 30 phút", "bảy giờ ba mươi phút"),
    ],
)
def test_times(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize("text", ["31/13", "32/1", "25h99", "0/5"])
def test_impossible_dates_and_times_are_not_read_as_dates(text: str) -> None:
    spoken = normalize(text)
    assert "tháng" not in spoken
    assert "giờ" not in spoken
