"""What will play in an area (or on a device) on a date, and why anything else will not."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from fastapi import APIRouter

from playlists.model import LOCAL_TZ
from server.deps import AreaTreeDep, CurrentUser, RuntimeDep, SessionDep, ensure_in_scope
from server.errors import Invalid
from server.models.devices import Device
from server.scheduling.inputs import load_inputs
from server.services.devices import get_device
from server.services.preview import day_preview

router = APIRouter(prefix="/api/v1", tags=["preview"])


@router.get("/preview")
def preview(
    runtime: RuntimeDep, session: SessionDep, user: CurrentUser, tree: AreaTreeDep,
    area: str | None = None, device: str | None = None, date: date | None = None,
) -> dict[str, Any]:
    """Officers check a day's programme before it airs: items, overflow, skip reasons, emergencies
    (shape: ``server.services.preview``)."""
    if (area is None) == (device is None):
        raise Invalid("Chọn đúng một trong hai: địa bàn (area) hoặc thiết bị (device).", code="preview_target")
    dev: Device | None = get_device(session, device) if device else None
    code = dev.area_code if dev else str(area)
    ensure_in_scope(user, tree, code)
    day = date or runtime.clock().astimezone(LOCAL_TZ).date()
    start = datetime.combine(day, time.min, tzinfo=LOCAL_TZ)
    loaded = load_inputs(session, tree, min(start, runtime.clock()), 1)
    return day_preview(loaded, code, day, device=dev.id if dev else None)
