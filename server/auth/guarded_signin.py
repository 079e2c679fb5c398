"""Checking a username and password, behind the login guard: one rule for every way in.

The API's token endpoint awaits ``sign_in``; a plain ``def`` route (a form in the web console)
calls ``sign_in_from_thread``. Order: throttled per (username, address) and per address before
anything else, then the user is looked up, then the password is checked in a bounded lane
(``login_guard.PasswordChecks``: unknown usernames cost no hash); failures are counted for the
throttle and audited in aggregate (``login_guard.FailureAudit``).
"""

from __future__ import annotations

import logging

from anyio import from_thread
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from server.auth.login_guard import FailureAudit, busy, client_address, parse_proxies
from server.auth.passwords import verify_password
from server.errors import Unauthorized
from server.models.users import User
from server.runtime import Runtime
from server.services import audit

log = logging.getLogger(__name__)
MAX_USERNAME = 256  # longer is no username (they are at most 64); bounded before it is a dict key


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


async def sign_in(request: Request, runtime: Runtime, username: str, password: str) -> int:
    """The id of the active user with these credentials; else ``Unauthorized`` (401) or
    ``TooManyAttempts`` (429 with ``Retry-After``)."""
    state = request.app.state
    limiter = state.login_limiter
    client = client_address(request, parse_proxies(runtime.settings.trusted_proxies))
    username = username[:MAX_USERNAME]
    wait = limiter.blocked_for(username, client)
    if wait > 0:
        raise busy(wait)
    found = await run_in_threadpool(_lookup, runtime, username)
    valid = await state.password_checks.verify(found[1] if found else None, password, verify_password)
    if found is None or not valid or not found[2]:
        limiter.failed(username, client)
        event = state.login_failures.failed(client, username)
        if event is not None:
            await run_in_threadpool(_audit_failure, runtime, event)
        raise Unauthorized("Tên đăng nhập hoặc mật khẩu không đúng.", code="bad_credentials")
    limiter.succeeded(username, client)
    return found[0]


def sign_in_from_thread(request: Request, runtime: Runtime, username: str, password: str) -> int:
    """``sign_in`` for a plain ``def`` route (it runs in a worker thread of the event loop)."""
    return from_thread.run(sign_in, request, runtime, username, password)
