"""Read what the pure `playlists` package needs from the database, as plain frozen data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from playlists import model as pm
from playlists.emergency import alerts_from_bulletins
from server.models.schedule import Holiday, Relay, Slot, SlotOrder
from server.models.streams import StreamSource
from server.services import streams
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


def relay_defs(session: Session, tree: AreaTree, slot_areas: dict[int, str]) -> tuple[pm.RelayDef, ...]:
    """Every relay with its source's URL and title; ``approved`` only when the source is approved
    (binding intact) and belongs to the slot's area or an ancestor. The packer airs no other."""
    relays = session.execute(sa_select(col(Relay.id), col(Relay.slot_id), col(Relay.stream_id),
                                       col(Relay.duration_s)).order_by(col(Relay.id))).all()
    ids = sorted({r.stream_id for r in relays})
    # Plain columns: ORM rows with their timestamps cost ~10x more, and only these decide.
    query = sa_select(col(StreamSource.id), col(StreamSource.area_code), col(StreamSource.url),
                      col(StreamSource.title), col(StreamSource.status), col(StreamSource.approved_hash))
    sources = {s.id: s for s in session.execute(query.where(col(StreamSource.id).in_(ids))).all()} if ids else {}
    approved_ids = {sid for sid, s in sources.items() if streams.is_approved(s)}  # one hash per source
    out: list[pm.RelayDef] = []
    for relay in relays:
        source, area = sources.get(relay.stream_id), slot_areas.get(relay.slot_id)
        if source is None:
            continue
        approved = (area is not None and relay.stream_id in approved_ids
                    and source.area_code in tree.ancestors(area))
        out.append(pm.RelayDef(relay.id or 0, relay.slot_id, source.url, relay.duration_s, source.title,
                               stream_id=source.id, approved=approved))
    return tuple(out)


@dataclass(frozen=True)
class LoadedInputs:
    inputs: pm.ScheduleInputs
    parents: dict[str, str | None]
    versions: tuple[AirableVersion, ...]


def load_inputs(
    session: Session, tree: AreaTree, now: datetime, days: int, area_codes: Iterable[str] | None = None
) -> LoadedInputs:
    """Everything that may air between ``now`` and the end of the manifest window; with
    ``area_codes``, only bulletins targeting one of those exact areas (see ``scope_of``)."""
    until = now + timedelta(days=days + 1)
    versions = tuple(airable_versions(session, now, area_codes, until=until))
    positions = {
        (o.slot_id, o.date, o.bulletin_id): o.position for o in session.exec(select(SlotOrder)).all()
    }
    plays = tuple(bulletin_play(v, tree, positions) for v in versions)
    slot_rows = session.exec(select(Slot).order_by(col(Slot.id))).all()
    slots, extras = slot_defs(slot_rows)
    holidays = tuple(
        pm.Holiday(h.area_code, h.date, h.slot_name) for h in session.exec(select(Holiday)).all()
    )
    relays = relay_defs(session, tree, {s.id: s.area_code for s in slot_rows if s.id is not None})
    inputs = pm.ScheduleInputs(
        slots=slots, extras=extras, holidays=holidays, relays=relays,
        bulletins=tuple(p for p in plays if p.priority != "emergency"),
        alerts=tuple(alerts_from_bulletins(p for p in plays if p.priority == "emergency")),
    )
    parents = {code: info.parent_code for code, info in tree.by_code.items()}
    return LoadedInputs(inputs, parents, versions)


def scope_of(tree: AreaTree, changed: Iterable[str]) -> tuple[set[str], set[str]]:
    """A change targeting ``changed`` areas can alter the manifests of devices in their subtrees
    (``devices_in``) only; those devices hear bulletins targeting their own area or an ancestor,
    which are the subtrees plus the ancestors (``bulletins_for``)."""
    devices_in: set[str] = set()
    bulletins_for: set[str] = set()
    for code in changed:
        if code not in tree.by_code:
            continue
        below = tree.descendants(code)
        devices_in.update(below)
        bulletins_for.update(below)
        bulletins_for.update(tree.ancestors(code))
    return devices_in, bulletins_for
