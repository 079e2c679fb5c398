"""``GET /api/v1/bulletins/{id}/delivery``: live delivery of an emergency to its speakers."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from server.deps import AreaTreeDep, ReaderUser, SessionDep
from server.routes.bulletins import ScopedBulletin
from server.services.alert_delivery import delivery

router = APIRouter(prefix="/api/v1/bulletins", tags=["bulletins"])


class DeviceDeliveryOut(BaseModel):
    device_id: str
    area_code: str
    started_at: datetime | None


class DeliveryOut(BaseModel):
    bulletin_id: int
    alert_ids: list[str]
    total: int
    started: int
    devices: list[DeviceDeliveryOut]


@router.get("/{bulletin_id}/delivery", response_model=DeliveryOut)
def bulletin_delivery(user: ReaderUser, bulletin: ScopedBulletin, session: SessionDep,
                      tree: AreaTreeDep) -> DeliveryOut:
    """Targeted speakers (``total``) and those that reported starting the alert (``started``)."""
    d = delivery(session, tree, bulletin)
    return DeliveryOut(bulletin_id=d.bulletin_id, alert_ids=d.alert_ids, total=d.total, started=d.started,
                       devices=[DeviceDeliveryOut(device_id=x.device_id, area_code=x.area_code,
                                                  started_at=x.started_at) for x in d.devices])
