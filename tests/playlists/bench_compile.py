"""Micro-benchmark of manifest compilation without database or signing.

    .venv/bin/python -m tests.playlists.bench_compile [--communes 3321] [--clusters 20]

Synthetic but shaped like production: 34 provinces, communes spread over them, one speaker per
hamlet cluster, two province slots (Mon–Sat) with a relay, 10 % of communes overriding the
evening slot, ~12 province bulletins per province, 3 commune bulletins per commune, 1 % of
hamlets with a bulletin of their own, one emergency per 10 provinces, one board per commune.
Prints one JSON line: seconds to compile every speaker (then every board) to canonical bytes
(``*_bytes_seconds``, what signing needs) and to dicts (``*_dict_seconds``), and average sizes.
"""

from __future__ import annotations

import argparse
import json
import time as clock
from datetime import UTC, date, datetime, time, timedelta

from playlists.compile import Compiler, compile_many, compile_many_bytes
from playlists.emergency import alerts_from_bulletins
from playlists.model import (
    AreaNode,
    BoardGeometry,
    BoardPages,
    BulletinPlay,
    DeviceDef,
    RelayDef,
    ScheduleInputs,
    SlotDef,
)

DAY = date(2025, 3, 3)
APPROVED = datetime(2025, 3, 1, tzinfo=UTC)
PAGES = (BoardPages(32, 4, False, (("Thông báo", "lịch tiêm chủng", "tại trạm y tế", "xã"),) * 3, (6.0,) * 3),)


def _bulletin(n: int, targets: tuple[str, ...], level: str, priority: str = "normal") -> BulletinPlay:
    return BulletinPlay(
        bulletin_id=n,
        version_hash=f"{n:016x}",
        title=f"Bản tin {n}",
        category="notice",
        priority=priority,  # type: ignore[arg-type]
        target_areas=targets,
        valid_from=APPROVED,
        valid_until=None,
        approved_at=APPROVED + timedelta(seconds=n),
        repeats_per_day=1 + n % 3,
        duration_ms=45_000 + (n % 7) * 10_000,
        sha256=f"{n:064x}",
        size=400_000,
        board_text=f"Bản tin {n}",
        board_pages=PAGES,
        origin_level=level,  # type: ignore[arg-type]
    )


def build(communes: int, clusters: int) -> tuple[list[AreaNode], ScheduleInputs, list[DeviceDef]]:
    areas: list[AreaNode] = []
    slots: list[SlotDef] = []
    relays: list[RelayDef] = []
    bulletins: list[BulletinPlay] = []
    devices: list[DeviceDef] = []
    weekdays = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA"
    n = 0
    for p in range(34):
        code = f"P{p:02d}"
        areas.append(AreaNode(code, None, "province"))
        slots.append(SlotDef(2 * p + 1, code, "sáng", time(6), 1800, weekdays, date(2025, 1, 1)))
        slots.append(SlotDef(2 * p + 2, code, "chiều", time(17), 1800, weekdays, date(2025, 1, 1)))
        relays.append(RelayDef(p + 1, 2 * p + 1, "http://radio.example/vov1", 300, "Tiếp sóng VOV1", approved=True))
        for _ in range(12):
            n += 1
            bulletins.append(_bulletin(n, (code,), "province", "priority" if n % 5 == 0 else "normal"))
        if p % 10 == 0:
            n += 1
            bulletins.append(_bulletin(n, (code,), "province", "emergency"))
    for c in range(communes):
        province = f"P{c % 34:02d}"
        code = f"W{c:05d}"
        areas.append(AreaNode(code, province, "commune"))
        if c % 10 == 0:
            slots.append(SlotDef(1000 + c, code, "chiều", time(18), 1800, weekdays, date(2025, 1, 1)))
        for _ in range(3):
            n += 1
            bulletins.append(_bulletin(n, (code,), "commune"))
        devices.append(DeviceDef(f"board-{c}", "board", code, BoardGeometry(32, 4)))
        for h in range(clusters):
            hamlet = f"{code}-T{h:02d}"
            areas.append(AreaNode(hamlet, code, "hamlet"))
            devices.append(DeviceDef(f"spk-{c}-{h}", "speaker", hamlet))
            if (c * clusters + h) % 100 == 0:
                n += 1
                bulletins.append(_bulletin(n, (hamlet,), "commune"))
    inputs = ScheduleInputs(
        slots=tuple(slots),
        relays=tuple(relays),
        bulletins=tuple(bulletins),
        alerts=tuple(alerts_from_bulletins(bulletins)),
    )
    return areas, inputs, devices


def run(communes: int = 3321, clusters: int = 20) -> dict[str, float | int]:
    areas, inputs, devices = build(communes, clusters)
    issued = datetime(2025, 3, 2, 22, 0, tzinfo=UTC)
    expires = issued + timedelta(days=4)
    speakers = [d for d in devices if d.kind == "speaker"]
    boards = [d for d in devices if d.kind == "board"]
    out: dict[str, float | int] = {"speakers": len(speakers), "boards": len(boards), "bulletins": len(inputs.bulletins)}
    for label, group in (("speakers", speakers), ("boards", boards)):
        t0 = clock.perf_counter()
        sizes = [
            len(body)
            for _, body in compile_many_bytes(group, areas, inputs, DAY, seq=1, issued_at=issued, expires_at=expires)
        ]
        out[f"{label}_bytes_seconds"] = round(clock.perf_counter() - t0, 3)
        out[f"{label}_avg_bytes"] = sum(sizes) // max(1, len(sizes))
        t0 = clock.perf_counter()
        for _ in compile_many(group, areas, inputs, DAY, seq=1, issued_at=issued, expires_at=expires):
            pass
        out[f"{label}_dict_seconds"] = round(clock.perf_counter() - t0, 3)
    # Cross-check a sample: the spliced bytes equal json.dumps of the dict payload.
    compiler = Compiler(areas, inputs, DAY)
    for device in devices[:: max(1, len(devices) // 50)]:
        payload = compiler.manifest(device, seq=1, issued_at=issued, expires_at=expires)
        body = compiler.manifest_bytes(device, seq=1, issued_at=issued, expires_at=expires)
        assert body == json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--clusters", type=int, default=20)
    args = parser.parse_args()
    print(json.dumps(run(args.communes, args.clusters)))


if __name__ == "__main__":
    main()
