"""Many simulated devices in one process: enrolment, start/stop, faults, counters, waiting.

The Python API tests drive::

    fleet = Fleet("http://127.0.0.1:8000", tmp_path / "sim", clock=ManualClock(start))
    await fleet.enrol_and_add(3, boards=1, token=token)  # POST /api/v1/devices each
    await fleet.start()
    await fleet.wait_for(lambda: fleet.stats().connected == 4, timeout=10, what="connected")
    fleet.schedule_faults(parse_faults("link_down@60s+300s:50%"))
    await clock.advance(600)
    fleet.devices[0].history  # AsRunRecord list; .counters, .refusals, .pending_records
    await fleet.aclose()

``http`` and ``mqtt`` default to the real implementations (httpx, paho driven by asyncio);
unit tests pass in-memory fakes with the same protocols (``firmware_sim.transport``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from firmware_sim.clock import Clock, WallClock, sleep_until
from firmware_sim.device import Device
from firmware_sim.env import DeviceOptions, SimEnv
from firmware_sim.faults import FaultSpec
from firmware_sim.http_api import HttpxApi
from firmware_sim.media import MediaCache
from firmware_sim.mqtt_paho import PahoFactory
from firmware_sim.store import DeviceStore, Identity
from firmware_sim.transport import HttpApi, HttpError, MqttFactory

VIETNAM_OFFSET = timedelta(hours=7)  # one zone, no DST since 1975


@dataclass
class FleetStats:
    devices: int = 0
    powered: int = 0
    connected: int = 0
    playing: int = 0
    offline: int = 0  # powered but without an MQTT connection
    records: int = 0
    logs_sent: int = 0
    logs_acked: int = 0
    logs_rejected: int = 0  # by the server, in an ack
    pending: int = 0  # records made but not acknowledged yet
    refused: int = 0  # messages the devices refused (DeviceGuard)
    duplicates: int = 0
    media_failed: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    refusal_reasons: Counter[str] = field(default_factory=Counter)


class Fleet:
    def __init__(
        self, server_url: str, cache_dir: Path, *, clock: Clock | None = None,
        options: DeviceOptions | None = None, http: HttpApi | None = None, mqtt: MqttFactory | None = None,
        mqtt_url: str | None = None, seed: int = 0,
    ) -> None:
        self.server_url = server_url
        self.cache_dir = Path(cache_dir)
        self.clock: Clock = clock or WallClock()
        self.http: HttpApi = http or HttpxApi(server_url)
        self._paho: PahoFactory | None = None
        if mqtt is None:
            mqtt = self._paho = PahoFactory()
        self.media = MediaCache(self.cache_dir / "media", self.http)
        self.env = SimEnv(
            self.clock, self.cache_dir, self.media, self.http, mqtt, options or DeviceOptions(), mqtt_url, self._notify
        )
        self.seed = seed
        self.devices: list[Device] = []
        self.by_id: dict[str, Device] = {}
        self.fault_log: list[tuple[str, str, str, int]] = []  # (device-clock time, fault, phase, devices)
        self._changed = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- devices -----------------------------------------------------------------------------------
    async def enrol(
        self, count: int, *, token: str, kind: str = "speaker", area: str | None = None,
        device_ids: Sequence[str] | None = None, concurrency: int = 16,
        board_cols: int = 20, board_rows: int = 2, board_ascii: bool = False,
    ) -> list[Identity]:
        """Enrol ``count`` devices of ``kind`` (``POST /api/v1/devices``); without ``area`` the
        server spreads them over its hamlets."""
        gate = asyncio.Semaphore(concurrency)

        async def one(i: int) -> Identity:
            body: dict[str, Any] = {"kind": kind, "name": f"{'Bảng' if kind == 'board' else 'Loa'} mô phỏng {i + 1}"}
            if area:
                body["area_code"] = area
            if device_ids:
                body["device_id"] = device_ids[i]
            if kind == "board":
                body |= {"board_cols": board_cols, "board_rows": board_rows, "board_ascii": board_ascii}
            async with gate:
                for attempt in range(1, 4):
                    try:
                        return Identity.from_enrolment(await self.http.enrol(token, body))
                    except HttpError as exc:
                        if exc.status is not None or attempt == 3:
                            raise  # the server answered: retrying will not change its mind
                        await asyncio.sleep(0.5 * attempt)
                raise AssertionError("unreachable")

        return list(await asyncio.gather(*(one(i) for i in range(count))))

    async def enrol_and_add(
        self, speakers: int, *, boards: int = 0, token: str, area: str | None = None
    ) -> list[Device]:
        identities = await self.enrol(speakers, token=token, area=area)
        identities += await self.enrol(boards, token=token, kind="board", area=area)
        return [self.add(identity) for identity in identities]

    def add(self, identity: Identity) -> Device:
        if identity.device_id in self.by_id:
            raise ValueError(f"device {identity.device_id} is already in the fleet")
        device = Device(identity, self.env, seed=self.seed)
        self.devices.append(device)
        self.by_id[device.id] = device
        return device

    def stored_identities(self) -> list[Identity]:
        """Devices enrolled by an earlier run with this cache directory."""
        found = []
        for path in sorted((self.cache_dir / "devices").glob("*/identity.json")):
            identity = DeviceStore(path.parent).load_identity()
            if identity is not None:
                found.append(identity)
        return found

    async def credentials_valid(self, identity: Identity) -> bool:
        try:
            await self.http.get_manifest(identity.device_id, (identity.device_id, identity.password), None)
        except HttpError as exc:
            if exc.status in (401, 403):
                return False
            raise
        return True

    async def start(self, devices: Iterable[Device] | None = None) -> None:
        for device in devices if devices is not None else self.devices:
            await device.start()

    async def stop(self, *, graceful: bool = True) -> None:
        await asyncio.gather(*(d.stop(graceful=graceful) for d in self.devices))

    async def aclose(self, *, graceful: bool = True) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.stop(graceful=graceful)
        await self.media.aclose()
        if self._paho is not None:
            await self._paho.aclose()
        await self.http.aclose()

    # -- faults ------------------------------------------------------------------------------------
    def schedule_faults(self, specs: Sequence[FaultSpec], *, origin: datetime | None = None) -> None:
        """Run each fault at ``origin + at`` for ``for`` (simulated time of the fleet clock)."""
        origin = origin or self.clock.now()
        ids = [d.id for d in self.devices]
        for index, spec in enumerate(specs):
            targets = [self.by_id[i] for i in spec.targets(ids, seed=self.seed, index=index)]
            task = asyncio.get_running_loop().create_task(self._run_fault(spec, targets, origin))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run_fault(self, spec: FaultSpec, targets: list[Device], origin: datetime) -> None:
        await sleep_until(self.clock, origin + timedelta(seconds=spec.at_s))
        await self.apply_fault(spec, targets)
        if spec.for_s is not None:
            await sleep_until(self.clock, origin + timedelta(seconds=spec.at_s + spec.for_s))
            await self.apply_fault(spec, targets, end=True)

    async def apply_fault(self, spec: FaultSpec, targets: Sequence[Device], *, end: bool = False) -> None:
        for device in targets:
            if spec.name == "link_down":
                device.link_restore() if end else device.link_down()
            elif spec.name == "power_loss":
                if end:
                    await device.power_on()
                else:
                    device.power_loss()
            elif spec.name == "skew":
                device.set_skew(0.0 if end else spec.value)
            elif spec.name == "slow":
                device.set_slow(0.0 if end else spec.value)
            elif spec.name == "corrupt" and not end:
                device.corrupt_downloads(int(spec.value))
        self.fault_log.append((self.clock.now().isoformat(), spec.name, "end" if end else "start", len(targets)))
        self._notify()

    # -- observation ---------------------------------------------------------------------------------
    def stats(self) -> FleetStats:
        s = FleetStats(devices=len(self.devices))
        for d in self.devices:
            c = d.counters
            powered, connected = d.powered, d.connected
            s.powered += powered
            s.connected += connected
            s.offline += powered and not connected
            s.playing += d.on_air is not None
            s.records += c.records
            s.logs_sent += c.records_sent
            s.logs_acked += c.records_acked
            s.logs_rejected += c.records_rejected
            s.pending += max(0, c.records - c.records_acked - c.records_rejected)
            s.refused += c.refused
            s.duplicates += c.duplicates
            s.media_failed += c.media_failed
            s.outcomes.update(c.outcomes)
            s.refusal_reasons.update(reason for reason, _ in d.refusals)
        return s

    def audit_totals(self, now: datetime) -> dict[str, Any]:
        """This run in the airtime report's terms (its ``totals`` keys): the speakers' audio
        records by outcome; ``pending``: airing now or logged but not acknowledged (the server has
        no log yet); ``upcoming``: manifest items later today (Vietnam, UTC+7). Equal to the
        report's totals when these are the area's only speakers and the day's only airings."""
        counts: Counter[str] = Counter()
        reasons: Counter[str] = Counter()
        aired = pending = upcoming = 0
        today = (now + VIETNAM_OFFSET).date()
        for d in self.devices:
            if d.identity.kind != "speaker":
                continue
            c = d.counters
            counts.update(c.audit)
            reasons.update(c.audit_reasons)
            aired += c.aired_ms
            pending += max(0, c.records - c.records_acked - c.records_rejected)
            player = d.firmware.player if d.firmware is not None else None
            if player is None:
                continue
            if player.current is not None and player.current.entry.kind == "audio" and player.current.ends > now:
                pending += 1
            starts = [datetime.fromisoformat(i.start) for i in (player.manifest.items if player.manifest else ())
                      if i.kind == "audio"]
            for run in player.alerts.values():  # emergencies are planned too: their later repeats
                at, step = run.next_at, timedelta(seconds=max(1, run.alert.repeat_every_s))
                while at is not None and at < run.expires and (at + VIETNAM_OFFSET).date() == today:
                    starts.append(at)
                    at += step
            upcoming += sum(1 for at in starts if at >= now and (at + VIETNAM_OFFSET).date() == today)
        outcomes = {k: counts.get(k, 0) for k in ("played", "interrupted", "missed", "failed")}
        planned = sum(outcomes.values()) + pending
        return {
            "planned": planned, **outcomes, "upcoming": upcoming, "pending": pending,
            "airtime_seconds": round(aired / 1000, 3),
            "compliance": round(100 * outcomes["played"] / (planned - pending), 2) if planned > pending else None,
            "reasons": {r: reasons.get(r, 0) for r in ("offline", "media_failed", "preempted", "expired")},
        }

    def connected_count(self) -> int:
        return sum(1 for d in self.devices if d.connected)

    def unacknowledged(self) -> int:
        """Records made (this run) that the server has not acknowledged or rejected yet."""
        return sum(max(0, c.records - c.records_acked - c.records_rejected) for c in (d.counters for d in self.devices))

    def _notify(self) -> None:
        self._changed.set()

    async def wait_for(
        self, predicate: Callable[[], bool], timeout: float, what: str = "condition", *,
        min_interval: float | None = None,
    ) -> None:
        """Wait (real time) until ``predicate()`` holds, re-checking whenever a device changes
        but at most every ``min_interval`` s (default: 20 ms, more for a big fleet, whose
        predicates walk every device while the devices change all the time)."""
        if min_interval is None:
            min_interval = min(0.5, 0.02 + len(self.devices) / 50_000)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            checked = loop.time()
            remaining = deadline - checked
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout:.1f} s waiting for {what}: {self.stats()}")
            if self._changed.is_set():  # consumed: wait for the next change
                self._changed = asyncio.Event()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 1.0))
            pause = checked + min_interval - loop.time()
            if pause > 0:
                await asyncio.sleep(pause)
