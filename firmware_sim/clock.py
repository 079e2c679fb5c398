"""Simulated clocks: every device reads its own clock and arms timers on it.

``WallClock`` runs from the real time (or a given start) at ``speed`` × real time, so a
``--clock-speed 60`` run lives an hour of programme per real minute. ``ManualClock`` only moves
when a test calls ``advance``; its timers fire in time order, and after each one it lets the
event loop settle so the devices react before the next timer. ``DeviceClock`` adds a per-device
``skew`` (a clock fault) on top of either.

Timers are callbacks (``call_at``), not sleeping coroutines: one device arms one timer for its
next event, which keeps ten thousand devices cheap.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class TimerHandle(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...

    def call_at(self, when: datetime, callback: Callable[[], None]) -> TimerHandle: ...


class WallClock:
    """Real time × ``speed``, starting at ``start`` (default: the real UTC now)."""

    def __init__(self, speed: float = 1.0, start: datetime | None = None) -> None:
        if speed <= 0:
            raise ValueError("clock speed must be positive")
        self.speed = speed
        self._origin = start or datetime.now(UTC)
        self._mono0 = time.monotonic()

    def now(self) -> datetime:
        return self._origin + timedelta(seconds=(time.monotonic() - self._mono0) * self.speed)

    def call_at(self, when: datetime, callback: Callable[[], None]) -> TimerHandle:
        delay = max(0.0, (when - self.now()).total_seconds() / self.speed)
        return asyncio.get_running_loop().call_later(delay, callback)


class _ManualTimer:
    __slots__ = ("callback", "cancelled")

    def __init__(self, callback: Callable[[], None]) -> None:
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualClock:
    """A clock for tests: time stands still until ``advance``/``advance_to``."""

    def __init__(self, start: datetime, *, settle_rounds: int = 50) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._heap: list[tuple[datetime, int, _ManualTimer]] = []
        self._order = itertools.count()
        self.settle_rounds = settle_rounds

    def now(self) -> datetime:
        return self._now

    def call_at(self, when: datetime, callback: Callable[[], None]) -> TimerHandle:
        if when <= self._now:  # already due: run soon, as a real timer with no delay would
            return asyncio.get_running_loop().call_soon(callback)
        timer = _ManualTimer(callback)
        heapq.heappush(self._heap, (when, next(self._order), timer))
        return timer

    async def settle(self) -> None:
        """Let the event loop run every ready callback (in-memory work only, no network)."""
        for _ in range(self.settle_rounds):
            await asyncio.sleep(0)

    async def advance(self, seconds: float) -> None:
        await self.advance_to(self._now + timedelta(seconds=seconds))

    async def advance_to(self, target: datetime) -> None:
        """Fire every timer due up to ``target`` in time order, settling after each one."""
        await self.settle()
        while self._heap and self._heap[0][0] <= target:
            when, _, timer = heapq.heappop(self._heap)
            if timer.cancelled:
                continue
            self._now = max(self._now, when)
            timer.callback()
            await self.settle()
        self._now = max(self._now, target)
        await self.settle()


class DeviceClock:
    """A device's own clock: ``base`` plus ``skew`` seconds (positive = the device runs ahead)."""

    def __init__(self, base: Clock, skew: float = 0.0) -> None:
        self.base = base
        self.skew = skew

    def now(self) -> datetime:
        return self.base.now() + timedelta(seconds=self.skew)

    def call_at(self, when: datetime, callback: Callable[[], None]) -> TimerHandle:
        return self.base.call_at(when - timedelta(seconds=self.skew), callback)


async def sleep_until(clock: Clock, when: datetime) -> None:
    """Await ``when`` on ``clock`` (cancellable: the timer is disarmed on cancellation)."""
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def wake() -> None:
        if not future.done():
            future.set_result(None)

    handle = clock.call_at(when, wake)
    try:
        await future
    finally:
        handle.cancel()
