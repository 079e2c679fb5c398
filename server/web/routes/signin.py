"""Sign-in and sign-out of the console (form + session cookie)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from server.auth.signin import authenticate
from server.deps import RuntimeDep, SessionDep
from server.errors import LoaError
from server.web import session as web_session
from server.web.deps import CsrfChecked, safe_next, user_from_cookie
from server.web.templating import render

router = APIRouter(include_in_schema=False)

# Login CSRF: nobody is signed in yet, so the form's token is a double-submit cookie.
LOGIN_COOKIE = "loa_login_csrf"
USERNAME_MAX = 100
PASSWORD_MAX = 200


def _secure(runtime: RuntimeDep) -> bool:
    return (runtime.settings.public_url or "").startswith("https://")


def _form(request: Request, runtime: RuntimeDep, *, next_url: str, username: str = "",
          error: str | None = None) -> HTMLResponse:
    # A form shown again with its errors is a 200 page (a 4xx document logs a console error in browsers).
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    errors = {"username": error} if error else {}
    response = render(request, "login.html", {
        "next_url": next_url, "username": username, "errors": errors, "login_csrf": token,
    })
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=_secure(runtime), path="/login")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, runtime: RuntimeDep, session: SessionDep, next: str | None = None) -> Response:
    next_url = safe_next(next)
    if user_from_cookie(request, runtime, session) is not None:
        return RedirectResponse(next_url, status_code=303)
    return _form(request, runtime, next_url=next_url)


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request, runtime: RuntimeDep, session: SessionDep,
    username: Annotated[str, Form(max_length=USERNAME_MAX)] = "",
    password: Annotated[str, Form(max_length=PASSWORD_MAX)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    next_url = safe_next(next)
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _form(request, runtime, next_url=next_url, username=username,
                     error="Biểu mẫu đã hết hạn. Vui lòng đăng nhập lại.")
    if not username.strip() or not password:
        return _form(request, runtime, next_url=next_url, username=username,
                     error="Nhập tên đăng nhập và mật khẩu.")
    client = request.client.host if request.client else "?"
    try:
        user = authenticate(session, request.app.state.login_limiter, username.strip(), password, client)
    except LoaError as exc:
        return _form(request, runtime, next_url=next_url, username=username, error=exc.message)
    assert user.id is not None
    minutes = runtime.settings.session_minutes
    token = web_session.issue(runtime.jwt_secret, user.id, minutes, runtime.clock())
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(web_session.COOKIE, token, max_age=minutes * 60, httponly=True, samesite="lax",
                        secure=_secure(runtime), path="/")
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout", dependencies=[CsrfChecked])
def logout(runtime: RuntimeDep) -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(web_session.COOKIE, path="/", httponly=True, samesite="lax", secure=_secure(runtime))
    return response
