"""Presence: online/offline transitions from status messages (LWT + heartbeats), stored as
outage intervals; and the sweep that marks silent devices offline.

Every status of a pass is applied in arrival order, so an LWT ``offline`` and the reconnect's
``online`` delivered together (a session takeover, a backlog burst) still leave their outage.
Boundaries are the devices' own times, not the time the server got round to the message:

* ``online`` (the reconnect's first status, a heartbeat after an outage) ends an outage at its
  ``at``;
* ``offline`` starts one at the last sign of life: its ``at``, or, when that is older, the
  latest time the device was heard online. An explicit ``offline`` (clean shutdown) carries the
  time it was sent; an LWT carries the payload the device set when it *connected*, so its ``at``
  is older than the heartbeats since and the last heartbeat wins (the sweep below opens its
  outages at the last sign of life too). The broker's own delivery time is unknown: in a
  backlog the server receives the will long after, even after the reconnect's ``online``.

A time is believed between ``MAX_STATUS_AGE`` before the receive time and the receive time (a
fast clock is clamped to it; an unset or absurd clock falls back to it), and a device's
transitions never go back before its previous one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Engine, func
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from devices import protocol
from server.models.console import AlertDelivery
from server.models.devices import AreaAlert, Device, DeviceOutage
from server.services.areas import load_tree

HEARTBEAT_SECONDS = 60
SILENT_AFTER = timedelta(seconds=3 * HEARTBEAT_SECONDS)
MAX_STATUS_AGE = timedelta(hours=24)  # an older ``at`` is a wrong clock, not a late delivery


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


def status_time(at: str | None, received_at: datetime) -> datetime:
    """When the device says it sent a status, clamped to ``[received_at - MAX_STATUS_AGE,
    received_at]``; the receive time when ``at`` is missing, unreadable or older than that."""
    try:
        sent = protocol.parse_iso(at) if at else None
    except ValueError:
        sent = None
    if sent is None or sent < received_at - MAX_STATUS_AGE:
        return received_at
    return min(sent, received_at)


def _last_transitions(session: Session, device_ids: list[str]) -> dict[str, datetime]:
    """Each device's latest outage boundary (start or end): no new one may precede it."""
    rows = session.exec(
        select(DeviceOutage.device_id, func.max(DeviceOutage.started_at), func.max(DeviceOutage.ended_at))
        .where(col(DeviceOutage.device_id).in_(device_ids))
        .group_by(col(DeviceOutage.device_id))
    ).all()
    return {device_id: max(t for t in (started, ended) if t is not None)
            for device_id, started, ended in rows if started is not None}


def apply_statuses(engine: Engine, statuses: Sequence[protocol.Status], received_at: datetime,
                   heard: dict[str, datetime] | None = None) -> None:
    """Apply ``statuses`` (one pass, in arrival order) received at ``received_at``.

    ``heard`` maps a device to the device time it was last heard online; the caller keeps it
    across passes (a backlog spans several) and it is updated here. Without an entry, the
    device's ``last_seen_at`` stands in."""
    heard = {} if heard is None else heard
    by_device: dict[str, list[protocol.Status]] = {}
    for status in statuses:
        by_device.setdefault(status.device_id, []).append(status)
    with Session(engine) as session:
        devices = session.exec(select(Device).where(col(Device.id).in_(list(by_device)))).all()
        floors = _last_transitions(session, [d.id for d in devices]) if devices else {}
        for device in devices:
            floor = floors.get(device.id)
            alive = heard.get(device.id, device.last_seen_at)
            for status in by_device[device.id]:
                at = max(t for t in (status_time(status.at, received_at), floor) if t is not None)
                if status.state == "offline" and device.status != "offline":
                    at = max(at, min(alive, received_at)) if alive is not None else at
                    _open_outage(session, device.id, at)
                    floor = at
                elif status.state == "online" and device.status == "offline":
                    _close_outage(session, device.id, at)
                    floor = at
                if status.state == "online":
                    alive = heard[device.id] = at
                device.status = status.state
            device.last_seen_at = received_at
            session.add(device)
        _record_alert_starts(session, engine, devices, by_device, received_at)
        session.commit()


def _record_alert_starts(session: Session, engine: Engine, devices: Sequence[Device],
                         by_device: dict[str, list[protocol.Status]], received_at: datetime) -> None:
    """Store each alert start a device reports (``alerts_started``), once per alert and device,
    and only for an alert that targets the device's area or an ancestor (no claims for others)."""
    claims = {(d.id, alert_id): (d, at) for d in devices for status in by_device[d.id]
              for alert_id, at in (status.alerts_started or {}).items()}
    if not claims:
        return
    alert_ids = {alert_id for _, alert_id in claims}
    targets: dict[str, set[str]] = {}
    for alert_id, area in session.exec(select(AreaAlert.alert_id, AreaAlert.area_code)
                                       .where(col(AreaAlert.alert_id).in_(alert_ids))).all():
        targets.setdefault(alert_id, set()).add(area)
    tree = load_tree(engine)
    rows = [{"alert_id": alert_id, "device_id": device_id, "started_at": status_time(at, received_at),
             "received_at": received_at}
            for (device_id, alert_id), (device, at) in claims.items()
            if targets.get(alert_id, set()) & set(tree.ancestors(device.area_code))]
    if rows:  # the first report wins; a retained redelivery or another replica's pass is a no-op
        insert = postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(AlertDelivery).values(rows).on_conflict_do_nothing())


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
