"""`loa bench console3`: server time of the citizens' pages, notifications, admin, devices,
dashboard and audit pages on a province's worth of data.

Shape (defaults = the console's target): 2,000 speakers in 100 real communes with their slots and
approved bulletins (``bench._setup``) plus 10,000 draft bulletins (``--rows``). Each page is
requested through the ASGI app (TestClient, no network) with a signed-in province admin or
approver, ``REPEAT`` times after a warm-up; metrics are the p95 in milliseconds per page.
``public_page_cold_p95_ms`` clears the citizens' page cache before every request (what the
database costs); ``public_page_p95_ms`` is the cached answer a busy feed gets.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from bench._setup import backend, insert_rows, prepare_empty, table
from bench.console_api import seed_busy_province
from server.app import create_app
from server.db import dispose_engines
from server.models.users import User
from server.runtime import build_runtime
from server.services import areas as area_service
from server.services.public_bulletins import PublicCache
from server.settings import Settings
from server.web import session as web_session

REPEAT = 20
DEFAULT_DEVICES, DEFAULT_BULLETINS = 2000, 10_000


def p95_ms(fn: Callable[[], Any], repeat: int = REPEAT) -> float:
    fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.quantiles(times, n=20)[-1], 2)


def _get(client: TestClient, path: str, cookie: str | None = None, **params: str) -> Callable[[], Any]:
    def call() -> Any:
        client.cookies.clear()
        if cookie:
            client.cookies.set(web_session.COOKIE, cookie)
        response = client.get(path, params=params)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        return response

    return call


def run(*, data_dir: Path, devices: int | None = None, rows: int | None = None) -> dict[str, Any]:
    count, extra = devices or DEFAULT_DEVICES, DEFAULT_BULLETINS if rows is None else rows
    settings = Settings(data_dir=data_dir)
    engine = prepare_empty(settings)
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        fleet, approved = seed_busy_province(engine, count, extra, now)
        province = fleet.provinces[0].code
        insert_rows(engine, table(User), [{"username": "bench.duyet", "full_name": "", "password_hash": "!",
                                           "role": "approver", "area_code": province, "active": True,
                                           "created_at": now}])
        runtime = build_runtime(settings)
        with runtime.engine.connect() as conn:
            approver_id = conn.execute(table(User).select().where(table(User).c.username == "bench.duyet")).one().id
        admin = web_session.issue(runtime.jwt_secret, fleet.user_id, 60, now)
        approver = web_session.issue(runtime.jwt_secret, approver_id, 60, now)
        commune = fleet.communes[0]
        app = create_app(runtime, start_runtime=False)
        with TestClient(app) as client:
            page = _get(client, f"/public/{commune.code}")()
            if "<audio" not in page.text:
                raise RuntimeError("the citizens' page shows no approved bulletin")

            def cold_public() -> Any:
                app.state.public_cache = PublicCache()
                return _get(client, f"/public/{commune.code}")()

            metrics = {
                "public_page_cold_p95_ms": p95_ms(cold_public),
                "public_page_p95_ms": p95_ms(_get(client, f"/public/{commune.code}")),
                "public_feed_p95_ms": p95_ms(_get(client, f"/public/{commune.code}/feed.xml")),
                "public_index_search_p95_ms": p95_ms(_get(client, "/public", q=commune.name.split()[-1])),
                "badge_p95_ms": p95_ms(_get(client, "/thong-bao/huy-hieu", approver)),
                "notifications_p95_ms": p95_ms(_get(client, "/thong-bao", approver), repeat=5),
                "devices_p95_ms": p95_ms(_get(client, "/thiet-bi", approver), repeat=10),
                "admin_devices_p95_ms": p95_ms(_get(client, "/quan-tri/thiet-bi", admin), repeat=10),
                "admin_areas_p95_ms": p95_ms(_get(client, "/quan-tri/dia-ban", admin), repeat=10),
                "admin_users_p95_ms": p95_ms(_get(client, "/quan-tri/nguoi-dung", admin), repeat=10),
                "dashboard_year_p95_ms": p95_ms(_get(client, "/bao-cao", admin), repeat=5),
                "audit_trail_p95_ms": p95_ms(_get(client, "/nhat-ky", admin), repeat=10),
            }
        metrics |= {"devices": count, "bulletins": approved + extra, "communes": len(fleet.communes)}
        return {"metrics": metrics, "backend": backend(engine), "broker": "none"}
    finally:
        area_service.invalidate(engine)
        dispose_engines()
