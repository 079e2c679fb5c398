"""Short-lived signed access tokens (JWT, HS256) for officers, approvers, auditors, admins."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt

from devices.keyfile import read_or_create

ALGORITHM = "HS256"


def load_or_create_secret(path: Path) -> bytes:
    return read_or_create(path, lambda: secrets.token_bytes(32))


def issue_token(secret: bytes, user_id: int, minutes: int, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    claims: dict[str, Any] = {"sub": str(user_id), "iat": now, "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(secret: bytes, token: str) -> int | None:
    try:
        # Leeway: replicas' clocks (and the scheduler's injected clock in tests) differ a little.
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}, leeway=30)
        return int(claims["sub"])
    except (jwt.PyJWTError, ValueError, KeyError):
        return None
