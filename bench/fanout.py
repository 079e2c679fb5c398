"""`loa bench fanout`: an emergency from the approve call until the last connected speaker has
verified the alert, against one plain retained publish on the same broker (DESIGN.md §5).

Setup (not timed, see ``bench._live``): the server in this process, N speakers connected and
holding their manifests, and an emergency for the whole province drafted and submitted so its
audio is already synthesized (the approver waits for it in real life too).

``loa_seconds``: from ``POST /api/v1/bulletins/{id}/approve`` until every speaker's
``counters.alerts`` >= 1, i.e. its DeviceGuard verified the signed alert (Ed25519, seq, expiry,
area) that the server built and published on ``loa/v1/area/P01/alert`` — the one topic every
speaker of the province subscribes to. It includes the HTTP request, the workflow transition and
audit, building and signing the alert, and the broker's fan-out; it does not include the alert's
audio download or the recompile of every manifest the approval also triggers (those run
concurrently, as they do in production, so they compete for the same CPU).

``broker_seconds`` (baseline, same broker, same run, same N connected subscribers, measured
first): the server's own broker account publishes one retained message on that same topic and
the clock stops when every speaker has received it and refused it (it is signed by a key the
speakers do not trust: ``unknown_key``) — one publish to N subscribers of one topic plus the
devices' cheapest rejection path, with no Loa server work. ``ratio`` = loa / broker.

Default 10,000 speakers (the issue's target); the simulated devices share this process (and its
interpreter lock) with the server, so on a small machine both numbers include that contention.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench._live import PROVINCE, LiveServer, compare, emergency_body, start_fleet, wait_all
from devices import protocol
from devices.mqtt import MqttClient
from firmware_sim.fleet import Fleet
from server.delivery.keys import SERVER_USERNAME, server_broker_password

DEFAULT_DEVICES = 10_000
AUDIO_TIMEOUT = 120.0


def draft_emergency(live: LiveServer) -> int:
    """Create and submit the emergency; return its id once its audio exists."""
    created = live.call("POST", "bench.canbo", "/api/v1/bulletins", emergency_body("Tin bão khẩn cấp"))
    bid = int(created["id"])
    live.call("POST", "bench.canbo", f"/api/v1/bulletins/{bid}/submit")
    deadline = time.monotonic() + AUDIO_TIMEOUT
    while live.call("GET", "bench.canbo", f"/api/v1/bulletins/{bid}").get("audio") is None:
        if time.monotonic() > deadline:
            raise RuntimeError("the emergency's audio was not synthesized in time")
        time.sleep(0.1)
    return bid


def baseline_client(live: LiveServer) -> MqttClient:
    """The server's broker account, connected before the fleet: paho's network thread uses
    select(), which cannot watch a socket numbered past 1024 (the fleet's sockets take those)."""
    settings = live.runtime.settings
    client = MqttClient(settings.effective_mqtt_url, username=SERVER_USERNAME,
                        password=server_broker_password(settings.keys_dir), client_id="loa-bench-baseline")
    client.connect(60)
    return client


def baseline_payload() -> bytes:
    """A well-formed alert signed by a key no speaker trusts: each one refuses it (unknown_key)."""
    stranger = protocol.Signer(protocol.Ed25519PrivateKey.generate())
    now = datetime.now(UTC)
    return stranger.sign(protocol.AlertPayload(
        action="cancel", area_code=PROVINCE, alert_id="bench-baseline", seq=1, issued_at=protocol.iso(now),
        expires_at=protocol.iso(now + timedelta(minutes=5))))


async def measure(live: LiveServer, fleet: Fleet, client: MqttClient, bulletin_id: int,
                  timeout: float) -> tuple[float, float]:
    devices = fleet.devices
    refused = {d.id: d.counters.refused for d in devices}
    try:
        payload = baseline_payload()
        started = time.monotonic()
        publishing = asyncio.create_task(asyncio.to_thread(
            client.publish, protocol.alert_topic(PROVINCE), payload, retain=True))
        ended = await wait_all(devices, lambda d: d.counters.refused > refused[d.id], timeout, "the baseline message")
        await publishing
    finally:
        await asyncio.to_thread(client.disconnect)
    broker_seconds = ended - started

    await asyncio.sleep(0.5)  # let the devices settle before the real thing
    if any(d.counters.alerts for d in devices):
        raise RuntimeError("a device counted an alert before the approval")
    started = time.monotonic()
    approving = asyncio.create_task(asyncio.to_thread(
        live.call, "POST", "bench.duyet", f"/api/v1/bulletins/{bulletin_id}/approve"))
    ended = await wait_all(devices, lambda d: d.counters.alerts >= 1, timeout, "the verified alert")
    await approving
    return ended - started, broker_seconds


async def _run(live: LiveServer, identities: list[Any], cache_dir: Path) -> tuple[float, float, int]:
    bulletin_id = await asyncio.to_thread(draft_emergency, live)
    client = await asyncio.to_thread(baseline_client, live)
    try:
        fleet = await start_fleet(live, identities, cache_dir)
    except BaseException:
        await asyncio.to_thread(client.disconnect)
        raise
    try:
        if fleet.connected_count() != len(fleet.devices):
            raise RuntimeError("not every device is connected")
        loa, broker = await measure(live, fleet, client, bulletin_id, 60.0 + len(identities) / 100)
        return loa, broker, fleet.connected_count()
    finally:
        await fleet.aclose(graceful=False)


def run(*, data_dir: Path, devices: int | None = None, rows: int | None = None) -> dict[str, Any]:
    del rows  # the as-run size of another bench
    return compare(data_dir, devices or DEFAULT_DEVICES, _run)
