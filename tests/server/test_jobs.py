"""The job system: progress in the database, failures recorded, restart re-runs unfinished jobs."""

from __future__ import annotations

import threading
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from server.jobs import JobContext, JobRunner, execute_job, job_kind
from server.models.jobs import Job
from server.runtime import Runtime
from tests.factories import add_user, login, seed_two_communes

finished = threading.Event()


@job_kind("test.count")
def _count(ctx: JobContext) -> dict[str, Any]:
    for step in range(1, 5):
        ctx.progress(step * 25)
    finished.set()
    return {"counted": ctx.params["n"]}


@job_kind("test.fail")
def _fail(ctx: JobContext) -> dict[str, Any]:
    ctx.progress(40)
    raise ValueError("boom")


def test_job_runs_with_progress_and_result(runtime: Runtime, client: TestClient) -> None:
    seed_two_communes(runtime.engine)
    user = add_user(runtime.engine, "canbo1", "officer", "W001")
    with Session(runtime.engine) as session:
        job = runtime.jobs.submit(session, "test.count", {"n": 3}, user.id)
    assert job.state == "queued"
    assert job.id is not None
    done = execute_job(runtime.engine, job.id, runtime)
    assert (done.state, done.percent, done.result) == ("succeeded", 100, {"counted": 3})
    body = client.get(f"/api/v1/jobs/{job.id}", headers=login(client, "canbo1")).json()
    assert body["state"] == "succeeded" and body["percent"] == 100


def test_failed_job_keeps_error_and_progress(runtime: Runtime) -> None:
    with Session(runtime.engine) as session:
        job = runtime.jobs.submit(session, "test.fail", {})
    assert job.id is not None
    done = execute_job(runtime.engine, job.id, runtime)
    assert done.state == "failed" and done.percent == 40
    assert done.error == "ValueError: boom"


def test_unfinished_job_runs_after_restart(runtime: Runtime) -> None:
    """A job queued while no scheduler ran (or cut by a stop) is picked up when one starts."""
    finished.clear()
    with Session(runtime.engine) as session:
        job = runtime.jobs.submit(session, "test.count", {"n": 7})
    fresh = JobRunner(runtime.engine, runtime.settings.db_url, runtime)
    fresh.start()
    try:
        assert finished.wait(timeout=20)
    finally:
        fresh.shutdown()
    with Session(runtime.engine) as session:
        stored = session.get(Job, job.id)
        assert stored is not None and stored.state == "succeeded"
        assert stored.result == {"counted": 7}


def test_scheduled_functions_are_stored_by_stable_name(runtime: Runtime, caplog: Any) -> None:
    """The store holds `run_named(<name>)`, never a module path: renaming a function breaks nothing."""
    from server.jobs import RUN_NAMED, _named, run_named
    from server.scheduling.component import RECURRING, SchedulerComponent

    runner = JobRunner(runtime.engine, runtime.settings.db_url, runtime)
    runner.start(paused=True)
    saved, runtime.jobs = runtime.jobs, runner
    try:
        comp = SchedulerComponent()
        comp.start(runtime)
        comp.on_elected()
        stored = {job.id: job for job in runner.scheduler.get_jobs()}
        for job_id in [*RECURRING, "recompile"]:
            assert stored[job_id].func_ref == RUN_NAMED and stored[job_id].args == (job_id,)
            assert job_id in _named
    finally:
        runtime.jobs = saved
        runner.shutdown()
    run_named("a-function-that-was-removed")  # logged, never raised into the scheduler
    assert "a-function-that-was-removed" in caplog.text


def test_removing_a_job_that_is_already_gone_does_not_raise(runtime: Runtime) -> None:
    """APScheduler's loop removes each finished date job; if it vanished meanwhile the loop
    thread must survive (a JobLookupError there would stop every later job)."""
    runner = JobRunner(runtime.engine, runtime.settings.db_url, runtime)
    runner.start(paused=True)
    try:
        runner.scheduler.remove_job("recompile")  # never added: gone already
        assert runner.scheduler.running
    finally:
        runner.shutdown()
