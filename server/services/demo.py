"""Demo data: one real province with its communes, a few hamlets, one user per role.

Passwords here are for demos only and are printed by ``loa demo``; never use them in production.
Later features extend ``seed_demo`` (sample bulletins, slots, devices).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from server.models.areas import Area
from server.models.users import User
from server.services import areas as area_service
from server.services.demo_bulletins import seed_bulletins
from server.services.demo_schedule import seed_slots
from server.services.divisions import communes, province
from server.services.emergency_templates import seed_emergency_templates
from server.services.users import create_user

DEMO_PROVINCE = 19  # Thái Nguyên: the Chợ Chu / Định Hóa seed plan comes from here
DEMO_COMMUNES = {"W05602": "Phú Đình", "W05569": "Định Hóa"}
DEMO_HAMLETS = {
    "W05602": ["Thôn Đồng Hòa", "Thôn Làng Mới", "Thôn Đồng Tâm"],
    "W05569": ["Tổ dân phố Tân Lập", "Tổ dân phố Hợp Thành", "Thôn Trung Kiên"],
}
DEMO_PASSWORD = "demo-loa-2026"  # noqa: S105 (demo only, printed by `loa demo`)
DEMO_USERS = [
    ("admin", "admin", "P19", "Quản trị tỉnh (demo)"),
    ("kiemtra", "auditor", "P19", "Cán bộ kiểm tra tỉnh (demo)"),
    ("canbo.phudinh", "officer", "W05602", "Cán bộ văn hóa xã Phú Đình (demo)"),
    ("lanhdao.phudinh", "approver", "W05602", "Chủ tịch UBND xã Phú Đình (demo)"),
    ("canbo.dinhhoa", "officer", "W05569", "Cán bộ văn hóa xã Định Hóa (demo)"),
    ("lanhdao.dinhhoa", "approver", "W05569", "Chủ tịch UBND xã Định Hóa (demo)"),
]

# Features add steps here (bulletins, slots…); each gets the session and the report to fill.
DemoStep = Callable[[Session, "DemoReport", Path], None]
EXTRA_STEPS: list[DemoStep] = [seed_slots, seed_bulletins, seed_emergency_templates]


@dataclass
class DemoReport:
    areas_added: int = 0
    users: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    enrolment_token: str = ""


def hamlet_code(commune: str, index: int) -> str:
    return f"{commune}-T{index:02d}"


def sample_bulletins() -> list[dict[str, Any]]:
    text = resources.files("server.demo_data").joinpath("bulletins.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def seed_demo(engine: Engine, data_dir: Path) -> DemoReport:
    report = DemoReport()
    with Session(engine) as session:
        existing = set(session.exec(select(Area.code)).all())
        prov = province(DEMO_PROVINCE)
        units = [prov, *communes(DEMO_PROVINCE)]
        for unit in units:
            if unit.code not in existing:
                session.add(
                    Area(code=unit.code, name=unit.name, level=unit.level, parent_code=unit.parent_code)
                )
                report.areas_added += 1
        session.flush()
        for commune, hamlets in DEMO_HAMLETS.items():
            for i, name in enumerate(hamlets, start=1):
                code = hamlet_code(commune, i)
                if code not in existing:
                    session.add(Area(code=code, name=name, level="hamlet", parent_code=commune))
                    report.areas_added += 1
        session.flush()
        for username, role, area, full_name in DEMO_USERS:
            if session.exec(select(User).where(User.username == username)).first() is None:
                create_user(session, username, DEMO_PASSWORD, role, area, full_name)
            report.users.append((username, role, area))
        for step in EXTRA_STEPS:
            step(session, report, data_dir)
        session.commit()
    area_service.invalidate(engine)
    (data_dir / "DEMO").write_text("demo data: passwords are public, never use in production\n")
    token_path = data_dir / "enrolment-token"
    if not token_path.exists():
        token_path.write_text(secrets.token_urlsafe(24) + "\n")
        token_path.chmod(0o600)
    report.enrolment_token = token_path.read_text().strip()
    return report


def database_is_empty(engine: Engine) -> bool:
    with Session(engine) as session:
        return session.exec(select(Area.code).limit(1)).first() is None
