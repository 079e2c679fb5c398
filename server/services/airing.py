"""The one rule for "may this bulletin version air now?" (DESIGN.md §1).

Every path that feeds devices — scheduling, emergency push, manifests, media — asks here.
A version may air at ``now`` when all of these hold:

- it is its bulletin's approved version (``bulletin.approved_version_id``);
- the bulletin is not withdrawn, cancelled or expired;
- the approval binding is intact: ``approved_hash`` equals the stored ``version_hash`` *and*
  the hash recomputed from the stored fields and targets (so a row edited behind the
  workflow's back stops airing), and ``approved_audio_sha256`` equals ``audio_sha256``;
- ``valid_from <= now < valid_until``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import object_session
from sqlmodel import Session, col, select

from server.models.bulletins import TERMINAL_STATUSES, Bulletin, BulletinTarget, BulletinVersion
from server.services.bulletin_fields import hash_of_version


@dataclass(frozen=True, slots=True)
class AirableVersion:
    """An approved version that may air, as plain data for ``playlists``."""

    bulletin_id: int
    version_id: int
    version_hash: str
    title: str
    body: str
    board_text: str
    priority: str
    category: str
    targets: tuple[str, ...]  # sorted area codes
    valid_from: datetime
    valid_until: datetime
    repeats_per_day: int
    reads_per_play: int
    gap_seconds: float
    pin_date: date | None
    pin_slot_id: int | None
    audio_sha256: str
    audio_size: int
    duration_ms: int
    approved_at: datetime
    approved_by: int
    owner_area: str  # the bulletin's owning unit (its level tells province/district/commune items apart)


def _binding_intact(
    bulletin: Bulletin, version: BulletinVersion, targets: Iterable[str], now: datetime
) -> bool:
    return (
        version.id is not None
        and bulletin.id == version.bulletin_id
        and bulletin.approved_version_id == version.id
        and bulletin.status not in TERMINAL_STATUSES
        and version.approved_at is not None
        and version.approved_by is not None
        and version.audio_sha256 is not None
        and version.approved_audio_sha256 == version.audio_sha256
        and version.approved_hash is not None
        and version.approved_hash == version.version_hash
        and version.valid_from <= now < version.valid_until
        and hash_of_version(version, targets) == version.approved_hash
    )


def may_air(version: BulletinVersion, now: datetime, *, bulletin: Bulletin | None = None,
            targets: Sequence[str] | None = None) -> bool:
    """True when ``version`` may air at ``now`` (aware UTC).

    ``version`` must belong to a session unless ``bulletin`` and ``targets`` are given.
    """
    if version.id is None:
        return False
    session = object_session(version)
    if bulletin is None or targets is None:
        if session is None:
            raise ValueError("may_air needs a version attached to a session, or bulletin and targets")
        bulletin = bulletin or session.get(Bulletin, version.bulletin_id)
        if bulletin is None:
            return False
        if targets is None:
            stmt = select(BulletinTarget.area_code).where(BulletinTarget.version_id == version.id)
            targets = list(session.execute(stmt).scalars())
    return _binding_intact(bulletin, version, targets, now)


def airable_versions(
    session: Session, now: datetime, area_codes: Iterable[str] | None = None, *, until: datetime | None = None
) -> list[AirableVersion]:
    """Every version that ``may_air`` at ``now`` — or, with ``until``, at some instant of
    ``[now, until)`` (the scheduler compiles days ahead) — ordered by bulletin id.

    ``area_codes``: keep only versions with at least one target among these exact codes. A
    target covers its whole subtree, so for a device pass its area and every ancestor
    (``AreaTree.ancestors``); ``None`` means every area.
    """
    stmt = (
        select(Bulletin, BulletinVersion)
        .join(BulletinVersion, col(BulletinVersion.id) == col(Bulletin.approved_version_id))
        .where(col(Bulletin.status).not_in([str(s) for s in TERMINAL_STATUSES]))
        .where(col(BulletinVersion.valid_from) <= (until or now), col(BulletinVersion.valid_until) > now)
        .order_by(col(Bulletin.id))
    )
    if area_codes is not None:
        wanted = sorted(set(area_codes))
        if not wanted:
            return []
        matching = select(BulletinTarget.version_id).where(col(BulletinTarget.area_code).in_(wanted))
        stmt = stmt.where(col(BulletinVersion.id).in_(matching))
    rows = [(b, v) for b, v in session.execute(stmt)]
    targets: dict[int, list[str]] = {}
    ids = [v.id for _, v in rows if v.id is not None]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        t_stmt = select(BulletinTarget.version_id, BulletinTarget.area_code).where(
            col(BulletinTarget.version_id).in_(chunk)
        )
        for version_id, code in session.execute(t_stmt):
            targets.setdefault(version_id, []).append(code)
    out: list[AirableVersion] = []
    for bulletin, version in rows:
        assert version.id is not None and bulletin.id is not None
        codes = sorted(targets.get(version.id, []))
        # The same rule, asked at the first instant of the window when this version is valid.
        at = now if until is None else min(max(now, version.valid_from), until)
        if not _binding_intact(bulletin, version, codes, at) or (until is not None and at >= until):
            continue
        assert version.audio_sha256 and version.approved_at and version.approved_by is not None
        out.append(AirableVersion(
            bulletin_id=bulletin.id, version_id=version.id, version_hash=version.version_hash,
            title=version.title, body=version.body, board_text=version.board_text,
            priority=str(version.priority), category=str(version.category), targets=tuple(codes),
            valid_from=version.valid_from, valid_until=version.valid_until,
            repeats_per_day=version.repeats_per_day, reads_per_play=version.reads_per_play,
            gap_seconds=version.gap_seconds, pin_date=version.pin_date, pin_slot_id=version.pin_slot_id,
            audio_sha256=version.audio_sha256, audio_size=version.audio_size or 0,
            duration_ms=version.audio_duration_ms or 0, approved_at=version.approved_at,
            approved_by=version.approved_by, owner_area=bulletin.area_code,
        ))
    return out
