"""Emergency alerts: an approved emergency becomes one signed, retained alert per target area;
a cancel (or withdrawal/expiry) replaces each retained start with a signed cancel."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from devices import protocol
from playlists.emergency import alerts_from_bulletins
from server.models.devices import AreaAlert
from server.scheduling.inputs import bulletin_play
from server.services.airing import airable_versions
from server.services.areas import load_tree
from server.services.seq import next_seq

log = logging.getLogger(__name__)
CANCEL_TTL = timedelta(days=2)  # a retained cancel outlives any device's cached alert


def _alert_model(a: Any) -> protocol.Alert:
    return protocol.Alert(
        alert_id=a.alert_id, bulletin_id=a.bulletin_id, version_hash=a.version_hash, area_code=a.area_code,
        starts_at=protocol.iso(a.starts_at), expires_at=protocol.iso(a.expires_at),
        repeat_every_s=a.repeat_every_s, media=f"/media/{a.sha256}.mp3", sha256=a.sha256, size=a.size,
        duration_ms=a.duration_ms, title=a.title[:200],
    )


def start_alerts(engine: Any, signer: protocol.Signer, bulletin_id: int, now: datetime,
                 horizon: timedelta = timedelta(days=4)) -> list[int]:
    """Bring the bulletin's retained alerts in line with its approved version; returns the
    AreaAlert row ids to publish.

    A start per target area of an approved emergency that may air before ``now + horizon`` (one
    valid from tomorrow is retained now: devices wait for its ``starts_at``). Every earlier start
    of this bulletin the new set does not have ends: on an area that gets a new start it is
    simply replaced (the topic retains the new one; devices supersede per bulletin and area), on
    any other area — a target dropped, or the new version no longer an emergency — a signed
    cancel replaces it."""
    tree = load_tree(engine)
    ids: list[int] = []
    with Session(engine) as session:
        versions = [v for v in airable_versions(session, now, until=now + horizon) if v.bulletin_id == bulletin_id]
        plays = [bulletin_play(v, tree, {}) for v in versions if v.priority == "emergency"]
        current: set[tuple[str, str]] = set()
        for alert in alerts_from_bulletins(plays):
            if alert.sha256 is None or alert.size is None:
                continue
            topic = protocol.alert_topic(alert.area_code)
            seq = next_seq(session, topic)
            payload = protocol.AlertPayload(
                action="start", area_code=alert.area_code, alert_id=alert.alert_id, seq=seq,
                issued_at=protocol.iso(now), expires_at=protocol.iso(alert.expires_at), alert=_alert_model(alert),
            )
            row = _upsert(session, alert.alert_id, alert.area_code, bulletin_id, alert.version_hash)
            row.action, row.seq, row.envelope = "start", seq, signer.sign(payload).decode()
            row.starts_at, row.expires_at, row.published_at = alert.starts_at, alert.expires_at, None
            session.add(row)
            session.flush()
            assert row.id is not None
            ids.append(row.id)
            current.add((alert.alert_id, alert.area_code))
        restarted = {area for _, area in current}
        for old in _starts(session, bulletin_id):
            if (old.alert_id, old.area_code) in current:
                continue
            if old.area_code in restarted:
                session.delete(old)
            else:
                ids.append(_cancel(session, signer, old, now))
        session.commit()
    return ids


def cancel_alerts(engine: Any, signer: protocol.Signer, bulletin_id: int, now: datetime) -> list[int]:
    """Replace every retained start of this bulletin with a signed cancel."""
    with Session(engine) as session:
        ids = [_cancel(session, signer, row, now) for row in _starts(session, bulletin_id)]
        session.commit()
    return ids


def has_starts(engine: Any, bulletin_id: int) -> bool:
    with Session(engine) as session:
        return bool(_starts(session, bulletin_id))


def _starts(session: Session, bulletin_id: int) -> list[AreaAlert]:
    return list(session.exec(
        select(AreaAlert).where(AreaAlert.bulletin_id == bulletin_id).where(AreaAlert.action == "start")
    ).all())


def _cancel(session: Session, signer: protocol.Signer, row: AreaAlert, now: datetime) -> int:
    seq = next_seq(session, protocol.alert_topic(row.area_code))
    payload = protocol.AlertPayload(
        action="cancel", area_code=row.area_code, alert_id=row.alert_id, seq=seq,
        issued_at=protocol.iso(now), expires_at=protocol.iso(now + CANCEL_TTL),
    )
    row.action, row.seq, row.envelope = "cancel", seq, signer.sign(payload).decode()
    row.expires_at, row.published_at = now + CANCEL_TTL, None
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def _upsert(session: Session, alert_id: str, area_code: str, bulletin_id: int, version_hash: str) -> AreaAlert:
    row = session.exec(
        select(AreaAlert).where(AreaAlert.alert_id == alert_id).where(AreaAlert.area_code == area_code)
    ).first()
    if row is None:
        row = AreaAlert(
            alert_id=alert_id, area_code=area_code, bulletin_id=bulletin_id, version_hash=version_hash,
            action="start", seq=0, envelope="", starts_at=datetime.min, expires_at=datetime.min,
        )
    return row

