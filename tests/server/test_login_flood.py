"""Login under a flood: throttled per address (random usernames included), X-Forwarded-For trusted
only from configured proxies, hashing bounded (a busy lane answers 429 with Retry-After instead of
queueing), and failures audited in aggregate. The flood's latency figures live in ``bench/login``."""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from starlette.requests import Request

from server.app import create_app
from server.auth import guarded_signin
from server.auth.login_guard import FailureAudit, PasswordChecks, client_address, parse_proxies
from server.errors import TooManyAttempts
from server.models.audit import AuditEvent
from server.runtime import Runtime
from server.settings import Settings
from tests.factories import PASSWORD, add_user, seed_two_communes


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fast_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """Throttling does not depend on Argon2's cost; a cheap check keeps 20+ failures fast."""
    monkeypatch.setattr(guarded_signin, "verify_password", lambda _h, password: password == PASSWORD)


def _app(runtime: Runtime) -> FastAPI:
    app = create_app(runtime, start_runtime=False)
    app.state.password_checks.typical_s = 0.0  # an unknown username's wait: nothing to measure here
    return app


def _client(runtime: Runtime, peer: str) -> TestClient:
    return TestClient(_app(runtime), client=(peer, 40000))


@pytest.fixture
def world(runtime: Runtime, engine: Engine) -> Runtime:
    seed_two_communes(engine)
    add_user(engine, "canbo1", "officer", "W001")
    return runtime


def _token(client: TestClient, username: str, password: str, **headers: str) -> Any:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password}, headers=headers)


def test_random_usernames_from_one_address_are_throttled_other_addresses_are_not(
        world: Runtime, fast_hash: None) -> None:
    app = _app(world)
    with TestClient(app, client=("192.0.2.7", 1)) as attacker, TestClient(app, client=("192.0.2.8", 1)) as user:
        codes = [_token(attacker, f"x{secrets.token_hex(4)}", "wrong-guess-1").status_code for _ in range(20)]
        assert codes == [401] * 20
        refused = _token(attacker, "canbo1", PASSWORD)  # even a correct login: the address is throttled
        assert refused.status_code == 429 and refused.json()["detail"]["code"] == "too_many_attempts"
        assert 1 <= int(refused.headers["Retry-After"]) <= 300
        assert _token(user, "canbo1", PASSWORD).status_code == 200


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(world: Runtime, fast_hash: None) -> None:
    with _client(world, "192.0.2.7") as attacker:
        for i in range(20):  # a fresh spoofed address each time: without trusted proxies it counts for nothing
            assert _token(attacker, f"x{i}", "wrong-guess-1", **{"X-Forwarded-For": f"198.51.100.{i}"}
                          ).status_code == 401
        assert _token(attacker, "canbo1", PASSWORD, **{"X-Forwarded-For": "203.0.113.9"}).status_code == 429


def test_behind_a_trusted_proxy_each_forwarded_client_is_throttled_alone(world: Runtime, fast_hash: None) -> None:
    world.settings = world.settings.model_copy(update={"trusted_proxies": "10.0.0.0/8"})
    with _client(world, "10.1.2.3") as proxy:
        for i in range(20):
            assert _token(proxy, f"x{i}", "wrong-guess-1", **{"X-Forwarded-For": "198.51.100.1"}).status_code == 401
        blocked = _token(proxy, "canbo1", PASSWORD, **{"X-Forwarded-For": "198.51.100.1"})
        assert blocked.status_code == 429
        other = _token(proxy, "canbo1", PASSWORD, **{"X-Forwarded-For": "198.51.100.2, 10.9.9.9"})
        assert other.status_code == 200


def _request(peer: str, forwarded: str | None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded is not None else []
    return Request({"type": "http", "client": (peer, 1), "headers": headers})


@pytest.mark.parametrize(("peer", "forwarded", "proxies", "expected"), [
    ("127.0.0.1", "203.0.113.5", "", "127.0.0.1"),
    ("127.0.0.1", "203.0.113.5", "127.0.0.1", "203.0.113.5"),
    ("192.0.2.1", "203.0.113.5", "127.0.0.1", "192.0.2.1"),
    ("10.0.0.2", "1.1.1.1, 203.0.113.5, 10.0.0.3", "10.0.0.0/8", "203.0.113.5"),  # rightmost untrusted hop
    ("10.0.0.2", "not-an-address", "10.0.0.0/8", "10.0.0.2"),
    ("10.0.0.2", None, "10.0.0.0/8", "10.0.0.2"),
    ("::1", "2001:db8::7", "::1, 127.0.0.1", "2001:db8::7"),
])
def test_client_address(peer: str, forwarded: str | None, proxies: str, expected: str) -> None:
    assert client_address(_request(peer, forwarded), parse_proxies(proxies)) == expected


def test_a_bad_trusted_proxy_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="trusted_proxies"):
        Settings(trusted_proxies="10.0.0.0/8, proxy.example")


