"""Device enrolment, listing, credential rotation/revocation, manifest pull and as-run upload."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from sqlmodel import col, select
from starlette.concurrency import run_in_threadpool

from devices import protocol
from devices.asrun_parse import parse_asrun
from server.delivery.device_auth import CurrentDevice, enrolment_principal
from server.deps import AdminUser, AreaTreeDep, RuntimeDep, SessionDep, StaffUser, ensure_in_scope
from server.errors import Forbidden, Invalid, NotFound, TooLarge
from server.models.devices import Device, DeviceManifest, DevicePublic
from server.models.users import User
from server.services import device_admin
from server.services.asrun import BulletinFacts, IngestStats, store_with_refused
from server.services.device_admin import DeviceEnrol

router = APIRouter(prefix="/api/v1/devices", tags=["devices"])


@router.post("", status_code=201)
def enrol_device(
    body: DeviceEnrol, runtime: RuntimeDep, session: SessionDep, tree: AreaTreeDep,
    admin: Annotated[User | None, Depends(enrolment_principal)],
) -> dict[str, Any]:
    """Enrol a device; its password is returned once, only here."""
    return device_admin.enrol(runtime, session, tree, admin, body)


@router.get("", response_model=list[DevicePublic])
def list_devices(
    session: SessionDep, user: StaffUser, tree: AreaTreeDep, area: str | None = None
) -> list[Device]:
    root = area or user.area_code
    ensure_in_scope(user, tree, root)
    codes = tree.descendants(root)
    return list(session.exec(select(Device).where(col(Device.area_code).in_(codes)).order_by(Device.id)).all())


@router.post("/{device_id}/rotate")
def rotate_device(
    device_id: str, runtime: RuntimeDep, session: SessionDep, admin: AdminUser, tree: AreaTreeDep
) -> dict[str, Any]:
    return device_admin.rotate(runtime, session, tree, admin, device_id)


@router.post("/{device_id}/revoke", response_model=DevicePublic)
def revoke_device(
    device_id: str, runtime: RuntimeDep, session: SessionDep, admin: AdminUser, tree: AreaTreeDep
) -> Device:
    return device_admin.revoke(runtime, session, tree, admin, device_id)


def _own(device: Device, device_id: str) -> None:
    if device.id != device_id:
        raise Forbidden("Thiết bị chỉ được truy cập dữ liệu của chính mình.", code="not_your_device")


@router.get("/{device_id}/manifest")
def get_manifest(device_id: str, request: Request, device: CurrentDevice, session: SessionDep) -> Response:
    """The same signed envelope as the retained MQTT message; ETag/304 for cheap polling."""
    _own(device, device_id)
    row = session.get(DeviceManifest, device_id)
    if row is None:
        raise NotFound("Chưa có lịch phát cho thiết bị này.", code="manifest_not_ready")
    etag = f'"{row.etag}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(row.envelope, media_type="application/json", headers={"ETag": etag})


@router.post("/{device_id}/asrun")
async def upload_asrun(device_id: str, request: Request, device: CurrentDevice, runtime: RuntimeDep) -> Any:
    """HTTP fallback for as-run batches; 200 only after the records are stored."""
    _own(device, device_id)
    raw = await request.body()
    if len(raw) > protocol.MAX_ASRUN_BATCH_BYTES:
        raise TooLarge("Gói nhật ký phát quá lớn.", code="asrun_too_large")
    try:
        parsed = parse_asrun(raw, protocol.MAX_ASRUN_BATCH_BYTES)
    except protocol.Rejected as exc:  # the batch itself is bad; a bad record alone is listed as rejected
        raise Invalid("Gói nhật ký phát không hợp lệ.", code="asrun_malformed") from exc
    if parsed.batch.device_id != device.id:
        raise Forbidden("Thiết bị chỉ được gửi nhật ký của chính mình.", code="not_your_device")
    ingest = runtime.ingest
    stats = ingest.stats if ingest is not None else IngestStats()
    if parsed.rejected:
        stats.reject("malformed", len(parsed.rejected))
    facts = BulletinFacts(runtime.engine)
    acks = await run_in_threadpool(store_with_refused, runtime.engine, [(device, parsed.batch)],
                                   {0: parsed.rejected}, runtime.clock(), facts, stats)
    return acks[0][1].model_dump()
