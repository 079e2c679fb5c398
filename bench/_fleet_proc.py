"""The simulated fleet of the live benches in a child process, driven over a pipe.

Ten thousand simulated speakers cost a core of their own (paho, JSON, Ed25519, their disk
state); sharing the server's interpreter lock would time the simulator, not Loa. The child runs
one asyncio loop with a ``Fleet``; the parent sends ``(tag, "module:name", args)`` naming a
module-level ``async def step(fleet, *args)`` and gets ``(tag, result)`` back when it finishes,
or ``(tag, _Failure)`` (a step that cannot be found or fails included). Steps run concurrently,
so the parent can start a wait, do the timed thing, then collect the wait's result.

Times cross the process boundary as ``time.monotonic()`` values: on Linux both processes read
the same CLOCK_MONOTONIC.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import itertools
import multiprocessing
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from firmware_sim.clock import WallClock
from firmware_sim.device import Device
from firmware_sim.env import DeviceOptions
from firmware_sim.fleet import Fleet
from firmware_sim.store import Identity

Step = Callable[..., Awaitable[Any]]
POLL_S = 0.005  # re-check a wait at most this often...
POLL_COST_SHARE = 20  # ...and at most 1/20 of the time: one check over 10,000 devices takes ~1.5 ms


@dataclass(frozen=True)
class _Failure:
    step: str
    trace: str


def bench_options() -> DeviceOptions:
    """Firmware defaults, minus what only tests need (history in RAM) and the HTTP fallback's
    timer (the server is up; MQTT is what is measured)."""
    return DeviceOptions(keep_history=False, http_check_s=None)


async def wait_all(fleet: Fleet, done: Callable[[Device], bool], timeout: float, what: str) -> float:
    """Wait until ``done(d)`` for every device; the ``time.monotonic()`` it was first seen.

    Only the devices not there yet are re-checked, every ``POLL_S`` or 20 times the last
    check's cost, whichever is longer: the checks take at most ~5 % of the fleet's loop (they
    would otherwise slow the devices being timed), and as devices finish the list shrinks and
    the end is seen within a few ms of the last device."""
    pending = [d for d in fleet.devices if not done(d)]
    deadline = time.monotonic() + timeout
    while pending:
        started = time.monotonic()
        if started > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}: {len(pending)} of "
                               f"{len(fleet.devices)} devices not there")
        pending = [d for d in pending if not done(d)]
        checked = time.monotonic()
        if not pending:
            return checked
        await asyncio.sleep(max(POLL_S, POLL_COST_SHARE * (checked - started)))
    return time.monotonic()


# -- steps every live bench uses -------------------------------------------------------------------
async def connect_all(fleet: Fleet, timeout: float) -> int:
    """Connect every device and wait until each holds its manifest (untimed setup)."""
    await fleet.start()
    await wait_all(fleet, lambda d: d.connected, timeout, "connections")
    await wait_all(fleet, lambda d: d.counters.manifests > 0, timeout, "manifests")
    return fleet.connected_count()


async def counter_at_least(fleet: Fleet, name: str, value: int, timeout: float) -> float:
    """When every device's ``counters.<name>`` reached ``value`` (``time.monotonic()``)."""
    return await wait_all(fleet, lambda d: int(getattr(d.counters, name)) >= value, timeout, name)


async def counter_total(fleet: Fleet, name: str) -> int:
    return sum(int(getattr(d.counters, name)) for d in fleet.devices)


async def counter_max(fleet: Fleet, name: str) -> int:
    return max((int(getattr(d.counters, name)) for d in fleet.devices), default=0)


async def records_settled(fleet: Fleet, timeout: float) -> None:
    """Until every as-run record the devices made has been acknowledged by the server."""
    deadline = time.monotonic() + timeout
    while fleet.unacknowledged():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{fleet.unacknowledged()} as-run records not acknowledged after {timeout:.0f} s")
        await asyncio.sleep(0.1)


async def ping(fleet: Fleet) -> int:
    """A round trip: every step begun before it has started."""
    return len(fleet.devices)


async def _serve(conn: Connection, server_url: str, identities: list[Identity], cache_dir: Path) -> None:
    fleet = Fleet(server_url, cache_dir, clock=WallClock(), options=bench_options())
    for identity in identities:
        fleet.add(identity)
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue[Any] = asyncio.Queue()

    def readable() -> None:
        try:
            inbox.put_nowait(conn.recv())
        except (EOFError, OSError):  # the parent is gone: stop
            inbox.put_nowait(None)

    loop.add_reader(conn.fileno(), readable)
    running: set[asyncio.Task[None]] = set()

    async def run_step(tag: int, name: str, args: tuple[Any, ...]) -> None:
        try:
            module, _, attr = name.partition(":")
            step: Step = getattr(importlib.import_module(module), attr)
            result: Any = await step(fleet, *args)
        except asyncio.CancelledError:
            raise
        except Exception:  # reported to the parent, which raises it
            result = _Failure(name, traceback.format_exc(limit=8))
        with contextlib.suppress(OSError):  # the parent is gone
            conn.send((tag, result))

    try:
        while (message := await inbox.get()) is not None:
            task = loop.create_task(run_step(*message))
            running.add(task)
            task.add_done_callback(running.discard)
    finally:
        loop.remove_reader(conn.fileno())
        for task in running:
            task.cancel()
        await fleet.aclose(graceful=False)


def _child(conn: Connection, server_url: str, identities: list[Identity], cache_dir: Path) -> None:
    asyncio.run(_serve(conn, server_url, identities, cache_dir))


class FleetProcess:
    """The parent's handle: ``call`` a step and wait, or ``begin`` it and ``result`` later."""

    def __init__(self, server_url: str, identities: list[Identity], cache_dir: Path) -> None:
        ctx = multiprocessing.get_context("spawn")  # never fork a process that runs threads
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_child, args=(child, server_url, identities, cache_dir),
                                    name="loa-bench-fleet", daemon=True)
        self.cache_dir = cache_dir
        self._tags = itertools.count()
        self._results: dict[int, Any] = {}
        self._process.start()
        child.close()

    def begin(self, step: Step, *args: Any) -> int:
        tag = next(self._tags)
        try:
            self._conn.send((tag, f"{step.__module__}:{step.__qualname__}", args))
        except OSError as exc:
            raise self._gone() from exc
        return tag

    def _gone(self) -> RuntimeError:
        self._process.join(timeout=5)
        return RuntimeError(f"the simulated fleet exited (code {self._process.exitcode})")

    def result(self, tag: int, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while tag not in self._results:
            remaining = deadline - time.monotonic()
            ready = wait([self._conn, self._process.sentinel], max(0.0, remaining))
            if self._conn in ready:
                try:
                    got, value = self._conn.recv()
                except (EOFError, OSError) as exc:
                    raise self._gone() from exc
                self._results[got] = value
            elif ready:
                raise self._gone()
            elif remaining <= 0:
                raise RuntimeError(f"the simulated fleet did not answer within {timeout:.0f} s")
        value = self._results.pop(tag)
        if isinstance(value, _Failure):
            raise RuntimeError(f"fleet step {value.step.partition(':')[2]} failed:\n{value.trace}")
        return value

    def call(self, step: Step, *args: Any, timeout: float) -> Any:
        return self.result(self.begin(step, *args), timeout)

    def close(self) -> None:
        if self._process.is_alive():
            with contextlib.suppress(OSError):
                self._conn.send(None)
            self._process.join(timeout=60)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=10)
        self._conn.close()
