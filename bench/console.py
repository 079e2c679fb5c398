"""`loa bench console`: p95 server time of each console page over a province's worth of data.

Setup (untimed, ``bench/_console_data.py``): 100 real communes of one province with two hamlets
each, 2,000 speakers, 10,000 bulletins in every status over the past year (200 waiting for
approval), province and commune slots, an active emergency, and a year of planned airings.

Timed: each page is requested through the app in-process (``TestClient``: the whole server
path from routing to rendered HTML, no network) by a province-level officer or approver, the
widest scope and so the slowest; one warm-up, then ``REPEATS`` requests -> ``pages: {name: p95_ms}``.
Pages of the console that are not in this build are left out. Goal: <= 300 ms each.
``--rows N`` scales the bulletin count (the test suite runs a tiny size).
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from bench._console_data import BULLETINS, COMMUNES, PASSWORD, SPEAKERS_PER_COMMUNE, ConsoleData, seed_console
from bench._setup import backend, prepare_empty
from server.app import create_app
from server.db import dispose_engines
from server.runtime import build_runtime
from server.services import areas as area_service
from server.settings import Settings

REPEATS = 20
GOAL_MS = 300


@dataclass(frozen=True)
class PageSpec:
    name: str
    role: str  # officer | approver | auditor
    route: str  # the route path, to skip pages this build does not have
    url: str


def pages(data: ConsoleData) -> list[PageSpec]:
    queued = data.submitted_ids[len(data.submitted_ids) // 2]
    hamlet, commune = data.hamlets[0], data.communes[0]
    return [
        PageSpec("trang_chu", "auditor", "/", "/"),  # officers and approvers are sent to their own home
        PageSpec("ban_tin", "officer", "/ban-tin", "/ban-tin"),
        PageSpec("ban_tin_tim", "officer", "/ban-tin", "/ban-tin?q=tiem+phong"),
        PageSpec("ban_tin_moi", "officer", "/ban-tin/moi", "/ban-tin/moi"),
        PageSpec("ban_tin_xem", "officer", "/ban-tin/{bulletin_id}", f"/ban-tin/{queued}"),
        PageSpec("ban_tin_sua", "officer", "/ban-tin/{bulletin_id}/sua", f"/ban-tin/{queued}/sua"),
        PageSpec("duyet", "approver", "/duyet", "/duyet"),
        PageSpec("duyet_xem", "approver", "/duyet/{bulletin_id}", f"/duyet/{queued}"),
        PageSpec("duyet_xac_nhan", "approver", "/duyet/{bulletin_id}/xac-nhan", f"/duyet/{queued}/xac-nhan"),
        PageSpec("khan_cap", "approver", "/khan-cap", "/khan-cap"),
        PageSpec("khan_cap_xac_nhan", "approver", "/khan-cap/moi", "/khan-cap/moi?mau=1"),
        PageSpec("khan_cap_trang_thai", "approver", "/khan-cap/{bulletin_id}", f"/khan-cap/{data.emergency_id}"),
        PageSpec("khan_cap_giao", "approver", "/khan-cap/{bulletin_id}/trang-thai",
                 f"/khan-cap/{data.emergency_id}/trang-thai"),
        PageSpec("lich_phat", "officer", "/lich-phat", f"/lich-phat?dia_ban={hamlet}"),
        PageSpec("lich_phat_tinh", "approver", "/lich-phat", f"/lich-phat?dia_ban={data.province}"),
        PageSpec("lich_phat_tuan", "officer", "/lich-phat/tuan", f"/lich-phat/tuan?dia_ban={commune}"),
        PageSpec("lich_phat_phien", "officer", "/lich-phat/phien", f"/lich-phat/phien?dia_ban={commune}"),
        PageSpec("tai_lieu_api", "officer", "/docs", "/docs"),
    ]


def sign_in(client: TestClient, username: str) -> None:
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    if token is None:
        raise RuntimeError("the sign-in form has no CSRF token")
    r = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1),
                                    "next": "/"}, follow_redirects=False)
    if r.status_code != 303:
        raise RuntimeError(f"sign-in as {username} failed: {r.status_code}")


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def time_page(client: TestClient, url: str, repeats: int) -> list[float]:
    samples = []
    for attempt in range(repeats + 1):
        started = time.perf_counter()
        r = client.get(url, follow_redirects=False)
        elapsed = (time.perf_counter() - started) * 1000
        if r.status_code != 200:
            raise RuntimeError(f"{url} answered {r.status_code}: {r.text[:300]}")
        if attempt:  # the first request warms caches (templates, area tree)
            samples.append(elapsed)
    return samples


def run(*, data_dir: Path, devices: int | None = None, rows: int | None = None,
        repeats: int = REPEATS) -> dict[str, Any]:
    del devices  # the province's 2,000 speakers are part of its shape
    settings = Settings(data_dir=data_dir, tts_engines="espeak")
    engine = prepare_empty(settings)
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        count = rows or BULLETINS
        started = time.perf_counter()
        full = count >= BULLETINS  # a smaller --rows (the test suite) also shrinks the province
        data = seed_console(engine, now, bulletins=count, communes=COMMUNES if full else 5,
                            airing_days=365 if full else 7)
        seed_seconds = time.perf_counter() - started
        runtime = build_runtime(settings)
        app = create_app(runtime, start_runtime=False)  # no scheduler or broker: pages only
        results: dict[str, float] = {}
        clients = {role: TestClient(app) for role in ("officer", "approver", "auditor")}
        for role, client in clients.items():
            sign_in(client, data.users[role])
        existing: set[str] = app.state.console_paths
        for spec in pages(data):
            if spec.route in existing:
                results[spec.name] = round(p95(time_page(clients[spec.role], spec.url, repeats)), 1)
        for client in clients.values():
            client.close()
        return {
            "metrics": {
                "pages": results, "slowest_ms": max(results.values()), "goal_ms": GOAL_MS,
                "over_goal": sorted(name for name, ms in results.items() if ms > GOAL_MS),
                "bulletins": data.bulletins, "devices": len(data.communes) * SPEAKERS_PER_COMMUNE,
                "communes": len(data.communes),
                "planned_airings": data.planned_rows, "repeats": repeats, "seed_seconds": round(seed_seconds, 1),
            },
            "backend": backend(engine),
            "broker": "none",
        }
    finally:
        area_service.invalidate(engine)
        dispose_engines()


