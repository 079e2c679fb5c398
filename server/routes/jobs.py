"""Background job state and progress."""

from __future__ import annotations

from fastapi import APIRouter

from server.bounds import IdPath
from server.deps import CurrentUser, SessionDep
from server.errors import Forbidden, NotFound
from server.models.jobs import Job, JobPublic

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


@router.get("/{job_id}", response_model=JobPublic)
def get_job(job_id: IdPath, session: SessionDep, user: CurrentUser) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"Không tìm thấy công việc số {job_id}.", code="job_not_found")
    if job.created_by not in (None, user.id) and user.role != "admin":
        raise Forbidden("Công việc này không thuộc về bạn.", code="job_forbidden")
    return job
