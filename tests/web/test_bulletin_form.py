"""The editor's form layer: typed parsing and where a service error is shown (pure, fast)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from playlists.model import LOCAL_TZ
from server.errors import Forbidden, Invalid, LoaError
from server.web import bulletin_form as bf


def test_defaults_are_in_vietnam_time() -> None:
    form = bf.defaults(datetime(2026, 3, 14, 23, 30, 45, tzinfo=UTC), "W001")
    assert form.values["valid_from"] == "15/03/2026 06:30"  # UTC+7, no seconds
    assert form.values["valid_until"] == "22/03/2026 06:30"
    assert form.targets == ["W001"]


def test_typed_values_and_unreadable_inputs() -> None:
    form = bf.defaults(datetime(2026, 3, 14, tzinfo=UTC), "W001")
    form.values.update(gap_seconds="1,5", pin_date="16/03/2026", valid_from=" 15/03/2026   7:05 ")
    typed = bf.typed_content(form)
    assert typed is not None
    assert typed["gap_seconds"] == 1.5 and typed["pin_date"].isoformat() == "2026-03-16"
    assert typed["valid_from"] == datetime(2026, 3, 15, 7, 5, tzinfo=LOCAL_TZ)
    form.values.update(valid_until="2026-03-20", reads_per_play="hai", priority="urgent", pin_date="32/01/2026")
    assert bf.typed_content(form) is None
    assert set(form.errors) == {"valid_until", "reads_per_play", "priority", "pin_date"}


@pytest.mark.parametrize(("error", "field", "says"), [
    (Invalid("Tiêu đề không được để trống.", code="empty_text"), "title", "Tiêu đề"),
    (Invalid("Nội dung bảng điện tử dài 301 ký tự, vượt giới hạn 300 ký tự.", code="text_too_long"),
     "board_text", "301"),
    (Invalid("Giá trị repeats_per_day phải là số nguyên từ 1 đến 10.", code="out_of_range"),
     "repeats_per_day", "Số lần phát mỗi ngày phải là số nguyên từ 1 đến 10."),
    (Invalid("Khoảng nghỉ giữa các lần đọc phải từ 0 đến 30 giây.", code="out_of_range"), "gap_seconds", "30"),
    (Forbidden("Địa bàn W002 nằm ngoài phạm vi.", code="out_of_scope"), "targets", "W002"),
    (Invalid("Ngày ghim phải nằm trong thời gian hiệu lực.", code="bad_pin"), "pin_date", "Ngày ghim"),
    (LoaError("Dữ liệu đã thay đổi.", code="stale_version"), "form", "thay đổi"),
])
def test_service_errors_go_next_to_their_field(error: LoaError, field: str, says: str) -> None:
    form = bf.defaults(datetime(2026, 3, 14, tzinfo=UTC), "W001")
    bf.place_error(form, error)
    assert list(form.errors) == [field] and says in form.errors[field]
