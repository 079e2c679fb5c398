"""Enrolling, rotating and revoking devices, shared by the API and the admin console: the
credentials (password shown once), the audit event and the broker/compile reload."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session

from server.delivery.keys import device_password_key, signer_for
from server.delivery.lifecycle import devices_changed, record_device_event
from server.deps import ensure_in_scope
from server.errors import NotFound
from server.models.devices import Device
from server.models.users import User
from server.services import devices as registry
from server.services.areas import AreaTree


class DeviceEnrol(BaseModel):
    kind: str = Field(pattern="^(speaker|board)$")
    area_code: str | None = Field(default=None, max_length=64)
    name: str = Field(default="", max_length=200)
    device_id: str | None = Field(default=None, max_length=64)
    board_cols: int | None = Field(default=None, ge=1, le=512)
    board_rows: int | None = Field(default=None, ge=1, le=512)
    board_ascii: bool = False


def credentials_body(runtime: Any, creds: registry.Credentials) -> dict[str, Any]:
    """What a device needs to connect (the ``loa sim --credentials`` file); the password appears once."""
    settings = runtime.settings
    signer = signer_for(settings.signing_key_path)
    url = settings.effective_mqtt_url
    device_url = url.split("://", 1)[0] + "://" + url.split("://", 1)[1].split("@")[-1]
    d = creds.device
    return {
        "device_id": d.id, "area_code": d.area_code, "kind": d.kind, "mqtt_url": device_url,
        "username": d.id, "password": creds.password,
        "server_public_key": signer.public_key_b64, "kid": signer.kid,
        "board_cols": d.board_cols, "board_rows": d.board_rows, "board_ascii": d.board_ascii,
    }


def enrol(runtime: Any, session: Session, tree: AreaTree, admin: User | None, body: DeviceEnrol) -> dict[str, Any]:
    root = admin.area_code if admin else next(
        (c for c, a in tree.by_code.items() if a.parent_code is None), None
    )
    if root is None:
        raise NotFound("Chưa có địa bàn nào; hãy chạy `loa demo` hoặc nhập địa bàn trước.", code="no_areas")
    area = body.area_code or registry.pick_area(session, tree, root)
    if admin is not None:
        ensure_in_scope(admin, tree, area)
    creds = registry.enrol(
        session, kind=body.kind, area_code=area, name=body.name, device_id=body.device_id,
        board_cols=body.board_cols, board_rows=body.board_rows, board_ascii=body.board_ascii,
        password_key=device_password_key(runtime.settings),
    )
    record_device_event(session, admin, "device_enrolled", creds.device.id, {"area": area, "kind": body.kind})
    session.commit()
    devices_changed(runtime, [creds.device.id])
    return credentials_body(runtime, creds)


def rotate(runtime: Any, session: Session, tree: AreaTree, admin: User, device_id: str) -> dict[str, Any]:
    device = registry.get_device(session, device_id)
    ensure_in_scope(admin, tree, device.area_code)
    creds = registry.rotate(session, device_id, device_password_key(runtime.settings))
    record_device_event(session, admin, "device_rotated", device_id, {})
    session.commit()
    devices_changed(runtime, [device_id], credentials_only=True)
    return credentials_body(runtime, creds)


def revoke(runtime: Any, session: Session, tree: AreaTree, admin: User, device_id: str) -> Device:
    device = registry.get_device(session, device_id)
    ensure_in_scope(admin, tree, device.area_code)
    device = registry.revoke(session, device_id, runtime.clock())
    record_device_event(session, admin, "device_revoked", device_id, {})
    session.commit()
    session.refresh(device)
    devices_changed(runtime, [device_id], credentials_only=True)
    return device
