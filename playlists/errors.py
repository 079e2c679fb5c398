"""Schedule validation errors and packing skip reasons, each with a stable code and Vietnamese text.

``ScheduleError`` is raised by the validation functions; the server maps it to a 422 body
``{"detail": {"code", "message"}}``. Skip reasons are plain data shown in the officer's preview.
"""

from __future__ import annotations

from typing import Final

# code → Vietnamese message; ``{...}`` fields are filled by ``ScheduleError.__init__``.
SCHEDULE_MESSAGES: Final[dict[str, str]] = {
    "rrule_malformed": "Quy tắc lặp lại «{rule}» không hợp lệ.",
    "rrule_unsupported": (
        "Quy tắc lặp lại không được dùng «{part}»: giờ bắt đầu, ngày bắt đầu và ngày kết thúc "
        "được nhập riêng; tần suất chỉ được là hằng ngày, hằng tuần, hằng tháng hoặc hằng năm."
    ),
    "rrule_never_fires": "Phiên phát «{name}» không diễn ra lần nào trong vòng một năm kể từ ngày bắt đầu.",
    "slot_duration_invalid": "Thời lượng phiên phát phải lớn hơn 0 và không quá 24 giờ.",
    "slot_start_invalid": "Giờ bắt đầu phiên phát phải tính tròn giây, không kèm múi giờ.",
    "until_before_start": "Ngày kết thúc của phiên phát phải sau hoặc trùng ngày bắt đầu.",
    "template_invalid": "Mẫu chương trình có phần không hợp lệ hoặc bị lặp: «{section}».",
    "fixed_items_too_long": ("Nhạc hiệu và tiếp sóng ({needed} giây) dài hơn phiên phát «{name}» ({available} giây)."),
    "relay_invalid": "Tiếp sóng «{title}» cần địa chỉ luồng và thời lượng lớn hơn 0 giây.",
    "slot_overlap": "Phiên phát «{second}» lúc {when} trùng thời gian với phiên phát «{first}».",
}

# Why a bulletin (or a fixed item) did not go into a slot although it was meant to.
SKIP_MESSAGES: Final[dict[str, str]] = {
    "audio_not_ready": "Âm thanh của bản tin chưa sẵn sàng nên chưa thể phát.",
    "invalid_duration": "Thời lượng âm thanh của bản tin không hợp lệ.",
    "no_section": "Mẫu chương trình của phiên phát không có phần dành cho bản tin này.",
    "repeats_exhausted": "Bản tin đã đạt số lần phát tối đa trong ngày.",
    "pin_not_valid": "Bản tin không còn hoặc chưa có hiệu lực vào phiên phát được ghim.",
    "pin_slot_missing": "Phiên phát được ghim không diễn ra vào ngày này ở địa bàn này.",
    "fixed_item_does_not_fit": "Nhạc hiệu hoặc tiếp sóng không đủ chỗ trong phiên phát.",
    "not_valid_in_slot": "Bản tin không còn hoặc chưa có hiệu lực đủ lâu trong phiên phát nào của ngày này.",
    "approved_after_slot_start": "Bản tin được duyệt sau khi phiên phát đã bắt đầu; bản tin sẽ phát từ phiên sau.",
    "no_slot": "Địa bàn không có phiên phát nào vào ngày này.",
    "holiday": "Ngày này là ngày nghỉ, địa bàn không có phiên phát.",
    "pinned_elsewhere": "Bản tin được ghim vào phiên phát của ngày khác nên không phát ngày này.",
    "slot_full": "Phiên phát đã đầy, không còn đủ chỗ cho bản tin này.",
    "preempted": "Bản tin khẩn cấp phát chen vào lúc này; bản tin bị ngắt và chỉ phát lại nếu phiên còn chỗ.",
    "emergency_alert": "Bản tin khẩn cấp không xếp vào phiên phát: thiết bị phát ngay khi nhận cảnh báo.",
    "not_approved": "Bản tin chưa được duyệt nên không phát.",
}


class ScheduleError(ValueError):
    """An invalid slot definition: ``code`` is stable snake_case, ``message_vi`` is for officers."""

    def __init__(self, code: str, **fields: object) -> None:
        self.code = code
        self.fields = fields
        self.message_vi = SCHEDULE_MESSAGES[code].format(**fields)
        super().__init__(f"{code}: {self.message_vi}")


def skip_message(code: str) -> str:
    return SKIP_MESSAGES[code]
