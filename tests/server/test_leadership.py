"""One scheduler per database: PostgreSQL advisory-lock leadership, takeover, job hand-off."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from server.db import get_engine, migrate
from server.jobs import JobContext, JobRunner, job_kind
from server.models.jobs import Job
from server.runtime import build_runtime
from server.scheduling.leader import Leadership
from server.settings import Settings
from tests.services import fresh_postgres_database

pytestmark = pytest.mark.postgres
ran: list[int] = []
ran_event = threading.Event()


@job_kind("test.leader-ran")
def _record(ctx: JobContext) -> dict[str, Any]:
    ran.append(ctx.job_id)
    ran_event.set()
    return {"ok": True}


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with fresh_postgres_database() as url:
        migrate(url)
        yield url


@pytest.fixture
def pg_engine(pg_url: str) -> Engine:
    engine = get_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM job"))
    return engine


def _leader(engine: Engine, events: list[str], name: str) -> Leadership:
    lead = Leadership(engine, campaign=True, retry_seconds=0.1)
    lead.start(lambda: events.append(f"{name}+"), lambda: events.append(f"{name}-"))
    return lead


def test_one_leader_and_takeover_when_it_stops(pg_engine: Engine) -> None:
    events: list[str] = []
    first = _leader(pg_engine, events, "a")
    assert first.elected.wait(5)
    second = _leader(pg_engine, events, "b")
    try:
        assert not second.elected.wait(0.5)  # five campaign rounds lost to the holder
        assert (first.role, second.role) == ("leader", "standby")
        first.stop()
        assert second.elected.wait(5)
        assert events == ["a+", "a-", "b+"]
    finally:
        second.stop()
        first.stop()


def test_leader_whose_connection_dies_steps_down(pg_engine: Engine) -> None:
    """What SIGKILL of the leader looks like to PostgreSQL: its session ends, the lock is free."""
    events: list[str] = []
    first = _leader(pg_engine, events, "a")
    assert first.elected.wait(5)
    pid = first._conn.info.backend_pid
    with pg_engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    second = _leader(pg_engine, events, "b")
    try:
        assert second.elected.wait(5)
        deadline = threading.Event()
        for _ in range(50):
            if "a-" in events:
                break
            deadline.wait(0.1)
        assert first.role == "standby" and "a-" in events
    finally:
        second.stop()
        first.stop()


def test_api_role_never_campaigns(pg_engine: Engine) -> None:
    lead = Leadership(pg_engine, campaign=False)
    lead.start(lambda: pytest.fail("an api replica must never lead"), lambda: None)
    assert lead.role == "off" and not lead.is_leader
    lead.stop()


def test_job_submitted_through_a_replica_runs_on_the_leader(pg_url: str, pg_engine: Engine, tmp_path: Any) -> None:
    ran.clear()
    ran_event.clear()
    leader = build_runtime(Settings(data_dir=tmp_path / "a", database_url=pg_url))
    replica = build_runtime(Settings(data_dir=tmp_path / "b", database_url=pg_url), role="api")
    leader.start()
    replica.start()
    try:
        assert leader.leadership is not None and leader.leadership.elected.wait(5)
        assert replica.leadership is not None and replica.leadership.role == "off"
        assert not replica.jobs.scheduler.running
        with Session(replica.engine) as session:
            job = replica.jobs.submit(session, "test.leader-ran", {})
        assert ran_event.wait(10)
        assert ran == [job.id]
    finally:
        replica.stop()
        leader.stop()


def test_job_cut_by_a_dead_leader_runs_once_more_then_fails(pg_engine: Engine) -> None:
    ran.clear()
    ran_event.clear()
    now = datetime.now(UTC)
    with Session(pg_engine) as session:
        once = Job(kind="test.leader-ran", state="running", attempts=1, params={}, updated_at=now)
        twice = Job(kind="test.leader-ran", state="running", attempts=2, params={}, updated_at=now)
        session.add(once)
        session.add(twice)
        session.commit()
        once_id, twice_id = once.id, twice.id
    runner = JobRunner(pg_engine, "")
    runner.start()
    try:
        assert ran_event.wait(10)
    finally:
        runner.shutdown()
    with Session(pg_engine) as session:
        first, second = session.get(Job, once_id), session.get(Job, twice_id)
        assert first is not None and second is not None
        assert (first.state, first.attempts) == ("succeeded", 2)
        assert second.state == "failed" and "gián đoạn" in (second.error or "")
    assert ran == [once_id]  # the twice-cut job never ran again


def test_a_job_handed_to_the_executor_twice_runs_once(pg_engine: Engine) -> None:
    from server.jobs import execute_job

    ran.clear()
    with Session(pg_engine) as session:
        job = Job(kind="test.leader-ran", params={})
        session.add(job)
        session.commit()
        job_id = job.id
    assert job_id is not None
    threads = [threading.Thread(target=execute_job, args=(pg_engine, job_id)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert ran == [job_id]
