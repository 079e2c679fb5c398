"""Login rate limiting: a sliding window of failures per (username, client address)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class LoginRateLimiter:
    def __init__(self, max_failures: int = 5, window_seconds: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        now = self.clock()
        hits = self._failures.setdefault(key, deque())
        while hits and now - hits[0] > self.window:
            hits.popleft()
        return hits

    def blocked_for(self, username: str, client: str) -> float:
        """Seconds until another attempt is allowed (0 when allowed now)."""
        with self._lock:
            hits = self._recent((username, client))
            if len(hits) < self.max_failures:
                return 0.0
            return max(0.0, self.window - (self.clock() - hits[0]))

    def failed(self, username: str, client: str) -> None:
        with self._lock:
            self._recent((username, client)).append(self.clock())

    def succeeded(self, username: str, client: str) -> None:
        with self._lock:
            self._failures.pop((username, client), None)
