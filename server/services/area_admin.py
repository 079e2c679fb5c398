"""Administrators create, rename and retire hamlets/clusters below a commune (no package lists
them). Every change is audited and invalidates the cached area tree.

Rules: a new area goes directly below an existing, active commune or hamlet inside the admin's
scope, its level is ``hamlet``, its code is new and safe in MQTT topics; a rename keeps the code;
retiring needs an active successor of the same level inside scope (old reports and printed links
resolve to it) and an area with active children cannot be retired. Provinces and communes come
from the official package (``loa demo``/import): they are not created or retired here.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, select

from server.deps import ensure_in_scope
from server.errors import Conflict, Forbidden, Invalid
from server.models.areas import Area
from server.models.users import User
from server.services import areas as area_service
from server.services import audit
from server.services.areas import AreaTree

NAME_MAX = 200
EDITABLE_LEVELS = frozenset({"hamlet"})
PARENT_LEVELS = frozenset({"commune", "hamlet"})


class AreaCreate(SQLModel):
    code: str
    name: str
    parent_code: str


class AreaUpdate(SQLModel):
    name: str | None = None
    retire: bool = False
    successor_code: str | None = None


def clean_name(value: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", value).split())
    if not name:
        raise Invalid("Tên địa bàn không được để trống.", code="empty_text")
    if len(name) > NAME_MAX or any(unicodedata.category(ch) == "Cc" for ch in name):
        raise Invalid(f"Tên địa bàn tối đa {NAME_MAX} ký tự, không chứa ký tự điều khiển.", code="bad_area_name")
    return name


def _editable(admin: User, tree: AreaTree, code: str) -> Area:
    info = tree.get(code)
    ensure_in_scope(admin, tree, code)
    if info.level not in EDITABLE_LEVELS:
        raise Forbidden("Chỉ được sửa thôn, tổ dân phố, cụm loa; tỉnh và xã lấy theo danh mục chính thức.",
                        code="area_not_editable")
    return Area(code=info.code, name=info.name, level=info.level, parent_code=info.parent_code)


def create_area(session: Session, engine: Engine, admin: User, tree: AreaTree, data: AreaCreate) -> Area:
    code = area_service.validate_code(data.code.strip())
    name = clean_name(data.name)
    parent = tree.get(data.parent_code)
    ensure_in_scope(admin, tree, parent.code)
    if parent.level not in PARENT_LEVELS or parent.retired:
        raise Invalid("Chỉ tạo được thôn, tổ dân phố hoặc cụm loa dưới một xã, phường đang hoạt động.",
                      code="bad_parent")
    if session.get(Area, code) is not None:
        raise Conflict(f"Mã địa bàn {code} đã có.", code="area_exists")
    area = Area(code=code, name=name, level="hamlet", parent_code=parent.code)
    session.add(area)
    audit.record(session, admin, "area_created", f"area:{code}", {"name": name, "parent": parent.code})
    session.commit()
    area_service.invalidate(engine)
    session.refresh(area)
    return area


def update_area(session: Session, engine: Engine, admin: User, tree: AreaTree, code: str, data: AreaUpdate,
                now: datetime) -> Area:
    _editable(admin, tree, code)
    area = session.get(Area, code)
    assert area is not None
    changes: dict[str, object] = {}
    if data.name is not None:
        name = clean_name(data.name)
        if name != area.name:
            changes["name"] = {"from": area.name, "to": name}
            area.name = name
    if data.retire and area.retired_at is None:
        successor = tree.get(data.successor_code or "")
        ensure_in_scope(admin, tree, successor.code)
        if successor.code == code or successor.retired or successor.level != area.level or \
                tree.is_within(successor.code, code):
            raise Invalid("Chọn một thôn, tổ dân phố khác đang hoạt động để tiếp nhận.", code="bad_successor")
        children = session.exec(select(Area.code).where(Area.parent_code == code,
                                                         col(Area.retired_at).is_(None))).first()
        if children is not None:
            raise Conflict("Địa bàn còn địa bàn con đang hoạt động.", code="area_has_children")
        area.retired_at, area.successor_code = now, successor.code
        changes["retired"] = {"successor": successor.code}
    if changes:
        session.add(area)
        audit.record(session, admin, "area_updated", f"area:{code}", changes)
        session.commit()
        area_service.invalidate(engine)
        session.refresh(area)
    return area