def test_a_full_lane_answers_busy_and_unknown_usernames_cost_no_hash() -> None:
    checks = PasswordChecks(lanes=1, wait_s=0.05, typical_s=0.01)
    release, started = threading.Event(), threading.Event()
    hashed: list[str] = []

    def slow(_hash: str, _password: str) -> bool:
        started.set()
        assert release.wait(10)
        return True

    def fast(password_hash: str, _password: str) -> bool:
        hashed.append(password_hash)
        return False

    async def scenario() -> tuple[Any, ...]:
        hog = asyncio.create_task(checks.verify("h-hog", "pw", slow))  # a real user's hash holds the lane
        await asyncio.to_thread(started.wait, 10)
        with pytest.raises(TooManyAttempts) as busy:
            await checks.verify("h-other", "pw", fast)
        unknown = await checks.verify(None, "pw", fast)  # no lane, no hash: answered while the lane is full
        release.set()
        return busy.value, unknown, await hog

    busy, unknown, hog = asyncio.run(scenario())
    assert busy.status_code == 429 and busy.headers == {"Retry-After": "1"}
    assert (unknown, hog, hashed) == (False, True, [])


def _failures(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == "login_failed")
                                 .order_by(col(AuditEvent.seq))).all())


def test_failed_logins_are_audited_once_per_source_per_minute_with_a_count(
        world: Runtime, engine: Engine, fast_hash: None) -> None:
    clock = Clock()
    app = _app(world)
    app.state.login_failures = FailureAudit(clock=clock)
    app.state.login_limiter.max_per_address = 1000
    with TestClient(app, client=("192.0.2.7", 1)) as attacker, TestClient(app, client=("192.0.2.9", 1)) as other:
        for i in range(12):
            _token(attacker, f"guess{i}", "wrong-guess-1")
        _token(other, "canbo1", "wrong-guess-1")
        assert [(e.subject, e.details["count"]) for e in _failures(engine)] == [
            ("client:192.0.2.7", 1), ("client:192.0.2.9", 1)]
        clock.now += 61
        _token(attacker, "guess-late", "wrong-guess-1")  # opens a new minute: the 11 since, plus itself
        _token(attacker, "guess-later", "wrong-guess-1")
    events = _failures(engine)  # leaving the client ran the lifespan's shutdown: pending counts written
    assert [(e.subject, e.details["count"]) for e in events[2:]] == [("client:192.0.2.7", 12), ("client:192.0.2.7", 1)]
    assert events[2].details["usernames"] == sorted(["guess-late", *(f"guess{i}" for i in range(1, 6))])[:5]
    assert sum(e.details["count"] for e in events) == 15
    assert all("wrong-guess" not in str(e.details) for e in events)


def test_a_flood_from_many_sources_writes_a_bounded_number_of_events_per_minute() -> None:
    clock = Clock()
    audit = FailureAudit(clock=clock, max_events=60)
    events = [audit.failed(f"198.51.100.{i % 250}.{i}", "x") for i in range(1000)]
    written = [e for e in events if e is not None]
    assert len(written) == 61 and written[-1]["client"] == FailureAudit.OTHERS
    clock.now += 60
    later = audit.failed("203.0.113.1", "y")
    assert later is not None and later["client"] == "203.0.113.1"
    pending: dict[object, int] = {p["client"]: int(str(p["count"])) for p in audit.pending()}
    assert pending[FailureAudit.OTHERS] == 1000 - 61  # every failure counted once, in some event
    assert sum(int(str(e["count"])) for e in written) + sum(pending.values()) == 1000


def test_failure_audit_tracks_a_bounded_number_of_sources() -> None:
    clock = Clock()
    audit = FailureAudit(clock=clock, max_sources=100)
    for i in range(1000):
        audit.failed(f"198.51.{i // 250}.{i % 250}", "x")
        audit.failed(f"198.51.{i // 250}.{i % 250}", "x")
    assert len(audit.pending()) <= 100


@pytest.fixture
def two_clients(world: Runtime) -> Iterator[tuple[TestClient, TestClient]]:
    app = _app(world)
    with TestClient(app, client=("192.0.2.7", 1)) as a, TestClient(app, client=("192.0.2.8", 1)) as b:
        yield a, b


def test_real_argon2_login_still_works_and_wrong_password_is_401(two_clients: tuple[TestClient, TestClient]) -> None:
    a, _b = two_clients
    assert _token(a, "canbo1", "wrong-guess-1").status_code == 401
    ok = _token(a, "canbo1", PASSWORD)
    assert ok.status_code == 200 and ok.json()["token_type"] == "bearer"


def test_plain_def_routes_sign_in_through_the_same_guard(world: Runtime, fast_hash: None) -> None:
    """What a form route in the web console does: same throttle, same answers."""
    from fastapi import Form

    app = _app(world)

    @app.post("/test-form-login")
    def form_login(request: Request, username: str = Form(""), password: str = Form("")) -> dict[str, int]:
        return {"user_id": guarded_signin.sign_in_from_thread(request, world, username, password)}

    with TestClient(app, client=("192.0.2.7", 1)) as form_client:
        post = form_client.post
        assert post("/test-form-login", data={"username": "canbo1", "password": PASSWORD}).json()["user_id"] >= 1
        codes = [post("/test-form-login", data={"username": f"y{i}", "password": "x"}).status_code for i in range(20)]
        assert codes == [401] * 20
        assert post("/test-form-login", data={"username": "canbo1", "password": PASSWORD}).status_code == 429
