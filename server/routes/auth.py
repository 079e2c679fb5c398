"""OAuth2 password flow: short-lived bearer tokens (and a cookie for the web UI)."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from sqlmodel import select

from server.auth.passwords import DUMMY_HASH, verify_password
from server.auth.tokens import issue_token
from server.deps import RuntimeDep, SessionDep
from server.errors import LoaError, Unauthorized
from server.models.users import User
from server.services import audit

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class TooManyAttempts(LoaError):
    status_code = 429
    code = "too_many_attempts"


@router.post("/token")
def login(
    request: Request, response: Response, runtime: RuntimeDep, session: SessionDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> dict[str, str | int]:
    limiter = request.app.state.login_limiter
    client = request.client.host if request.client else "?"
    wait = limiter.blocked_for(form.username, client)
    if wait > 0:
        raise TooManyAttempts(
            f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {math.ceil(wait / 60)} phút."
        )
    user = session.exec(select(User).where(User.username == form.username)).first()
    valid = verify_password(user.password_hash if user else DUMMY_HASH, form.password)
    if user is None or not valid or not user.active:
        limiter.failed(form.username, client)
        audit.record_login_failure(session, form.username, client)
        raise Unauthorized("Tên đăng nhập hoặc mật khẩu không đúng.", code="bad_credentials")
    limiter.succeeded(form.username, client)
    assert user.id is not None
    minutes = runtime.settings.token_minutes
    token = issue_token(runtime.jwt_secret, user.id, minutes, now=runtime.clock())
    response.set_cookie("loa_token", token, max_age=minutes * 60, httponly=True, samesite="strict")
    return {"access_token": token, "token_type": "bearer", "expires_in": minutes * 60}
