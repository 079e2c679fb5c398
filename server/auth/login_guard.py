"""What keeps a login flood from stalling the server.

* ``client_address``: ``X-Forwarded-For`` counts only when the peer is a configured proxy
  (``LOA_TRUSTED_PROXIES``); otherwise any client could pick the address it is throttled under.
* ``HashLanes``: every password check costs an Argon2 hash (64 MiB, ~0.1-0.4 s of one core), so
  at most one per core runs at once, plus one lane for usernames that do not exist: a flood of
  random usernames then waits in its own lane and cannot starve real users. A request that cannot
  start its hash within a short deadline is refused (429) instead of queueing; waiting holds no
  thread, so ``/healthz`` and other requests keep their worker threads.
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
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from server.errors import TooManyAttempts

T = TypeVar("T")
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


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
class HashLanes:
    """Bounded concurrent password hashing; see the module docstring."""

    known: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))
    unknown: int = 1
    known_wait_s: float = 3.0  # a real user may wait a little: the 5 s goal includes the hash
    unknown_wait_s: float = 0.5
    _lanes: dict[bool, asyncio.Semaphore] = field(default_factory=dict)
    _loop: asyncio.AbstractEventLoop | None = None

    def _lane(self, known_user: bool) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # semaphores belong to one loop (tests start several)
            self._loop = loop
            self._lanes = {True: asyncio.Semaphore(self.known), False: asyncio.Semaphore(self.unknown)}
        return self._lanes[known_user]

    async def run(self, known_user: bool, fn: Callable[[], T]) -> T:
        lane = self._lane(known_user)
        try:
            async with asyncio.timeout(self.known_wait_s if known_user else self.unknown_wait_s):
                await lane.acquire()
        except TimeoutError:
            raise busy(1) from None
        try:
            return await run_in_threadpool(fn)
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

    def __init__(self, window_s: float = 60.0, clock: Callable[[], float] = time.monotonic,
                 max_sources: int = 10_000) -> None:
        self.window_s, self.clock, self.max_sources = window_s, clock, max_sources
        self._open: dict[str, _Window] = {}
        self._lock = threading.Lock()

    def failed(self, source: str, username: str) -> dict[str, object] | None:
        """Count a failure; returns the event to record now (the first failure of a new window
        carries the count since the source's last event), else None."""
        now = self.clock()
        with self._lock:
            window = self._open.get(source)
            if window is not None and now - window.opened < self.window_s:
                window.count += 1
                if len(window.usernames) < self.MAX_USERNAMES:
                    window.usernames.add(username[:64])
                return None
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
