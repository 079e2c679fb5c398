"""OAuth2 password flow: short-lived bearer tokens (and a cookie for the web UI).

Login is the one endpoint strangers can make expensive (an Argon2 hash per attempt), so it is
throttled per (username, address) and per address before any hash, and hashes run in bounded
lanes (``server.auth.login_guard``).
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool

from server.auth.login_guard import FailureAudit, busy, client_address, parse_proxies
from server.auth.passwords import verify_password
from server.auth.tokens import issue_token
from server.deps import RuntimeDep
from server.errors import Unauthorized
from server.models.users import User
from server.runtime import Runtime
from server.services import audit

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


def _lookup(runtime: Runtime, username: str) -> tuple[int, str, bool] | None:
    with Session(runtime.engine) as session:
        user = session.exec(select(User).where(User.username == username)).first()
        return (user.id or 0, user.password_hash, user.active) if user else None


def _audit_failure(runtime: Runtime, details: dict[str, object]) -> None:
    with Session(runtime.engine) as session:
        audit.bind(session, runtime.settings.data_dir)
        audit.record_login_failures(session, details)


def flush_login_failures(runtime: Runtime, failures: FailureAudit) -> None:
    """At shutdown: the failures counted since each source's last audit event."""
    for details in failures.pending():
        try:
            _audit_failure(runtime, details)
        except Exception:  # shutting down: a lost count must not stop the rest of the shutdown
            log.exception("could not audit %s failed login(s)", details.get("count"))


@router.post("/token")
async def login(
    request: Request, response: Response, runtime: RuntimeDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> dict[str, str | int]:
    state = request.app.state
    limiter = state.login_limiter
    client = client_address(request, parse_proxies(runtime.settings.trusted_proxies))
    username = form.username[:256]
    wait = limiter.blocked_for(username, client)
    if wait > 0:
        raise busy(wait)
    found = await run_in_threadpool(_lookup, runtime, username)
    valid = await state.password_checks.verify(found[1] if found else None, form.password, verify_password)
    if found is None or not valid or not found[2]:
        limiter.failed(username, client)
        event = state.login_failures.failed(client, username)
        if event is not None:
            await run_in_threadpool(_audit_failure, runtime, event)
        raise Unauthorized("Tên đăng nhập hoặc mật khẩu không đúng.", code="bad_credentials")
    limiter.succeeded(username, client)
    minutes = runtime.settings.token_minutes
    token = issue_token(runtime.jwt_secret, found[0], minutes, now=runtime.clock())
    response.set_cookie("loa_token", token, max_age=minutes * 60, httponly=True, samesite="strict")
    return {"access_token": token, "token_type": "bearer", "expires_in": minutes * 60}
