"""Administrators manage accounts of their area subtree: create, change role/area/name,
deactivate, reset a password. Shared by ``/api/v1/users`` and the admin console; every change is
audited (never with a password)."""

from __future__ import annotations

import secrets

from sqlmodel import Field, Session, SQLModel

from server.deps import ensure_in_scope
from server.errors import Conflict, NotFound
from server.models.base import Role
from server.models.users import User
from server.services import audit
from server.services.areas import AreaTree
from server.services.users import clean_email, create_user, set_password


class UserCreate(SQLModel):
    username: str
    password: str = Field(repr=False)
    role: Role
    area_code: str
    full_name: str = ""
    email: str | None = None


class PasswordReset(SQLModel):
    password: str = Field(repr=False)


class UserUpdate(SQLModel):
    role: Role | None = None
    area_code: str | None = None
    active: bool | None = None
    full_name: str | None = None
    email: str | None = None  # "" removes the address


def add(session: Session, admin: User, tree: AreaTree, data: UserCreate) -> User:
    ensure_in_scope(admin, tree, data.area_code)
    user = create_user(session, data.username, data.password, data.role, data.area_code, data.full_name,
                       data.email)
    audit.record_user_created(session, user, actor=admin)
    session.commit()
    session.refresh(user)
    return user


def _managed(session: Session, admin: User, tree: AreaTree, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"Không tìm thấy tài khoản số {user_id}.", code="user_not_found")
    ensure_in_scope(admin, tree, user.area_code)
    return user


def update(session: Session, admin: User, tree: AreaTree, user_id: int, data: UserUpdate) -> User:
    """Change role, area, name or deactivate; role changes are audited as ``user_role_changed``."""
    user = _managed(session, admin, tree, user_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "email" in changes:
        changes["email"] = clean_email(changes["email"])
    if "area_code" in changes:
        ensure_in_scope(admin, tree, changes["area_code"])
    diff = {name: [getattr(user, name), value] for name, value in changes.items() if getattr(user, name) != value}
    # Only real changes count: the console's row form resends the unchanged role and area.
    if user.id == admin.id and ({"role", "active", "area_code"} & set(diff)):
        raise Conflict("Không thể tự đổi vai trò, địa bàn hoặc khoá tài khoản của chính mình.",
                       code="cannot_change_self")
    for name, (_old, value) in diff.items():
        setattr(user, name, value)
    if not diff:
        return user
    session.add(user)
    action = "user_role_changed" if "role" in diff else "user_updated"
    audit.record(session, admin, action, f"user:{user.id}", {"username": user.username, "changes": diff})
    session.commit()
    session.refresh(user)
    return user


def reset_password(session: Session, admin: User, tree: AreaTree, user_id: int) -> tuple[User, str]:
    """A new random password, shown once to the admin to hand over; the old one stops working."""
    user = _managed(session, admin, tree, user_id)
    if user.id == admin.id:
        raise Conflict("Không thể tự đặt lại mật khẩu của chính mình ở đây.", code="cannot_change_self")
    password = secrets.token_urlsafe(12)  # 16 characters: passes the password policy
    set_password(session, user, password)
    audit.record(session, admin, "user_password_reset", f"user:{user.id}", {"username": user.username})
    session.commit()
    session.refresh(user)
    return user, password


def set_chosen_password(session: Session, admin: User, tree: AreaTree, user_id: int, password: str) -> User:
    """An admin sets the password they chose (the policy applies: ``weak_password``)."""
    user = _managed(session, admin, tree, user_id)
    set_password(session, user, password)
    audit.record(session, admin, "user_password_reset", f"user:{user.id}", {"username": user.username})
    session.commit()
    return user
