"""Stream sources over HTTP: propose (officer/approver of the area), list (own + inherited),
approve or reject (approvers of the source's area, never the proposer). Approval recompiles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from server.bounds import IdPath
from server.deps import ApproverUser, AreaTreeDep, AuthorUser, ReaderUser, RuntimeDep, SessionDep, ensure_in_scope
from server.models.streams import TITLE_MAX, URL_MAX, StreamStatus
from server.services import streams

router = APIRouter(prefix="/api/v1", tags=["streams"])


class StreamIn(BaseModel):
    url: str = Field(min_length=1, max_length=URL_MAX)
    title: str = Field(min_length=1, max_length=TITLE_MAX)


class StreamPublic(BaseModel):
    id: int
    area_code: str
    url: str
    title: str
    status: str = Field(description="pending | approved | rejected")
    approved: bool = Field(description="approved and its approval binding intact: relays of it air")
    inherited: bool = Field(description="defined on an ancestor of the area asked about")
    created_by: int | None
    created_at: datetime
    approved_by: int | None
    approved_at: datetime | None
    rejected_by: int | None
    rejected_at: datetime | None
    rejection_reason: str | None


class RejectIn(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)


@router.post("/areas/{code}/streams", status_code=201, response_model=StreamPublic)
def propose_stream(code: str, body: StreamIn, session: SessionDep, user: AuthorUser,
                   tree: AreaTreeDep) -> dict[str, Any]:
    """A new source starts ``pending``; nothing relays it until an approver of the area approves."""
    ensure_in_scope(user, tree, code)
    source = streams.create_source(session, user, code, body.url, body.title)
    session.commit()
    session.refresh(source)
    return streams.public(source)


@router.get("/areas/{code}/streams", response_model=list[StreamPublic])
def list_streams(code: str, session: SessionDep, user: ReaderUser, tree: AreaTreeDep,
                 subtree: bool = False, status: StreamStatus | None = None) -> list[dict[str, Any]]:
    """Sources a slot of the area may relay: its own and its ancestors' (``inherited``).
    ``subtree=true`` adds the sources of every area below (e.g. ``status=pending``: what awaits approval)."""
    ensure_in_scope(user, tree, code)
    return streams.list_sources(session, tree, code, subtree=subtree, status=status)


@router.get("/streams/{stream_id}", response_model=StreamPublic)
def get_stream(stream_id: IdPath, session: SessionDep, user: ReaderUser, tree: AreaTreeDep) -> dict[str, Any]:
    source = streams.get_source(session, stream_id)
    streams.ensure_visible(user, tree, source)
    return streams.public(source, inherited=source.area_code != user.area_code
                          and not tree.is_within(source.area_code, user.area_code))


@router.post("/streams/{stream_id}/approve", response_model=StreamPublic)
def approve_stream(stream_id: IdPath, session: SessionDep, user: ApproverUser, tree: AreaTreeDep,
                   runtime: RuntimeDep) -> dict[str, Any]:
    source = streams.approve(session, user, tree, streams.get_source(session, stream_id), runtime.clock())
    _recompile(runtime)
    return streams.public(source)


@router.post("/streams/{stream_id}/reject", response_model=StreamPublic)
def reject_stream(stream_id: IdPath, body: RejectIn, session: SessionDep, user: ApproverUser, tree: AreaTreeDep,
                  runtime: RuntimeDep) -> dict[str, Any]:
    source = streams.get_source(session, stream_id)
    was_airing = streams.is_approved(source)
    source = streams.reject(session, user, tree, source, body.reason, runtime.clock())
    if was_airing:
        _recompile(runtime)
    return streams.public(source)


def _recompile(runtime: Any) -> None:
    scheduler = runtime.scheduler
    if scheduler is not None:
        scheduler.request_recompile()
