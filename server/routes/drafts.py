"""Drafts autosave: ``GET|PUT|DELETE /api/v1/drafts/{key}`` — the caller's own form state."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import BaseModel

from server.deps import CurrentUser, RuntimeDep, SessionDep
from server.services import drafts as service

router = APIRouter(prefix="/api/v1/drafts", tags=["drafts"])


class DraftOut(BaseModel):
    key: str
    data: dict[str, Any]
    updated_at: datetime


@router.get("/{key}", response_model=DraftOut)
def get_draft(key: str, user: CurrentUser, session: SessionDep) -> DraftOut:
    draft = service.get_draft(session, user, key)
    return DraftOut(key=draft.key, data=draft.data, updated_at=draft.updated_at)


@router.put("/{key}", response_model=DraftOut)
def put_draft(key: str, data: Annotated[dict[str, Any], Body(description="form state, ≤ 64 KiB of JSON")],
              user: CurrentUser, session: SessionDep, runtime: RuntimeDep) -> DraftOut:
    """Save the form state (a JSON object of at most 64 KiB) under ``key``."""
    draft = service.save_draft(session, user, key, data, now=runtime.clock())
    return DraftOut(key=draft.key, data=draft.data, updated_at=draft.updated_at)


@router.delete("/{key}", status_code=204)
def delete_draft(key: str, user: CurrentUser, session: SessionDep) -> None:
    service.delete_draft(session, user, key)
