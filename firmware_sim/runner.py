"""``loa sim``: run N simulated devices against a server for a while, then summarize.

Identities are kept per server URL (``<cache dir>/servers/<url slug>``) and reused by later runs
against that server: each one's credentials are checked, a device the server no longer knows
(401/403: revoked, or a fresh database) is forgotten and replaced by a new enrolment, so repeated
demo runs never pile up devices on the server. ``fresh=True`` (``--fresh``) forgets them all first.
A progress line goes to stderr about once a second on a terminal (every 10 s otherwise).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from firmware_sim.clock import WallClock
from firmware_sim.env import DeviceOptions
from firmware_sim.faults import FaultSpec
from firmware_sim.fleet import Fleet, FleetStats
from firmware_sim.store import Identity
from firmware_sim.transport import HttpError


class SimError(Exception):
    """A problem the user must fix (message in Vietnamese, shown by the CLI)."""


@dataclass
class SimConfig:
    server: str
    devices: int  # in total, boards included
    boards: int = 0
    token: str = ""
    duration: float | None = None  # wall-clock seconds; None: until Ctrl-C
    clock_speed: float = 1.0
    faults: list[FaultSpec] = field(default_factory=list)
    area: str | None = None
    cache_dir: Path = Path("var/sim")
    seed: int = 0
    mqtt_url: str | None = None
    progress: bool = True
    fresh: bool = False  # forget this server's stored identities and enrol new devices
    # Credentials sheets an administrator handed out (`POST /api/v1/devices` answers): run exactly
    # these devices instead of enrolling (``devices``/``boards``/``token`` are then ignored).
    credentials: list[dict[str, Any]] | None = None

    @property
    def server_dir(self) -> Path:
        """Where this server's identities and media live: one directory per server URL."""
        return server_dir(self.cache_dir, self.server)


def server_dir(cache_dir: Path, server: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", server.rstrip("/")).strip("-")[:80] or "server"
    digest = hashlib.sha256(server.rstrip("/").encode()).hexdigest()[:8]
    return cache_dir / "servers" / f"{slug}-{digest}"


@dataclass
class Summary:
    devices: int
    enrolled: int  # newly enrolled by this run
    reused: int
    connected: int
    connect_seconds: float | None  # until every device had connected once
    rss_kib_per_device: float
    played: int
    outcomes: dict[str, int]
    logs_sent: int
    logs_acked: int
    logs_rejected: int
    refusals: int
    refusal_reasons: dict[str, int]
    duplicates: int
    media_failed: int
    seconds: float
    totals: dict[str, Any] = field(default_factory=dict)  # the airtime report's totals for this run

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    def lines(self) -> list[str]:
        o = self.outcomes
        connect = f"{self.connect_seconds:.2f} s" if self.connect_seconds is not None else "chưa kết nối đủ"
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(self.refusal_reasons.items())) or "—"
        t = self.totals
        return [
            f"Kết quả mô phỏng sau {self.seconds:.0f} s:",
            f"  thiết bị: {self.devices} ({self.enrolled} đăng ký mới, {self.reused} dùng lại), "
            f"{self.connected} đang kết nối",
            f"  thời gian kết nối tất cả: {connect}",
            f"  bộ nhớ: {self.rss_kib_per_device:.0f} KiB/thiết bị",
            f"  đã phát: {self.played} (gián đoạn {o.get('interrupted', 0)}, bỏ lỡ {o.get('missed', 0)}, "
            f"lỗi {o.get('failed', 0)})",
            f"  nhật ký phát: gửi {self.logs_sent}, máy chủ xác nhận {self.logs_acked}, từ chối {self.logs_rejected}",
            f"  tin nhắn bị thiết bị từ chối: {self.refusals} ({reasons})",
            f"  như báo cáo phát sóng: đến giờ {t.get('planned', 0)}, phát đạt {t.get('played', 0)}, "
            f"chờ nhật ký {t.get('pending', 0)}, chưa đến giờ {t.get('upcoming', 0)}",
        ]


