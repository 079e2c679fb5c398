"""The bulletin editor's form: defaults, parsing the posted fields, and placing service errors.

The form only turns text inputs into typed values; every rule (lengths, ranges, validity, scope
of targets, pins) is checked by ``server.services`` exactly as for the API, and the console shows
the service's error next to the field it is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from starlette.datastructures import FormData

from playlists.model import LOCAL_TZ
from server.errors import LoaError
from server.models.bulletins import BulletinVersion, Category, Priority
from server.services.bulletin_fields import GAP_RANGE, LIMITS, content_of

TEXT_INPUTS = ("title", "body", "board_text")
FIELDS = (
    "title", "body", "board_text", "priority", "category", "valid_from", "valid_until",
    "repeats_per_day", "reads_per_play", "gap_seconds", "pin_date", "pin_slot_id", "public",
)
MAX_FIELD_CHARS = 20_000  # what a browser may post per field; the services set the real limits
DEFAULT_VALIDITY = timedelta(days=7)

LABELS = {
    "title": "Tiêu đề",
    "body": "Nội dung loa sẽ đọc",
    "board_text": "Nội dung hiện trên bảng điện tử",
    "priority": "Mức ưu tiên",
    "category": "Lĩnh vực",
    "valid_from": "Bắt đầu phát từ",
    "valid_until": "Hết hiệu lực lúc",
    "repeats_per_day": "Số lần phát mỗi ngày",
    "reads_per_play": "Số lần đọc mỗi lượt phát",
    "gap_seconds": "Khoảng nghỉ giữa các lần đọc (giây)",
    "pin_date": "Ghim vào ngày",
    "pin_slot_id": "Ghim vào phiên phát",
    "public": "Đăng lên trang thông tin cho người dân",
    "targets": "Địa bàn phát",
    "form": "",
}


# Plain text inputs in Vietnamese order: a browser's own date widgets follow its UI language
# (month first, AM/PM on an English system), which officers would misread.
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
DATE_FORMAT = "%d/%m/%Y"


def _local_input(value: datetime) -> str:
    return value.astimezone(LOCAL_TZ).strftime(DATETIME_FORMAT)


@dataclass
class BulletinForm:
    """What the inputs show (strings, as typed) plus the chosen target codes."""

    values: dict[str, str]
    targets: list[str]
    errors: dict[str, str] = field(default_factory=dict)
    form_id: str | None = None  # see server.web.draft_guard

    def as_draft(self) -> dict[str, Any]:
        return {"values": self.values, "targets": self.targets}

    @classmethod
    def from_draft(cls, data: dict[str, Any]) -> BulletinForm:
        raw = data.get("values") if isinstance(data.get("values"), dict) else {}
        values = {name: str(raw.get(name, ""))[:MAX_FIELD_CHARS] for name in FIELDS}  # type: ignore[union-attr]
        targets = [str(c) for c in data.get("targets", []) if isinstance(c, str)][:500]
        return cls(values, targets)


def defaults(now: datetime, own_area: str) -> BulletinForm:
    """Valid from now for a week, normal priority, a notice, the officer's own unit targeted."""
    start = now.astimezone(LOCAL_TZ).replace(second=0, microsecond=0)
    values = {name: "" for name in FIELDS}
    values.update(
        priority=Priority.normal.value, category=Category.notice.value,
        valid_from=_local_input(start), valid_until=_local_input(start + DEFAULT_VALIDITY),
        repeats_per_day="1", reads_per_play="1", gap_seconds="2", public="1",
    )
    return BulletinForm(values, [own_area])


def from_version(version: BulletinVersion, targets: list[str]) -> BulletinForm:
    content = content_of(version)
    values = {name: "" for name in FIELDS}
    values.update(title=content["title"], body=content["body"], board_text=content["board_text"],
                  priority=str(content["priority"]), category=str(content["category"]),
                  valid_from=_local_input(content["valid_from"]), valid_until=_local_input(content["valid_until"]),
                  repeats_per_day=str(content["repeats_per_day"]), reads_per_play=str(content["reads_per_play"]),
                  gap_seconds=f"{content['gap_seconds']:g}",
                  pin_date=content["pin_date"].strftime(DATE_FORMAT) if content["pin_date"] else "",
                  pin_slot_id=str(content["pin_slot_id"] or ""), public="1" if content["public"] else "0")
    return BulletinForm(values, list(targets))


