"""What will play in an area (or on a device) on a date, with overflow and skip reasons."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from fastapi import APIRouter
from sqlmodel import Session

from playlists import model as pm
from server.bounds import DayQuery
from server.deps import AreaTreeDep, CurrentUser, RuntimeDep, SessionDep, ensure_in_scope
from server.errors import Forbidden, Invalid
from server.models.devices import Device
from server.models.users import User
from server.scheduling.compiler import make_compiler
from server.scheduling.inputs import load_inputs
from server.services import streams
from server.services.areas import AreaTree

router = APIRouter(prefix="/api/v1", tags=["preview"])


def _local(dt: datetime, tz: Any) -> str:
    return dt.astimezone(tz).strftime("%H:%M:%S")


def _item(i: pm.PlannedItem, tz: Any) -> dict[str, Any]:
    return {
        "start": i.start_utc.isoformat().replace("+00:00", "Z"), "start_local": _local(i.start_utc, tz),
        "duration_ms": i.duration_ms, "kind": i.kind, "section": i.section, "title": i.title,
        "priority": i.priority, "bulletin_id": i.bulletin_id, "pinned": i.pinned, "stream_url": i.stream_url,
    }


def _skip(s: pm.Skipped) -> dict[str, Any]:
    return {"bulletin_id": s.bulletin_id, "code": s.reason_code, "message": s.reason_vi}


def _device_in_scope(session: Session, user: User, tree: AreaTree, device_id: str) -> Device:
    """Unknown and out-of-scope devices get the same answer: ids outside your scope stay unknown."""
    dev = session.get(Device, device_id) if len(device_id) <= 64 else None
    if dev is None or dev.area_code not in tree.by_code or not tree.is_within(dev.area_code, user.area_code):
        raise Forbidden("Thiết bị không tồn tại hoặc nằm ngoài phạm vi được giao cho tài khoản của bạn.",
                        code="device_out_of_scope")
    return dev


@router.get("/preview")
def preview(
    runtime: RuntimeDep, session: SessionDep, user: CurrentUser, tree: AreaTreeDep,
    area: str | None = None, device: str | None = None, date: DayQuery = None,
) -> dict[str, Any]:
    """Officers check a day's programme before it airs: items, overflow (seconds missing), skips."""
    if (area is None) == (device is None):
        raise Invalid("Chọn đúng một trong hai: địa bàn (area) hoặc thiết bị (device).", code="preview_target")
    dev = _device_in_scope(session, user, tree, device) if device else None
    code = dev.area_code if dev else str(area)
    ensure_in_scope(user, tree, code)
    tz = runtime.settings.tz
    day = date or runtime.clock().astimezone(tz).date()
    start = datetime.combine(day, time.min, tzinfo=tz)
    # Only bulletins that can reach this area: a province's preview need not read all of them.
    loaded = load_inputs(session, tree, min(start, runtime.clock()), 1, area_codes=tree.ancestors(code))
    plan = make_compiler(loaded, start, tz, 1).day_plan(code, day)
    slots: list[dict[str, Any]] = [{
        "slot_id": p.occurrence.slot_id, "name": p.occurrence.name, "defined_on": p.occurrence.defined_on,
        "start_local": _local(p.occurrence.start_utc, tz), "end_local": _local(p.occurrence.end_utc, tz),
        "items": [_item(i, tz) for i in p.items],
        "overflow": [{"bulletin_id": o.bulletin_id, "title": o.title, "needed_s": o.needed_s,
                      "missing_s": o.missing_s} for o in p.overflow],
        "skipped": [_skip(s) for s in p.skipped],
        "blocked_relays": streams.blocked_relays(loaded.inputs.relays, p.occurrence.slot_id),
    } for p in plan.slots]
    return {
        "area": code, "device": dev.id if dev else None, "date": day.isoformat(), "slots": slots,
        "overflow": [s for slot in slots for s in slot["overflow"]],
        "unplaced": [_skip(s) for s in plan.unplaced],
    }
