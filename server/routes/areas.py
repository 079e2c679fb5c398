"""The area tree, read by any signed-in user; hamlets created, renamed and retired by admins."""

from __future__ import annotations

from fastapi import APIRouter

from server.deps import AdminUser, AreaTreeDep, CurrentUser, RuntimeDep, SessionDep
from server.errors import NotFound
from server.models.areas import Area, AreaPublic
from server.services.area_admin import AreaCreate, AreaUpdate, create_area, update_area
from server.services.areas import list_areas

router = APIRouter(prefix="/api/v1/areas", tags=["areas"])


@router.get("", response_model=list[AreaPublic])
def get_areas(session: SessionDep, user: CurrentUser, root: str | None = None) -> list[Area]:
    """Every area (with retired ones marked), or the subtree under ``root``."""
    return list_areas(session, root=root)


@router.get("/{code}", response_model=AreaPublic)
def get_area(code: str, session: SessionDep, user: CurrentUser, tree: AreaTreeDep) -> Area:
    area = session.get(Area, code)
    if area is None:
        raise NotFound(f"Không tìm thấy địa bàn có mã {code}.", code="area_not_found")
    return area


@router.post("", response_model=AreaPublic, status_code=201)
def add_area(data: AreaCreate, runtime: RuntimeDep, session: SessionDep, admin: AdminUser, tree: AreaTreeDep) -> Area:
    """Create a hamlet/cluster below a commune or hamlet of the admin's scope (audited)."""
    return create_area(session, runtime.engine, admin, tree, data)


@router.patch("/{code}", response_model=AreaPublic)
def change_area(code: str, data: AreaUpdate, runtime: RuntimeDep, session: SessionDep, admin: AdminUser,
                tree: AreaTreeDep) -> Area:
    """Rename a hamlet, or retire it with a successor (audited)."""
    return update_area(session, runtime.engine, admin, tree, code, data, runtime.clock())
