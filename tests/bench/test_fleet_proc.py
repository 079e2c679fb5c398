"""The live benches' fleet process: steps run in the child, results and failures come back."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench._fleet_proc import FleetProcess, counter_max, ping
from firmware_sim.fleet import Fleet


async def refuse(fleet: Fleet, why: str) -> None:
    raise ValueError(f"{why} ({len(fleet.devices)} devices)")


def test_steps_answer_and_a_failing_step_raises_in_the_parent(tmp_path: Path) -> None:
    fleet = FleetProcess("http://127.0.0.1:9", [], tmp_path / "sim")
    try:
        first = fleet.begin(ping)
        assert fleet.call(counter_max, "alerts", timeout=30) == 0
        assert fleet.result(first, timeout=30) == 0
        with pytest.raises(RuntimeError, match=r"fleet step refuse failed:(.|\n)*no speakers \(0 devices\)"):
            fleet.call(refuse, "no speakers", timeout=30)
        assert fleet.call(ping, timeout=30) == 0  # still serving after a failure
    finally:
        fleet.close()


def test_an_unknown_step_fails_its_call_and_a_dead_fleet_is_reported(tmp_path: Path) -> None:
    async def local_step(fleet: Fleet) -> None:  # not importable by name in the child
        return None

    fleet = FleetProcess("http://127.0.0.1:9", [], tmp_path / "sim")
    try:
        with pytest.raises(RuntimeError, match="local_step failed"):
            fleet.call(local_step, timeout=30)
        fleet._process.kill()
        with pytest.raises(RuntimeError, match="simulated fleet exited"):
            fleet.call(ping, timeout=30)
    finally:
        fleet.close()
