"""The job system: APScheduler 3.x with a persistent SQLAlchemy job store.

Only the process that leads the scheduler (server/scheduling/leader.py) starts it. It serves
recurring schedules (nightly compile, expiry…) and one-off background jobs (synthesis, exports).
One-off jobs have a row in ``job`` with state and percent so that any process can report
progress. Job functions are registered by kind and referenced by a textual path, so a restart
re-reads them from the store instead of losing them. A job submitted by another process (an API
replica) is only a ``queued`` row: the leader picks it up within a second. Running a job claims
its row first (queued → running in one UPDATE), so a job handed to the executor twice runs once;
a job left ``running`` by a dead leader is re-run once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from server.errors import Invalid, NotFound
from server.models.jobs import Job

log = logging.getLogger(__name__)

PICKUP_SECONDS = 1.0
# A job interrupted by a crash runs again once; interrupted twice, it is failed (it may be the cause).
MAX_ATTEMPTS = 2
JobFunction = Callable[["JobContext"], dict[str, Any] | None]
_registry: dict[str, JobFunction] = {}
# Scheduled functions under stable names: the persistent store holds ``run_named(name)``, never a
# module path, so renaming or moving a function cannot break jobs stored before the change.
_named: dict[str, Callable[[], None]] = {}
RUN_NAMED = "server.jobs:run_named"


def scheduled(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register a function the scheduler runs by ``name`` (recurring jobs, debounced compiles)."""

    def decorate(fn: Callable[[], None]) -> Callable[[], None]:
        _named[name] = fn
        return fn

    return decorate


def run_named(name: str) -> None:
    """Entry point APScheduler calls (by textual reference) for scheduled functions."""
    fn = _named.get(name)
    if fn is None:
        log.error("no scheduled function is registered as %r; skipping this run", name)
        return
    fn()


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
                job.updated_at = now_of(self.runtime)
                session.add(job)
                session.commit()


class _Current:
    """The runtime the scheduler's worker threads use (set when the scheduler starts)."""

    runtime: Any = None
    engine: Engine | None = None


def now_of(runtime: Any) -> datetime:
    """The runtime's clock (tests inject one); the wall clock for a job run without one (the
    CLI runs jobs with a stand-in that carries only the settings)."""
    clock = getattr(runtime, "clock", None)
    return clock() if clock is not None else datetime.now(UTC)


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
        claimed = session.connection().execute(
            update(Job).where(col(Job.id) == job_id, col(Job.state) == "queued")
            .values(state="running", percent=0, attempts=Job.attempts + 1, updated_at=now_of(runtime))
        ).rowcount
        session.commit()
        session.refresh(job)
        if not claimed:
            return job  # finished, or running in another executor thread
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
        job.updated_at = now_of(runtime)
        session.add(job)
        session.commit()
        session.refresh(job)
        return job


class _Scheduler(BackgroundScheduler):
    """APScheduler's loop removes a finished date job after running it; when that job is already
    gone from the store (replaced or removed meanwhile, seen under load), ``remove_job`` raises
    inside the loop thread and kills it — and with it every later job. Gone is what was wanted."""

    def remove_job(self, job_id: str, jobstore: str | None = None) -> None:
        try:
            super().remove_job(job_id, jobstore)
        except JobLookupError:
            log.debug("job %s was already removed from the store", job_id)


class JobRunner:
    """Owns the APScheduler instance; started and stopped by the app's lifespan."""

    def __init__(self, engine: Engine, db_url: str, runtime: Any = None, workers: int = 2) -> None:
        self.engine = engine
        self.runtime = runtime
        self.workers = workers
        self.scheduler = self._new_scheduler()
        self._lock = threading.Lock()
        self._pickup_stop = threading.Event()
        self._pickup: threading.Thread | None = None

    def _new_scheduler(self) -> BackgroundScheduler:
        return _Scheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.engine)},
            executors={"default": ThreadPoolExecutor(self.workers)},
            # Coalesce missed runs of a recurring job into one; each job sets its own grace.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
            timezone=UTC,
        )

    def start(self, *, paused: bool = False) -> None:
        """``paused``: load the persistent store but fire nothing (tests inspect it)."""
        if self.scheduler.running:
            return
        if getattr(self.scheduler, "_loa_stopped", False):
            self.scheduler = self._new_scheduler()  # re-elected after stepping down
        _Current.engine, _Current.runtime = self.engine, self.runtime
        self.scheduler.start(paused=paused)
        self._recover_interrupted()
        self._requeue_unfinished()
        if not paused:
            self._pickup_stop.clear()
            self._pickup = threading.Thread(target=self._pickup_loop, name="loa-job-pickup", daemon=True)
            self._pickup.start()

    def shutdown(self) -> None:
        self._pickup_stop.set()
        if self._pickup is not None:
            self._pickup.join(timeout=10)
            self._pickup = None
        if self.scheduler.running:
            # APScheduler 3's loop runs one more pass after shutdown() flips the state, handing
            # due jobs to executors that are already closed (and dropping date jobs from the
            # persistent store). Disarm that pass: due jobs stay stored for the next start.
            self.scheduler._process_jobs = lambda: None
            self.scheduler._loa_stopped = True
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
        now = now_of(self.runtime)
        job = Job(kind=kind, params=params, created_by=user_id, created_at=now, updated_at=now)
        session.add(job)
        session.commit()
        session.refresh(job)
        assert job.id is not None
        self._schedule(job.id)
        return job

    def _schedule(self, job_id: int) -> None:
        if not self.scheduler.running:
            return  # the leader's pickup (or the next start) runs it
        self.scheduler.add_job(
            "server.jobs:run_job", trigger="date", args=[job_id], id=f"job-{job_id}",
            replace_existing=True, misfire_grace_time=None,
        )

    def _recover_interrupted(self) -> None:
        """Only the leader runs jobs, so a ``running`` row at election was cut by a dead leader."""
        now = now_of(self.runtime)
        with Session(self.engine) as session:
            running = col(Job.state) == "running"
            session.execute(update(Job).where(running, col(Job.attempts) >= MAX_ATTEMPTS).values(
                state="failed", updated_at=now,
                error="Công việc bị gián đoạn hai lần (máy chủ dừng đột ngột); hãy thử lại."))
            session.execute(update(Job).where(running).values(state="queued", updated_at=now))
            session.commit()

    def _requeue_unfinished(self) -> None:
        """Queued jobs (from any process, or cut by a stop) are handed to the executor."""
        with Session(self.engine) as session:
            ids = session.exec(select(Job.id).where(col(Job.state) == "queued")).all()
        for job_id in ids:
            if job_id is not None and self.scheduler.get_job(f"job-{job_id}") is None:
                self._schedule(job_id)

    def _pickup_loop(self) -> None:
        while not self._pickup_stop.wait(PICKUP_SECONDS):
            try:
                self._requeue_unfinished()
            except Exception:  # database briefly away: the next pass retries
                log.warning("job pickup failed", exc_info=True)
