"""User accounts (admin only, within the admin's area subtree); every change is audited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status
from sqlmodel import Field, SQLModel, col, select

from server.bounds import IdPath
from server.deps import AdminUser, AreaTreeDep, SessionDep, ensure_in_scope
from server.errors import Conflict, NotFound
from server.models.base import Role
from server.models.users import User, UserPublic
from server.services import audit
from server.services.users import create_user, set_password

router = APIRouter(prefix="/api/v1/users", tags=["users"])


class UserCreate(SQLModel):
    username: str
    password: str = Field(repr=False)
    role: Role
    area_code: str
    full_name: str = ""


class PasswordReset(SQLModel):
    password: str = Field(repr=False)


class UserUpdate(SQLModel):
    role: Role | None = None
    area_code: str | None = None
    active: bool | None = None
    full_name: str | None = None


@router.post("", status_code=status.HTTP_201_CREATED, response_model=UserPublic)
def add_user(data: UserCreate, admin: AdminUser, session: SessionDep, tree: AreaTreeDep) -> User:
    ensure_in_scope(admin, tree, data.area_code)
    user = create_user(session, data.username, data.password, data.role, data.area_code, data.full_name)
    audit.record_user_created(session, user, actor=admin)
    session.commit()
    session.refresh(user)
    return user


@router.get("", response_model=list[UserPublic])
def list_users(admin: AdminUser, session: SessionDep, tree: AreaTreeDep,
               role: Role | None = None, area: str | None = None) -> list[User]:
    """Accounts whose area lies in your subtree (or in ``area``'s, which must be in your scope)."""
    root = admin.area_code
    if area is not None:
        ensure_in_scope(admin, tree, area)
        root = area
    stmt = select(User).where(col(User.area_code).in_(tree.descendants(root))).order_by(col(User.username))
    if role is not None:
        stmt = stmt.where(User.role == role)
    return list(session.exec(stmt).all())


@router.patch("/{user_id}", response_model=UserPublic)
def update_user(user_id: IdPath, data: UserUpdate, admin: AdminUser, session: SessionDep,
                tree: AreaTreeDep) -> User:
    """Change role, area, name or deactivate; role changes are audited as ``user_role_changed``."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"Không tìm thấy tài khoản số {user_id}.", code="user_not_found")
    ensure_in_scope(admin, tree, user.area_code)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "area_code" in changes:
        ensure_in_scope(admin, tree, changes["area_code"])
    if user.id == admin.id and ({"role", "active", "area_code"} & set(changes)):
        raise Conflict("Không thể tự đổi vai trò, địa bàn hoặc khoá tài khoản của chính mình.",
                       code="cannot_change_self")
    diff: dict[str, Any] = {}
    for name, value in changes.items():
        old = getattr(user, name)
        if old != value:
            diff[name] = [old, value]
            setattr(user, name, value)
    if not diff:
        return user
    session.add(user)
    action = "user_role_changed" if "role" in diff else "user_updated"
    audit.record(session, admin, action, f"user:{user.id}", {"username": user.username, "changes": diff})
    session.commit()
    session.refresh(user)
    return user


@router.post("/{user_id}/password", status_code=status.HTTP_204_NO_CONTENT)
def reset_password(user_id: IdPath, data: PasswordReset, admin: AdminUser, session: SessionDep,
                   tree: AreaTreeDep) -> None:
    """An admin sets a new password for an account in their subtree (audited, never logged)."""
    user = session.get(User, user_id) if 0 < user_id < 2**63 else None
    if user is None:
        raise NotFound(f"Không tìm thấy tài khoản số {user_id}.", code="user_not_found")
    ensure_in_scope(admin, tree, user.area_code)
    set_password(session, user, data.password)
    audit.record(session, admin, "user_password_reset", f"user:{user.id}", {"username": user.username})
    session.commit()
