"""A bulletin's versions and the change against the last approved version (what the approver
reviews); same scope as reading the bulletin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from server.deps import ReaderUser, SessionDep
from server.routes.bulletins import ScopedBulletin
from server.services import bulletin_history as service

router = APIRouter(prefix="/api/v1/bulletins", tags=["bulletins"])


class DiffRun(BaseModel):
    op: str
    text: str


class DiffOut(BaseModel):
    base_version: int | None
    version: int
    unchanged: bool
    fields: dict[str, list[DiffRun]]
    changed: list[dict[str, Any]]


@router.get("/{bulletin_id}/versions", response_model=list[service.VersionInfo])
def list_versions(user: ReaderUser, bulletin: ScopedBulletin, session: SessionDep) -> list[service.VersionInfo]:
    """Every version of the bulletin, newest first (``current``: being worked on;
    ``airing_version``: the last approved one)."""
    return service.versions(session, bulletin)


@router.get("/{bulletin_id}/diff", response_model=DiffOut)
def diff(user: ReaderUser, bulletin: ScopedBulletin, session: SessionDep) -> DiffOut:
    """The current version against the last approved one: a word-level diff of title, body and
    board text (runs of ``equal``/``insert``/``delete``) and the other fields that changed."""
    d = service.diff_against_approved(session, bulletin)
    return DiffOut(base_version=d.base_version, version=d.version, unchanged=d.unchanged,
                   fields={k: [DiffRun(**r) for r in v] for k, v in d.fields.items()}, changed=d.changed)
