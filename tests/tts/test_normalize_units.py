"""Units, percentages and currency, read only after a number."""

import pytest

from tts.normalize import normalize


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("12,5%", "mười hai phẩy năm phần trăm"),
        ("100%", "một trăm phần trăm"),
        ("50 %", "năm mươi phần trăm"),
        ("20 km", "hai mươi ki lô mét"),
        ("20km", "hai mươi ki lô mét"),
        ("5 km2", "năm ki lô mét vuông"),
        ("5 km²", "năm ki lô mét vuông"),
        ("100 m²", "một trăm mét vuông"),
        ("100 m2", "một trăm mét vuông"),
        ("3 m3", "ba mét khối"),
        ("15 m", "mười lăm mét"),
        ("15 mm", "mười lăm mi li mét"),
        ("30 cm", "ba mươi xen ti mét"),
        ("50 kg", "năm mươi ki lô gam"),
        ("500 g", "năm trăm gam"),
        ("3 tấn", "ba tấn"),
        ("2 ha", "hai héc ta"),
        ("2,5 l", "hai phẩy năm lít"),
        ("30°C", "ba mươi độ xê"),
        ("30 ºC", "ba mươi độ xê"),
        ("30 độ C", "ba mươi độ xê"),
        ("-2°C", "âm hai độ xê"),
        ("220 V", "hai trăm hai mươi vôn"),
        ("5 kW", "năm ki lô oát"),
        ("10 kWh", "mười ki lô oát giờ"),
        ("60 km/h", "sáu mươi ki lô mét trên giờ"),
        ("20.000đ", "hai mươi nghìn đồng"),
        ("20.000 VNĐ", "hai mươi nghìn đồng"),
        ("500.000₫", "năm trăm nghìn đồng"),
        ("100 USD", "một trăm đô la mỹ"),
        ("tại Km 15+200", "tại ki lô mét mười lăm cộng hai trăm"),
    ],
)
def test_units_after_numbers(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("20.000 đồng/liều", "hai mươi nghìn đồng mỗi liều"),
        ("tối đa 2 ha/hộ", "tối đa hai héc ta mỗi hộ"),
        ("100 kg/ha", "một trăm ki lô gam mỗi héc ta"),
        ("2,5 triệu đồng/người/tháng", "hai phẩy năm triệu đồng mỗi người mỗi tháng"),
        ("1 lần/tháng", "một lần mỗi tháng"),
    ],
)
def test_per_slash(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("ha ha", "ha ha"),
        ("m và g", "m và g"),
        ("độ C", "độ xê"),
        ("xã/phường", "xã hoặc phường"),
    ],
)
def test_unit_symbols_without_a_number_are_left_as_words(text: str, spoken: str) -> None:
    assert normalize(text) == spoken
