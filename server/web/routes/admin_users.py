"""Administrator: accounts of the admin's area subtree — create, change role/area/e-mail,
deactivate or reactivate, reset a password (shown once) — through ``services.user_admin``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlmodel import col, select

from server.deps import AreaTreeDep, SessionDep
from server.errors import LoaError
from server.models.users import User
from server.services import user_admin
from server.services.areas import AreaTree
from server.web.deps import CsrfChecked, console_roles
from server.web.labels import ROLE_LABELS
from server.web.templating import render

router = APIRouter(include_in_schema=False)
AdminPageUser = Annotated[User, Depends(console_roles("admin"))]
FIELDS = ("username", "full_name", "email", "role", "area_code", "password")
LABELS = {"username": "Tên đăng nhập", "full_name": "Họ và tên", "email": "E-mail", "role": "Vai trò",
          "area_code": "Địa bàn", "password": "Mật khẩu ban đầu"}
ERROR_FIELDS = {"bad_username": "username", "username_taken": "username", "weak_password": "password",
                "bad_email": "email",
                "bad_role": "role", "area_not_found": "area_code", "out_of_scope": "area_code"}


def _areas(tree: AreaTree, root: str) -> list[tuple[str, str]]:
    return [(c, ", ".join(tree.get(a).name for a in tree.ancestors(c)[:-1] or [c]))
            for c in tree.descendants(root) if not tree.get(c).retired][:3000]


def _page(request: Request, admin: User, session: Any, tree: AreaTree, **extra: Any) -> HTMLResponse:
    users = session.exec(select(User).where(col(User.area_code).in_(tree.descendants(admin.area_code)))
                         .order_by(col(User.username))).all()
    context: dict[str, Any] = {
        "users": users, "names": {u.area_code: tree.get(u.area_code).name for u in users},
        "areas": _areas(tree, admin.area_code), "roles": list(ROLE_LABELS.items()), "errors": {},
        "values": {"role": "officer", "area_code": admin.area_code}, "labels": LABELS,
    }
    context.update(extra)
    return render(request, "admin/users.html", context)


@router.get("/quan-tri/nguoi-dung")
def users_page(request: Request, admin: AdminPageUser, session: SessionDep, tree: AreaTreeDep) -> HTMLResponse:
    return _page(request, admin, session, tree)


@router.post("/quan-tri/nguoi-dung", dependencies=[CsrfChecked])
async def create_from_form(request: Request, admin: AdminPageUser, session: SessionDep,
                           tree: AreaTreeDep) -> HTMLResponse:
    form = await request.form()
    values = {k: str(form.get(k) or "")[:200] for k in FIELDS}
    try:
        user = user_admin.add(session, admin, tree, user_admin.UserCreate.model_validate(values))
    except ValidationError:
        return _page(request, admin, session, tree, errors={"role": "Chọn vai trò."}, values=values)
    except LoaError as exc:
        session.rollback()
        return _page(request, admin, session, tree, values=values,
                     errors={ERROR_FIELDS.get(exc.code, "username"): exc.message})
    return _page(request, admin, session, tree, notice=f"Đã tạo tài khoản {user.username}.")


@router.post("/quan-tri/nguoi-dung/{user_id:int}", dependencies=[CsrfChecked])
async def change_from_form(user_id: int, request: Request, admin: AdminPageUser, session: SessionDep,
                           tree: AreaTreeDep) -> HTMLResponse:
    form = await request.form()
    action = str(form.get("action") or "")
    try:
        if action == "reset":
            user, password = user_admin.reset_password(session, admin, tree, user_id)
            response = _page(request, admin, session, tree, new_password=(user.username, password))
            response.headers["Cache-Control"] = "no-store"
            return response
        if action in ("deactivate", "activate"):
            data = user_admin.UserUpdate(active=action == "activate")
        else:
            data = user_admin.UserUpdate.model_validate(
                {"role": str(form.get("role") or ""), "area_code": str(form.get("area_code") or ""),
                 "email": str(form.get("email") or "")[:300]})
        user = user_admin.update(session, admin, tree, user_id, data)
    except ValidationError:
        return _page(request, admin, session, tree, error="Vai trò không hợp lệ.")
    except LoaError as exc:
        session.rollback()
        return _page(request, admin, session, tree, error=exc.message)
    return _page(request, admin, session, tree, notice=f"Đã cập nhật tài khoản {user.username}.")
