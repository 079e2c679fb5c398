"""Checking bulletin fields, and the version hash.

Every text is NFC-normalized and stripped; limits count characters after that: title 200,
body (spoken) 5,000, board text 300, rejection reason 1,000. Lone surrogates and control
characters other than tab and newline are refused, so are bidi controls (U+202A–U+202E,
U+2066–U+2069) and text made only of invisible characters (zero-width, joiners, BOM…). HTML
is plain text here: stored as typed, returned as JSON strings, never rendered as markup.

Version hash = sha256 over the canonical JSON (sorted keys, no spaces, UTF-8, as in
``devices/protocol.py``) of::

    {"v": 1, "bulletin_id", "title", "body", "board_text", "priority", "category",
     "targets": [sorted area codes], "valid_from", "valid_until" (ISO 8601 UTC, "Z", whole seconds),
     "repeats_per_day", "reads_per_play", "gap_ms" (int), "pin_date" ("YYYY-MM-DD" | null),
     "pin_slot_id" (int | null), "recording_sha256" (the officer's original recording | null)}
    + "public": false, only when the version is kept off the citizens' page (hashes of public
    versions are unchanged from before the flag existed).

It covers everything that decides what airs, where and when; the audio itself is bound
separately by its sha256 at approval.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from server.errors import Forbidden, Invalid
from server.models.bulletins import (
    BOARD_MAX,
    BODY_MAX,
    REASON_MAX,
    TITLE_MAX,
    BulletinVersion,
    Category,
    Priority,
)
from server.models.schedule import Slot
from server.models.users import User
from server.services.areas import AreaTree, validate_code

HASH_SCHEMA = 1
MAX_TARGETS = 500
MAX_VALIDITY = timedelta(days=366)
LIMITS = {"repeats_per_day": (1, 10), "reads_per_play": (1, 3)}
GAP_RANGE = (0.0, 30.0)
TEXT_FIELDS = {
    "title": (TITLE_MAX, "Tiêu đề"),
    "body": (BODY_MAX, "Nội dung đọc"),
    "board_text": (BOARD_MAX, "Nội dung bảng điện tử"),
}
# Every field an edit may change, in hash order; targets travel separately.
CONTENT_FIELDS = (
    "title", "body", "board_text", "priority", "category", "valid_from", "valid_until",
    "repeats_per_day", "reads_per_play", "gap_seconds", "pin_date", "pin_slot_id", "public",
)
_ALLOWED_CONTROLS = {"\n", "\t"}
# Bidi embeddings/overrides/isolates reorder what a board or a list shows ("‮txt.exe").
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that draw nothing: format (zero-width space/joiners, U+2060, BOM…), spaces, marks
# with no base, and letters/symbols that render blank (Hangul fillers, the blank braille cell).
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp", "Mn", "Me"})
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def has_visible(text: str) -> bool:
    return any(ch not in _BLANK_GLYPHS and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES for ch in text)


def clean_text(value: Any, label: str, max_len: int) -> str:
    if not isinstance(value, str):
        raise Invalid(f"{label} phải là chuỗi ký tự.", code="missing_field")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(f"{label} chứa ký tự Unicode không hợp lệ.", code="invalid_unicode") from None
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in text):
        raise Invalid(f"{label} chứa ký tự điều khiển không được phép.", code="invalid_characters")
    if any(ch in BIDI_CONTROLS for ch in text):
        raise Invalid(f"{label} chứa ký tự điều khiển hướng chữ (bidi) không được phép.", code="bidi_control")
    if not text:
        raise Invalid(f"{label} không được để trống.", code="empty_text")
    if not has_visible(text):
        raise Invalid(f"{label} chỉ gồm ký tự không hiển thị được.", code="invisible_text")
    if len(text) > max_len:
        raise Invalid(f"{label} dài {len(text)} ký tự, vượt giới hạn {max_len} ký tự.", code="text_too_long")
    return text


def clean_reason(value: str) -> str:
    return clean_text(value, "Lý do từ chối", REASON_MAX)


def _aware(value: Any, label: str) -> datetime:
    if not isinstance(value, datetime):
        raise Invalid(f"{label} là bắt buộc.", code="missing_field")
    if value.tzinfo is None:
        raise Invalid(f"{label} phải ghi rõ múi giờ (ví dụ +07:00).", code="naive_datetime")
    return value.astimezone(UTC).replace(microsecond=0)


def check_content(values: dict[str, Any], *, now: datetime, tz: ZoneInfo) -> dict[str, Any]:
    """The complete content of a version, cleaned; raises ``Invalid`` naming the first problem."""
    out: dict[str, Any] = {}
    for name, (max_len, label) in TEXT_FIELDS.items():
        out[name] = clean_text(values.get(name), label, max_len)
    try:
        out["priority"] = Priority(str(values.get("priority")))
        out["category"] = Category(str(values.get("category")))
    except ValueError:
        raise Invalid("Mức ưu tiên hoặc lĩnh vực không hợp lệ.", code="invalid_value") from None
    start = _aware(values.get("valid_from"), "Thời điểm bắt đầu hiệu lực")
    end = _aware(values.get("valid_until"), "Thời điểm hết hiệu lực")
    if end <= start:
        raise Invalid("Thời điểm hết hiệu lực phải sau thời điểm bắt đầu.", code="bad_validity")
    if end - start > MAX_VALIDITY:
        raise Invalid("Thời gian hiệu lực tối đa là 366 ngày.", code="bad_validity")
    if end <= now:
        raise Invalid("Thời điểm hết hiệu lực đã qua.", code="validity_passed")
    out["valid_from"], out["valid_until"] = start, end
    for name, (low, high) in LIMITS.items():
        number = values.get(name)
        if not isinstance(number, int) or isinstance(number, bool) or not low <= number <= high:
            raise Invalid(f"Giá trị {name} phải là số nguyên từ {low} đến {high}.", code="out_of_range")
        out[name] = number
    gap = values.get("gap_seconds")
    if not isinstance(gap, int | float) or isinstance(gap, bool) or not GAP_RANGE[0] <= gap <= GAP_RANGE[1]:
        raise Invalid("Khoảng nghỉ giữa các lần đọc phải từ 0 đến 30 giây.", code="out_of_range")
    out["gap_seconds"] = round(float(gap), 3)
    out["pin_date"], out["pin_slot_id"] = _check_pin(values, out, tz)
    public = values.get("public", True)
    if not isinstance(public, bool):
        raise Invalid("Giá trị công khai phải là đúng hoặc sai.", code="invalid_value")
    out["public"] = public
    return out


def _check_pin(values: dict[str, Any], out: dict[str, Any], tz: ZoneInfo) -> tuple[date | None, int | None]:
    pin_date, slot = values.get("pin_date"), values.get("pin_slot_id")
    if pin_date is None:
        if slot is not None:
            raise Invalid("Muốn ghim vào phiên phát thì phải chọn ngày.", code="bad_pin")
        return None, None
    if out["priority"] != Priority.normal:
        raise Invalid("Chỉ bản tin mức thường mới được ghim ngày, phiên phát.", code="bad_pin")
    first, last = out["valid_from"].astimezone(tz).date(), out["valid_until"].astimezone(tz).date()
    if not isinstance(pin_date, date) or not first <= pin_date <= last:
        raise Invalid("Ngày ghim phải nằm trong thời gian hiệu lực.", code="bad_pin")
    if slot is not None and (not isinstance(slot, int) or isinstance(slot, bool) or slot < 1):
        raise Invalid("Mã phiên phát không hợp lệ.", code="bad_pin")
    return pin_date, slot


def check_pin_slot(session: Session, tree: AreaTree, slot_id: int | None, targets: list[str]) -> None:
    """A pinned slot must exist and reach every target (its area is the target or an ancestor):
    a pin to another commune's slot would be accepted and then never air."""
    if slot_id is None:
        return
    slot = session.get(Slot, slot_id)
    if slot is None:
        raise Invalid("Không tìm thấy phiên phát được ghim.", code="bad_pin")
    if any(not tree.is_within(code, slot.area_code) for code in targets):
        raise Invalid("Phiên phát được ghim không phát ở mọi địa bàn nhận bản tin.", code="bad_pin")


