"""Plain factory functions for test data."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from server.auth.tokens import issue_token
from server.models.areas import Area
from server.models.users import User
from server.runtime import Runtime
from server.services import areas as area_service
from server.services.users import create_user

PASSWORD = "test-password-1"


def add_area(session: Session, code: str, level: str, parent: str | None, name: str | None = None) -> Area:
    area = Area(code=code, name=name or f"Địa bàn {code}", level=level, parent_code=parent)
    session.add(area)
    session.flush()
    return area


def seed_two_communes(engine: Engine) -> None:
    """P01 → W001 (hamlets W001-T01, W001-T02) and W002 (hamlet W002-T01)."""
    with Session(engine) as session:
        add_area(session, "P01", "province", None, "Tỉnh Thử")
        add_area(session, "W001", "commune", "P01", "Xã Một")
        add_area(session, "W002", "commune", "P01", "Xã Hai")
        add_area(session, "W001-T01", "hamlet", "W001", "Thôn Một A")
        add_area(session, "W001-T02", "hamlet", "W001", "Thôn Một B")
        add_area(session, "W002-T01", "hamlet", "W002", "Thôn Hai A")
        session.commit()
    area_service.invalidate(engine)


def add_user(engine: Engine, username: str, role: str, area: str) -> User:
    with Session(engine) as session:
        user = create_user(session, username, PASSWORD, role, area)
        session.commit()
        session.refresh(user)
        return user


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


_shared_hash: list[str] = []


def add_users(engine: Engine, specs: list[tuple[str, str, str]]) -> dict[str, User]:
    """Users (username, role, area) sharing one password hash: argon2 runs once, not per user."""
    from server.auth.passwords import hash_password

    if not _shared_hash:
        _shared_hash.append(hash_password(PASSWORD))
    with Session(engine) as session:
        users = {name: User(username=name, password_hash=_shared_hash[0], role=role, area_code=area)
                 for name, role, area in specs}
        session.add_all(users.values())
        session.commit()
        for user in users.values():
            session.refresh(user)
            session.expunge(user)
    return users


def bearer(runtime: Runtime, user: User) -> dict[str, str]:
    """An access token issued directly (login itself is tested with real passwords)."""
    assert user.id is not None
    token = issue_token(runtime.jwt_secret, user.id, runtime.settings.token_minutes, now=runtime.clock())
    return {"Authorization": f"Bearer {token}"}
