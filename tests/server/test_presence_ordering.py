"""Presence from a pass of statuses: every status counts, in arrival order, and the outage
boundaries are the statuses' own times (clamped), not the time the server processed them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from devices import protocol
from devices.mqtt import ReceivedMessage
from server.db import get_engine
from server.delivery.ingest import Ingest
from server.delivery.presence import MAX_STATUS_AGE, apply_statuses, mark_silent_devices, status_time
from server.models.devices import Device, DeviceOutage
from server.runtime import system_clock
from server.services import areas as area_service
from server.settings import Settings
from tests.factories import seed_two_communes

MIN = timedelta(minutes=1)


@pytest.fixture
def eng(any_settings: Settings) -> Iterator[Engine]:
    engine = get_engine(any_settings.db_url)
    seed_two_communes(engine)
    with Session(engine) as s:
        for dev in ("loa-a", "loa-b"):
            s.add(Device(id=dev, kind="speaker", area_code="W001-T01", password_hash="x",
                         created_at=datetime(2025, 5, 1, tzinfo=UTC)))
        s.commit()
    yield engine
    area_service.invalidate(engine)
    engine.dispose()


def ingest(engine: Engine) -> Ingest:
    ing = Ingest()
    ing.runtime = SimpleNamespace(engine=engine, clock=system_clock)
    return ing


def status(state: str, at: datetime, dev: str = "loa-a") -> ReceivedMessage:
    payload = protocol.Status(device_id=dev, state=state, at=protocol.iso(at))
    return ReceivedMessage(protocol.status_topic(dev), payload.model_dump_json(exclude_none=True).encode(), 1, False)


def outages(engine: Engine, dev: str = "loa-a") -> list[tuple[datetime, datetime | None]]:
    with Session(engine) as s:
        rows = s.exec(select(DeviceOutage).where(DeviceOutage.device_id == dev)
                      .order_by(col(DeviceOutage.started_at))).all()
        return [(o.started_at, o.ended_at) for o in rows]


def device_status(engine: Engine, dev: str = "loa-a") -> str:
    with Session(engine) as s:
        device = s.get(Device, dev)
        assert device is not None
        return device.status


def minute(dt: datetime) -> datetime:
    return dt.replace(second=0, microsecond=0)


def test_lwt_and_reconnect_in_one_pass_leave_their_outage(eng: Engine) -> None:
    t0 = minute(datetime.now(UTC)) - 10 * MIN
    connected = t0 - 3 * 60 * MIN  # the LWT payload: written when the device connected
    ing = ingest(eng)
    ing.process([status("online", connected), status("online", t0 - MIN), status("online", t0)])
    assert device_status(eng) == "online" and outages(eng) == []
    # a backlog burst: the broker's will, then the reconnect's online four minutes later
    ing.process([status("offline", connected), status("online", t0 + 4 * MIN)])
    assert outages(eng) == [(t0, t0 + 4 * MIN)]  # from the last heartbeat to the reconnect
    assert device_status(eng) == "online"


def test_whole_history_in_one_pass_is_applied_in_order(eng: Engine) -> None:
    t0 = minute(datetime.now(UTC)) - 30 * MIN
    connected = t0 - 5 * MIN
    ing = ingest(eng)
    ing.process([
        status("online", connected), status("online", connected, "loa-b"), status("online", t0),
        status("offline", connected),                                 # will: link lost after t0
        status("offline", t0 + MIN, "loa-b"),                         # clean shutdown at t0+1
        status("online", t0 + 4 * MIN),
        status("online", t0 + 4 * MIN), status("offline", t0 + 10 * MIN),  # dup heartbeat, shutdown
        status("online", t0 + 12 * MIN, "loa-b"),
    ])
    assert outages(eng) == [(t0, t0 + 4 * MIN), (t0 + 10 * MIN, None)]
    assert outages(eng, "loa-b") == [(t0 + MIN, t0 + 12 * MIN)]
    assert device_status(eng) == "offline" and device_status(eng, "loa-b") == "online"


def test_boundaries_follow_status_times_across_passes(eng: Engine) -> None:
    t0 = minute(datetime.now(UTC)) - 20 * MIN
    ing = ingest(eng)
    ing.process([status("online", t0 - MIN)])
    ing.process([status("offline", t0)])  # an explicit offline: its own time
    ing.process([status("online", t0 + 7 * MIN)])
    assert outages(eng) == [(t0, t0 + 7 * MIN)]


def test_lwt_after_restart_starts_at_last_seen(eng: Engine) -> None:
    """A fresh ingest has not heard the device: its last_seen_at is the last sign of life."""
    seen = datetime.now(UTC) - 5 * MIN
    with Session(eng) as s:
        device = s.get(Device, "loa-a")
        assert device is not None
        device.status, device.last_seen_at = "online", seen
        s.commit()
    ingest(eng).process([status("offline", seen - 60 * MIN)])
    assert outages(eng) == [(seen, None)]


def test_times_are_clamped(eng: Engine) -> None:
    now = datetime.now(UTC)
    ing = ingest(eng)
    ing.process([status("online", now - 10 * MIN)])
    ing.process([status("offline", now + 60 * MIN)])  # a fast clock: not after the receive time
    [(started, ended)] = outages(eng)
    assert now <= started <= datetime.now(UTC) and ended is None
    ing.process([status("online", now - 5 * MIN)])  # not before the outage it ends
    assert outages(eng) == [(started, started)]
    ing.process([status("offline", datetime(2000, 1, 1, tzinfo=UTC))])  # an unset clock
    ing.process([status("online", now - 30 * MIN)])  # never before the previous transition
    assert outages(eng)[1][0] >= started and outages(eng)[1][0] == outages(eng)[1][1]


def test_status_time() -> None:
    received = datetime(2025, 6, 10, 6, 0, 30, tzinfo=UTC)
    assert status_time("2025-06-10T05:56:00Z", received) == datetime(2025, 6, 10, 5, 56, tzinfo=UTC)
    assert status_time("2025-06-10T07:00:00Z", received) == received  # future
    assert status_time(protocol.iso(received - MAX_STATUS_AGE - MIN), received) == received  # absurd
    assert status_time("1970-01-01T00:00:00Z", received) == received
    assert status_time(None, received) == received
    assert status_time("garbage", received) == received


def test_sweep_then_reconnect(eng: Engine) -> None:
    t0 = minute(datetime.now(UTC)) - 10 * MIN
    apply_statuses(eng, [protocol.Status(device_id="loa-a", state="online", at=protocol.iso(t0))], t0)
    assert mark_silent_devices(eng, t0 + 2 * MIN) == 0
    assert mark_silent_devices(eng, t0 + 4 * MIN) == 1  # silent for three heartbeats
    assert outages(eng) == [(t0, None)] and device_status(eng) == "offline"
    ingest(eng).process([status("offline", t0 - MIN), status("online", t0 + 6 * MIN)])  # late will
    assert outages(eng) == [(t0, t0 + 6 * MIN)] and device_status(eng) == "online"
