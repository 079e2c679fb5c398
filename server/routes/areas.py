"""The area tree, read by any signed-in user."""

from __future__ import annotations

from fastapi import APIRouter

from server.deps import AreaTreeDep, CurrentUser, SessionDep
from server.errors import NotFound
from server.models.areas import Area, AreaPublic
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
