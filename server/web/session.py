"""The console's sign-in session: a signed cookie verified on every request, and its CSRF token.

The cookie holds a JWT (user id, a random session id, expiry) signed with a key derived from the
server's secret, so an API access token can never pass as a session and the other way round.
The CSRF token is an HMAC of the session id: nothing to store, and it changes with every sign-in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

COOKIE = "loa_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_ALGORITHM = "HS256"


@dataclass(frozen=True)
class ConsoleSession:
    user_id: int
    sid: str
    expires_at: datetime


def _key(secret: bytes, purpose: bytes) -> bytes:
    return hmac.new(secret, b"loa-console:" + purpose, hashlib.sha256).digest()


def issue(secret: bytes, user_id: int, minutes: int, now: datetime) -> str:
    claims: dict[str, Any] = {
        "sub": str(user_id), "sid": secrets.token_urlsafe(16),
        "iat": int(now.timestamp()), "exp": int((now + timedelta(minutes=minutes)).timestamp()),
    }
    return jwt.encode(claims, _key(secret, b"session"), algorithm=_ALGORITHM)


def read(secret: bytes, token: str, now: datetime) -> ConsoleSession | None:
    """The session in a cookie, or None when it is forged, malformed or expired (at the injected clock)."""
    try:
        claims = jwt.decode(
            token, _key(secret, b"session"), algorithms=[_ALGORITHM],
            options={"require": ["exp", "sub", "sid"], "verify_exp": False, "verify_iat": False},
        )
        expires_at = datetime.fromtimestamp(int(claims["exp"]), tz=now.tzinfo)
        session = ConsoleSession(int(claims["sub"]), str(claims["sid"]), expires_at)
    except (jwt.PyJWTError, ValueError, KeyError, TypeError):
        return None
    return session if now < session.expires_at else None


def csrf_token(secret: bytes, sid: str) -> str:
    return hmac.new(_key(secret, b"csrf"), sid.encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret: bytes, sid: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(csrf_token(secret, sid), presented or "")
