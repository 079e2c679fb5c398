"""Where each role lands after sign-in, and the navigation links of the console.

Pages register here by path; a link (or a role's home) shows only once its route exists, so the
console's parts can be merged in any order.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_ROLES = frozenset({"officer", "approver", "auditor", "admin"})


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str
    roles: frozenset[str]


NAV: list[NavItem] = [
    NavItem("/", "Trang chủ", ALL_ROLES),
    NavItem("/ban-tin", "Bản tin", frozenset({"officer", "approver"})),
    NavItem("/ban-tin/moi", "Soạn bản tin", frozenset({"officer", "approver"})),
    NavItem("/duyet", "Duyệt bản tin", frozenset({"approver"})),
    NavItem("/khan-cap", "Khẩn cấp", frozenset({"approver"})),
    NavItem("/lich-phat", "Lịch phát", frozenset({"officer", "approver"})),
    NavItem("/quan-tri/nguoi-dung", "Người dùng", frozenset({"admin"})),
    NavItem("/quan-tri/thiet-bi", "Thiết bị", frozenset({"admin"})),
    NavItem("/quan-tri/dia-ban", "Địa bàn", frozenset({"admin"})),
    NavItem("/thiet-bi", "Thiết bị", frozenset({"officer", "approver"})),
    NavItem("/phat-am", "Phát âm", frozenset({"officer", "approver", "admin"})),
    NavItem("/bao-cao", "Báo cáo", ALL_ROLES),
    NavItem("/nhat-ky", "Nhật ký", frozenset({"auditor", "admin"})),
    NavItem("/thong-bao", "Thông báo", frozenset({"officer", "approver", "admin"})),
    NavItem("/docs", "Tài liệu API", ALL_ROLES),
]

# A role's home page; a role without one (or whose page is not built yet) gets the generic home.
ROLE_HOME: dict[str, str] = {"officer": "/ban-tin", "approver": "/duyet"}

ROLE_LABELS = {
    "officer": "Cán bộ văn hóa - thông tin",
    "approver": "Lãnh đạo phê duyệt",
    "auditor": "Kiểm tra, giám sát",
    "admin": "Quản trị hệ thống",
}


def links_for(role: str, existing_paths: set[str]) -> list[NavItem]:
    return [item for item in NAV if role in item.roles and item.path in existing_paths]


def home_for(role: str, existing_paths: set[str]) -> str | None:
    path = ROLE_HOME.get(role)
    return path if path in existing_paths else None
