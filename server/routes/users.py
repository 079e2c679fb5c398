"""User accounts (admin only, within the admin's area subtree); every change is audited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status
from sqlmodel import col, select

from server.bounds import IdPath
from server.deps import AdminUser, AreaTreeDep, SessionDep, ensure_in_scope
from server.models.base import Role
from server.models.users import User, UserPublic
from server.services import user_admin
from server.services.user_admin import PasswordReset, UserCreate, UserUpdate

router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=UserPublic)
def add_user(data: UserCreate, admin: AdminUser, session: SessionDep, tree: AreaTreeDep) -> User:
    return user_admin.add(session, admin, tree, data)


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
    return user_admin.update(session, admin, tree, user_id, data)


@router.post("/{user_id}/password", status_code=status.HTTP_204_NO_CONTENT)
def set_user_password(user_id: IdPath, data: PasswordReset, admin: AdminUser, session: SessionDep,
                      tree: AreaTreeDep) -> None:
    """An admin sets a chosen password for an account in their subtree (audited, never logged)."""
    user_admin.set_chosen_password(session, admin, tree, user_id, data.password)


@router.post("/{user_id}/reset-password")
def reset_user_password(user_id: IdPath, admin: AdminUser, session: SessionDep, tree: AreaTreeDep) -> dict[str, Any]:
    """A new random password for the account, returned once (audited as ``user_password_reset``)."""
    user, password = user_admin.reset_password(session, admin, tree, user_id)
    return {"id": user.id, "username": user.username, "password": password}
