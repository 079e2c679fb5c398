"""Emergency templates: read by every signed-in user, saved and deleted by approvers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from server.bounds import IdPath
from server.deps import ApproverUser, AreaTreeDep, CurrentUser, RuntimeDep, SessionDep, ensure_in_scope
from server.models.bulletins import BOARD_MAX, BODY_MAX, TITLE_MAX, Category
from server.models.console import EmergencyTemplate
from server.services import emergency_templates as service

router = APIRouter(prefix="/api/v1/emergency-templates", tags=["emergency templates"])


class TemplateIn(BaseModel):
    name: str = Field(max_length=service.NAME_MAX)
    title: str = Field(max_length=TITLE_MAX)
    body: str = Field(max_length=BODY_MAX)
    board_text: str = Field(max_length=BOARD_MAX)
    category: Category = Category.disaster
    validity_hours: int = Field(default=24, ge=1, le=service.MAX_VALIDITY_HOURS)
    area_code: str | None = Field(default=None, max_length=64, description="default: your own area")


class TemplateOut(BaseModel):
    id: int
    area_code: str | None
    builtin: bool
    name: str
    title: str
    body: str
    board_text: str
    category: str
    validity_hours: int


class PrefillOut(BaseModel):
    template: TemplateOut
    bulletin: dict[str, Any]


def _out(t: EmergencyTemplate) -> TemplateOut:
    assert t.id is not None
    return TemplateOut(id=t.id, area_code=t.area_code, builtin=t.area_code is None, name=t.name, title=t.title,
                       body=t.body, board_text=t.board_text, category=t.category,
                       validity_hours=t.validity_hours)


@router.get("", response_model=list[TemplateOut])
def list_templates(user: CurrentUser, session: SessionDep, tree: AreaTreeDep,
                   area: Annotated[str | None, Query(max_length=64)] = None) -> list[TemplateOut]:
    """Templates offered in ``area`` (default: yours): built-ins, then your area's and its ancestors'."""
    code = area or user.area_code
    ensure_in_scope(user, tree, code)
    return [_out(t) for t in service.visible_templates(session, tree, code)]


@router.post("", status_code=201, response_model=TemplateOut)
def create_template(body: TemplateIn, user: ApproverUser, session: SessionDep, tree: AreaTreeDep,
                    runtime: RuntimeDep) -> TemplateOut:
    area = body.area_code or user.area_code
    tree.get(area)
    row = service.create_template(session, tree, user, body.model_dump(), area_code=area, now=runtime.clock())
    return _out(row)


@router.get("/{template_id}", response_model=PrefillOut)
def get_template(template_id: IdPath, user: CurrentUser, session: SessionDep, tree: AreaTreeDep,
                 runtime: RuntimeDep) -> PrefillOut:
    """The template and the emergency bulletin it pre-fills (valid from now; targets: your area)."""
    row = service.get_template(session, tree, user, template_id)
    now: datetime = runtime.clock()
    return PrefillOut(template=_out(row),
                      bulletin=service.bulletin_prefill(row, now=now, targets=[user.area_code]))


@router.delete("/{template_id}", status_code=204)
def delete_template(template_id: IdPath, user: ApproverUser, session: SessionDep, tree: AreaTreeDep) -> None:
    service.delete_template(session, tree, user, template_id)
