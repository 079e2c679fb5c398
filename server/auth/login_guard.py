"""What keeps a login flood from stalling the server.

* ``client_address``: ``X-Forwarded-For`` counts only when the peer is a configured proxy
  (``LOA_TRUSTED_PROXIES``); otherwise any client could pick the address it is throttled under.
* ``PasswordChecks``: every password check costs an Argon2 hash (64 MiB, ~0.1-0.4 s of one core),
  so at most one per two cores runs at once (the event loop keeps a core). A username that does
  not exist costs no hash: it waits as long as a hash typically takes (no timing oracle at rest)
  and fails, so a flood of random usernames costs neither CPU nor memory and cannot starve real
  users. A check that cannot start within a short deadline is refused (429) instead of queueing;
  waiting holds no thread, so ``/healthz`` and other requests keep their worker threads.
* ``FailureAudit``: failed logins go to the audit chain in aggregate, one event per source per
  minute with a count, so a flood cannot grow the chain by a row per attempt.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from server.errors import TooManyAttempts

T = TypeVar("T")
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def parse_proxies(value: str) -> list[IpNetwork]:
    """``LOA_TRUSTED_PROXIES``: comma-separated addresses or CIDR networks (ValueError if not)."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip()]


def _trusted(address: str, proxies: list[IpNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(request: Request, proxies: list[IpNetwork]) -> str:
    """The peer, or behind trusted proxies the nearest address in ``X-Forwarded-For`` that is not one."""
    peer = request.client.host if request.client else "?"
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if h.strip()]
    for hop in reversed(hops):  # rightmost first: each trusted proxy appended the address it saw
        if not _trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # garbage from beyond the proxies: throttle the proxy's own address
    return peer


@dataclass
class PasswordChecks:
    """Bounded concurrent password hashing; see the module docstring."""

    lanes: int = field(default_factory=lambda: max(1, (os.cpu_count() or 1) // 2))
    wait_s: float = 3.0  # a real user may wait a little: the 5 s goal includes the hash
    typical_s: float = 0.1  # recent hash time: what an unknown username waits instead of hashing
    _lane: asyncio.Semaphore | None = None
    _loop: asyncio.AbstractEventLoop | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._lane is None or loop is not self._loop:  # a semaphore belongs to one loop (tests run several)
            self._loop, self._lane = loop, asyncio.Semaphore(self.lanes)
        return self._lane

    async def verify(self, password_hash: str | None, password: str,
                     check: Callable[[str, str], bool]) -> bool:
        """``check(password_hash, password)`` in a lane; None (no such user) costs no hash, only the
        usual wait, so a flood of random usernames uses neither CPU nor memory."""
        if password_hash is None:
            await asyncio.sleep(self.typical_s)
            return False
        lane = self._semaphore()
        try:
            async with asyncio.timeout(self.wait_s):
                await lane.acquire()
        except TimeoutError:
            raise busy(1) from None
        try:
            started = time.monotonic()
            ok = await run_in_threadpool(check, password_hash, password)
            self.typical_s = 0.8 * self.typical_s + 0.2 * (time.monotonic() - started)
            return ok
        finally:
            lane.release()


def busy(seconds: float) -> TooManyAttempts:
    wait = max(1, int(seconds + 0.999))
    minutes = max(1, (wait + 59) // 60)
    message = (f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút." if wait > 5
               else "Máy chủ đang bận xử lý đăng nhập. Vui lòng thử lại sau ít giây.")
    return TooManyAttempts(message, headers={"Retry-After": str(wait)})


@dataclass
class _Window:
    opened: float
    count: int = 0
    usernames: set[str] = field(default_factory=set)


class FailureAudit:
    """Counts failed logins per source; ``due`` yields one aggregate per source and window."""

    MAX_USERNAMES = 5  # a sample for the auditor, not every guess

    OTHERS = "*"  # the source a failure is counted under once a minute has had its events

    def __init__(self, window_s: float = 60.0, clock: Callable[[], float] = time.monotonic,
                 max_sources: int = 10_000, max_events: int = 60) -> None:
        self.window_s, self.clock, self.max_sources = window_s, clock, max_sources
        self.max_events = max_events  # per window across all sources: a spread flood writes no more
        self._open: dict[str, _Window] = {}
        self._events = _Window(opened=-float("inf"))
        self._lock = threading.Lock()

    def failed(self, source: str, username: str) -> dict[str, object] | None:
        """Count a failure; returns the event to record now (the first failure of a new window
        carries the count since the source's last event), else None."""
        now = self.clock()
        with self._lock:
            if now - self._events.opened >= self.window_s:
                self._events = _Window(opened=now)
            window = self._open.get(source)
            if (window is None or now - window.opened >= self.window_s) and self._events.count >= self.max_events:
                source, window = self.OTHERS, self._open.get(self.OTHERS)  # one event for all the rest
            if window is not None and now - window.opened < self.window_s:
                window.count += 1
                if len(window.usernames) < self.MAX_USERNAMES:
                    window.usernames.add(username[:64])
                return None
            self._events.count += 1
            previous = self._open.pop(source, None)
            if len(self._open) >= self.max_sources:
                self._expire(now)
            self._open[source] = _Window(opened=now)
            count = 1 + (previous.count if previous else 0)
            names = sorted((previous.usernames if previous else set()) | {username[:64]})
            return {"client": source[:64], "count": count, "usernames": names[: self.MAX_USERNAMES]}

    def _expire(self, now: float) -> None:
        for source in [s for s, w in self._open.items() if now - w.opened >= self.window_s and not w.count]:
            del self._open[source]
        while len(self._open) >= self.max_sources:
            del self._open[next(iter(self._open))]

    def pending(self) -> list[dict[str, object]]:
        """Counts not yet written (at shutdown): one event per source."""
        with self._lock:
            out = [{"client": s[:64], "count": w.count, "usernames": sorted(w.usernames)}
                   for s, w in self._open.items() if w.count]
            self._open.clear()
            return out
