"""``loa sim`` keeps its identities per server URL and reuses them (issue 14: each run used to
enrol new devices, and the old ones counted as offline/missed forever)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from firmware_sim.clock import ManualClock
from firmware_sim.fleet import Fleet
from firmware_sim.runner import SimConfig, _identities, server_dir
from firmware_sim.transport import HttpError, ManifestResponse
from tests.firmware_sim import fakes

pytestmark = pytest.mark.anyio


@dataclass
class RevokingServer(fakes.FakeServer):
    revoked: set[str] = field(default_factory=set)

    async def get_manifest(self, device_id: str, auth: tuple[str, str], etag: str | None) -> ManifestResponse:
        if device_id in self.revoked:
            raise HttpError("manifest pull: 401", 401)
        return await super().get_manifest(device_id, auth, etag)


async def _run(server: RevokingServer, base: Path, url: str, devices: int, *,
               fresh: bool = False) -> tuple[list[str], int]:
    config = SimConfig(server=url, devices=devices, token=server.token, cache_dir=base, fresh=fresh)
    if fresh:
        import shutil

        shutil.rmtree(config.server_dir, ignore_errors=True)
    fleet = Fleet(url, config.server_dir, clock=ManualClock(fakes.START), http=server,
                  mqtt=fakes.FakeBroker().factory)
    identities, reused = await _identities(fleet, config)
    for identity in identities:
        fleet.add(identity)  # the device keeps its identity on its disk
    await fleet.aclose()
    return sorted(i.device_id for i in identities), reused


async def test_a_second_run_reuses_every_device_and_a_revoked_one_is_replaced(tmp_path: Path) -> None:
    server = RevokingServer(fakes.make_signer())
    first, reused = await _run(server, tmp_path, "http://a:8000", 3)
    assert (len(first), reused, server.enrolled) == (3, 0, 3)
    second, reused = await _run(server, tmp_path, "http://a:8000", 3)
    assert (second, reused, server.enrolled) == (first, 3, 3)  # no new device on the server
    server.revoked.add(first[0])
    third, reused = await _run(server, tmp_path, "http://a:8000", 3)
    assert reused == 2 and server.enrolled == 4 and first[0] not in third and set(first[1:]) <= set(third)
    fresh, reused = await _run(server, tmp_path, "http://a:8000", 3, fresh=True)
    assert reused == 0 and server.enrolled == 7 and not set(fresh) & set(third)


async def test_identities_are_kept_per_server_url(tmp_path: Path) -> None:
    server_a, server_b = RevokingServer(fakes.make_signer()), RevokingServer(fakes.make_signer())
    a1, _ = await _run(server_a, tmp_path, "http://a:8000", 2)
    await _run(server_b, tmp_path, "http://b:8000", 2)
    a2, reused = await _run(server_a, tmp_path, "http://a:8000", 2)
    assert a2 == a1 and reused == 2 and server_a.enrolled == 2 and server_b.enrolled == 2
    assert server_dir(tmp_path, "http://a:8000") != server_dir(tmp_path, "http://b:8000")
