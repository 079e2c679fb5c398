"""Broadcast slots of an area (own and inherited), holidays, relays and officer ordering."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field, model_validator
from sqlmodel import col, select

from playlists import model as pm
from playlists.errors import ScheduleError
from playlists.recurrence import resolve_slots
from playlists.validation import validate_area_schedule, validate_extra, validate_slot
from server.bounds import INT4_MAX, Day, DbId, IdPath
from server.deps import AreaTreeDep, CurrentUser, RuntimeDep, SessionDep, StaffUser, ensure_in_scope
from server.errors import Invalid, NotFound
from server.models.schedule import Holiday, Relay, Slot, SlotOrder
from server.models.streams import StreamSource
from server.scheduling.inputs import slot_defs
from server.services import bulletins as bulletin_service
from server.services import streams
from server.services.bulletin_fields import clean_text

router = APIRouter(prefix="/api/v1", tags=["slots"])


class RelayIn(BaseModel):
    """A relay names an approved-or-pending stream source (``stream_id``). ``stream_url`` is kept
    for older clients: it uses (or creates, pending) a source of the slot's area with that URL."""

    stream_id: DbId | None = None
    stream_url: str | None = Field(default=None, max_length=500)
    duration_s: int = Field(gt=0, le=86400)
    title: str | None = Field(default=None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _one_source(self) -> RelayIn:
        if (self.stream_id is None) == (self.stream_url is None):
            raise ValueError("give exactly one of stream_id or stream_url")
        if self.stream_url is not None and self.title is None:
            raise ValueError("title is required with stream_url")
        return self


class SlotIn(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    start_local: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$", description="HH:MM[:SS], local")
    # Bounded to int4 here (no overflow further in); 1..86400 is checked with its own error code.
    duration_s: int = Field(ge=-INT4_MAX, le=INT4_MAX, description="seconds, 1..86400")
    rrule: str | None = Field(default=None, max_length=500, description="RFC 5545 RRULE; null = one-off")
    dtstart: Day
    until: Day | None = None
    exdates: list[Day] = Field(default_factory=list, max_length=366)
    template: list[str] = Field(default_factory=lambda: list(pm.DEFAULT_TEMPLATE))
    enabled: bool = True
    relays: list[RelayIn] = Field(default_factory=list, max_length=10)


class SlotPatch(BaseModel):
    """Fields of a slot to change (relays are edited on their own)."""

    name: str | None = Field(default=None, min_length=1, max_length=64)
    start_local: str | None = Field(default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
    duration_s: int | None = Field(default=None, ge=-INT4_MAX, le=INT4_MAX, description="seconds, 1..86400")
    rrule: str | None = Field(default=None, max_length=500, description="RFC 5545 RRULE; null = one-off")
    dtstart: Day | None = None
    until: Day | None = None
    exdates: list[Day] | None = Field(default=None, max_length=366)
    template: list[str] | None = None
    enabled: bool | None = None


class HolidayIn(BaseModel):
    date: Day
    slot_name: str | None = Field(default=None, max_length=64)
    note: str = Field(default="", max_length=200)


class OrderIn(BaseModel):
    date: Day
    bulletin_ids: list[DbId] = Field(min_length=1, max_length=100)


def _schedule_error(exc: ScheduleError) -> Invalid:
    return Invalid(exc.message_vi, code=exc.code)


def _slot_out(s: Slot, relays: list[Relay], sources: dict[int, StreamSource], area_code: str) -> dict[str, Any]:
    return {
        "id": s.id, "area_code": s.area_code, "name": s.name, "start_local": s.start_local,
        "duration_s": s.duration_s, "rrule": s.rrule, "dtstart": s.dtstart, "until": s.until,
        "exdates": s.exdates, "template": s.template, "enabled": s.enabled,
        "inherited": s.area_code != area_code,
        "relays": [_relay_out(r, sources[r.stream_id]) for r in relays if r.slot_id == s.id],
    }


def _relay_out(r: Relay, source: StreamSource) -> dict[str, Any]:
    return {"id": r.id, "stream_id": r.stream_id, "stream_url": source.url, "duration_s": r.duration_s,
            "title": r.title, "stream_status": source.status, "approved": streams.is_approved(source)}


def _sources(session: Any, relays: list[Relay]) -> dict[int, StreamSource]:
    ids = sorted({r.stream_id for r in relays})
    rows = session.exec(select(StreamSource).where(col(StreamSource.id).in_(ids))).all() if ids else []
    return {s.id: s for s in rows}


@router.get("/areas/{code}/slots")
def list_slots(code: str, session: SessionDep, user: CurrentUser, tree: AreaTreeDep) -> list[dict[str, Any]]:
    """Slots that apply to the area: its own and those inherited from ancestors (marked)."""
    ensure_in_scope(user, tree, code)
    chain = tree.ancestors(code)
    rows = list(session.exec(select(Slot).where(col(Slot.area_code).in_(chain)).order_by(col(Slot.id))).all())
    recurring, extras = slot_defs(rows)
    effective = {s.id for s in resolve_slots(chain, _by_area(recurring))} | {e.id for e in extras}
    relays = list(session.exec(select(Relay).where(col(Relay.slot_id).in_([r.id for r in rows]))).all())
    sources = _sources(session, relays)
    return [_slot_out(s, relays, sources, code) for s in rows if s.id in effective or s.area_code == code]


def _by_area(slots: tuple[pm.SlotDef, ...]) -> dict[str, list[pm.SlotDef]]:
    out: dict[str, list[pm.SlotDef]] = {}
    for s in slots:
        out.setdefault(s.area_code, []).append(s)
    return out


@router.post("/areas/{code}/slots", status_code=201)
def create_slot(
    code: str, body: SlotIn, session: SessionDep, user: StaffUser, tree: AreaTreeDep, runtime: RuntimeDep
) -> dict[str, Any]:
    ensure_in_scope(user, tree, code)
    row = Slot(
        area_code=code, name=body.name.strip(), start_local=body.start_local, duration_s=body.duration_s,
        rrule=(body.rrule or "").strip() or None, dtstart=body.dtstart, until=body.until,
        exdates=sorted({d.isoformat() for d in body.exdates}), template=body.template, enabled=body.enabled,
        created_by=user.id,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    relays, sources = _relays_of(session, user, tree, code, row.id, body.relays)
    relay_defs = [pm.RelayDef(0, row.id, sources[r.stream_id].url, r.duration_s, r.title) for r in relays]
    try:
        recurring, extras = slot_defs([row])
        for slot in recurring:
            validate_slot(slot, relay_defs)
        for extra in extras:
            validate_extra(extra, relay_defs)
        _check_overlaps(session, tree, code, body.dtstart)
    except ScheduleError as exc:
        session.rollback()
        raise _schedule_error(exc) from exc
    session.add_all(relays)
    session.commit()
    session.refresh(row)
    _changed(runtime)
    return _slot_out(row, relays, sources, code)


def _relays_of(session: Any, user: Any, tree: Any, code: str, slot_id: int,
               wanted: list[RelayIn]) -> tuple[list[Relay], dict[int, StreamSource]]:
    """Relay rows naming their sources; a bare URL goes through a (pending) source of the area."""
    relays: list[Relay] = []
    sources: dict[int, StreamSource] = {}
    for r in wanted:
        if r.stream_id is not None:
            source = streams.get_source(session, r.stream_id)
            streams.ensure_usable_by(tree, source, code)
        else:
            assert r.stream_url is not None and r.title is not None
            source = streams.source_for_url(session, user, tree, code, r.stream_url, r.title)
        assert source.id is not None
        sources[source.id] = source
        relays.append(Relay(slot_id=slot_id, stream_id=source.id, duration_s=r.duration_s,
                            title=clean_text(r.title or source.title, "Tên tiếp sóng", 200)))
    return relays, sources


@router.patch("/slots/{slot_id}")
def edit_slot(
    slot_id: IdPath, body: SlotPatch, session: SessionDep, user: StaffUser, tree: AreaTreeDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Change a slot's name, time, duration, rule, dates, template or enabled flag; validated
    like a new slot (including overlaps in the area and below)."""
    row = session.get(Slot, slot_id)
    if row is None:
        raise NotFound("Không tìm thấy phiên phát.", code="slot_not_found")
    ensure_in_scope(user, tree, row.area_code)
    changes = body.model_dump(exclude_unset=True)
    for name in ("name", "start_local", "duration_s", "dtstart", "template", "enabled", "exdates"):
        if name in changes and changes[name] is None:
            raise Invalid(f"Trường {name} không được để trống.", code="missing_field")
    if "name" in changes:
        row.name = changes["name"].strip()
    if "rrule" in changes:
        row.rrule = (changes["rrule"] or "").strip() or None
    if "exdates" in changes:
        row.exdates = sorted({d.isoformat() for d in changes["exdates"]})
    for name in ("start_local", "duration_s", "dtstart", "until", "template", "enabled"):
        if name in changes:
            setattr(row, name, changes[name])
    session.add(row)
    session.flush()
    relays = list(session.exec(select(Relay).where(Relay.slot_id == slot_id)).all())
    sources = {r.stream_id: streams.get_source(session, r.stream_id) for r in relays}
    relay_defs = [pm.RelayDef(0, slot_id, sources[r.stream_id].url, r.duration_s, r.title) for r in relays]
    try:
        recurring, extras = slot_defs([row])
        for slot in recurring:
            validate_slot(slot, relay_defs)
        for extra in extras:
            validate_extra(extra, relay_defs)
        _check_overlaps(session, tree, row.area_code, row.dtstart)
    except ScheduleError as exc:
        session.rollback()
        raise _schedule_error(exc) from exc
    session.commit()
    session.refresh(row)
    _changed(runtime)
    return _slot_out(row, relays, sources, row.area_code)


def _check_overlaps(session: Any, tree: Any, code: str, start: date) -> None:
    """The edited area and every descendant with slots of its own must not overlap."""
    areas_with_slots = set(session.exec(select(Slot.area_code)).all())
    for area in [a for a in tree.descendants(code) if a == code or a in areas_with_slots]:
        chain = tree.ancestors(area)
        rows = list(session.exec(select(Slot).where(col(Slot.area_code).in_(chain))).all())
        recurring, extras = slot_defs(rows)
        holidays = [pm.Holiday(h.area_code, h.date, h.slot_name)
                    for h in session.exec(select(Holiday).where(col(Holiday.area_code).in_(chain))).all()]
        validate_area_schedule(chain, recurring, start, extras=extras, holidays=holidays)


@router.delete("/areas/{code}/slots/{slot_id}", status_code=204)
def delete_slot(
    code: str, slot_id: IdPath, session: SessionDep, user: StaffUser, tree: AreaTreeDep, runtime: RuntimeDep
) -> None:
    ensure_in_scope(user, tree, code)
    row = session.get(Slot, slot_id)
    if row is None or row.area_code != code:
        raise NotFound("Không tìm thấy phiên phát.", code="slot_not_found")
    for relay in session.exec(select(Relay).where(Relay.slot_id == slot_id)).all():
        session.delete(relay)
    for order in session.exec(select(SlotOrder).where(SlotOrder.slot_id == slot_id)).all():
        session.delete(order)
    session.delete(row)
    session.commit()
    _changed(runtime)


@router.post("/areas/{code}/holidays", status_code=201)
def add_holiday(
    code: str, body: HolidayIn, session: SessionDep, user: StaffUser, tree: AreaTreeDep, runtime: RuntimeDep
) -> dict[str, Any]:
    ensure_in_scope(user, tree, code)
    row = Holiday(area_code=code, date=body.date, slot_name=body.slot_name, note=body.note)
    session.add(row)
    session.commit()
    _changed(runtime)
    return {"id": row.id, "area_code": code, "date": body.date, "slot_name": body.slot_name, "note": body.note}


@router.put("/slots/{slot_id}/order")
def reorder(
    slot_id: IdPath, body: OrderIn, session: SessionDep, user: StaffUser, tree: AreaTreeDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Officer order of pinned bulletins in one occurrence of a slot (first = position 0)."""
    slot = session.get(Slot, slot_id)
    if slot is None:
        raise NotFound("Không tìm thấy phiên phát.", code="slot_not_found")
    ensure_in_scope(user, tree, slot.area_code)
    for bulletin_id in dict.fromkeys(body.bulletin_ids):  # only bulletins the officer may see
        bulletin_service.ensure_visible(user, tree, bulletin_service.get_bulletin(session, bulletin_id))
    for old in session.exec(select(SlotOrder).where(SlotOrder.slot_id == slot_id)
                            .where(SlotOrder.date == body.date)).all():
        session.delete(old)
    session.flush()
    for position, bulletin_id in enumerate(dict.fromkeys(body.bulletin_ids)):
        session.add(SlotOrder(slot_id=slot_id, date=body.date, bulletin_id=bulletin_id, position=position))
    session.commit()
    _changed(runtime)
    return {"slot_id": slot_id, "date": body.date, "bulletin_ids": list(dict.fromkeys(body.bulletin_ids))}


def _changed(runtime: Any) -> None:
    scheduler = runtime.scheduler
    if scheduler is not None:
        scheduler.request_recompile()

