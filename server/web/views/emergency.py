"""What an emergency will reach, said before it is sent (the confirmation screen)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from server.models.bulletins import Bulletin, BulletinStatus, BulletinVersion, Priority
from server.models.devices import Device
from server.models.users import User
from server.services import bulletins as bulletin_service
from server.services.areas import AreaTree
from server.web.views.areas import area_path


@dataclass(frozen=True)
class Reach:
    speakers: int
    boards: int
    areas: int  # areas (targets and everything below them) the alert covers


def reach(session: Session, tree: AreaTree, targets: list[str]) -> Reach:
    """Enrolled, not revoked devices in the targets' subtrees: the alert goes to every one."""
    covered: set[str] = set()
    for code in targets:
        if code in tree.by_code:
            covered.update(tree.descendants(code))
    if not covered:
        return Reach(0, 0, 0)
    stmt = (select(Device.kind, func.count()).where(col(Device.area_code).in_(covered))
            .where(col(Device.revoked_at).is_(None)).group_by(Device.kind))
    counts = {kind: int(n) for kind, n in session.exec(stmt).all()}
    return Reach(counts.get("speaker", 0), counts.get("board", 0), len(covered))


@dataclass(frozen=True)
class Template:
    """A saved emergency (storm, flood, fire, epidemic) that pre-fills the one-step form."""

    id: str
    name: str
    title: str
    body: str
    board_text: str
    category: str
    validity_hours: int


# Interim built-ins until the emergency-templates service (console-api) is merged.
BUILT_IN: tuple[Template, ...] = (
    Template("bao", "Bão", "Cảnh báo bão khẩn cấp",
             "Thông báo khẩn: bão đang tiến vào địa bàn. Đề nghị người dân chằng chống nhà cửa, không ra khơi, "
             "di chuyển đến nơi an toàn theo hướng dẫn của chính quyền.", "KHẨN: BÃO - Ở NƠI AN TOÀN",
             "disaster", 24),
    Template("lu", "Lũ, lụt", "Cảnh báo lũ khẩn cấp",
             "Thông báo khẩn: nước lũ đang lên nhanh. Người dân vùng trũng, ven sông di chuyển ngay đến nơi cao, "
             "không qua ngầm, tràn.", "KHẨN: LŨ - DI CHUYỂN LÊN CAO", "disaster", 24),
    Template("chay", "Cháy", "Cảnh báo cháy khẩn cấp",
             "Thông báo khẩn: đang có cháy trong khu vực. Người dân tránh xa khu vực cháy, nhường đường cho lực "
             "lượng chữa cháy và gọi 114 khi cần.", "KHẨN: CHÁY - TRÁNH XA, GỌI 114", "security", 6),
    Template("dich", "Dịch bệnh", "Thông báo khẩn về dịch bệnh",
             "Thông báo khẩn: trên địa bàn xuất hiện ca bệnh truyền nhiễm. Người dân hạn chế tụ tập, đeo khẩu "
             "trang, rửa tay thường xuyên và báo ngay cho trạm y tế khi có triệu chứng.",
             "KHẨN: DỊCH BỆNH - BÁO TRẠM Y TẾ", "health", 72),
)


def find_template(templates: list[Template], template_id: str) -> Template | None:
    return next((t for t in templates if t.id == template_id), None)


@dataclass(frozen=True)
class EmergencyView:
    bulletin: Bulletin
    version: BulletinVersion
    targets: list[str]  # full area paths
    target_codes: list[str]


@dataclass(frozen=True)
class Delivery:
    total: int  # speakers the alert targets
    started: int  # speakers that reported starting it
    devices: list[dict[str, Any]]

    @property
    def percent(self) -> int:
        return round(100 * self.started / self.total) if self.total else 0


def delivery_status(session: Session, tree: AreaTree, bulletin: Bulletin, targets: list[str]) -> Delivery:
    """Interim: targeted speakers only, until console-api's delivery service (device start reports)."""
    return Delivery(reach(session, tree, targets).speakers, 0, [])


def active_emergencies(session: Session, user: User, tree: AreaTree, now: datetime) -> list[EmergencyView]:
    """Emergencies of the user's scope that are approved and not yet over, newest first."""
    stmt = (select(Bulletin).where(col(Bulletin.area_code).in_(tree.descendants(user.area_code)))
            .where(Bulletin.status == BulletinStatus.approved).where(Bulletin.priority == Priority.emergency)
            .order_by(col(Bulletin.id).desc()).limit(20))
    views = []
    for bulletin in session.exec(stmt).all():
        if bulletin.approved_version_id is None:
            continue
        version = session.get(BulletinVersion, bulletin.approved_version_id)
        if version is None or version.valid_until <= now:
            continue
        codes = bulletin_service.targets_of(session, version.id)
        views.append(EmergencyView(bulletin, version, [area_path(tree, c) for c in codes], codes))
    return views
