"""Pronunciation lexicon of an area: officers and approvers of the area manage it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from server.deps import AreaTreeDep, AuthorUser, ReaderUser, RuntimeDep, SessionDep, ensure_in_scope
from server.services import lexicon as service
from server.services.synthesis import resynthesize
from tts.normalize.lexicon import READING_MAX, TERM_MAX

router = APIRouter(prefix="/api/v1/areas", tags=["lexicon"])


class LexiconIn(BaseModel):
    term: str = Field(min_length=1, max_length=TERM_MAX, description="the token as written, e.g. KDC")
    reading: str = Field(min_length=1, max_length=READING_MAX, description="how to read it, e.g. khu dân cư")


@router.get("/{code}/lexicon")
def list_lexicon(code: str, session: SessionDep, user: ReaderUser, tree: AreaTreeDep) -> list[dict[str, Any]]:
    """Entries that apply to the area: its own and inherited ones (nearest area wins)."""
    ensure_in_scope(user, tree, code)
    return [entry.as_dict() for entry in service.effective_entries(session, tree, code)]


@router.post("/{code}/lexicon", status_code=201)
def set_entry(code: str, body: LexiconIn, session: SessionDep, user: AuthorUser, tree: AreaTreeDep,
              runtime: RuntimeDep) -> dict[str, Any]:
    """Add or replace the area's reading of a term; affected submitted bulletins are re-synthesized."""
    ensure_in_scope(user, tree, code)
    entry, changes = service.add_entry(session, user, tree, code, body.term, body.reading)
    session.commit()
    out = {"term": entry.term, "reading": entry.reading, "area_code": entry.area_code, "inherited": False}
    jobs = resynthesize(session, changes, settings=runtime.settings, jobs=runtime.jobs, user_id=user.id)
    return {**out, "resynthesis_job_ids": jobs}


@router.delete("/{code}/lexicon/{term:path}")  # a term may hold "/" ("Đ/c")
def delete_entry(code: str, term: str, session: SessionDep, user: AuthorUser, tree: AreaTreeDep,
                 runtime: RuntimeDep) -> dict[str, Any]:
    ensure_in_scope(user, tree, code)
    changes = service.remove_entry(session, user, tree, code, term[: TERM_MAX * 4])
    session.commit()
    jobs = resynthesize(session, changes, settings=runtime.settings, jobs=runtime.jobs, user_id=user.id)
    return {"removed": term, "area_code": code, "resynthesis_job_ids": jobs}
