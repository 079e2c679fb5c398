"""One clock: the presence sweep, job timestamps and the ingest's receive time all read the
runtime's injected clock, so a test (or a replica) moving it moves them all."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

import server.scheduling.jobs  # noqa: F401  (registers the scheduled functions)
from devices import protocol
from devices.mqtt import ReceivedMessage
from server import jobs
from server.delivery.ingest import Ingest
from server.models.devices import Device, DeviceOutage
from server.runtime import Runtime
from tests.factories import seed_two_communes

FROZEN = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def seeded(runtime: Runtime) -> Iterator[Runtime]:
    seed_two_communes(runtime.engine)
    with Session(runtime.engine) as s:
        s.add(Device(id="loa-a", kind="speaker", area_code="W001-T01", password_hash="x",
                     status="online", last_seen_at=datetime.now(UTC)))
        s.commit()
    yield runtime


def _device(runtime: Runtime) -> Device:
    with Session(runtime.engine) as s:
        device = s.get(Device, "loa-a")
        assert device is not None
        return device


def test_presence_sweep_reads_the_runtime_clock(seeded: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs._Current, "runtime", seeded)  # what the scheduler sets when it starts
    jobs.run_named("presence-sweep")
    assert _device(seeded).status == "online"  # heard just now by the wall clock
    seeded.clock = lambda: datetime.now(UTC) + timedelta(hours=1)
    jobs.run_named("presence-sweep")
    assert _device(seeded).status == "offline"  # silent for an hour by the runtime's clock


@jobs.job_kind("test.clock")
def _noop(ctx: jobs.JobContext) -> dict[str, Any]:
    ctx.progress(50)
    return {}


def test_job_timestamps_read_the_runtime_clock(runtime: Runtime) -> None:
    runtime.clock = lambda: FROZEN
    with Session(runtime.engine) as s:
        job = runtime.jobs.submit(s, "test.clock", {})
    assert job.id is not None and job.created_at == FROZEN and job.updated_at == FROZEN
    done = jobs.execute_job(runtime.engine, job.id, runtime)
    assert done.state == "succeeded" and done.updated_at == FROZEN


def test_ingest_receive_time_is_the_runtime_clock(seeded: Runtime) -> None:
    received = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    seeded.clock = lambda: received
    ingest = Ingest()
    ingest.runtime = seeded
    # A device clock ahead of the receive time is clamped to it: the outage starts at the clock.
    sent = protocol.Status(device_id="loa-a", state="offline", at=protocol.iso(datetime.now(UTC)))
    ingest.process([ReceivedMessage(protocol.status_topic("loa-a"),
                                    sent.model_dump_json(exclude_none=True).encode(), 1, False)])
    with Session(seeded.engine) as s:
        [outage] = s.exec(select(DeviceOutage)).all()
    assert outage.started_at == received
