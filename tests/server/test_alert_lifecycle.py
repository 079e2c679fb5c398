"""An approved emergency's retained area alerts follow its approved version: a new version that
is no longer an emergency, or targets other areas, ends the old starts; one valid from later is
retained now (devices wait for its ``starts_at``); after a restart only the newest message of
each area topic is republished."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from server.delivery.publisher import Publisher
from server.models.devices import AreaAlert
from tests.server.conftest import World
from tests.server.test_scheduling import sched as scheduler_fixture

sched = scheduler_fixture  # the scheduler component the routes notify (a fixture)


def rows(world: World, bulletin_id: int) -> list[tuple[str, str]]:
    with Session(world.engine) as session:
        found = session.exec(select(AreaAlert).where(AreaAlert.bulletin_id == bulletin_id)).all()
    return sorted((r.area_code, r.action) for r in found)


def emergency(world: World, **overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    body: dict[str, Any] = {"priority": "emergency", "category": "disaster", "targets": ["W001-T01"],
                            "valid_from": (now - timedelta(minutes=1)).isoformat(),
                            "valid_until": (now + timedelta(hours=6)).isoformat()}
    return world.approved(**(body | overrides))


def reapprove(world: World, bulletin: dict[str, Any], **fields: Any) -> None:
    r = world.patch("mot.canbo", bulletin["id"], bulletin["version"], **fields)
    assert r.status_code == 200, r.text
    assert world.act("mot.canbo", bulletin["id"], "submit").status_code == 200
    world.run_jobs()
    assert world.act("mot.duyet", bulletin["id"], "approve").status_code == 200


def test_a_new_version_that_is_no_longer_an_emergency_cancels_its_alert(world: World, sched: Any) -> None:
    b = emergency(world)
    assert rows(world, b["id"]) == [("W001-T01", "start")]
    reapprove(world, b, priority="normal")
    assert rows(world, b["id"]) == [("W001-T01", "cancel")]


def test_a_retargeted_emergency_cancels_the_dropped_area_and_replaces_the_kept_one(world: World, sched: Any) -> None:
    b = emergency(world, targets=["W001-T01", "W001-T02"])
    reapprove(world, b, targets=["W001-T02"], title="Bão số 5 (cập nhật)")
    assert rows(world, b["id"]) == [("W001-T01", "cancel"), ("W001-T02", "start")]  # one row per area


def test_an_emergency_valid_from_later_is_retained_now(world: World, sched: Any) -> None:
    now = datetime.now(UTC)
    b = emergency(world, valid_from=(now + timedelta(hours=1)).isoformat())
    assert rows(world, b["id"]) == [("W001-T01", "start")]


class Recorder(Publisher):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, int]] = []

    def _send(self, messages: list[tuple[str, bytes | str, bool]]) -> bool:
        self.sent += [(topic, json.loads(env)["payload"]["seq"]) for topic, env, _ in messages]
        return True


def test_republish_sends_only_the_newest_message_of_each_area_topic(world: World, sched: Any) -> None:
    first = emergency(world, targets=["W001"], title="Lũ quét")
    emergency(world, targets=["W001"], title="Sạt lở")  # the same area topic
    assert world.act("mot.canbo", first["id"], "cancel").status_code == 200  # three messages on it so far
    publisher = Recorder()
    publisher.runtime = world.runtime
    publisher.republish_all()
    topics = [topic for topic, _ in publisher.sent if topic.endswith("/alert")]
    assert len(topics) == len(set(topics))  # one message per area topic
    with Session(world.engine) as session:
        newest = max(r.seq for r in session.exec(select(AreaAlert).where(AreaAlert.area_code == "W001")).all())
    assert ("loa/v1/area/W001/alert", newest) in publisher.sent
