"""Live delivery of an emergency: the speakers it targets against those that reported, in their
status, that they started playing it (``server.delivery.presence`` records the reports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from server.models.bulletins import Bulletin
from server.models.console import AlertDelivery
from server.models.devices import AreaAlert, Device
from server.services.areas import AreaTree


@dataclass(frozen=True)
class DeviceDelivery:
    device_id: str
    area_code: str
    started_at: datetime | None


@dataclass(frozen=True)
class Delivery:
    bulletin_id: int
    alert_ids: list[str]
    total: int
    started: int
    devices: list[DeviceDelivery]  # not yet started first, then by start time


def delivery(session: Session, tree: AreaTree, bulletin: Bulletin) -> Delivery:
    """The speakers (enrolled, not revoked) under the bulletin's alert areas and their starts.

    While the alert is on, its current starts define the targets; after a cancel, the areas it
    had. A bulletin that never became an alert has no targets."""
    assert bulletin.id is not None
    rows = session.exec(select(AreaAlert).where(AreaAlert.bulletin_id == bulletin.id)).all()
    live = [r for r in rows if r.action == "start"] or list(rows)
    alert_ids = sorted({r.alert_id for r in live})
    areas = {d for r in live for d in tree.descendants(r.area_code)}
    devices = session.exec(  # plain columns: thousands of speakers, no ORM objects
        select(Device.id, Device.area_code).where(Device.kind == "speaker").where(col(Device.revoked_at).is_(None))
        .where(col(Device.area_code).in_(areas))
    ).all() if areas else []
    starts: dict[str, datetime] = {}
    if alert_ids:
        for device_id, started_at in session.exec(
            select(AlertDelivery.device_id, AlertDelivery.started_at)
            .where(col(AlertDelivery.alert_id).in_(alert_ids))
        ).all():
            starts[device_id] = min(started_at, starts.get(device_id, started_at))
    out = [DeviceDelivery(device_id, area, starts.get(device_id)) for device_id, area in devices]
    out.sort(key=lambda d: (d.started_at is not None, d.started_at or datetime.min, d.device_id))
    return Delivery(bulletin.id, alert_ids, len(out), sum(1 for d in out if d.started_at is not None), out)
