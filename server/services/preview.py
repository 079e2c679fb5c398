"""The officer's preview of one area's (or device's) day: what plays when, and why anything that
targets the area does not.

Every approved bulletin that targets the area (or an ancestor) and is valid on the date is either
placed (``slots[].items``, inside its validity), listed in ``slots[].skipped`` (it was meant for
that slot: ``slot_full``, ``not_valid_in_slot``, ``audio_not_ready``, ...), or in ``unplaced``
(no slot of the day could take it: ``no_slot``, ``holiday``, ``not_valid_in_slot``,
``approved_after_slot_start``, ``pinned_elsewhere``, ...). Each entry is
``{bulletin_id, title, reason, message}`` with a stable ``reason`` and a Vietnamese ``message``
(``code`` repeats ``reason`` for older clients). Emergencies are not packed: they are listed in
``emergencies`` with their airings of the day and the items they interrupt (``preempts``); those
items carry ``preempted_by`` (devices replay them only if the slot still has room).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from playlists import model as pm
from playlists.emergency import active_for, repeat_times
from playlists.errors import skip_message
from playlists.packing import latest_versions
from server.scheduling.compiler import make_compiler
from server.scheduling.inputs import LoadedInputs

TZ = pm.LOCAL_TZ


def iso_z(at: datetime) -> str:
    return at.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")  # as on the wire


def _local(at: datetime) -> str:
    return at.astimezone(TZ).strftime("%H:%M:%S")


def _explain(bulletin_id: int | None, title: str | None, reason: str, message: str | None = None) -> dict[str, Any]:
    return {"bulletin_id": bulletin_id, "title": title, "reason": reason, "code": reason,
            "message": message or skip_message(reason)}


def _item(i: pm.PlannedItem) -> dict[str, Any]:
    return {
        "start": iso_z(i.start_utc), "start_local": _local(i.start_utc), "end": iso_z(i.end_utc),
        "duration_ms": i.duration_ms, "kind": i.kind, "section": i.section, "title": i.title,
        "priority": i.priority, "bulletin_id": i.bulletin_id, "pinned": i.pinned, "stream_url": i.stream_url,
        "preempted_by": None,
    }


def _holiday_on(loaded: LoadedInputs, chain: tuple[str, ...], day: date) -> bool:
    return any(h.date == day and h.area_code in chain for h in loaded.inputs.holidays)


def _valid_on(b: pm.BulletinPlay, lo: datetime, hi: datetime) -> bool:
    return b.valid_from < hi and (b.valid_until is None or b.valid_until > lo)


def _emergencies(loaded: LoadedInputs, chain: tuple[str, ...], lo: datetime, hi: datetime,
                 items: list[tuple[pm.PlannedItem, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Active or scheduled alerts of the area during the day, with what each airing interrupts."""
    out: list[dict[str, Any]] = []
    alerts = [a for a in active_for(loaded.inputs.alerts, chain, lo) if a.starts_at < hi]
    for alert in sorted(alerts, key=lambda a: (a.starts_at, a.bulletin_id)):
        plays = repeat_times(alert, lo, hi)
        length = timedelta(milliseconds=alert.duration_ms)
        preempts = []
        for item, shown in items:
            if any(at < item.end_utc and item.start_utc < at + length for at in plays):
                shown["preempted_by"] = alert.bulletin_id
                preempts.append({"bulletin_id": item.bulletin_id, "title": item.title, "start": shown["start"],
                                 "slot_id": item.slot_id, "reason": "preempted",
                                 "message": skip_message("preempted")})
        out.append({
            "bulletin_id": alert.bulletin_id, "title": alert.title, "area_code": alert.area_code,
            "starts_at": iso_z(alert.starts_at), "expires_at": iso_z(alert.expires_at),
            "repeat_every_s": alert.repeat_every_s, "duration_ms": alert.duration_ms,
            "repeats": [iso_z(at) for at in plays], "preempts": preempts,
        })
    return out


def day_preview(loaded: LoadedInputs, area: str, day: date, *, device: str | None = None) -> dict[str, Any]:
    lo = datetime.combine(day, time.min, tzinfo=TZ).astimezone(UTC)
    hi = lo + timedelta(days=1)
    compiler = make_compiler(loaded, lo, TZ, 1)
    chain = compiler.area_chain(area)
    plan = compiler.day_plan(area, day)
    titles = {b.bulletin_id: b.title for b in loaded.inputs.bulletins}
    titles.update({a.bulletin_id: a.title for a in loaded.inputs.alerts})
    explained: set[int] = set()
    all_items: list[tuple[pm.PlannedItem, dict[str, Any]]] = []
    slots: list[dict[str, Any]] = []
    for packed in plan.slots:
        occ = packed.occurrence
        shown = [(i, _item(i)) for i in packed.items]
        all_items += [(i, d) for i, d in shown if i.bulletin_id is not None]
        skipped = [_explain(s.bulletin_id, titles.get(s.bulletin_id or -1), s.reason_code, s.reason_vi)
                   for s in packed.skipped]
        skipped += [_explain(o.bulletin_id, o.title, "slot_full",
                             f"Phiên phát đã đầy: cần {o.needed_s} giây, còn thiếu {o.missing_s} giây.")
                    for o in packed.overflow]
        explained.update(i.bulletin_id for i in packed.items if i.bulletin_id is not None)
        explained.update(s["bulletin_id"] for s in skipped if s["bulletin_id"] is not None)
        slots.append({
            "slot_id": occ.slot_id, "name": occ.name, "defined_on": occ.defined_on,
            "start": iso_z(occ.start_utc), "end": iso_z(occ.end_utc),
            "start_local": _local(occ.start_utc), "end_local": _local(occ.end_utc),
            "items": [d for _i, d in shown],
            "overflow": [{"bulletin_id": o.bulletin_id, "title": o.title, "needed_s": o.needed_s,
                          "missing_s": o.missing_s} for o in packed.overflow],
            "skipped": skipped,
        })
    holiday = not plan.slots and _holiday_on(loaded, chain, day)
    unplaced = []
    valid_today = {b.bulletin_id for b in loaded.inputs.bulletins if _valid_on(b, lo, hi)}
    for s in plan.unplaced:
        if s.bulletin_id is not None and s.bulletin_id not in valid_today:
            continue  # valid on other days only: not today's business
        reason = "holiday" if holiday and s.reason_code == "no_slot" else s.reason_code
        unplaced.append(_explain(s.bulletin_id, titles.get(s.bulletin_id or -1), reason,
                                 None if reason != s.reason_code else s.reason_vi))
    explained.update(u["bulletin_id"] for u in unplaced if u["bulletin_id"] is not None)
    emergencies = _emergencies(loaded, chain, lo, hi, all_items)
    explained.update(e["bulletin_id"] for e in emergencies)
    # Anything that targets the area and is valid today but packing never saw (e.g. only valid
    # after the day's last slot ended): say so rather than stay silent.
    for b in latest_versions(loaded.inputs.bulletins):
        if b.bulletin_id in explained or not set(b.target_areas) & set(chain) or not _valid_on(b, lo, hi):
            continue
        unplaced.append(_explain(b.bulletin_id, b.title, "no_slot" if not plan.slots
                                 else "holiday" if holiday else "not_valid_in_slot"))
        explained.add(b.bulletin_id)
    return {
        "area": area, "device": device, "date": day.isoformat(), "timezone": TZ.key, "slots": slots,
        "overflow": [o for slot in slots for o in slot["overflow"]],
        "unplaced": unplaced, "emergencies": emergencies,
    }