def rss_bytes() -> int:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _registry_path(cache_dir: Path) -> Path:
    return cache_dir / "enrolled.json"


async def _still_enrolled(fleet: Fleet, identities: list[Identity]) -> list[Identity]:
    """The identities whose credentials the server still accepts (checked concurrently)."""
    gate = asyncio.Semaphore(16)

    async def check(identity: Identity) -> bool:
        async with gate:
            return await fleet.credentials_valid(identity)

    verdicts = await asyncio.gather(*(check(i) for i in identities))
    return [i for i, ok in zip(identities, verdicts, strict=True) if ok]


async def _identities(fleet: Fleet, config: SimConfig) -> tuple[list[Identity], int]:
    """(identities to run, how many of them were reused from an earlier run)."""
    wanted = {"speaker": config.devices - config.boards, "board": config.boards}
    stored: list[Identity] = []
    registry = _registry_path(fleet.cache_dir)
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(registry.read_text(encoding="utf-8"))
        if data.get("server") == config.server:
            ids = set(data.get("devices", []))
            stored = [i for i in fleet.stored_identities() if i.device_id in ids]
    if config.area:
        stored = [i for i in stored if i.area_code == config.area]
    chosen = {kind: [i for i in stored if i.kind == kind][:n] for kind, n in wanted.items()}
    reuse = chosen["speaker"] + chosen["board"]
    try:
        valid = await _still_enrolled(fleet, reuse)
        for gone in {i.device_id for i in reuse} - {i.device_id for i in valid}:
            shutil.rmtree(fleet.cache_dir / "devices" / gone, ignore_errors=True)  # revoked: re-enrol
        stored = [i for i in stored if i in valid or i not in reuse]
        reuse = valid
        fresh: list[Identity] = []
        for kind, n in wanted.items():
            missing = n - sum(1 for i in reuse if i.kind == kind)
            if missing > 0:
                fresh += await fleet.enrol(missing, token=config.token, kind=kind, area=config.area)
    except HttpError as exc:
        if exc.status in (401, 403):
            raise SimError("Máy chủ từ chối mã đăng ký thiết bị (--token hoặc tệp enrolment-token).") from exc
        raise SimError(f"Không đăng ký được thiết bị với {config.server}: {exc}") from exc
    everything = {i.device_id for i in stored} | {i.device_id for i in fresh}
    registry.parent.mkdir(parents=True, exist_ok=True)
    registry.write_text(json.dumps({"server": config.server, "devices": sorted(everything)}), encoding="utf-8")
    return reuse + fresh, len(reuse)


async def _progress(fleet: Fleet, err: TextIO, started: float) -> None:
    tty = err.isatty()
    ticks = 0
    while True:
        await asyncio.sleep(1.0)
        ticks += 1
        if not tty and ticks % 10:
            continue
        s = fleet.stats()
        line = (
            f"[loa sim] {time.monotonic() - started:5.0f} s · kết nối {s.connected}/{s.devices} · "
            f"đang phát {s.playing} · mất kết nối {s.offline} · nhật ký gửi {s.logs_sent} · "
            f"xác nhận {s.logs_acked} · từ chối {s.refused + s.logs_rejected}"
        )
        err.write(f"\r{line}\x1b[K" if tty else f"{line}\n")
        err.flush()


def _summary(stats: FleetStats, *, enrolled: int, reused: int, connect_s: float | None,
             rss_per_device: float, seconds: float) -> Summary:
    return Summary(
        devices=stats.devices, enrolled=enrolled, reused=reused, connected=stats.connected,
        connect_seconds=round(connect_s, 3) if connect_s is not None else None,
        rss_kib_per_device=round(rss_per_device / 1024, 1), played=stats.outcomes.get("played", 0),
        outcomes=dict(stats.outcomes), logs_sent=stats.logs_sent, logs_acked=stats.logs_acked,
        logs_rejected=stats.logs_rejected, refusals=stats.refused, refusal_reasons=dict(stats.refusal_reasons),
        duplicates=stats.duplicates, media_failed=stats.media_failed, seconds=round(seconds, 1),
    )


