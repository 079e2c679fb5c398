"""A device publishes its status as soon as an alert starts playing, naming the alert
(``alerts_started``); heartbeats repeat it while the alert is active; a cancel drops it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from devices import protocol as p
from tests.firmware_sim import fakes
from tests.firmware_sim.conftest import Harness

pytestmark = pytest.mark.anyio

T0 = fakes.START + timedelta(minutes=10)


def at(seconds: float):  # type: ignore[no-untyped-def]
    return T0 + timedelta(seconds=seconds)


async def test_status_names_the_alert_at_once_and_forgets_it_after_cancel(sim: Harness) -> None:
    dev = await sim.add("dev-a")
    await sim.publish_manifest(fakes.manifest("dev-a", [sim.item(at(0), 60, "A")]))
    await sim.clock.advance_to(at(20))
    before, beats = len(sim.broker.statuses("dev-a")), dev.counters.heartbeats
    assert all(s.alerts_started is None for s in sim.broker.statuses("dev-a"))
    alert = sim.alert("al-1", "W001", at(20), seconds=30, repeat_s=300, hours=1)
    await sim.publish(p.alert_topic("W001"), fakes.alert_msg(alert, seq=1), retain=True)
    await sim.clock.advance_to(at(21))
    assert dev.on_air == "Bão số 3"
    statuses = sim.broker.statuses("dev-a")
    assert len(statuses) == before + 1  # published on the start, not at the next heartbeat
    assert statuses[-1].alerts_started == {"al-1": p.iso(at(20))}
    assert dev.counters.heartbeats == beats
    await sim.clock.advance_to(at(90))  # a heartbeat while the alert is active repeats it
    assert sim.broker.statuses("dev-a")[-1].alerts_started == {"al-1": p.iso(at(20))}
    assert len(sim.broker.statuses("dev-a")) == before + 2
    await sim.publish(p.alert_topic("W001"), fakes.alert_msg(alert, seq=2, action="cancel"), retain=True)
    await sim.clock.advance_to(at(160))
    assert sim.broker.statuses("dev-a")[-1].alerts_started is None
