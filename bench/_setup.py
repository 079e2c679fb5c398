"""Seeding shared by the benches: a fresh database with real areas, devices, slots and approved
bulletins inserted as plain rows in bulk (the workflow, audit and TTS are not what is measured).

Rows pass the approval binding of ``server.services.airing`` exactly as approved ones do:
``approved_hash == version_hash == hash_of_version(...)`` and ``approved_audio_sha256 ==
audio_sha256``; the audio itself is fake (a sha256, a size and a duration, no file).
"""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table, bindparam, func, select, update

from devices.broker import hash_password_mosquitto
from server.bootstrap import prepare
from server.errors import ConfigError
from server.models.areas import Area
from server.models.bulletins import Bulletin, BulletinTarget, BulletinVersion
from server.models.devices import Device
from server.models.schedule import Slot
from server.models.users import User
from server.services import areas as area_service
from server.services import divisions
from server.services.bulletin_fields import version_hash
from server.services.text_search import version_search_text
from server.settings import Settings

CHUNK = 5000
DEVICES_PER_COMMUNE = 20  # "3,321 communes × 20 clusters"
WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA"
SLOTS = (("sáng", "06:00", 1800), ("chiều", "17:00", 1800))
AUDIO_BYTES_PER_SECOND = 4000  # 32 kbit/s mono MP3


def table(model: Any) -> Table:
    found: Table = model.__table__
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_empty(settings: Settings) -> Engine:
    """Migrate, then refuse a database that already holds areas or devices: a bench inserts
    thousands of fake rows and must never land in a real deployment."""
    engine = prepare(settings)
    with engine.connect() as conn:
        used = conn.execute(select(func.count()).select_from(table(Area))).scalar_one()
    if used:
        where = "LOA_DATABASE_URL" if settings.database_url else f"--data-dir {settings.data_dir}"
        raise ConfigError(
            f"Bench cần một cơ sở dữ liệu trống, nhưng {where} đã có {used} địa bàn. "
            "Hãy trỏ tới một cơ sở dữ liệu tạm (bench tự tạo thư mục tạm khi không có --data-dir)."
        )
    return engine


def backend(engine: Engine) -> str:
    return "postgresql" if engine.dialect.name == "postgresql" else "sqlite"


