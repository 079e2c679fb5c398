"""Media cache (single flight, Range resume, verification), the fault grammar and scheduling.
(The import rule of firmware_sim is tests/test_layout.py::test_simulator_imports_only_the_protocol.)"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from devices import protocol as p
from firmware_sim.faults import FaultSpec, FaultSpecError, Who, parse_duration, parse_fault, parse_faults
from firmware_sim.media import DownloadError, MediaCache
from tests.firmware_sim import fakes
from tests.firmware_sim.conftest import Harness

PAYLOAD = bytes(range(256)) * 40  # 10 KiB
SHA, PATH, _ = fakes.audio(PAYLOAD)
AUTH = ("dev-a", "pw")


@pytest.fixture
def server() -> fakes.FakeServer:
    srv = fakes.FakeServer(fakes.make_signer())
    srv.media[PATH] = PAYLOAD
    return srv


@pytest.mark.anyio
async def test_a_thousand_concurrent_requests_share_one_download(tmp_path: Path, server: fakes.FakeServer) -> None:
    cache = MediaCache(tmp_path, server)
    results = await asyncio.gather(*(cache.ensure(SHA, PATH, AUTH) for _ in range(1000)))
    assert all(results) and server.media_requests == [(PATH, 0)]
    assert (tmp_path / f"{SHA}.mp3").read_bytes() == PAYLOAD
    assert MediaCache(tmp_path, server).is_ready(SHA)  # a new process trusts the file after hashing it


@pytest.mark.anyio
async def test_a_cut_download_resumes_with_a_range_request(tmp_path: Path, server: fakes.FakeServer) -> None:
    cache = MediaCache(tmp_path, server)
    server.cut_next = [3000]
    with pytest.raises(DownloadError):
        await cache.ensure(SHA, PATH, AUTH)
    assert (tmp_path / f"{SHA}.part").stat().st_size == 3000
    assert await cache.ensure(SHA, PATH, AUTH)
    assert server.media_requests == [(PATH, 0), (PATH, 3000)]
    # A server that ignores Range sends everything again: the part file restarts from zero.
    other = tmp_path / "other"
    cache2 = MediaCache(other, server)
    server.range_support, server.cut_next = False, [5000]
    with pytest.raises(DownloadError):
        await cache2.ensure(SHA, PATH, AUTH)
    assert await cache2.ensure(SHA, PATH, AUTH)
    assert (other / f"{SHA}.mp3").read_bytes() == PAYLOAD


@pytest.mark.anyio
async def test_bytes_that_do_not_match_their_sha_are_never_kept(tmp_path: Path, server: fakes.FakeServer) -> None:
    cache = MediaCache(tmp_path, server)
    server.media[PATH] = PAYLOAD[:-1] + b"x"
    assert await cache.ensure(SHA, PATH, AUTH) is False
    assert not cache.is_ready(SHA) and list(tmp_path.iterdir()) == []
    server.media[PATH] = PAYLOAD
    assert await cache.download_corrupted(SHA, PATH, AUTH) is False
    assert not cache.is_ready(SHA)


def test_fault_grammar() -> None:
    assert parse_fault("link_down@60s+300s:10%") == FaultSpec("link_down", 60, 300, 0, Who("percent", 10))
    assert parse_fault("power_loss @ 2m + 30s : dev=sim-0001,sim-0002") == FaultSpec(
        "power_loss", 120, 30, 0, Who("ids", ids=("sim-0001", "sim-0002"))
    )
    assert parse_fault("skew=-90s:5") == FaultSpec("skew", 0, None, -90, Who("count", 5))
    assert parse_fault("skew=+1h") == FaultSpec("skew", 0, None, 3600)
    assert parse_fault("corrupt=2:3").value == 2 and parse_fault("corrupt").value == 1
    assert parse_fault("slow=250ms@0+10m:all") == FaultSpec("slow", 0, 600, 0.25)
    assert [f.name for f in parse_faults("link_down@1m+1m; power_loss@5m:1 ;")] == ["link_down", "power_loss"]
    assert parse_faults("") == [] and parse_duration("1.5h") == 5400
    for bad in ("explode", "link_down=3", "skew", "slow=fast", "link_down@soon", "link_down+0s",
                "link_down:150%", "link_down:dev=", "corrupt=x", "skew=-5m@-3s"):
        with pytest.raises(FaultSpecError):
            parse_fault(bad)


def test_fault_targets_are_deterministic() -> None:
    ids = [f"sim-{i:04d}" for i in range(100)]
    spec = parse_fault("link_down:10%")
    chosen = spec.targets(ids, seed=7)
    assert len(chosen) == 10 and chosen == spec.targets(ids, seed=7) and chosen != spec.targets(ids, seed=8)
    assert len(parse_fault("link_down:1%").targets(ids[:10])) == 1  # a share never rounds to nobody
    assert parse_fault("skew=5s:dev=sim-0003,nope").targets(ids) == ["sim-0003"]
    assert len(parse_fault("slow=1s:500").targets(ids)) == 100


@pytest.mark.anyio
async def test_scheduled_faults_run_on_the_fleet_clock(sim: Harness) -> None:
    a, b = await sim.add("dev-a"), await sim.add("dev-b")
    sim.fleet.schedule_faults(parse_faults("link_down@60s+120s:dev=dev-a; power_loss@30s+60s:dev=dev-b; skew=+5s:all"))
    await sim.clock.settle()
    assert a.clock.skew == 5 and b.clock.skew == 5
    await sim.advance(45)
    assert a.connected and not b.powered
    await sim.advance(30)  # 75 s
    assert not a.connected and not a.link_up.is_set() and not b.powered
    await sim.advance(30)  # 105 s
    assert b.powered and b.connected and b.counters.boots == 2
    await sim.advance(90)  # 195 s
    assert a.connected and a.counters.connects == 2
    assert [(name, phase) for _, name, phase, _ in sim.fleet.fault_log] == [
        ("skew", "start"), ("power_loss", "start"), ("link_down", "start"), ("power_loss", "end"),
        ("link_down", "end"),
    ]
    stats = sim.fleet.stats()
    assert (stats.devices, stats.connected, stats.refused) == (2, 2, 0)


@pytest.mark.anyio
async def test_broker_restart_devices_reconnect_and_get_their_manifest_again(sim: Harness) -> None:
    dev = await sim.add("dev-a")
    await sim.publish_manifest(fakes.manifest("dev-a", []))
    sim.broker.crash()
    await sim.clock.settle()
    assert not dev.connected
    sim.broker.up = True
    await sim.fleet.wait_for(lambda: dev.connected, timeout=5, what="reconnect")
    await sim.clock.settle()
    assert dev.counters.duplicates == 1 and dev.counters.refused == 0
    assert sim.broker.statuses("dev-a")[-1].state == "online"
    assert p.manifest_topic("dev-a") in sim.broker.clients["dev-a"].subs



def test_loa_sim_help_documents_the_fault_grammar() -> None:
    from server.cli.sim import EPILOG

    for name in ("link_down", "power_loss", "skew", "corrupt", "slow"):
        assert name in EPILOG
    example = next(line for line in EPILOG.splitlines() if line.startswith("Ví dụ:")).removeprefix("Ví dụ:")
    assert [f.name for f in parse_faults(example)] == ["link_down", "power_loss", "skew", "corrupt"]
