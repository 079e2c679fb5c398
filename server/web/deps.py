"""Dependencies of console pages: the signed-in user (or a trip to the sign-in form) and CSRF."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from sqlmodel import Session

from server.deps import RuntimeDep, SessionDep
from server.errors import Forbidden, LoaError
from server.models.users import User
from server.runtime import Runtime
from server.web import session as web_session


class SignInRequired(Exception):
    """Raised by a page when nobody is signed in; handled by sending them to /login?next=<page>."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url

    @property
    def login_url(self) -> str:
        return "/login?next=" + quote(self.next_url, safe="/")


class CsrfFailed(LoaError):
    status_code = 403
    code = "csrf_failed"
    default_message = "Phiên làm việc của biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại."


# A path on this site: printable ASCII without backslash or whitespace (browsers drop tabs and
# newlines, so "/\t/evil" would become "//evil", another host).
_SAFE_PATH = re.compile(r"/(?![/\\])[!#-\[\]-~]*")


def safe_next(value: str | None) -> str:
    """Only a path on this site: never another host (``//evil``, ``/\\evil``, ``https://…``)."""
    if not value or len(value) > 500 or not _SAFE_PATH.fullmatch(value):
        return "/"
    return value


def user_from_cookie(request: Request, runtime: Runtime, session: Session) -> tuple[User, str] | None:
    """The active user of a valid ``loa_session`` cookie, with the session id, or None."""
    token = request.cookies.get(web_session.COOKIE)
    if not token:
        return None
    found = web_session.read(runtime.jwt_secret, token, runtime.clock())
    if found is None:
        return None
    user = session.get(User, found.user_id)
    if user is None or not user.active:
        return None
    return user, found.sid


def console_user(request: Request, runtime: RuntimeDep, session: SessionDep) -> User:
    found = user_from_cookie(request, runtime, session)
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        # An htmx call's own URL is a fragment: come back to the page it was made from.
        if request.headers.get("HX-Request") and request.headers.get("HX-Current-URL"):
            current = request.headers["HX-Current-URL"]
            base = str(request.base_url).rstrip("/")
            target = current[len(base):] if current.startswith(base) else "/"
        raise SignInRequired(safe_next(target))
    user, sid = found
    request.state.console_user = user
    request.state.console_sid = sid
    request.state.csrf_token = web_session.csrf_token(runtime.jwt_secret, sid)
    return user


ConsoleUser = Annotated[User, Depends(console_user)]


def console_roles(*roles: str) -> Callable[[User], User]:
    """A page only these roles may open (the same roles the API allows for the same service)."""

    def check(user: ConsoleUser) -> User:
        if user.role not in roles:
            raise Forbidden("Vai trò của bạn không được phép mở trang này.", code="role_forbidden")
        return user

    return check


async def require_csrf(request: Request, user: ConsoleUser, runtime: RuntimeDep) -> None:
    """Every state-changing console request carries the session's token (form field or htmx header)."""
    presented = request.headers.get(web_session.CSRF_HEADER)
    if not presented:
        form = await request.form()
        value = form.get(web_session.CSRF_FIELD)
        presented = value if isinstance(value, str) else None
    if not web_session.csrf_valid(runtime.jwt_secret, request.state.console_sid, presented):
        raise CsrfFailed()


CsrfChecked = Depends(require_csrf)
OfficerUser = Annotated[User, Depends(console_roles("officer", "approver"))]
