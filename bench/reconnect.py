"""`loa bench reconnect`: all N speakers lose their link at once and come back; how long until
each holds its current manifest again (DESIGN.md §5).

Setup (not timed, see ``bench._live``): the server in this process and N speakers (a child
process) connected and holding their manifests. Then every speaker's link is cut (``link_down``: the TCP connection is
aborted without DISCONNECT, as a power cut of the village router would) and we wait until the
broker has noticed every one and every firmware is parked waiting for the link (its post-drop
backoff elapsed), so the herd really starts together.

Timed from ``link_restore()`` on every device (one loop iteration):

* ``broker_seconds`` (baseline): until every speaker has its MQTT session back (CONNACK) — the
  raw broker reconnect of N clients with password authentication and ACL, same broker, same run.
* ``loa_seconds``: until every speaker has, after that, subscribed again, received its retained
  signed manifest and verified it (``counters.manifests`` or, as the bytes are those it already
  accepted, ``counters.duplicates`` went up). The server publishes nothing here: it is what the
  Loa protocol (retained per-device manifests, signatures) adds on top of reconnecting.

Both come from the same reconnection, so ``loa_seconds >= broker_seconds`` by construction;
the difference is the retained delivery plus verification. Default 10,000 speakers.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from bench._fleet_proc import FleetProcess, wait_all
from bench._live import LiveServer, compare
from firmware_sim.device import Device
from firmware_sim.fleet import Fleet

DEFAULT_DEVICES = 10_000


def holdings(device: Device) -> int:
    return device.counters.manifests + device.counters.duplicates


async def drop_and_restore(fleet: Fleet, timeout: float) -> tuple[float, float]:
    """Fleet step: cut every link, wait, restore them all; (loa, broker) seconds."""
    devices = fleet.devices
    for device in devices:
        device.link_down()
    await wait_all(fleet, lambda d: not d.connected, timeout, "every link down")
    opt = fleet.env.options
    # Past the firmware's post-drop backoff (base + jitter): every device now waits on its link.
    await asyncio.sleep(opt.backoff_base_s + opt.jitter_s + 0.5)
    before = {d.id: holdings(d) for d in devices}
    started = time.monotonic()
    for device in devices:
        device.link_restore()
    connected = asyncio.create_task(wait_all(fleet, lambda d: d.connected, timeout, "reconnection"))
    held = await wait_all(fleet, lambda d: holdings(d) > before[d.id], timeout, "manifests after reconnection")
    return held - started, await connected - started


def _run(live: LiveServer, fleet: FleetProcess, devices: int) -> tuple[float, float, dict[str, float]]:
    del live  # the server publishes nothing here: the broker holds the retained manifests
    timeout = 60.0 + devices / 100
    loa, broker = fleet.call(drop_and_restore, timeout, timeout=3 * timeout + 30)
    return float(loa), float(broker), {}


def run(*, data_dir: Path, devices: int | None = None, rows: int | None = None) -> dict[str, Any]:
    del rows  # the as-run size of another bench
    return compare(data_dir, devices or DEFAULT_DEVICES, _run)
