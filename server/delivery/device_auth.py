"""Device principals over HTTP: Basic auth with the device's broker username/password."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from server.auth.tokens import decode_token
from server.deps import RuntimeDep, SessionDep
from server.errors import Forbidden, Unauthorized
from server.models.devices import Device
from server.models.users import User
from server.services.devices import authenticate

basic = HTTPBasic(auto_error=False)


def current_device(
    session: SessionDep, credentials: Annotated[HTTPBasicCredentials | None, Depends(basic)]
) -> Device:
    if credentials is None:
        raise Unauthorized("Thiết bị cần xác thực.", code="device_auth_required")
    device = authenticate(session, credentials.username, credentials.password)
    if device is None:
        raise Unauthorized("Thông tin xác thực thiết bị không đúng hoặc đã bị thu hồi.", code="bad_device_auth")
    session.expunge(device)
    return device


CurrentDevice = Annotated[Device, Depends(current_device)]


def device_or_user(
    request: Request, runtime: RuntimeDep, session: SessionDep,
    credentials: Annotated[HTTPBasicCredentials | None, Depends(basic)],
) -> Device | User:
    """Media is served to devices (Basic) and to signed-in users (bearer token or cookie)."""
    if credentials is not None:
        return current_device(session, credentials)
    header = request.headers.get("authorization", "")
    token = header[7:] if header.lower().startswith("bearer ") else request.cookies.get("loa_token")
    user_id = decode_token(runtime.jwt_secret, token) if token else None
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        raise Unauthorized()
    return user


def enrolment_principal(request: Request, runtime: RuntimeDep, session: SessionDep) -> User | None:
    """An admin (bearer JWT) or the demo enrolment token; returns the admin, or None for the token."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise Unauthorized("Cần mã quản trị hoặc mã đăng ký thiết bị.", code="enrolment_auth_required")
    token = header[7:].strip()
    settings = runtime.settings
    path = settings.enrolment_token_path
    if settings.allow_enrolment_token and path.exists():
        expected = path.read_text().strip()
        if expected and secrets.compare_digest(token.encode(), expected.encode()):
            return None
    user_id = decode_token(runtime.jwt_secret, token)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        raise Unauthorized("Mã đăng ký thiết bị không hợp lệ.", code="bad_enrolment_token")
    if user.role != "admin":
        raise Forbidden("Chỉ quản trị viên được đăng ký thiết bị.", code="role_forbidden")
    return user
