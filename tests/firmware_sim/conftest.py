"""A simulated fleet on a manual clock with an in-memory broker and server (no network)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from devices import protocol as p
from firmware_sim.clock import ManualClock
from firmware_sim.device import Device
from firmware_sim.env import DeviceOptions
from firmware_sim.fleet import Fleet
from tests.firmware_sim import fakes


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def quick_options(**overrides: Any) -> DeviceOptions:
    """No real-time waiting: flush at once, reconnect at once, no automatic HTTP loop."""
    values: dict[str, Any] = {
        "asrun_flush_delay_s": 0.0, "asrun_flush_jitter_s": 0.0, "backoff_base_s": 0.0, "jitter_s": 0.0,
        "http_check_s": None, "heartbeat_min_real_s": 0.0,
    }
    return DeviceOptions(**(values | overrides))


@dataclass
class Harness:
    clock: ManualClock
    broker: fakes.FakeBroker
    server: fakes.FakeServer
    signer: p.Signer
    fleet: Fleet

    async def add(self, device_id: str = "dev-a", *, kind: str = "speaker", area: str = "W001-T01") -> Device:
        device = self.fleet.add(fakes.identity(device_id, self.signer, kind=kind, area=area))
        await device.start()
        await self.clock.settle()
        return device

    def item(self, start: datetime, seconds: float, title: str, **kwargs: Any) -> p.ManifestItem:
        """A manifest item whose media the fake server serves (bytes derived from the title)."""
        data: bytes = kwargs.pop("data", None) or f"audio of {title}".encode() * 50
        built = fakes.item(start, seconds, title, data, **kwargs)
        if built.media:
            self.server.media[built.media] = data
        return built

    def alert(self, alert_id: str, area: str, starts: datetime, **kwargs: Any) -> p.Alert:
        data: bytes = kwargs.pop("data", None) or f"alert {alert_id}".encode() * 50
        built = fakes.alert(alert_id, area, starts, data=data, **kwargs)
        self.server.media[built.media] = data
        return built

    async def publish_manifest(self, manifest: p.ManifestPayload) -> bytes:
        raw = self.signer.sign(manifest)
        self.server.manifests[manifest.device_id] = raw
        self.broker.publish(p.manifest_topic(manifest.device_id), raw, retain=True)
        await self.clock.settle()
        return raw

    async def publish(self, topic: str, payload: p.WireModel | bytes, *, retain: bool = False) -> None:
        raw = payload if isinstance(payload, bytes) else self.signer.sign(payload)
        self.broker.publish(topic, raw, retain=retain)
        await self.clock.settle()

    async def advance(self, seconds: float) -> None:
        await self.clock.advance(seconds)


@pytest.fixture
async def sim(tmp_path: Path) -> AsyncIterator[Harness]:
    clock = ManualClock(fakes.START)
    broker = fakes.FakeBroker()
    signer = fakes.make_signer()
    server = fakes.FakeServer(signer)
    fleet = Fleet(
        "http://fake", tmp_path / "sim", clock=clock, options=quick_options(), http=server, mqtt=broker.factory
    )
    yield Harness(clock, broker, server, signer, fleet)
    await fleet.aclose()
