"""Presence: online/offline transitions from status messages (LWT + heartbeats), stored as
outage intervals; and the sweep that marks silent devices offline."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from devices import protocol
from server.models.devices import Device, DeviceOutage

HEARTBEAT_SECONDS = 60
SILENT_AFTER = timedelta(seconds=3 * HEARTBEAT_SECONDS)


def _open_outage(session: Session, device_id: str, at: datetime) -> None:
    open_ = session.exec(
        select(DeviceOutage).where(DeviceOutage.device_id == device_id)
        .where(col(DeviceOutage.ended_at).is_(None))
    ).first()
    if open_ is None:
        session.add(DeviceOutage(device_id=device_id, started_at=at))


def _close_outage(session: Session, device_id: str, at: datetime) -> None:
    for outage in session.exec(
        select(DeviceOutage).where(DeviceOutage.device_id == device_id)
        .where(col(DeviceOutage.ended_at).is_(None))
    ).all():
        outage.ended_at = max(at, outage.started_at)
        session.add(outage)


def apply_statuses(engine: Engine, statuses: dict[str, protocol.Status], now: datetime) -> None:
    with Session(engine) as session:
        devices = session.exec(select(Device).where(col(Device.id).in_(list(statuses)))).all()
        for device in devices:
            state = statuses[device.id].state
            if state == "offline" and device.status != "offline":
                _open_outage(session, device.id, now)
            elif state == "online" and device.status == "offline":
                _close_outage(session, device.id, now)
            device.status = state
            device.last_seen_at = now
            session.add(device)
        session.commit()


def mark_silent_devices(engine: Engine, now: datetime) -> int:
    """Devices online but silent for three heartbeats are offline (a lost LWT, a dead link)."""
    with Session(engine) as session:
        silent = session.exec(
            select(Device).where(Device.status == "online")
            .where(col(Device.last_seen_at) < now - SILENT_AFTER)
        ).all()
        for device in silent:
            device.status = "offline"
            assert device.last_seen_at is not None
            _open_outage(session, device.id, device.last_seen_at)
            session.add(device)
        session.commit()
        return len(silent)
