"""A simulated receiver or board: identity, disk, fault switches and what an observer sees.

The device outlives its boots: ``Firmware`` (RAM) is created at every power-on and dropped at
every power loss, while the disk (``DeviceStore``) and the observer's counters stay. Fault
methods are the Python API behind ``--faults``: ``link_down``/``link_restore``, ``power_loss``/
``power_on``/``reboot``, ``set_skew``, ``corrupt_downloads``, ``set_slow``.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Coroutine
from typing import Any

from devices.protocol import AsRunRecord
from firmware_sim.clock import DeviceClock
from firmware_sim.env import Counters, SimEnv
from firmware_sim.firmware import Firmware
from firmware_sim.outbox import Outbox
from firmware_sim.store import DeviceStore, Identity


class Device:
    def __init__(self, identity: Identity, env: SimEnv, *, seed: int = 0) -> None:
        self.identity = identity
        self.id = identity.device_id
        self.kind = identity.kind
        self.env = env
        self.clock = DeviceClock(env.clock)
        self.store = DeviceStore(env.cache_dir / "devices" / self.id)
        self.store.save_identity(identity)
        self.counters = Counters()
        self.refusals: list[tuple[str, str]] = []  # (reason, topic) of every refused message
        self.history: list[AsRunRecord] = []  # every record made, in order (keep_history)
        self.link_up = asyncio.Event()
        self.link_up.set()
        self.slow_s = 0.0
        self.corrupt_left = 0
        self.rng = random.Random(f"{seed}:{self.id}")
        self.firmware: Firmware | None = None
        self.started_mono = time.monotonic()
        self._background: set[asyncio.Task[Any]] = set()

    def __repr__(self) -> str:
        return f"<Device {self.id} {self.kind} {self.state}>"

    # -- lifecycle ---------------------------------------------------------------------------------
    async def start(self) -> None:
        """Power on: boot the firmware from what is on disk."""
        if self.firmware is not None:
            return
        self.started_mono = time.monotonic()
        self.counters.boots += 1
        self.firmware = Firmware(self)
        self.firmware.boot()

    async def stop(self, *, graceful: bool = True) -> None:
        fw, self.firmware = self.firmware, None
        if fw is not None:
            if graceful:
                await fw.shutdown()
            else:
                fw.kill()
        for task in list(self._background):
            task.cancel()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run ``coro`` outside the firmware (e.g. a reboot command must outlive the boot)."""
        task = asyncio.get_running_loop().create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # -- faults --------------------------------------------------------------------------------------
    def link_down(self) -> None:
        """No network: MQTT drops without DISCONNECT, HTTP and downloads fail; playback goes on."""
        self.link_up.clear()
        if self.firmware is not None:
            self.firmware.uplink.drop()

    def link_restore(self) -> None:
        self.link_up.set()

    def power_loss(self) -> None:
        """RAM lost (player, guard, connections), disk kept; stays off until ``power_on``."""
        fw, self.firmware = self.firmware, None
        if fw is not None:
            fw.kill()

    async def power_on(self) -> None:
        await self.start()

    async def reboot(self) -> None:
        self.power_loss()
        await self.power_on()

    def set_skew(self, seconds: float) -> None:
        self.clock.skew = seconds
        if self.firmware is not None:
            self.firmware.poke()  # re-arm the player's timer on the new clock

    def corrupt_downloads(self, count: int = 1) -> None:
        self.corrupt_left += count

    def set_slow(self, seconds: float) -> None:
        self.slow_s = max(0.0, seconds)

    # -- observation ---------------------------------------------------------------------------------
    def refuse(self, reason: str, topic: str) -> None:
        self.counters.refused += 1
        self.refusals.append((reason, topic))

    def observe(self, record: AsRunRecord) -> None:
        self.counters.records += 1
        self.counters.outcomes[record.outcome] += 1
        if self.identity.kind == "speaker" and record.kind == "audio":  # what the airtime report audits
            self.counters.audit[record.outcome] += 1
            self.counters.aired_ms += record.aired_ms
            if record.outcome != "played" and record.reason:
                self.counters.audit_reasons[record.reason] += 1
        if self.env.options.keep_history:
            self.history.append(record)

    @property
    def powered(self) -> bool:
        return self.firmware is not None

    @property
    def connected(self) -> bool:
        fw = self.firmware
        return fw is not None and fw.mqtt is not None and fw.mqtt.connected

    @property
    def on_air(self) -> str | None:
        """Title of what is airing now (a board: what it shows)."""
        fw = self.firmware
        if fw is None:
            return None
        shown = fw.player.on_air(self.clock.now())
        return shown[0] if shown else None

    @property
    def board_page(self) -> list[str] | None:
        fw = self.firmware
        shown = fw.player.on_air(self.clock.now()) if fw is not None else None
        return shown[1] if shown else None

    @property
    def state(self) -> str:
        if not self.powered:
            return "off"
        if self.on_air is not None:
            return "playing"
        return "connected" if self.connected else "offline"

    @property
    def pending_records(self) -> int:
        """As-run records on disk, not acknowledged yet."""
        if self.firmware is not None:
            return len(self.firmware.outbox.pending)
        return len(Outbox(self.store.asrun_path, self.id).pending)

    @property
    def volume(self) -> int | None:
        return self.firmware.volume if self.firmware is not None else None

    async def resync(self) -> None:
        if self.firmware is not None:
            await self.firmware.resync()

    async def http_sync(self) -> None:
        if self.firmware is not None:
            await self.firmware.uplink.http_sync()
