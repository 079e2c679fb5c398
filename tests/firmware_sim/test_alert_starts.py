"""Alert starts on an area topic vs the manifest that lists alerts some seconds later.

The area topic retains only its latest message, so a second emergency for the same area
replaces the first there; the device must keep both until a manifest issued after them says
which are still active.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from devices import protocol as p
from firmware_sim.device import Device
from tests.firmware_sim import fakes
from tests.firmware_sim.conftest import Harness

pytestmark = pytest.mark.anyio

T0 = fakes.START + timedelta(minutes=10)
TOPIC = p.alert_topic("W001")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def active(dev: Device) -> set[str]:
    assert dev.firmware is not None
    return set(dev.firmware.player.alerts)


def aired(dev: Device) -> Counter[int | None]:
    """Occurrences played per bulletin."""
    return Counter(r.bulletin_id for r in dev.history if r.outcome == "played")


async def setup(sim: Harness) -> Device:
    """A speaker following W001 (manifest seq 1, issued at START, no alerts), clock at T0."""
    dev = await sim.add("dev-a")
    await sim.publish_manifest(fakes.manifest("dev-a", []))
    await sim.clock.advance_to(at(0))
    return dev


def emergency(sim: Harness, alert_id: str, bulletin_id: int, area: str = "W001", starts: float = 0) -> p.Alert:
    """30 s of audio every 300 s for an hour from ``at(starts)``."""
    return sim.alert(alert_id, area, at(starts), bulletin_id=bulletin_id, seconds=30, repeat_s=300, hours=1)


async def start(sim: Harness, alert: p.Alert, seq: int, issued: float) -> None:
    await sim.clock.advance_to(at(issued))
    msg = fakes.alert_msg(alert, seq=seq, issued=at(issued))
    await sim.publish(p.alert_topic(alert.area_code), msg, retain=True)


async def manifest(sim: Harness, seq: int, issued: float, alerts: list[p.Alert]) -> None:
    await sim.publish_manifest(fakes.manifest("dev-a", [], seq=seq, issued=at(issued), alerts=alerts))


async def test_two_bulletins_on_one_area_topic_both_stay_and_air(sim: Harness) -> None:
    dev = await setup(sim)
    await start(sim, emergency(sim, "al-7", 7), seq=1, issued=0)
    await start(sim, emergency(sim, "al-8", 8), seq=2, issued=5)  # replaces al-7 on the topic
    assert active(dev) == {"al-7", "al-8"}
    await sim.clock.advance_to(at(400))
    assert aired(dev) == {7: 2, 8: 2}  # each at its start and once more on its 300 s grid


async def test_a_new_version_supersedes_the_old_one_even_if_the_manifest_lists_it(sim: Harness) -> None:
    dev = await setup(sim)
    await start(sim, emergency(sim, "al-7a", 7), seq=1, issued=0)
    await start(sim, emergency(sim, "al-8", 8), seq=2, issued=5)
    await manifest(sim, seq=2, issued=10, alerts=[emergency(sim, "al-7a", 7), emergency(sim, "al-8", 8)])
    await start(sim, emergency(sim, "al-7b", 7), seq=3, issued=20)  # bulletin 7, new version
    assert active(dev) == {"al-7b", "al-8"}
    await sim.clock.advance_to(at(400))
    assert aired(dev) == {7: 3, 8: 2}  # 7a at 0, 7b at 20 (learned late) and 300; never 7a at 300
    assert dev.refusals == []


async def test_a_later_manifest_is_authoritative_for_earlier_starts(sim: Harness) -> None:
    dev = await setup(sim)
    await start(sim, emergency(sim, "al-7", 7), seq=1, issued=0)
    await start(sim, emergency(sim, "al-8", 8), seq=2, issued=5)
    await manifest(sim, seq=2, issued=10, alerts=[emergency(sim, "al-7", 7)])  # al-8 has ended
    assert active(dev) == {"al-7"}
    await sim.clock.advance_to(at(400))
    assert aired(dev) == {7: 2}  # al-8 was waiting behind al-7's first occurrence (0-30 s)


async def test_a_manifest_issued_before_a_start_does_not_drop_it(sim: Harness) -> None:
    dev = await setup(sim)
    await start(sim, emergency(sim, "al-7", 7), seq=1, issued=0)
    await start(sim, emergency(sim, "al-8", 8), seq=2, issued=5)
    await manifest(sim, seq=2, issued=-60, alerts=[])  # compiled before both emergencies
    assert active(dev) == {"al-7", "al-8"}
    await manifest(sim, seq=3, issued=0, alerts=[])  # issued with al-7 (<=) and not listing it
    assert active(dev) == {"al-8"}
    await sim.clock.advance_to(at(400))
    assert aired(dev) == {7: 1, 8: 2}


async def test_cancel_forgets_the_start_and_expiry_ends_it(sim: Harness) -> None:
    dev = await setup(sim)
    al7, al8 = emergency(sim, "al-7", 7), emergency(sim, "al-8", 8)
    await start(sim, al7, seq=1, issued=0)
    await start(sim, al8, seq=2, issued=5)
    await sim.clock.advance_to(at(100))
    await sim.publish(TOPIC, fakes.alert_msg(al8, seq=3, action="cancel", issued=at(100)), retain=True)
    assert active(dev) == {"al-7"}
    assert dev.firmware is not None and "al-8" in dev.firmware.player.cancelled
    await sim.clock.advance_to(at(3700))  # past the 1 h expiry
    await start(sim, emergency(sim, "al-9", 9, area="P01", starts=3700), seq=1, issued=3700)
    assert active(dev) == {"al-9"}  # the remembered al-7 start expired: not started again
    await sim.clock.advance_to(at(4000))
    assert aired(dev) == {7: 12, 8: 1, 9: 1}  # al-7 every 300 s for 1 h


async def test_reboot_keeps_the_current_topic_start_and_its_supersede(sim: Harness) -> None:
    dev = await setup(sim)
    await start(sim, emergency(sim, "al-7a", 7), seq=1, issued=0)
    await manifest(sim, seq=2, issued=10, alerts=[emergency(sim, "al-7a", 7)])
    await start(sim, emergency(sim, "al-7b", 7), seq=2, issued=20)
    await sim.clock.advance_to(at(100))
    await dev.reboot()
    await sim.clock.settle()
    assert dev.connected and active(dev) == {"al-7b"}
    await sim.clock.advance_to(at(400))
    assert aired(dev) == {7: 3}  # 7a at 0, 7b at 20 and 300 (after the reboot)


async def test_reboot_keeps_both_emergencies_of_one_area_before_any_manifest_lists_them(sim: Harness) -> None:
    dev = await setup(sim)
    await start(sim, emergency(sim, "al-7", 7), seq=1, issued=0)
    await start(sim, emergency(sim, "al-8", 8), seq=2, issued=5)  # the topic now retains only al-8
    await sim.clock.advance_to(at(100))
    await dev.reboot()
    await sim.clock.settle()
    assert dev.connected and active(dev) == {"al-7", "al-8"}  # al-7 came back from the device's disk
    await sim.clock.advance_to(at(400))
    assert aired(dev) == {7: 2, 8: 2}
