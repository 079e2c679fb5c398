"""What an emergency will reach, said before it is sent (the confirmation screen)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from server.models.bulletins import Bulletin, BulletinStatus, BulletinVersion, Priority
from server.models.devices import Device
from server.models.users import User
from server.services import alert_delivery
from server.services import bulletins as bulletin_service
from server.services.alert_delivery import DeviceDelivery
from server.services.areas import AreaTree
from server.web.views import area_path


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
class EmergencyView:
    bulletin: Bulletin
    version: BulletinVersion
    targets: list[str]  # full area paths
    target_codes: list[str]


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


@dataclass(frozen=True)
class DeliveryView:
    total: int  # speakers the alert targets
    started: int  # speakers that reported starting it
    devices: list[DeviceDelivery]
    sending: bool  # approved, but the alert is not on the wire yet (no area alert recorded)


def delivery_view(session: Session, tree: AreaTree, view: EmergencyView) -> DeliveryView:
    """The delivery service's counts; in the seconds before the scheduler has published the
    alert, the speakers of the targets (so the page never says "0 of 0" for a real emergency)."""
    found = alert_delivery.delivery(session, tree, view.bulletin)
    if found.alert_ids or view.bulletin.status != BulletinStatus.approved:
        return DeliveryView(found.total, found.started, found.devices, sending=False)
    return DeliveryView(reach(session, tree, view.target_codes).speakers, 0, [], sending=True)
