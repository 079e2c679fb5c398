"""Emergency rules (DESIGN §3): an approved emergency becomes one alert per targeted area.

- ``starts_at`` = ``max(approved_at, valid_from)``: derived from the version, never from a clock,
  so recompiling a manifest gives the same bytes. Devices play at once when it is already past.
- ``expires_at`` = ``valid_until`` or ``starts_at + default_ttl_s`` (24 h).
- Repeat rule: at ``starts_at``, then every ``repeat_every_s`` (2 h) while before ``expires_at``.
- Supersede: for one bulletin and area only the newest approved version stays active; the alert
  id names the version, so devices see a new alert. Cancel: ``cancel(alert)`` gives the
  ``action="cancel"`` record that replaces the retained start on the area topic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from playlists.model import Alert, BulletinPlay

DEFAULT_REPEAT_S = 7200
DEFAULT_TTL_S = 24 * 3600
_MAX_ALERT_ID = 64  # the wire model's limit


def alert_id(bulletin_id: int, version_hash: str, area_code: str) -> str:
    """Deterministic id naming bulletin, version and area; hashed when it would exceed 64 chars."""
    plain = f"{bulletin_id}-{version_hash[:12]}-{area_code}"
    if len(plain) <= _MAX_ALERT_ID:
        return plain
    digest = hashlib.sha256(f"{version_hash}|{area_code}".encode()).hexdigest()[:24]
    return f"{bulletin_id}-{digest}"


def alerts_for_bulletin(
    bulletin: BulletinPlay,
    *,
    repeat_every_s: int = DEFAULT_REPEAT_S,
    default_ttl_s: int = DEFAULT_TTL_S,
) -> list[Alert]:
    """One start alert per targeted area; empty unless the bulletin is an emergency."""
    if bulletin.priority != "emergency":
        return []
    starts = bulletin.airs_from
    expires = bulletin.valid_until or starts + timedelta(seconds=default_ttl_s)
    return [
        Alert(
            alert_id=alert_id(bulletin.bulletin_id, bulletin.version_hash, area),
            bulletin_id=bulletin.bulletin_id,
            version_hash=bulletin.version_hash,
            area_code=area,
            starts_at=starts,
            expires_at=expires,
            repeat_every_s=repeat_every_s,
            title=bulletin.title,
            duration_ms=bulletin.duration_ms,
            sha256=bulletin.sha256,
            size=bulletin.size,
            board_text=bulletin.board_text,
            board_pages=bulletin.board_pages,
            approved_at=bulletin.approved_at,
        )
        for area in sorted(set(bulletin.target_areas))
    ]


def alerts_from_bulletins(bulletins: Iterable[BulletinPlay], **kwargs: int) -> list[Alert]:
    """Alerts of every emergency in ``bulletins``, superseded versions removed."""
    return supersede(a for b in bulletins for a in alerts_for_bulletin(b, **kwargs))


def supersede(alerts: Iterable[Alert]) -> list[Alert]:
    """Keep the newest version per (bulletin, area); sorted by (area, starts_at, alert_id)."""
    best: dict[tuple[int, str], Alert] = {}
    for a in alerts:
        key = (a.bulletin_id, a.area_code)
        cur = best.get(key)
        if cur is None or _version_key(a) > _version_key(cur):
            best[key] = a
    return sorted(best.values(), key=lambda a: (a.area_code, a.starts_at, a.alert_id))


def _version_key(a: Alert) -> tuple[datetime, str]:
    return (a.approved_at or a.starts_at, a.version_hash)


def cancel(alert: Alert, at: datetime) -> Alert:
    """The cancel record for ``alert``: it stops at ``at`` (devices stop playing/showing it)."""
    return replace(alert, action="cancel", expires_at=min(alert.expires_at, max(at, alert.starts_at)))


def repeat_times(alert: Alert, window_start: datetime, window_end: datetime) -> list[datetime]:
    """Planned plays of ``alert`` within ``[window_start, window_end)``; none for a cancel."""
    if alert.action != "start" or alert.repeat_every_s <= 0:
        return []
    step = timedelta(seconds=alert.repeat_every_s)
    lo = max(window_start, alert.starts_at)
    hi = min(window_end, alert.expires_at)
    if lo >= hi:
        return []
    # First repeat at or after lo, without walking from starts_at one step at a time.
    n = -(-(lo - alert.starts_at) // step)
    at = alert.starts_at + n * step
    out = []
    while at < hi:
        out.append(at)
        at += step
    return out


def active_for(alerts: Iterable[Alert], area_chain: Sequence[str], at: datetime) -> list[Alert]:
    """Start alerts for a device (its area or an ancestor), not cancelled, unexpired at ``at``."""
    chain = set(area_chain)
    listed = list(alerts)
    cancelled = {a.alert_id for a in listed if a.action == "cancel"}
    return [
        a
        for a in listed
        if a.action == "start" and a.alert_id not in cancelled and a.area_code in chain and a.expires_at > at
    ]