def insert_rows(engine: Engine, target: Table, rows: Sequence[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for start in range(0, len(rows), CHUNK):
            conn.execute(target.insert(), list(rows[start:start + CHUNK]))


@dataclass(frozen=True)
class Fleet:
    provinces: list[divisions.Unit]
    communes: list[divisions.Unit]
    device_ids: list[str]
    user_id: int


def speaker_id(commune_code: str, index: int) -> str:
    return f"spk-{commune_code.lower()}-{index:02d}"


def seed_fleet(engine: Engine, devices: int, now: datetime, *, password: str = "bench-device") -> Fleet:
    """The first ``ceil(devices / 20)`` real communes (with their provinces) and ``devices``
    speakers, 20 per commune; every device gets the same precomputed password hash."""
    if devices < 1:
        raise ValueError("--devices must be at least 1")
    wanted = -(-devices // DEVICES_PER_COMMUNE)
    communes = []
    for unit in divisions.communes():
        communes.append(unit)
        if len(communes) == wanted:
            break
    used = {c.parent_code for c in communes}
    provinces = [p for p in divisions.provinces() if p.code in used]
    insert_rows(engine, table(Area), [
        {"code": u.code, "name": u.name, "level": u.level, "parent_code": u.parent_code}
        for u in (*provinces, *communes)
    ])
    users = table(User)
    with engine.begin() as conn:
        user_id = conn.execute(users.insert().values(
            username="bench", full_name="Bench", password_hash="!", role="admin",
            area_code=provinces[0].code, active=True, created_at=now,
        ).returning(users.c.id)).scalar_one()
    hashed = hash_password_mosquitto(password)
    ids = [speaker_id(c.code, i) for c in communes for i in range(1, DEVICES_PER_COMMUNE + 1)][:devices]
    area_of = {speaker_id(c.code, i): c.code for c in communes for i in range(1, DEVICES_PER_COMMUNE + 1)}
    insert_rows(engine, table(Device), [
        {"id": d, "kind": "speaker", "area_code": area_of[d], "name": "", "board_ascii": False,
         "password_hash": hashed, "status": "unknown", "created_at": now}
        for d in ids
    ])
    area_service.invalidate(engine)
    return Fleet(provinces, communes, ids, int(user_id))


def seed_slots(engine: Engine, provinces: Iterable[divisions.Unit], today: date, user_id: int,
               now: datetime) -> int:
    """A morning and an evening session, Monday to Saturday, for every province."""
    rows: list[dict[str, Any]] = [
        {"area_code": p.code, "name": name, "start_local": start, "duration_s": seconds, "rrule": WEEKDAYS,
         "dtstart": today - timedelta(days=7), "until": None, "exdates": [], "template": [],
         "enabled": True, "created_by": user_id, "created_at": now}
        for p in provinces for name, start, seconds in SLOTS
    ]
    insert_rows(engine, table(Slot), rows)
    return len(rows)


# (title, category, seconds, repeats per day): province items, then commune items.
PROVINCE_NEWS = (
    ("Tuyên truyền chính sách bảo hiểm xã hội tự nguyện", "policy", 180, 1),
    ("Phòng chống sốt xuất huyết mùa mưa", "health", 120, 2),
    ("Cảnh báo mưa lớn, lũ quét và sạt lở đất", "disaster", 150, 1),
)
COMMUNE_NEWS = (
    ("Lịch tiêm phòng dại cho chó, mèo", "health", 90, 2),
    ("Thông báo họp dân về quy hoạch khu dân cư", "notice", 75, 1),
)


@dataclass
class _Seed:
    now: datetime
    user_id: int
    bulletins: list[dict[str, Any]]
    versions: list[dict[str, Any]]
    targets: list[dict[str, Any]]

    def add(self, owner: divisions.Unit, title: str, category: str, seconds: int, repeats: int) -> None:
        bid = len(self.bulletins) + 1
        start, until = self.now - timedelta(hours=1), self.now + timedelta(days=30)
        content: dict[str, Any] = {
            "title": f"{title} ({owner.name})", "body": f"{owner.name} thông báo: {title.lower()}.",
            "board_text": title, "priority": "normal", "category": category, "valid_from": start,
            "valid_until": until, "repeats_per_day": repeats, "reads_per_play": 1, "gap_seconds": 2.0,
            "pin_date": None, "pin_slot_id": None,
        }
        digest = version_hash(bid, content, [owner.code], None)
        audio = hashlib.sha256(f"bench-audio-{bid}".encode()).hexdigest()
        self.bulletins.append({
            "id": bid, "status": "approved", "area_code": owner.code, "priority": "normal",
            "category": category, "version": 1, "created_by": self.user_id, "created_at": start,
            "updated_at": start,
        })
        self.versions.append({
            **content, "id": bid, "bulletin_id": bid, "number": 1, "version_hash": digest,
            "audio_sha256": audio, "audio_size": seconds * AUDIO_BYTES_PER_SECOND,
            "audio_duration_ms": seconds * 1000, "audio_engine": "bench", "audio_voice": None,
            "authors": [self.user_id], "created_by": self.user_id, "created_at": start,
            "submitted_at": start, "submitted_by": self.user_id, "approved_at": start,
            "approved_by": self.user_id, "approved_hash": digest, "approved_audio_sha256": audio,
            "one_step": False, "search_text": version_search_text(content["title"], content["body"], title),
        })
        self.targets.append({"version_id": bid, "area_code": owner.code})


def seed_bulletins(engine: Engine, fleet: Fleet, now: datetime) -> int:
    """Three province-level bulletins per province and one or two per commune (alternating),
    approved an hour ago and valid for 30 days. Returns how many."""
    seed = _Seed(now.replace(microsecond=0), fleet.user_id, [], [], [])
    for province in fleet.provinces:
        for news in PROVINCE_NEWS:
            seed.add(province, *news)
    for index, commune in enumerate(fleet.communes):
        for news in COMMUNE_NEWS[: 1 + index % 2]:
            seed.add(commune, *news)
    insert_rows(engine, table(Bulletin), seed.bulletins)
    insert_rows(engine, table(BulletinVersion), seed.versions)
    insert_rows(engine, table(BulletinTarget), seed.targets)
    # The pointers close the bulletin <-> version cycle, so they come last.
    bulletins = table(Bulletin)
    stmt = update(bulletins).where(bulletins.c.id == bindparam("b_id")).values(
        current_version_id=bindparam("v_id"), approved_version_id=bindparam("v_id"))
    with engine.begin() as conn:
        conn.execute(stmt, [{"b_id": b["id"], "v_id": b["id"]} for b in seed.bulletins])
    if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        with engine.begin() as conn:
            for name in ("bulletin", "bulletin_version"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {len(seed.bulletins)})")
    return len(seed.bulletins)
