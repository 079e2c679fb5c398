"""What will play in an area (or on a device) on a date, and why anything else will not."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from fastapi import APIRouter
from sqlmodel import Session

from playlists.model import LOCAL_TZ
from server.bounds import DayQuery
from server.deps import AreaTreeDep, CurrentUser, RuntimeDep, SessionDep, ensure_in_scope
from server.errors import Forbidden, Invalid
from server.models.devices import Device
from server.models.users import User
from server.scheduling.inputs import load_inputs
from server.services.areas import AreaTree
from server.services.preview import day_preview

router = APIRouter(prefix="/api/v1", tags=["preview"])


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
    """Officers check a day's programme before it airs: items, overflow, skip reasons, emergencies
    (shape: ``server.services.preview``)."""
    if (area is None) == (device is None):
        raise Invalid("Chọn đúng một trong hai: địa bàn (area) hoặc thiết bị (device).", code="preview_target")
    dev = _device_in_scope(session, user, tree, device) if device else None
    code = dev.area_code if dev else str(area)
    ensure_in_scope(user, tree, code)
    day = date or runtime.clock().astimezone(LOCAL_TZ).date()
    start = datetime.combine(day, time.min, tzinfo=LOCAL_TZ)
    # Only bulletins that can reach this area: a province's preview need not read all of them.
    loaded = load_inputs(session, tree, min(start, runtime.clock()), 1, area_codes=tree.ancestors(code))
    return day_preview(loaded, code, day, device=dev.id if dev else None)
