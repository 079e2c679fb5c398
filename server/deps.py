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
from server.web import session as web_session

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


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _cookie_user_id(request: Request, runtime: Runtime) -> int | None:
    """A browser's cookie: the console session (CSRF header required to change anything) or the
    legacy ``loa_token`` cookie of the token endpoint (read-only: it has no CSRF token)."""
    unsafe = request.method not in SAFE_METHODS
    session_cookie = request.cookies.get(web_session.COOKIE)
    if session_cookie:
        found = web_session.read(runtime.jwt_secret, session_cookie, runtime.clock())
        if found is None:
            return None
        if unsafe and not web_session.csrf_valid(
            runtime.jwt_secret, found.sid, request.headers.get(web_session.CSRF_HEADER)
        ):
            raise Forbidden("Thiếu hoặc sai mã chống giả mạo (CSRF) của phiên đăng nhập.", code="csrf_failed")
        return found.user_id
    token = request.cookies.get("loa_token")
    if not token:
        return None
    if unsafe:
        raise Forbidden("Thao tác thay đổi dữ liệu cần mã truy cập trong tiêu đề Authorization.", code="csrf_failed")
    return decode_token(runtime.jwt_secret, token)


def get_current_user(
    request: Request, runtime: RuntimeDep, session: SessionDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> User:
    if token:
        user_id = decode_token(runtime.jwt_secret, token)
    elif request.cookies.get(web_session.COOKIE) or request.cookies.get("loa_token"):
        user_id = _cookie_user_id(request, runtime)
    else:
        raise Unauthorized()
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
