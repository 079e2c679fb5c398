"""The devices of an area as officers need to see them: online state, last heartbeat, the
manifest each holds (seq, compiled), outages of the last days and what plays now per its manifest."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from server.models.devices import Device, DeviceManifest, DeviceOutage
from server.services.areas import AreaTree

MAX_DEVICES = 300
OUTAGE_DAYS = 7


@dataclass
class DeviceRow:
    device: Device
    area_name: str
    manifest_seq: int | None = None
    manifest_compiled_at: datetime | None = None
    outages: int = 0
    outage_seconds: float = 0.0
    playing: str | None = None  # "bản tin số N" / "tiếp sóng" while an item is due now
    recent: list[DeviceOutage] = field(default_factory=list)


def _playing(envelope: str, now: datetime) -> str | None:
    try:
        items = json.loads(envelope)["payload"].get("items", [])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    for item in items:
        try:
            start = datetime.fromisoformat(str(item["start"]).replace("Z", "+00:00"))
            end = start + timedelta(milliseconds=int(item["duration_ms"]))
        except (KeyError, ValueError, TypeError):
            continue
        if start <= now < end:
            if item.get("kind") == "relay":
                return "Tiếp sóng"
            return f"Bản tin số {item.get('bulletin_id')}" if item.get("bulletin_id") else "Một mục trong lịch"
    return None


def device_rows(session: Session, tree: AreaTree, root: str, now: datetime) -> list[DeviceRow]:
    codes = tree.descendants(root)
    devices = session.exec(select(Device).where(col(Device.area_code).in_(codes), col(Device.revoked_at).is_(None))
                           .order_by(col(Device.area_code), col(Device.id)).limit(MAX_DEVICES)).all()
    rows = {d.id: DeviceRow(d, tree.get(d.area_code).name) for d in devices}
    ids = list(rows)
    if not ids:
        return []
    for manifest in session.exec(select(DeviceManifest).where(col(DeviceManifest.device_id).in_(ids))).all():
        row = rows[manifest.device_id]
        row.manifest_seq, row.manifest_compiled_at = manifest.seq, manifest.compiled_at
        row.playing = _playing(manifest.envelope, now)
    since = now - timedelta(days=OUTAGE_DAYS)
    outages = session.exec(select(DeviceOutage).where(
        col(DeviceOutage.device_id).in_(ids),
        (col(DeviceOutage.ended_at).is_(None)) | (col(DeviceOutage.ended_at) > since),
    ).order_by(col(DeviceOutage.started_at).desc())).all()
    for outage in outages:
        row = rows[outage.device_id]
        start, end = max(outage.started_at, since), outage.ended_at or now
        row.outages += 1
        row.outage_seconds += max(0.0, (end - start).total_seconds())
        if len(row.recent) < 3:
            row.recent.append(outage)
    return list(rows.values())
