"""User creation and lookup."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from server.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hash_password
from server.errors import Conflict, Invalid, NotFound
from server.models.areas import Area
from server.models.base import Role
from server.models.users import User

USERNAME_RE = re.compile(r"^[a-z0-9._-]{3,64}$")
# One address, no display name: local@domain with a dot in the domain (no spaces, one "@").
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
EMAIL_MAX = 254


def clean_email(value: str | None) -> str | None:
    """The address to store: trimmed, domain lower-cased; empty means none. Raises ``bad_email``."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > EMAIL_MAX or not EMAIL_RE.match(text) or ".." in text:
        raise Invalid(f"Địa chỉ e-mail '{text[:80]}' không hợp lệ; ví dụ: can.bo@xa.gov.vn.", code="bad_email")
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def check_password(password: str) -> None:
    """Every place that sets a password (API create/reset, `loa user add`) goes through here."""
    if not isinstance(password, str) or not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH \
            or not password.strip():
        raise Invalid(
            f"Mật khẩu phải có từ {MIN_PASSWORD_LENGTH} đến {MAX_PASSWORD_LENGTH} ký tự và không được chỉ gồm "
            "khoảng trắng.", code="weak_password")


def set_password(session: Session, user: User, password: str) -> None:
    check_password(password)
    user.password_hash = hash_password(password)
    session.add(user)


def create_user(
    session: Session, username: str, password: str, role: str, area_code: str, full_name: str = "",
    email: str | None = None,
) -> User:
    if not USERNAME_RE.match(username):
        raise Invalid(
            "Tên đăng nhập chỉ gồm chữ thường không dấu, số, '.', '_' hoặc '-', từ 3 đến 64 ký tự.",
            code="bad_username",
        )
    if role not in Role.__members__:
        raise Invalid(f"Vai trò '{role}' không hợp lệ.", code="bad_role")
    check_password(password)
    address = clean_email(email)
    if session.get(Area, area_code) is None:
        raise NotFound(f"Không tìm thấy địa bàn có mã {area_code}.", code="area_not_found")
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise Conflict(f"Tên đăng nhập '{username}' đã tồn tại.", code="username_taken")
    user = User(
        username=username, full_name=full_name, password_hash=hash_password(password),
        role=role, area_code=area_code, email=address,
    )
    session.add(user)
    session.flush()
    return user
