"""Golden bulletins: whole texts read end to end, and the sample bulletins leave nothing unread."""

import json
import re
from pathlib import Path

import pytest

from tts.normalize import normalize
from tts.normalize.abbreviations import default_table
from tts.normalize.tone_marks import is_syllable

BULLETINS = [
    json.loads(line) for line in (Path(__file__).parent / "data" / "bulletins.jsonl").read_text("utf-8").splitlines()
]
SPEAKABLE = re.compile(r"[^\W\d_]+(?:[ ]*[.,;:!?]?[ ][^\W\d_]+)*[.,;:!?]?")

GOLDEN = [
    (
        "Thực hiện Chỉ thị số 07/CT-TTg ngày 21/3/2023 của Thủ tướng Chính phủ, UBND xã thông báo: từ 7h30 đến "
        "11h00 ngày 15/12/2024 tiêm phòng cho 1.250 con gia súc tại thôn 3. Liên hệ 0912 345 678.",
        "thực hiện chỉ thị số bảy ngày hai mươi mốt tháng ba năm hai nghìn không trăm hai mươi ba của thủ tướng "
        "chính phủ, ủy ban nhân dân xã thông báo: từ bảy giờ ba mươi phút đến mười một giờ ngày mười lăm tháng "
        "mười hai năm hai nghìn không trăm hai mươi tư tiêm phòng cho một nghìn hai trăm năm mươi con gia súc tại "
        "thôn ba. liên hệ không chín một hai, ba bốn năm, sáu bảy tám.",
    ),
    (
        "Tin bão khẩn cấp. Hồi 10 giờ sáng nay, vị trí tâm bão số 4 ở vào khoảng 17,8 độ Vĩ Bắc; 108,2 độ Kinh "
        "Đông. Sức gió mạnh nhất cấp 11, giật cấp 13. Mỗi giờ đi được 15 đến 20 km.",
        "tin bão khẩn cấp. hồi mười giờ sáng nay, vị trí tâm bão số bốn ở vào khoảng mười bảy phẩy tám độ vĩ "
        "bắc; một trăm lẻ tám phẩy hai độ kinh đông. sức gió mạnh nhất cấp mười một, giật cấp mười ba. mỗi giờ "
        "đi được mười lăm đến hai mươi ki lô mét.",
    ),
    (
        "Thực hiện Kế hoạch số 115/KH-UBND ngày 05/3/2024 của UBND huyện, xã tiêm vắc-xin vào các ngày 18 và "
        "19/3/2024, từ 7h00 đến 11h30. Mức thu 20.000 đồng/liều.",
        "thực hiện kế hoạch số một trăm mười lăm ngày mùng năm tháng ba năm hai nghìn không trăm hai mươi tư của "
        "ủy ban nhân dân huyện, xã tiêm vắc xin vào các ngày mười tám và mười chín tháng ba năm hai nghìn không "
        "trăm hai mươi tư, từ bảy giờ đến mười một giờ ba mươi phút. mức thu hai mươi nghìn đồng mỗi liều.",
    ),
    (
        "Hội nghị bầu trưởng thôn nhiệm kỳ 2025 - 2027 tổ chức lúc 14h ngày Chủ nhật, 12/01/2025. Mỗi hộ cử 01 "
        "đại diện. Hỗ trợ 50% giá giống, tối đa 2 ha/hộ, tổng kinh phí 356.500.000 đồng.",
        "hội nghị bầu trưởng thôn nhiệm kỳ hai nghìn không trăm hai mươi lăm đến hai nghìn không trăm hai mươi "
        "bảy tổ chức lúc mười bốn giờ ngày chủ nhật, ngày mười hai tháng một năm hai nghìn không trăm hai mươi "
        "lăm. mỗi hộ cử một đại diện. hỗ trợ năm mươi phần trăm giá giống, tối đa hai héc ta mỗi hộ, tổng kinh "
        "phí ba trăm năm mươi sáu triệu năm trăm nghìn đồng.",
    ),
    (
        "Nguy cơ cháy rừng ở cấp IV — cấp nguy hiểm. Ban Chỉ đạo PCCCR xã đề nghị khi phát hiện cháy gọi số 114. "
        "Xử lý theo Nghị định số 07/2022/NĐ-CP.",
        "nguy cơ cháy rừng ở cấp bốn, cấp nguy hiểm. ban chỉ đạo phòng cháy chữa cháy rừng xã đề nghị khi phát "
        "hiện cháy gọi số một một bốn. xử lý theo nghị định số bảy năm hai nghìn không trăm hai mươi hai của "
        "chính phủ.",
    ),
]


@pytest.mark.parametrize(("text", "spoken"), GOLDEN)
def test_golden_bulletins(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


def _unexpanded_abbreviations(spoken: str) -> set[str]:
    """Dictionary keys still present: as written, or lowercased where the key is not a real word."""
    keys = default_table().text_entries()
    words = set(re.findall(r"[^\W\d_]+", spoken))
    left = {key for key in keys if re.search(rf"(?<!\w){re.escape(key)}(?!\w)", spoken)}
    return left | {key for key in keys if key.lower() in words and not is_syllable(key)}


@pytest.mark.parametrize("field", ["body", "board_text", "title"])
@pytest.mark.parametrize("bulletin", BULLETINS, ids=[b["title"][:30] for b in BULLETINS])
def test_sample_bulletins_leave_nothing_unread(bulletin: dict[str, str], field: str) -> None:
    spoken = normalize(bulletin[field])
    assert spoken
    assert not re.search(r"[0-9]", spoken), spoken
    assert SPEAKABLE.fullmatch(spoken), spoken
    assert not _unexpanded_abbreviations(spoken), spoken
    assert spoken == spoken.lower()
