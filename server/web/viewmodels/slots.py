"""The slot form: officer-friendly fields (minutes, weekday boxes) to and from the API's ``SlotIn``."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from server.routes.slots import SlotIn, SlotPatch
from server.web.viewmodels.schedule import read_date

BYDAY = (("MO", "Thứ Hai"), ("TU", "Thứ Ba"), ("WE", "Thứ Tư"), ("TH", "Thứ Năm"), ("FR", "Thứ Sáu"),
         ("SA", "Thứ Bảy"), ("SU", "Chủ Nhật"))
FIELD_LABELS = {"name": "Tên phiên", "start_local": "Giờ bắt đầu", "minutes": "Thời lượng",
                "days": "Các ngày phát", "dtstart": "Áp dụng từ ngày", "until": "Đến ngày"}
MAX_MINUTES = 24 * 60


def _date(text: str) -> date | None:
    return read_date(text[:20])


def slot_fields(values: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The slot's fields from the form (name, start_local, duration_s, rrule, dtstart, until),
    or the Vietnamese error of each field."""
    errors: dict[str, str] = {}
    name = str(values.get("name", "")).strip()
    if not name:
        errors["name"] = "Nhập tên phiên, ví dụ “Phiên sáng”."
    start = str(values.get("start_local", "")).strip()
    start = f"0{start}" if len(start) == 4 and start[1] == ":" else start  # 6:00 -> 06:00
    if len(start) != 5 or start[2] != ":" or not (start[:2].isdigit() and start[3:].isdigit()) \
            or int(start[:2]) > 23 or int(start[3:]) > 59:
        errors["start_local"] = "Nhập giờ bắt đầu dạng giờ:phút, ví dụ 06:00."
    minutes = str(values.get("minutes", ""))
    if not minutes.isdigit() or not 1 <= int(minutes) <= MAX_MINUTES:
        errors["minutes"] = "Nhập thời lượng từ 1 đến 1440 phút."
    days = [d for d in values.get("days", []) if d in dict(BYDAY)]
    if not days:
        errors["days"] = "Chọn ít nhất một ngày trong tuần."
    first = _date(str(values.get("dtstart", "")))
    if first is None:
        errors["dtstart"] = "Chọn ngày bắt đầu áp dụng."
    until_text = str(values.get("until", ""))
    until = _date(until_text) if until_text else None
    if until_text and until is None:
        errors["until"] = "Ngày kết thúc không hợp lệ."
    elif until is not None and first is not None and until < first:
        errors["until"] = "Ngày kết thúc phải sau ngày bắt đầu."
    if errors:
        return None, errors
    assert first is not None
    rrule = "FREQ=WEEKLY;BYDAY=" + ",".join(d for d, _ in BYDAY if d in days)
    return {"name": name, "start_local": start, "duration_s": int(minutes) * 60, "rrule": rrule,
            "dtstart": first, "until": until}, {}


INVALID = {"name": "Thông tin phiên phát không hợp lệ; hãy kiểm tra lại."}


def slot_input(values: dict[str, Any]) -> tuple[SlotIn | None, dict[str, str]]:
    fields, errors = slot_fields(values)
    if fields is None:
        return None, errors
    try:
        return SlotIn(**fields), {}
    except ValidationError:
        return None, INVALID


def slot_patch(values: dict[str, Any]) -> tuple[SlotPatch | None, dict[str, str]]:
    fields, errors = slot_fields(values)
    if fields is None:
        return None, errors
    try:
        return SlotPatch(**fields, enabled=bool(values.get("enabled"))), {}
    except ValidationError:
        return None, INVALID


def form_values(slot: dict[str, Any]) -> dict[str, Any] | None:
    """The edit form's values of a slot, or None when its rule is not a weekly one the form can show."""
    rrule = slot.get("rrule") or ""
    parts = dict(p.split("=", 1) for p in rrule.split(";") if "=" in p)
    if parts.get("FREQ") == "DAILY" and set(parts) == {"FREQ"}:
        days = [d for d, _ in BYDAY]
    elif parts.get("FREQ") == "WEEKLY" and set(parts) == {"FREQ", "BYDAY"}:
        days = parts["BYDAY"].split(",")
    else:
        return None
    until = slot.get("until")
    return {"name": slot["name"], "start_local": str(slot["start_local"])[:5], "minutes": str(slot["duration_s"] // 60),
            "days": days, "dtstart": slot["dtstart"].strftime("%d/%m/%Y"),
            "until": until.strftime("%d/%m/%Y") if until else "", "enabled": slot.get("enabled", True)}


def describe_rrule(rrule: str | None, dtstart: date) -> str:
    """Vietnamese words for the weekly rules the form writes; other rules are shown as they are."""
    if not rrule:
        return f"Một lần, ngày {dtstart.strftime('%d/%m/%Y')}"
    parts = dict(p.split("=", 1) for p in rrule.split(";") if "=" in p)
    if parts.get("FREQ") == "DAILY" and "BYDAY" not in parts:
        return "Hằng ngày"
    if parts.get("FREQ") == "WEEKLY" and "BYDAY" in parts:
        names = dict(BYDAY)
        days = [names.get(d, d) for d in parts["BYDAY"].split(",")]
        return "Hằng ngày" if len(days) == 7 else ", ".join(days)
    return rrule
