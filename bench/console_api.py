"""`loa bench console-api`: server time of the console's API services on a province's worth of data.

Shape (defaults = the console's target): 2,000 speakers in 100 real communes, their slots and
approved bulletins (``bench._setup``) plus 10,000 more bulletins (``--rows``) with varied
Vietnamese text; one emergency alert over the province that half the speakers reported starting.
Each service is called as the console calls it (a province approver's scope) and timed
``REPEAT`` times; metrics are the p95 in milliseconds per service, plus the sizes.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bench._setup import (
    Fleet,
    backend,
    insert_rows,
    prepare_empty,
    seed_bulletins,
    seed_fleet,
    seed_slots,
    table,
)
from server.db import dispose_engines
from server.models.bulletins import Bulletin, BulletinTarget, BulletinVersion
from server.models.console import AlertDelivery
from server.models.devices import AreaAlert
from server.models.users import User
from server.services import areas as area_service
from server.services import board_preview, legacy_text
from server.services.airtime_estimate import EstimateInput, estimate
from server.services.alert_delivery import delivery
from server.services.areas import load_tree
from server.services.bulletins import list_bulletins
from server.services.spoken import spoken_text
from server.services.text_search import version_search_text
from server.settings import Settings

REPEAT = 20
DEFAULT_DEVICES, DEFAULT_BULLETINS = 2000, 10_000
WORDS = ("tiêm phòng dại cho chó mèo", "họp dân xây dựng nông thôn mới", "phòng chống bão lũ",
         "thu gom rác thải sinh hoạt", "đăng ký nghĩa vụ quân sự", "phòng cháy chữa cháy rừng",
         "bảo hiểm y tế hộ gia đình", "lịch cắt điện trong tuần", "vệ sinh môi trường đường làng")
BODY = ("UBND xã thông báo: thực hiện Kế hoạch số 115/KH-UBND ngày 05/3/2024, xã tổ chức tiêm phòng dại "
        "cho đàn chó, mèo vào các ngày 18 và 19/3/2024, từ 7h00 đến 11h30 tại nhà văn hóa các thôn. ") * 3


def p95_ms(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    fn()  # warm: caches (fonts, lexicon tables, the area tree) are filled once per process
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.quantiles(times, n=20)[-1], 2)


def _more_bulletins(engine: Engine, communes: list[Any], user_id: int, count: int, now: datetime) -> None:
    first = 1_000_000  # above the ids bench._setup uses
    bulletins, versions, targets = [], [], []
    for i in range(count):
        bid, commune = first + i, communes[i % len(communes)]
        title = f"{WORDS[i % len(WORDS)].capitalize()} số {i}"
        body = f"{commune.name} thông báo: {WORDS[(i * 7) % len(WORDS)]}; {WORDS[(i * 3) % len(WORDS)]}."
        start = now - timedelta(days=i % 365)
        bulletins.append({"id": bid, "status": "draft", "area_code": commune.code, "priority": "normal",
                          "category": "notice", "version": 1, "created_by": user_id, "created_at": start,
                          "updated_at": start})
        versions.append({
            "id": bid, "bulletin_id": bid, "number": 1, "title": title, "body": body, "board_text": title,
            "priority": "normal", "category": "notice", "valid_from": start, "valid_until": start + timedelta(days=7),
            "repeats_per_day": 1, "reads_per_play": 1, "gap_seconds": 2.0, "version_hash": f"{bid:064d}",
            "authors": [user_id], "created_by": user_id, "created_at": start, "one_step": False,
            "search_text": version_search_text(title, body, title),
        })
        targets.append({"version_id": bid, "area_code": commune.code})
    insert_rows(engine, table(Bulletin), bulletins)
    insert_rows(engine, table(BulletinVersion), versions)
    insert_rows(engine, table(BulletinTarget), targets)
    with engine.begin() as conn:
        b = table(Bulletin)
        conn.execute(b.update().where(b.c.id >= first).values(current_version_id=b.c.id))


def seed_busy_province(engine: Engine, devices: int, extra: int, now: datetime) -> tuple[Fleet, int]:
    """A province's fleet, its slots, its approved bulletins and ``extra`` more; returns the fleet
    and how many bulletins are approved."""
    fleet = seed_fleet(engine, devices, now)
    seed_slots(engine, fleet.provinces, now.date(), fleet.user_id, now)
    approved = seed_bulletins(engine, fleet, now)
    _more_bulletins(engine, fleet.communes, fleet.user_id, extra, now)
    return fleet, approved


def run(*, data_dir: Path, devices: int | None = None, rows: int | None = None) -> dict[str, Any]:
    count, extra = devices or DEFAULT_DEVICES, DEFAULT_BULLETINS if rows is None else rows
    settings = Settings(data_dir=data_dir)
    engine = prepare_empty(settings)
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        fleet, approved = seed_busy_province(engine, count, extra, now)
        province = fleet.provinces[0].code
        insert_rows(engine, table(AreaAlert), [{
            "alert_id": "bench-alert", "area_code": province, "bulletin_id": 1, "version_hash": "h", "action": "start",
            "seq": 1, "envelope": "{}", "starts_at": now, "expires_at": now + timedelta(hours=6), "created_at": now}])
        insert_rows(engine, table(AlertDelivery), [
            {"alert_id": "bench-alert", "device_id": d, "started_at": now, "received_at": now}
            for d in fleet.device_ids[::2]])
        tree = load_tree(engine)
        user = User(id=fleet.user_id, username="bench", password_hash="!", role="approver", area_code=province)
        commune = fleet.communes[0].code
        with Session(engine) as session:
            bulletin = session.get(Bulletin, 1)
            assert bulletin is not None
            found = list_bulletins(session, user, tree, q="tiem phong", limit=50)
            reached = delivery(session, tree, bulletin)
            metrics = {
                "search_p95_ms": p95_ms(lambda: list_bulletins(session, user, tree, q="tiem phong", limit=50)),
                "list_p95_ms": p95_ms(lambda: list_bulletins(session, user, tree, limit=50)),
                "estimate_p95_ms": p95_ms(lambda: estimate(session, tree, EstimateInput(
                    body=BODY, recording_duration_ms=None, reads_per_play=2, gap_seconds=2, repeats_per_day=2,
                    targets=[commune]), area_code=commune, now=now), repeat=10),
                "delivery_p95_ms": p95_ms(lambda: delivery(session, tree, bulletin)),
                "normalize_p95_ms": p95_ms(lambda: spoken_text(session, BODY, commune)),
                "board_png_p95_ms": p95_ms(lambda: board_preview.render_page_png(WORDS[0], 20, 4, False)),
                "convert_p95_ms": p95_ms(lambda: legacy_text.convert("Th«ng b¸o vÒ viÖc tiªm phßng " * 100)),
            }
        if len(found) != 50 or reached.total != count or reached.started != len(fleet.device_ids[::2]):
            raise RuntimeError(f"unexpected sizes: {len(found)} found, {reached.total}/{reached.started} delivery")
        metrics |= {"devices": count, "bulletins": approved + extra, "communes": len(fleet.communes)}
        return {"metrics": metrics, "backend": backend(engine), "broker": "none"}
    finally:
        area_service.invalidate(engine)
        dispose_engines()
