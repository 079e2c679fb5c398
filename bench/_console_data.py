"""A province's worth of console data for `loa bench console`, inserted as plain rows in bulk.

100 real communes of one province (two demo hamlets each), 2,000 speakers, 10,000 bulletins in
every status over the past year (approved rows pass the approval binding of
``server.services.airing``), province and commune slots, one active emergency and a year of
planned airings (stored per area and day, as the scheduler stores them).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, bindparam, update

from bench._setup import WEEKDAYS, insert_rows, table
from devices.broker import hash_password_mosquitto
from playlists.model import LOCAL_TZ
from server.auth.passwords import hash_password
from server.models.areas import Area
from server.models.asrun import PlannedAiring
from server.models.bulletins import Bulletin, BulletinTarget, BulletinVersion
from server.models.devices import Device
from server.models.schedule import Slot
from server.models.users import User
from server.services import areas as area_service
from server.services import divisions
from server.services.bulletin_fields import version_hash

COMMUNES, HAMLETS_PER_COMMUNE, SPEAKERS_PER_COMMUNE = 100, 2, 20
BULLETINS = 10_000
PASSWORD = "bench-console-2026"
CATEGORIES = ("policy", "consultation", "disaster", "health", "security", "notice", "other")
ITEMS_PER_DAY = 12  # planned audio items per commune and day (two sessions)


@dataclass(frozen=True)
class ConsoleData:
    province: str
    communes: list[str]
    hamlets: list[str]
    users: dict[str, str]  # role -> username (province-level officer and approver)
    bulletins: int
    submitted_ids: list[int]
    emergency_id: int
    planned_rows: int


def _province_with(communes: int) -> divisions.Unit:
    counts: dict[str, int] = {}
    for unit in divisions.communes():
        counts[unit.parent_code or ""] = counts.get(unit.parent_code or "", 0) + 1
    for province in divisions.provinces():
        if counts.get(province.code, 0) >= communes:
            return province
    raise RuntimeError(f"no province has {communes} communes")


def seed_areas(engine: Engine, communes: int) -> tuple[str, list[str], list[str]]:
    province = _province_with(communes)
    units = [u for u in divisions.communes() if u.parent_code == province.code][:communes]
    rows: list[dict[str, Any]] = [{"code": province.code, "name": province.name, "level": "province",
                                   "parent_code": None}]
    rows += [{"code": u.code, "name": u.name, "level": "commune", "parent_code": province.code} for u in units]
    hamlets = [{"code": f"{u.code}-T{n:02d}", "name": f"Thôn {n}", "level": "hamlet", "parent_code": u.code}
               for u in units for n in range(1, HAMLETS_PER_COMMUNE + 1)]
    insert_rows(engine, table(Area), rows + hamlets)
    area_service.invalidate(engine)
    return province.code, [u.code for u in units], [h["code"] for h in hamlets]


def seed_users(engine: Engine, province: str, commune: str, now: datetime) -> dict[str, int]:
    hashed = hash_password(PASSWORD)
    people = (("bench.canbo", "officer", province), ("bench.duyet", "approver", province),
              ("bench.canbo.xa", "officer", commune), ("bench.kiemtra", "auditor", province))
    users = table(User)
    ids: dict[str, int] = {}
    with engine.begin() as conn:
        for username, role, area in people:
            ids[username] = int(conn.execute(users.insert().values(
                username=username, full_name=username, password_hash=hashed, role=role, area_code=area,
                active=True, created_at=now).returning(users.c.id)).scalar_one())
    return ids


def seed_devices(engine: Engine, communes: list[str], now: datetime) -> int:
    hashed = hash_password_mosquitto("bench-device")
    rows = [{"id": f"spk-{c.lower()}-{i:02d}", "kind": "speaker", "area_code": c, "name": "",
             "board_ascii": False, "password_hash": hashed, "status": "online" if i % 7 else "offline",
             "created_at": now} for c in communes for i in range(1, SPEAKERS_PER_COMMUNE + 1)]
    insert_rows(engine, table(Device), rows)
    return len(rows)


def seed_slots(engine: Engine, province: str, communes: list[str], today: date, user_id: int,
               now: datetime) -> None:
    common = {"rrule": WEEKDAYS, "dtstart": today - timedelta(days=400), "until": None, "exdates": [],
              "template": [], "enabled": True, "created_by": user_id, "created_at": now}
    rows = [{"area_code": province, "name": name, "start_local": at, "duration_s": 1800, **common}
            for name, at in (("Phiên sáng", "06:00"), ("Phiên chiều", "17:00"))]
    rows += [{"area_code": c, "name": "Phiên trưa", "start_local": "11:00", "duration_s": 900, **common}
             for c in communes[::4]]
    insert_rows(engine, table(Slot), rows)


class _Bulletins:
    """Rows for bulletins of every status spread over the past year."""

    def __init__(self, now: datetime, owner_user: int, approver: int) -> None:
        self.now, self.owner_user, self.approver = now, owner_user, approver
        self.bulletins: list[dict[str, Any]] = []
        self.versions: list[dict[str, Any]] = []
        self.targets: list[dict[str, Any]] = []
        self.pointers: list[dict[str, Any]] = []

    def version(self, bid: int, number: int, owner: str, target: str, content: dict[str, Any],
                *, approved: bool, submitted: bool) -> int:
        vid = len(self.versions) + 1
        digest = version_hash(bid, content, [target], None)
        audio = hashlib.sha256(f"bench-console-{vid}".encode()).hexdigest() if submitted else None
        at = content["valid_from"]
        self.versions.append({
            **content, "id": vid, "bulletin_id": bid, "number": number, "version_hash": digest,
            "audio_sha256": audio, "audio_size": 90 * 4000 if audio else None,
            "audio_duration_ms": 90_000 if audio else None, "audio_engine": "bench" if audio else None,
            "audio_voice": None, "authors": [self.owner_user], "created_by": self.owner_user, "created_at": at,
            "submitted_at": at if submitted else None, "submitted_by": self.owner_user if submitted else None,
            "approved_at": at if approved else None, "approved_by": self.approver if approved else None,
            "approved_hash": digest if approved else None, "approved_audio_sha256": audio if approved else None,
            "one_step": False,
        })
        self.targets.append({"version_id": vid, "area_code": target})
        return vid

    def add(self, i: int, owner: str, target: str, status: str, *, emergency: bool = False) -> int:
        bid = len(self.bulletins) + 1
        age = timedelta(minutes=5) if emergency else timedelta(days=(i * 7919) % 365, minutes=i % 600)
        start = (self.now - age).replace(microsecond=0)
        category = "disaster" if emergency else CATEGORIES[i % len(CATEGORIES)]
        priority = "emergency" if emergency else ("priority" if i % 9 == 0 else "normal")
        content: dict[str, Any] = {
            "title": f"Thông báo số {i} về tiêm phòng và vệ sinh môi trường", "board_text": f"Thông báo số {i}",
            "body": f"Ủy ban nhân dân xã thông báo số {i}: tổ chức tiêm phòng, vệ sinh môi trường khu dân cư.",
            "priority": priority, "category": category, "valid_from": start,
            "valid_until": start + timedelta(days=30), "repeats_per_day": 1 + i % 3, "reads_per_play": 1,
            "gap_seconds": 2.0, "pin_date": None, "pin_slot_id": None,
        }
        if status == "approved" and content["valid_until"] <= self.now:
            status = "expired"
        approved_id = None
        if status in ("approved", "expired", "withdrawn") or (status == "submitted" and i % 2):
            approved_id = self.version(bid, 1, owner, target, content, approved=True, submitted=True)
        current_id = approved_id
        if status in ("submitted", "draft", "rejected"):
            edited = {**content, "body": content["body"] + " Người dân mang theo sổ tiêm chủng."}
            current_id = self.version(bid, 2 if approved_id else 1, owner, target, edited, approved=False,
                                      submitted=status != "draft")
        self.bulletins.append({
            "id": bid, "status": status, "area_code": owner, "priority": priority, "category": category,
            "version": 1, "created_by": self.owner_user, "created_at": start, "updated_at": start,
            "rejected_reason": "Nội dung chưa rõ thời gian." if status == "rejected" else None,
        })
        self.pointers.append({"b_id": bid, "cur": current_id, "appr": approved_id})
        return bid


STATUS_CYCLE = ("submitted", "draft", "rejected", "withdrawn") + ("approved",) * 46  # 2 % in the queue


def seed_bulletins(engine: Engine, province: str, communes: list[str], hamlets: list[str], now: datetime,
                   officer: int, approver: int, count: int) -> tuple[list[int], int]:
    seed = _Bulletins(now, officer, approver)
    submitted: list[int] = []
    for i in range(count - 1):
        commune = communes[i % len(communes)]
        owner = province if i % 10 == 0 else commune
        target = hamlets[i % len(hamlets)] if i % 3 == 0 and owner != province else owner
        status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
        bid = seed.add(i, owner, target, status)
        if status == "submitted":
            submitted.append(bid)
    emergency = seed.add(count, province, province, "approved", emergency=True)
    _write(engine, seed)
    return submitted, emergency


def _write(engine: Engine, seed: _Bulletins) -> None:
    insert_rows(engine, table(Bulletin), seed.bulletins)
    insert_rows(engine, table(BulletinVersion), seed.versions)
    insert_rows(engine, table(BulletinTarget), seed.targets)
    bulletins = table(Bulletin)
    stmt = update(bulletins).where(bulletins.c.id == bindparam("b_id")).values(
        current_version_id=bindparam("cur"), approved_version_id=bindparam("appr"))
    with engine.begin() as conn:
        conn.execute(stmt, seed.pointers)
    if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        with engine.begin() as conn:
            for name, rows in (("bulletin", seed.bulletins), ("bulletin_version", seed.versions)):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {len(rows)})")


def seed_airings(engine: Engine, communes: list[str], today: date, days: int, bulletins: int) -> int:
    """A year of planned airings up to today: ``ITEMS_PER_DAY`` items per commune and day."""
    rows: list[dict[str, Any]] = []
    planned = table(PlannedAiring)
    total = 0
    for d in range(days):
        day = today - timedelta(days=d)
        for n, commune in enumerate(communes):
            for k in range(ITEMS_PER_DAY):
                hour = 6 if k < ITEMS_PER_DAY // 2 else 17
                start = datetime(day.year, day.month, day.day, hour, 0, tzinfo=LOCAL_TZ) + timedelta(
                    minutes=2 * (k % (ITEMS_PER_DAY // 2)))
                rows.append({"area_code": commune, "local_date": day, "start": start, "duration_ms": 90_000,
                             "kind": "audio", "bulletin_id": 1 + (d * 31 + n * 7 + k) % bulletins,
                             "version_hash": None, "priority": "normal", "category": "notice", "slot_id": 1})
        if len(rows) >= 50_000:
            insert_rows(engine, planned, rows)
            total += len(rows)
            rows = []
    insert_rows(engine, planned, rows)
    return total + len(rows)


def seed_console(engine: Engine, now: datetime, *, bulletins: int = BULLETINS, communes: int = COMMUNES,
                 airing_days: int = 365) -> ConsoleData:
    province, commune_codes, hamlets = seed_areas(engine, communes)
    ids = seed_users(engine, province, commune_codes[0], now)
    seed_devices(engine, commune_codes, now)
    today = now.astimezone(LOCAL_TZ).date()
    seed_slots(engine, province, commune_codes, today, ids["bench.canbo"], now)
    submitted, emergency = seed_bulletins(engine, province, commune_codes, hamlets, now, ids["bench.canbo"],
                                          ids["bench.duyet"], bulletins)
    planned = seed_airings(engine, commune_codes, today, airing_days, bulletins)
    users = {"officer": "bench.canbo", "approver": "bench.duyet", "auditor": "bench.kiemtra"}
    return ConsoleData(province, commune_codes, hamlets, users, bulletins, submitted, emergency, planned)
