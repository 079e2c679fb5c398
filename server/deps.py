"""FastAPI dependencies: runtime, session, current user, role and area-scope checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from server.auth.tokens import decode_token
from server.errors import Forbidden, Unauthorized
from server.models.users import User
from server.runtime import Runtime
from server.services import audit
from server.services.areas import AreaTree, load_tree

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    with Session(runtime.engine) as session:
        audit.bind(session, runtime.settings.data_dir)  # audit events need the head file's place
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_area_tree(runtime: RuntimeDep) -> AreaTree:
    return load_tree(runtime.engine)


AreaTreeDep = Annotated[AreaTree, Depends(get_area_tree)]


def get_current_user(
    request: Request, runtime: RuntimeDep, session: SessionDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> User:
    token = token or request.cookies.get("loa_token")
    if not token:
        raise Unauthorized()
    user_id = decode_token(runtime.jwt_secret, token)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        raise Unauthorized("Phiên đăng nhập không hợp lệ hoặc đã hết hạn.", code="invalid_token")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: str) -> Callable[[User], User]:
    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise Forbidden("Vai trò của bạn không được phép thực hiện thao tác này.", code="role_forbidden")
        return user

    return check


def ensure_in_scope(user: User, tree: AreaTree, area_code: str) -> None:
    """Every permission is scoped to the user's area subtree."""
    tree.get(area_code)
    if not tree.is_within(area_code, user.area_code):
        raise Forbidden(
            f"Địa bàn {area_code} nằm ngoài phạm vi được giao cho tài khoản của bạn.", code="out_of_scope"
        )


AdminUser = Annotated[User, Depends(require_roles("admin"))]
# Bulletins: officers and approvers write; approvers decide; every role reads within its scope.
AuthorUser = Annotated[User, Depends(require_roles("officer", "approver"))]
ApproverUser = Annotated[User, Depends(require_roles("approver"))]
ReaderUser = Annotated[User, Depends(require_roles("officer", "approver", "auditor", "admin"))]
StaffUser = Annotated[User, Depends(require_roles("officer", "approver", "admin"))]
AuditUser = Annotated[User, Depends(require_roles("auditor", "approver", "admin", "officer"))]
