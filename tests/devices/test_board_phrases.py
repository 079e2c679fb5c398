"""Boards page by phrase: real lines keep "số/ngày/lúc + token", number + unit and names together."""

from __future__ import annotations

import pytest

from devices.board import render_board
from devices.board_phrases import phrase_groups, split_token


@pytest.mark.parametrize(("text", "cols", "rows", "pages"), [
    ("Tiêm phòng dại lúc 7h30 ngày 18/3/2024 tại nhà văn hóa", 16, 2,
     [["Tiêm phòng dại", "lúc 7h30"], ["ngày 18/3/2024", "tại nhà văn hóa"]]),
    ("Thực hiện Kế hoạch số 115/KH-UBND của UBND huyện", 18, 2,
     [["Thực hiện Kế hoạch", "số 115/KH-UBND của"], ["UBND huyện"]]),
    ("Bão số 4 cách đất liền khoảng 120 km, giật cấp 13", 16, 2,
     [["Bão số 4 cách", "đất liền khoảng"], ["120 km, giật cấp", "13"]]),
    ("Họp tại thôn Nà Pặc xã Đồng Tâm chiều nay", 14, 2,
     [["Họp tại thôn", "Nà Pặc xã"], ["Đồng Tâm chiều", "nay"]]),
])
def test_real_lines_page_by_phrase(text: str, cols: int, rows: int, pages: list[list[str]]) -> None:
    assert render_board(text, cols, rows).pages == pages


def test_groups_follow_the_rules() -> None:
    line = "Xã Đồng Tâm tiêm cho trẻ dưới 5 tuổi lúc 7h, ngày 12/7. Số 2"
    assert phrase_groups(line.split()) == [
        ["Xã", "Đồng", "Tâm"], ["tiêm"], ["cho"], ["trẻ"], ["dưới"], ["5", "tuổi"], ["lúc", "7h,"],
        ["ngày", "12/7."], ["Số", "2"],
    ]


def test_no_lone_word_on_the_last_page() -> None:
    assert render_board("Họp thôn vào chiều nay", 9, 2).pages == [["Họp thôn", "vào"], ["chiều nay"]]
    assert render_board("Mời bà con họp thôn vào chiều nay", 9, 2).pages == [
        ["Mời bà", "con họp"], ["thôn vào", "chiều nay"]]
    # A one-line board: moving "chiều" would leave "vào" alone instead, so the line moves down whole
    # only where a page has room; here the text stays as wrapped.
    assert render_board("Họp thôn vào chiều nay", 9, 1).pages == [["Họp thôn"], ["vào chiều"], ["nay"]]


def test_a_group_longer_than_a_line_still_wraps() -> None:
    lines = [line for page in render_board("Ủy Ban Nhân Dân Xã Đồng Tâm", 8, 4).pages for line in page]
    assert all(len(line) <= 8 for line in lines) and " ".join(lines) == "Ủy Ban Nhân Dân Xã Đồng Tâm"


def test_long_tokens_break_at_their_separators() -> None:
    assert split_token("115/KH-UBND", 6) == ["115/", "KH-", "UBND"]
    assert split_token("0912345678", 4) == ["0912", "3456", "78"]
