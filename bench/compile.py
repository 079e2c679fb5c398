"""`loa bench compile`: read approved bulletins and slots from the database, compile, sign and
store every device's manifest (DESIGN.md §5).

Default size is the issue's target: every real commune (3,321) × 20 speaker clusters = 66,420
devices; ``--devices N`` takes the first ``N / 20`` communes. Setup is not timed: a fresh
database (SQLite in the data dir, or the empty one at ``LOA_DATABASE_URL``) with the provinces
and communes as areas, the devices, two province-level sessions a day (Mon–Sat) and approved
bulletins inserted as rows (three per province, one or two per commune, fake audio).

Timed: one ``compile_and_store`` over all devices, cold (every manifest is new) -> ``seconds``.
Then the same again with nothing changed (nothing is re-signed) -> ``unchanged_seconds``.
Target on two cores: <= 60 s for 66,420 devices.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench._setup import DEVICES_PER_COMMUNE, backend, prepare_empty, seed_bulletins, seed_fleet, seed_slots, table
from playlists.model import LOCAL_TZ
from server.db import dispose_engines
from server.delivery.keys import signer_for
from server.models.devices import DeviceManifest
from server.scheduling.compiler import compile_and_store
from server.services import areas as area_service
from server.services import divisions
from server.settings import Settings


def target_devices() -> int:
    return sum(1 for _ in divisions.communes()) * DEVICES_PER_COMMUNE


def run(*, data_dir: Path, devices: int | None = None, rows: int | None = None) -> dict[str, Any]:
    del rows  # the report bench's size
    count = devices or target_devices()
    settings = Settings(data_dir=data_dir)
    engine = prepare_empty(settings)
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        fleet = seed_fleet(engine, count, now)
        seed_slots(engine, fleet.provinces, now.astimezone(LOCAL_TZ).date(), fleet.user_id, now)
        bulletins = seed_bulletins(engine, fleet, now)
        signer = signer_for(settings.signing_key_path)

        started = time.perf_counter()
        cold = compile_and_store(engine, signer, LOCAL_TZ, now, days=settings.manifest_days)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        warm = compile_and_store(engine, signer, LOCAL_TZ, now, days=settings.manifest_days)
        unchanged_seconds = time.perf_counter() - started

        if cold.devices != count or len(cold.changed) != count:
            raise RuntimeError(f"cold compile stored {len(cold.changed)} of {count} manifest(s)")
        if warm.changed:
            raise RuntimeError(f"{len(warm.changed)} manifest(s) re-signed although nothing changed")
        manifests = table(DeviceManifest)
        with engine.connect() as conn:
            stored, avg_bytes = conn.execute(
                select(func.count(), func.avg(func.length(manifests.c.envelope)))
            ).one()
        if stored != count:
            raise RuntimeError(f"{stored} manifest row(s) in the database, expected {count}")
        return {
            "metrics": {
                "devices": count,
                "seconds": round(seconds, 3),
                "per_device_ms": round(seconds * 1000 / count, 4),
                "manifest_bytes_avg": round(float(avg_bytes or 0)),
                "changed": len(cold.changed),
                "unchanged_seconds": round(unchanged_seconds, 3),
                "bulletins": bulletins,
                "planned_rows": cold.planned_rows,
            },
            "backend": backend(engine),
            "broker": "none",
        }
    finally:
        area_service.invalidate(engine)
        dispose_engines()