async def _given(fleet: Fleet, sheets: list[dict[str, Any]]) -> list[Identity]:
    """The devices of an administrator's credentials sheets, each checked against the server."""
    try:
        identities = [Identity.from_enrolment(sheet) for sheet in sheets]
    except (KeyError, TypeError) as exc:
        raise SimError(f"Tệp thông tin đăng nhập thiếu trường {exc} (cần bản do máy chủ cấp khi đăng ký).") from exc
    try:
        valid = await _still_enrolled(fleet, identities)
    except HttpError as exc:
        raise SimError(f"Không kiểm tra được thông tin đăng nhập với {fleet.server_url}: {exc}") from exc
    refused = sorted({i.device_id for i in identities} - {i.device_id for i in valid})
    if refused:
        raise SimError(f"Máy chủ từ chối thông tin đăng nhập của thiết bị {', '.join(refused)} "
                       "(đã thu hồi hoặc đã đổi mật khẩu?).")
    return identities


async def run_sim(config: SimConfig, *, err: TextIO | None = None, stop: asyncio.Event | None = None) -> Summary:
    if config.boards > config.devices:
        raise SimError("--boards không được lớn hơn --devices (tổng số thiết bị).")
    if not config.token and config.credentials is None:
        raise SimError("Thiếu mã đăng ký: dùng --token hoặc chạy `loa demo` để tạo tệp enrolment-token.")
    err = err or sys.stderr
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    rss0 = rss_bytes()
    options = DeviceOptions(keep_history=False)
    if config.fresh:
        shutil.rmtree(config.server_dir, ignore_errors=True)
    fleet = Fleet(config.server, config.server_dir, clock=WallClock(config.clock_speed), options=options,
                  mqtt_url=config.mqtt_url, seed=config.seed)
    progress: asyncio.Task[None] | None = None
    try:
        handed = 0  # devices an administrator enrolled and handed over (not enrolled by this run)
        if config.credentials is not None:
            identities = await _given(fleet, config.credentials)
            reused, handed = 0, len(identities)
        else:
            identities, reused = await _identities(fleet, config)
        for identity in identities:
            fleet.add(identity)
        started = time.monotonic()
        deadline = started + config.duration if config.duration is not None else None
        await fleet.start()
        fleet.schedule_faults(config.faults)
        if config.progress:
            progress = loop.create_task(_progress(fleet, err, started))
        connect_s: float | None = None
        all_connected = lambda: fleet.connected_count() == len(fleet.devices)  # noqa: E731
        waiter = loop.create_task(stop.wait())
        with contextlib.suppress(TimeoutError):
            remaining = (deadline - time.monotonic()) if deadline is not None else 24 * 3600.0
            await fleet.wait_for(lambda: all_connected() or stop.is_set(), max(0.0, remaining), "connections")
            if all_connected():
                connect_s = time.monotonic() - started
        rss1 = rss_bytes()
        left = (deadline - time.monotonic()) if deadline is not None else None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(waiter), left)
        waiter.cancel()
        with contextlib.suppress(TimeoutError):  # a last chance for the newest records' acks
            await fleet.wait_for(lambda: fleet.unacknowledged() == 0 or fleet.connected_count() == 0, 3.0)
        stats = fleet.stats()
        summary = _summary(stats, enrolled=len(identities) - reused - handed, reused=reused, connect_s=connect_s,
                           rss_per_device=max(0, rss1 - rss0) / max(1, len(identities)),
                           seconds=time.monotonic() - started)
        summary.totals = fleet.audit_totals(fleet.clock.now())
        return summary
    finally:
        if progress is not None:
            progress.cancel()
            if err.isatty():
                err.write("\n")
        await fleet.aclose()


def run(config: SimConfig, *, out: TextIO | None = None, as_json: bool = False) -> Summary:
    """Blocking entry point for the CLI: run, print the summary (and a JSON line)."""
    out = out or sys.stdout
    summary = asyncio.run(run_sim(config))
    for line in summary.lines():
        print(line, file=out)
    if as_json:
        print(summary.to_json(), file=out)
    return summary

