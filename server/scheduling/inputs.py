"""Read what the pure `playlists` package needs from the database, as plain frozen data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from playlists import model as pm
from playlists.emergency import alerts_from_bulletins
from server.models.schedule import Holiday, Relay, Slot, SlotOrder
from server.services.airing import AirableVersion, airable_versions
from server.services.areas import AreaTree

LEVEL_ORIGIN = {"province": "province", "district": "district"}


def parse_hhmm(text: str) -> time:
    """ "HH:MM" or "HH:MM:SS" local wall time."""
    return time.fromisoformat(text)


def slot_defs(rows: Iterable[Slot]) -> tuple[tuple[pm.SlotDef, ...], tuple[pm.ExtraSession, ...]]:
    slots: list[pm.SlotDef] = []
    extras: list[pm.ExtraSession] = []
    for s in rows:
        assert s.id is not None
        template = tuple(s.template) or pm.DEFAULT_TEMPLATE
        if s.rrule:
            slots.append(pm.SlotDef(
                id=s.id, area_code=s.area_code, name=s.name, start_local=parse_hhmm(s.start_local),
                duration_s=s.duration_s, rrule=s.rrule, dtstart=s.dtstart, until=s.until,
                exdates=tuple(date.fromisoformat(d) for d in s.exdates), template=template, enabled=s.enabled,
            ))
        elif s.enabled:
            extras.append(pm.ExtraSession(
                id=s.id, area_code=s.area_code, date=s.dtstart, start_local=parse_hhmm(s.start_local),
                duration_s=s.duration_s, name=s.name, template=template,
            ))
    return tuple(slots), tuple(extras)


def bulletin_play(v: AirableVersion, tree: AreaTree, positions: dict[tuple[int, date, int], int]) -> pm.BulletinPlay:
    level = tree.by_code[v.owner_area].level if v.owner_area in tree.by_code else "commune"
    pins: tuple[pm.Pin, ...] = ()
    if v.pin_date is not None and v.pin_slot_id is not None:
        pins = (pm.Pin(v.pin_date, v.pin_slot_id, positions.get((v.pin_slot_id, v.pin_date, v.bulletin_id))),)
    return pm.BulletinPlay(
        bulletin_id=v.bulletin_id, version_hash=v.version_hash, title=v.title, category=v.category,
        priority=v.priority,  # type: ignore[arg-type]  # the value list is enforced on write
        target_areas=v.targets, valid_from=v.valid_from, valid_until=v.valid_until,
        approved_at=v.approved_at, repeats_per_day=v.repeats_per_day, duration_ms=v.duration_ms,
        sha256=v.audio_sha256, size=v.audio_size, board_text=v.board_text,
        origin_level=LEVEL_ORIGIN.get(level, "commune"),  # type: ignore[arg-type]
        pins=pins,
    )


@dataclass(frozen=True)
class LoadedInputs:
    inputs: pm.ScheduleInputs
    parents: dict[str, str | None]
    versions: tuple[AirableVersion, ...]


def load_inputs(session: Session, tree: AreaTree, now: datetime, days: int,
                area_codes: Iterable[str] | None = None) -> LoadedInputs:
    """Everything that may air between ``now`` and the end of the manifest window (only the
    bulletins targeting one of ``area_codes`` — pass the ancestors of the areas to plan — if given)."""
    until = now + timedelta(days=days + 1)
    versions = tuple(airable_versions(session, now, area_codes, until=until))
    positions = {
        (o.slot_id, o.date, o.bulletin_id): o.position for o in session.exec(select(SlotOrder)).all()
    }
    plays = tuple(bulletin_play(v, tree, positions) for v in versions)
    slots, extras = slot_defs(session.exec(select(Slot).order_by(col(Slot.id))).all())
    holidays = tuple(
        pm.Holiday(h.area_code, h.date, h.slot_name) for h in session.exec(select(Holiday)).all()
    )
    relays = tuple(
        pm.RelayDef(r.id or 0, r.slot_id, r.stream_url, r.duration_s, r.title)
        for r in session.exec(select(Relay).order_by(col(Relay.id))).all()
    )
    inputs = pm.ScheduleInputs(
        slots=slots, extras=extras, holidays=holidays, relays=relays,
        bulletins=tuple(p for p in plays if p.priority != "emergency"),
        alerts=tuple(alerts_from_bulletins(p for p in plays if p.priority == "emergency")),
    )
    parents = {code: info.parent_code for code, info in tree.by_code.items()}
    return LoadedInputs(inputs, parents, versions)
