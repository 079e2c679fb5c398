"""Incremental compile: a change recompiles only the devices below the areas it targets, and gives
them exactly the manifests a full compile would; changes between two compiles are merged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from server.models.devices import DeviceManifest
from server.scheduling.component import SchedulerComponent, bulletin_areas
from tests.server.conftest import World
from tests.server.test_scheduling import NOON, device, sched, slot  # noqa: F401  (sched: a fixture)


def _hashes(world: World) -> dict[str, str]:
    with Session(world.engine) as session:
        return {r.device_id: r.content_hash for r in session.exec(select(DeviceManifest)).all()}


def _approve(world: World, area: str, title: str) -> int:
    who = {"officer": "hai.canbo", "approver": "hai.duyet"} if area.startswith("W002") else {}
    b = world.approved(targets=[area], title=title, repeats_per_day=1, **who,
                       valid_from=(NOON - timedelta(hours=1)).isoformat(),
                       valid_until=(NOON + timedelta(days=10)).isoformat())
    return int(b["id"])


def test_a_change_recompiles_only_the_devices_below_its_targets(
    world: World, sched: SchedulerComponent, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    monkeypatch.setattr(world.runtime, "clock", lambda: NOON)  # the debounced compile's "now"
    assert slot(world, "tinh.admin", "P01", name="Trưa", start_local="12:30", duration_s=900).status_code == 201
    one_hamlet, one_commune = device(world, "W001-T01"), device(world, "W001")
    two_hamlet, two_commune = device(world, "W002-T01"), device(world, "W002")
    sched.compile_now(now=NOON)

    first = _approve(world, "W001-T01", "Họp thôn")
    assert bulletin_areas(world.engine, first) == {"W001-T01"}
    incremental = sched.compile_now(now=NOON, areas={"W001-T01"})
    assert incremental.devices == 1 and incremental.changed == [one_hamlet]  # not W001, not W002
    after = _hashes(world)
    assert sched.compile_now(now=NOON).changed == []  # a full compile finds nothing left to change
    assert _hashes(world) == after

    # Two changes before the debounced compile fires: one compile covering both, nothing else.
    _approve(world, "W002-T01", "Tin thôn hai")
    _approve(world, "W002", "Tin xã hai")
    sched.request_recompile(areas={"W002-T01"})  # the scheduler is not running in this test:
    sched._pending_areas.update({"W002-T01", "W002"})  # what the two requests would have recorded
    merged = sched.compile_pending()
    assert sorted(merged.changed) == sorted([two_hamlet, two_commune]) and merged.devices == 2
    assert one_commune not in merged.changed
    assert sched.compile_pending().changed == []  # nothing pending: a full compile, nothing to change
