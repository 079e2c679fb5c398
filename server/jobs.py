"""The job system: APScheduler 3.x with a persistent SQLAlchemy job store.

One scheduler serves recurring schedules (nightly compile, expiry…) and one-off background
jobs (synthesis, exports). One-off jobs have a row in ``job`` with state and percent so that
any process can report progress. Job functions are registered by kind and referenced by a
textual path, so a restart re-reads them from the store instead of losing them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from server.errors import Invalid, NotFound
from server.models.jobs import Job

log = logging.getLogger(__name__)

JobFunction = Callable[["JobContext"], dict[str, Any] | None]
_registry: dict[str, JobFunction] = {}


def job_kind(kind: str) -> Callable[[JobFunction], JobFunction]:
    """Register a function as the handler for one-off jobs of ``kind``."""

    def decorate(fn: JobFunction) -> JobFunction:
        _registry[kind] = fn
        return fn

    return decorate


@dataclass
class JobContext:
    job_id: int
    params: dict[str, Any]
    engine: Engine
    runtime: Any

    def progress(self, percent: float) -> None:
        with Session(self.engine) as session:
            job = session.get(Job, self.job_id)
            if job is not None:
                job.percent = max(0, min(100, int(percent)))
                job.updated_at = datetime.now(UTC)
                session.add(job)
                session.commit()


class _Current:
    """The runtime the scheduler's worker threads use (set when the scheduler starts)."""

    runtime: Any = None
    engine: Engine | None = None


def current_runtime() -> Any:
    """The runtime of the running scheduler (for job functions APScheduler calls by reference)."""
    return _Current.runtime


def run_job(job_id: int) -> None:
    """Entry point APScheduler calls (by textual reference) for one-off jobs."""
    engine = _Current.engine
    if engine is None:
        log.error("job %s fired with no runtime; leaving it queued", job_id)
        return
    execute_job(engine, job_id, _Current.runtime)


def execute_job(engine: Engine, job_id: int, runtime: Any = None) -> Job:
    with Session(engine) as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFound(f"Không tìm thấy công việc số {job_id}.", code="job_not_found")
        if job.state in ("succeeded", "failed"):
            return job
        job.state, job.percent, job.updated_at = "running", 0, datetime.now(UTC)
        session.add(job)
        session.commit()
        kind, params = job.kind, dict(job.params)
    fn = _registry.get(kind)
    result: dict[str, Any] | None = None
    error: str | None = None
    try:
        if fn is None:
            raise RuntimeError(f"no handler registered for job kind {kind!r}")
        result = fn(JobContext(job_id, params, engine, runtime))
    except Exception as exc:  # a job failure is recorded, never crashes the scheduler
        log.exception("job %s (%s) failed", job_id, kind)
        error = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    with Session(engine) as session:
        job = session.get(Job, job_id)
        assert job is not None
        job.state = "failed" if error else "succeeded"
        job.percent = job.percent if error else 100
        job.error = error[:2000] if error else None
        job.result = result
        job.updated_at = datetime.now(UTC)
        session.add(job)
        session.commit()
        session.refresh(job)
        return job


class JobRunner:
    """Owns the APScheduler instance; started and stopped by the app's lifespan."""

    def __init__(self, engine: Engine, db_url: str, runtime: Any = None, workers: int = 2) -> None:
        self.engine = engine
        self.runtime = runtime
        self.scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=engine)},
            executors={"default": ThreadPoolExecutor(workers)},
            # Coalesce missed runs of a recurring job into one; each job sets its own grace.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
            timezone=UTC,
        )
        self._lock = threading.Lock()

    def start(self, *, paused: bool = False) -> None:
        """``paused``: load the persistent store but fire nothing (tests inspect it)."""
        _Current.engine, _Current.runtime = self.engine, self.runtime
        self.scheduler.start(paused=paused)
        self._requeue_unfinished()

    def shutdown(self) -> None:
        if self.scheduler.running:
            # APScheduler 3's loop runs one more pass after shutdown() flips the state, handing
            # due jobs to executors that are already closed (and dropping date jobs from the
            # persistent store). Disarm that pass: due jobs stay stored for the next start.
            self.scheduler._process_jobs = lambda: None
            self.scheduler.shutdown(wait=True)
            # APScheduler does not join its loop thread; a second scheduler on the same store
            # (a restart) must not race a loop that is still finishing.
            thread = getattr(self.scheduler, "_thread", None)
            if thread is not None:
                thread.join(timeout=10)
        _Current.engine = _Current.runtime = None

    def submit(self, session: Session, kind: str, params: dict[str, Any], user_id: int | None = None) -> Job:
        if kind not in _registry:
            raise Invalid(f"Loại công việc '{kind}' không tồn tại.", code="unknown_job_kind")
        job = Job(kind=kind, params=params, created_by=user_id)
        session.add(job)
        session.commit()
        session.refresh(job)
        assert job.id is not None
        self._schedule(job.id)
        return job

    def _schedule(self, job_id: int) -> None:
        if not self.scheduler.running:
            return  # picked up by _requeue_unfinished when the scheduler starts
        self.scheduler.add_job(
            "server.jobs:run_job", trigger="date", args=[job_id], id=f"job-{job_id}",
            replace_existing=True, misfire_grace_time=None,
        )

    def _requeue_unfinished(self) -> None:
        """Jobs interrupted by a stop run again: every job handler must be idempotent."""
        with Session(self.engine) as session:
            unfinished = col(Job.state).in_(("queued", "running"))
            ids = session.exec(select(Job.id).where(unfinished)).all()
        for job_id in ids:
            if job_id is not None and self.scheduler.get_job(f"job-{job_id}") is None:
                self._schedule(job_id)
