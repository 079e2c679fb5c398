"""`loa bench console4`: server time of the pages console II's last round added or changed, over
the province of `loa bench console` (100 communes, 2,000 speakers, a year of planned airings).

- ``bao_cao_nam``: the auditor's dashboard over the report year (compliance-over-time chart and the
  first 200 rows of the device table included); ``bao_cao_xa``: one commune with all its devices;
- ``thiet_bi_luot_phat``: one device's airings over the year (first page of 100);
- ``phat_am``: the lexicon page of a hamlet with 200 entries along its chain;
- ``quan_tri_thiet_bi`` / ``_tim``: the admin's devices page (page 1 of 20) and a search.
Goal: p95 <= 300 ms per page, as for every console page.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from bench._console_data import BULLETINS, COMMUNES, PASSWORD, SPEAKERS_PER_COMMUNE, seed_console
from bench._setup import backend, insert_rows, prepare_empty, table
from bench.console import GOAL_MS, REPEATS, p95, sign_in, time_page
from server.app import create_app
from server.auth.passwords import hash_password
from server.db import dispose_engines
from server.models.lexicon import LexiconEntry
from server.models.users import User
from server.runtime import build_runtime
from server.services import areas as area_service
from server.settings import Settings

LEXICON_ENTRIES = 200


def _seed_extra(engine: Any, province: str, commune: str, now: datetime) -> None:
    insert_rows(engine, table(User), [{"username": "bench.quantri", "full_name": "", "active": True,
                                       "password_hash": hash_password(PASSWORD), "role": "admin",
                                       "area_code": province, "created_at": now}])
    insert_rows(engine, table(LexiconEntry), [
        {"area_code": province if i % 2 else commune, "term": f"TT{i:03d}", "reading": f"từ thử số {i}",
         "updated_by": None, "updated_at": now} for i in range(LEXICON_ENTRIES)])


def run(*, data_dir: Path, devices: int | None = None, rows: int | None = None,
        repeats: int = REPEATS) -> dict[str, Any]:
    del devices  # the province's 2,000 speakers are part of its shape
    settings = Settings(data_dir=data_dir, tts_engines="espeak")
    engine = prepare_empty(settings)
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        count = rows or BULLETINS
        full = count >= BULLETINS  # a smaller --rows (the test suite) also shrinks the province
        started = time.perf_counter()
        data = seed_console(engine, now, bulletins=count, communes=COMMUNES if full else 5,
                            airing_days=365 if full else 7)
        commune, hamlet = data.communes[0], data.hamlets[0]
        _seed_extra(engine, data.province, commune, now)
        seed_seconds = time.perf_counter() - started
        app = create_app(build_runtime(settings), start_runtime=False)
        device = f"spk-{commune.lower()}-01"
        pages = {
            "bao_cao_nam": ("auditor", f"/bao-cao?dia_ban={data.province}"),
            "bao_cao_xa": ("auditor", f"/bao-cao?dia_ban={commune}"),
            "thiet_bi_luot_phat": ("auditor", f"/bao-cao/thiet-bi/{device}?tu={now.date().replace(day=1, month=1)}"
                                              f"&den={now.date()}"),
            "phat_am": ("officer", f"/phat-am?area={hamlet}"),
            "quan_tri_thiet_bi": ("admin", "/quan-tri/thiet-bi"),
            "quan_tri_thiet_bi_tim": ("admin", f"/quan-tri/thiet-bi?tim={commune.lower()}"),
        }
        users = {**data.users, "admin": "bench.quantri"}
        clients = {role: TestClient(app) for role in ("officer", "auditor", "admin")}
        for role, client in clients.items():
            sign_in(client, users[role])
        results = {name: round(p95(time_page(clients[role], url, repeats)), 1) for name, (role, url) in pages.items()}
        for client in clients.values():
            client.close()
        return {
            "metrics": {
                "pages": results, "slowest_ms": max(results.values()), "goal_ms": GOAL_MS,
                "over_goal": sorted(name for name, ms in results.items() if ms > GOAL_MS),
                "devices": len(data.communes) * SPEAKERS_PER_COMMUNE, "communes": len(data.communes),
                "planned_airings": data.planned_rows, "lexicon_entries": LEXICON_ENTRIES, "repeats": repeats,
                "seed_seconds": round(seed_seconds, 1),
            },
            "backend": backend(engine),
            "broker": "none",
        }
    finally:
        area_service.invalidate(engine)
        dispose_engines()
