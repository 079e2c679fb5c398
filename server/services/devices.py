"""Device registry: enrolment with per-device broker credentials, rotation, revocation, auth."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from devices.broker import Account, hash_password_mosquitto, verify_password_mosquitto
from devices.broker.credentials import new_derived_password, rederive_password
from server.errors import Conflict, Invalid, NotFound
from server.models.areas import Area
from server.models.devices import Device
from server.services.areas import AreaTree

DEVICE_ID_RE = re.compile(r"^[a-z0-9-]{1,64}$")
RESERVED_PREFIX = "loa-"
MAX_BOARD_CELLS = 512


@dataclass(frozen=True)
class Credentials:
    device: Device
    password: str


def _new_password(device_id: str, key: bytes | None) -> tuple[str, str]:
    """(password, hash): derived from ``key`` when given (the broker account can then be
    re-created by any server process), else random (only the hash can ever be replayed)."""
    if key is not None:
        return new_derived_password(key, device_id)
    password = secrets.token_urlsafe(18)
    return password, hash_password_mosquitto(password)


def _default_id(kind: str, area_code: str) -> str:
    stem = re.sub(r"[^a-z0-9-]", "-", area_code.lower())[:40]
    return f"{'spk' if kind == 'speaker' else 'brd'}-{stem}-{secrets.token_hex(4)}"


def pick_area(session: Session, tree: AreaTree, root: str) -> str:
    """Spread devices enrolled without an area over the hamlets under ``root`` (fewest first)."""
    hamlets = [c for c in tree.descendants(root) if tree.get(c).level == "hamlet" and not tree.get(c).retired]
    if not hamlets:
        return root
    counts = dict(
        session.exec(
            select(Device.area_code, func.count()).where(col(Device.area_code).in_(hamlets))
            .where(col(Device.revoked_at).is_(None)).group_by(Device.area_code)
        ).all()
    )
    return min(hamlets, key=lambda code: (counts.get(code, 0), code))


def enrol(
    session: Session, *, kind: str, area_code: str, name: str = "", device_id: str | None = None,
    board_cols: int | None = None, board_rows: int | None = None, board_ascii: bool = False,
    password_key: bytes | None = None,
) -> Credentials:
    if kind not in ("speaker", "board"):
        raise Invalid(f"Loại thiết bị '{kind}' không hợp lệ (speaker hoặc board).", code="bad_device_kind")
    if session.get(Area, area_code) is None:
        raise NotFound(f"Không tìm thấy địa bàn có mã {area_code}.", code="area_not_found")
    if kind == "board":
        board_cols, board_rows = board_cols or 20, board_rows or 2
        if not (1 <= board_cols <= MAX_BOARD_CELLS and 1 <= board_rows <= MAX_BOARD_CELLS):
            raise Invalid("Kích thước bảng điện tử không hợp lệ.", code="bad_board_geometry")
    else:
        board_cols = board_rows = None
    device_id = device_id or _default_id(kind, area_code)
    if not DEVICE_ID_RE.match(device_id) or device_id.startswith(RESERVED_PREFIX):
        # "loa-" names the server's own broker accounts and client ids (loa-ingest-..., loa-pub-...).
        raise Invalid(
            "Mã thiết bị chỉ gồm chữ thường không dấu, số và '-', tối đa 64 ký tự, "
            "không bắt đầu bằng 'loa-'.", code="bad_device_id"
        )
    if session.get(Device, device_id) is not None:
        raise Conflict(f"Thiết bị {device_id} đã được đăng ký.", code="device_exists")
    password, password_hash = _new_password(device_id, password_key)
    device = Device(
        id=device_id, kind=kind, area_code=area_code, name=name[:200], board_cols=board_cols,
        board_rows=board_rows, board_ascii=board_ascii, password_hash=password_hash,
    )
    session.add(device)
    session.flush()
    return Credentials(device, password)


def get_device(session: Session, device_id: str) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise NotFound(f"Không tìm thấy thiết bị {device_id}.", code="device_not_found")
    return device


def rotate(session: Session, device_id: str, password_key: bytes | None = None) -> Credentials:
    device = get_device(session, device_id)
    if device.revoked_at is not None:
        raise Conflict("Thiết bị đã bị thu hồi.", code="device_revoked")
    password, device.password_hash = _new_password(device_id, password_key)
    session.add(device)
    session.flush()
    return Credentials(device, password)


def revoke(session: Session, device_id: str, now: datetime) -> Device:
    device = get_device(session, device_id)
    if device.revoked_at is None:
        device.revoked_at = now
        device.status = "revoked"
        session.add(device)
        session.flush()
    return device


def authenticate(session: Session, device_id: str, password: str) -> Device | None:
    device = session.get(Device, device_id) if DEVICE_ID_RE.match(device_id) else None
    if device is None or device.revoked_at is not None:
        verify_password_mosquitto(password, "$7$101$AAAAAAAAAAAAAAAA$AAAA")  # equalise timing
        return None
    return device if verify_password_mosquitto(password, device.password_hash) else None


def broker_accounts(
    session: Session, password_key: bytes | None = None, device_ids: list[str] | None = None
) -> list[Account]:
    """Active devices' broker accounts (all, or those of ``device_ids``), with the plaintext
    re-derived where ``password_key`` made it (needed to create them over MQTT)."""
    query = select(Device.id, Device.password_hash).where(col(Device.revoked_at).is_(None))
    if device_ids is not None:
        query = query.where(col(Device.id).in_(device_ids))
    rows = session.exec(query.order_by(Device.id)).all()
    return [
        Account(device_id, password_hash,
                rederive_password(password_key, device_id, password_hash) if password_key else None)
        for device_id, password_hash in rows
    ]


def derived_password_source(password_key: bytes) -> Callable[[Account], str | None]:
    """For reconcile: the plaintext of one account, derived only when it must be (re)created."""
    return lambda account: rederive_password(password_key, account.username, account.password_hash)
