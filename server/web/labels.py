"""Vietnamese names for the enum values the console shows (one mapping for every page)."""

from __future__ import annotations

from server.models.bulletins import CATEGORY_LABELS_VI, BulletinStatus, Category, Priority
from server.web.nav import ROLE_LABELS

# TT 39/2020/TT-BTTTT names for the three priorities.
PRIORITY_LABELS = {
    Priority.normal: "thường",
    Priority.priority: "ưu tiên",
    Priority.emergency: "khẩn cấp",
}

STATUS_LABELS = {
    BulletinStatus.draft: "bản nháp",
    BulletinStatus.submitted: "chờ duyệt",
    BulletinStatus.approved: "đã duyệt",
    BulletinStatus.rejected: "bị từ chối",
    BulletinStatus.withdrawn: "đã rút",
    BulletinStatus.expired: "hết hạn",
    BulletinStatus.cancelled: "đã hủy",
}

CATEGORY_LABELS = {Category(key): value for key, value in CATEGORY_LABELS_VI.items()}

JOB_STATE_LABELS = {
    "queued": "đang chờ",
    "running": "đang chạy",
    "succeeded": "xong",
    "failed": "lỗi",
}

# Outcome of one planned airing on one device (services.airings) and why it did not play.
AIRING_LABELS = {
    "played": "đã phát",
    "interrupted": "bị ngắt giữa chừng",
    "missed": "bỏ lỡ",
    "failed": "lỗi",
    "pending": "chờ nhật ký",
    "upcoming": "chưa đến giờ",
}

REASON_LABELS = {
    "offline": "mất kết nối",
    "media_failed": "lỗi tệp âm thanh",
    "preempted": "nhường tin khẩn cấp",
    "expired": "hết hiệu lực",
}


# Who read the audio: shown to the approver before approval (the engine is stored with the audio).
ENGINE_LABELS = {
    "espeak": "giọng đọc máy ngoại tuyến (eSpeak NG)",
    "fpt": "giọng đọc FPT.AI (trực tuyến)",
    "gtts": "giọng đọc Google (trực tuyến)",
    "piper": "giọng đọc Piper (ngoại tuyến)",
    "upload": "bản ghi âm tải lên",
    "recording": "bản ghi âm tải lên",
    "fake": "giọng thử nghiệm",
}


def label(mapping: dict, value: object) -> str:
    """The Vietnamese name; an unknown value shows as itself rather than breaking a page."""
    return str(mapping.get(value, value))


def priority_label(value: object) -> str:
    return label(PRIORITY_LABELS, value)


def status_label(value: object) -> str:
    return label(STATUS_LABELS, value)


def category_label(value: object) -> str:
    return label(CATEGORY_LABELS, value)


def airing_label(value: object) -> str:
    return label(AIRING_LABELS, value)


def reason_label(value: object) -> str:
    return label(REASON_LABELS, value) if value else ""


def role_label(value: object) -> str:
    return label(ROLE_LABELS, value)


def voice_label(engine: object, voice: object = None) -> str:
    """ "giọng đọc FPT.AI (trực tuyến), giọng banmai" — engine and voice, for the approver."""
    name = label(ENGINE_LABELS, engine)
    return f"{name}, giọng {voice}" if voice and engine not in ("upload", "recording") else name
