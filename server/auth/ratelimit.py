"""Login throttling: sliding windows of failures per (username, address) and per address.

The per-address window is what stops a flood of random usernames from one source: each such
attempt is a new (username, address) pair, so that window alone never fills.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

ANY_USER = "\x00any"  # the per-address window's key (no real username contains NUL)
MAX_TRACKED = 50_000  # windows kept; beyond it expired ones are pruned, then the oldest dropped


class LoginRateLimiter:
    def __init__(self, max_failures: int = 5, window_seconds: float = 300.0,
                 clock: Callable[[], float] = time.monotonic, max_failures_per_address: int = 20) -> None:
        self.max_failures = max_failures
        self.max_per_address = max_failures_per_address
        self.window = window_seconds
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        now = self.clock()
        hits = self._failures.get(key)
        if hits is None:
            if len(self._failures) >= MAX_TRACKED:
                self._prune(now)
            hits = self._failures[key] = deque()
        while hits and now - hits[0] > self.window:
            hits.popleft()
        return hits

    def _prune(self, now: float) -> None:
        for key in [k for k, hits in self._failures.items() if not hits or now - hits[-1] > self.window]:
            del self._failures[key]
        while len(self._failures) >= MAX_TRACKED:  # dicts keep insertion order: drop the oldest
            del self._failures[next(iter(self._failures))]

    def _wait(self, key: tuple[str, str], limit: int) -> float:
        hits = self._recent(key)
        if len(hits) < limit:
            return 0.0
        return max(0.0, self.window - (self.clock() - hits[-limit]))

    def blocked_for(self, username: str, client: str) -> float:
        """Seconds until another attempt is allowed (0 when allowed now)."""
        with self._lock:
            return max(self._wait((username, client), self.max_failures),
                       self._wait((ANY_USER, client), self.max_per_address))

    def failed(self, username: str, client: str) -> None:
        with self._lock:
            now = self.clock()
            self._recent((username, client)).append(now)
            self._recent((ANY_USER, client)).append(now)

    def succeeded(self, username: str, client: str) -> None:
        with self._lock:
            self._failures.pop((username, client), None)
