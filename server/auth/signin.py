"""Checking a username and password: one rule for the API's token endpoint and the console's form."""

from __future__ import annotations

import math

from sqlmodel import Session, select

from server.auth.passwords import DUMMY_HASH, verify_password
from server.auth.ratelimit import LoginRateLimiter
from server.errors import LoaError, Unauthorized
from server.models.users import User
from server.services import audit


class TooManyAttempts(LoaError):
    status_code = 429
    code = "too_many_attempts"


def authenticate(session: Session, limiter: LoginRateLimiter, username: str, password: str, client: str) -> User:
    """The active user with these credentials; rate-limited per name and client, failures audited."""
    wait = limiter.blocked_for(username, client)
    if wait > 0:
        raise TooManyAttempts(
            f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {math.ceil(wait / 60)} phút."
        )
    user = session.exec(select(User).where(User.username == username)).first()
    valid = verify_password(user.password_hash if user else DUMMY_HASH, password)
    if user is None or not valid or not user.active:
        limiter.failed(username, client)
        audit.record_login_failure(session, username, client)
        raise Unauthorized("Tên đăng nhập hoặc mật khẩu không đúng.", code="bad_credentials")
    limiter.succeeded(username, client)
    return user