def check_targets(codes: Any, tree: AreaTree, user: User) -> list[str]:
    """Sorted, distinct, existing, current areas inside the user's scope."""
    if not isinstance(codes, list | tuple) or not codes:
        raise Invalid("Phải chọn ít nhất một địa bàn phát.", code="no_targets")
    unique = sorted({str(c) for c in codes})
    if len(unique) > MAX_TARGETS:
        raise Invalid(f"Tối đa {MAX_TARGETS} địa bàn cho một bản tin.", code="too_many_targets")
    for code in unique:
        info = tree.by_code.get(code) if _valid_code(code) else None
        if info is None:
            raise Invalid(f"Không có địa bàn mã '{code[:64]}'.", code="unknown_area")
        if info.retired:
            raise Invalid(f"Địa bàn {code} đã giải thể hoặc sáp nhập; hãy chọn đơn vị mới.",
                          code="area_retired")
        if not tree.is_within(code, user.area_code):
            raise out_of_scope(code)
    return unique


def out_of_scope(code: str) -> Forbidden:
    return Forbidden(f"Địa bàn {code} nằm ngoài phạm vi được giao cho tài khoản của bạn.",
                     code="out_of_scope")


def _valid_code(code: str) -> bool:
    try:
        validate_code(code)
    except Invalid:
        return False
    return True


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def version_hash(bulletin_id: int, content: dict[str, Any], targets: Iterable[str],
                 recording_sha256: str | None) -> str:
    pin = content.get("pin_date")
    body = {
        "v": HASH_SCHEMA, "bulletin_id": bulletin_id,
        "title": content["title"], "body": content["body"], "board_text": content["board_text"],
        "priority": str(content["priority"]), "category": str(content["category"]),
        "targets": sorted(targets),
        "valid_from": _iso(content["valid_from"]), "valid_until": _iso(content["valid_until"]),
        "repeats_per_day": content["repeats_per_day"], "reads_per_play": content["reads_per_play"],
        "gap_ms": round(content["gap_seconds"] * 1000),
        "pin_date": pin.isoformat() if pin is not None else None, "pin_slot_id": content.get("pin_slot_id"),
        "recording_sha256": recording_sha256,
    }
    if content.get("public", True) is False:
        # Only a non-public version carries the key, so every hash made before the flag existed
        # (all public) stays the same and approved versions keep airing.
        body["public"] = False
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_of(version: BulletinVersion) -> dict[str, Any]:
    return {name: getattr(version, name) for name in CONTENT_FIELDS}


def hash_of_version(version: BulletinVersion, targets: Iterable[str]) -> str:
    """The hash recomputed from the stored row: what ``may_air`` compares with the approval."""
    assert version.bulletin_id is not None
    return version_hash(version.bulletin_id, content_of(version), targets, version.recording_sha256)