def duplicate_of(version: BulletinVersion, targets: list[str], now: datetime) -> BulletinForm:
    """A past bulletin's content with fresh validity (from now, same length, at most a week by default)."""
    form = from_version(version, targets)
    fresh = defaults(now, targets[0] if targets else "")
    for name in ("valid_from", "valid_until", "pin_date", "pin_slot_id"):
        form.values[name] = fresh.values[name]
    return form


def read_form(data: FormData) -> BulletinForm:
    values = {}
    for name in FIELDS:
        raw = data.get(name)
        values[name] = raw[:MAX_FIELD_CHARS] if isinstance(raw, str) else ""
    targets = [c for c in data.getlist("targets") if isinstance(c, str)][:600]
    posted_id = data.get("form_id")
    return BulletinForm(values, targets, form_id=posted_id if isinstance(posted_id, str) else None)


def _datetime(text: str) -> datetime:
    return datetime.strptime(" ".join(text.split()), DATETIME_FORMAT).replace(tzinfo=LOCAL_TZ)


def typed_content(form: BulletinForm) -> dict[str, Any] | None:
    """The values as the services take them; None (with ``form.errors`` filled) when an input
    cannot even be read as its type (a date that is not a date, a number that is not a number)."""
    v, errors = form.values, form.errors
    out: dict[str, Any] = {}
    for name in TEXT_INPUTS:
        out[name] = v[name]
    for name, kind in (("priority", Priority), ("category", Category)):
        if v[name] not in {m.value for m in kind}:
            errors[name] = f"Chọn {LABELS[name].lower()}."
        out[name] = v[name]
    for name in ("valid_from", "valid_until"):
        try:
            out[name] = _datetime(v[name])
        except ValueError:
            errors[name] = "Nhập ngày giờ theo dạng ngày/tháng/năm giờ:phút, ví dụ 15/03/2026 07:30."
    for name in ("repeats_per_day", "reads_per_play"):
        low, high = LIMITS[name]
        try:
            out[name] = int(v[name].strip())
        except ValueError:
            errors[name] = f"Nhập một số nguyên từ {low} đến {high}."
    try:
        out["gap_seconds"] = float(v["gap_seconds"].strip().replace(",", "."))
    except ValueError:
        errors["gap_seconds"] = f"Nhập số giây từ {GAP_RANGE[0]:g} đến {GAP_RANGE[1]:g}."
    try:
        pin = v["pin_date"].strip()
        out["pin_date"] = datetime.strptime(pin, DATE_FORMAT).date() if pin else None
    except ValueError:
        errors["pin_date"] = "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 15/03/2026."
    try:
        out["pin_slot_id"] = int(v["pin_slot_id"]) if v["pin_slot_id"].strip() else None
    except ValueError:
        errors["pin_slot_id"] = "Chọn một phiên phát trong danh sách."
    out["public"] = v["public"] != "0"  # a draft saved before the choice existed stays public
    return None if errors else out


_TEXT_LABEL_FIELDS = {"Tiêu đề": "title", "Nội dung đọc": "body", "Nội dung bảng điện tử": "board_text"}
_CODE_FIELDS = {
    "no_targets": "targets", "too_many_targets": "targets", "unknown_area": "targets",
    "area_retired": "targets", "out_of_scope": "targets", "bad_pin": "pin_date", "invalid_value": "priority",
    "bad_validity": "valid_until", "validity_passed": "valid_until",
}


def place_error(form: BulletinForm, exc: LoaError) -> None:
    """Put a service error next to the field it is about (or at the top of the form)."""
    message = exc.message
    target = _CODE_FIELDS.get(exc.code)
    if target is None:
        target = next((name for label, name in _TEXT_LABEL_FIELDS.items() if message.startswith(label)), None)
    if target is None and exc.code == "out_of_range":
        for name, (low, high) in LIMITS.items():
            if name in message:  # the service names the field by its key: say it in Vietnamese here
                target, message = name, f"{LABELS[name]} phải là số nguyên từ {low} đến {high}."
        if target is None:
            target = "gap_seconds"
    if target is None and exc.code in ("missing_field", "naive_datetime"):
        target = "valid_from" if "bắt đầu" in message else "valid_until"
    form.errors[target or "form"] = message
