"""`loa bench fanout`: an emergency from the approve call until the last connected speaker has
verified the alert, against one plain retained publish on the same broker (DESIGN.md §5).

Setup (not timed, see ``bench._live``): the server in this process, N speakers in a child
process connected and holding their manifests, and an emergency for the whole province drafted
and submitted so its audio is already synthesized (the approver waits for it in real life too).

Both clocks stop on the same event, each speaker's ``counters.alerts`` going up: its
DeviceGuard verified a signed alert on ``loa/v1/area/P01/alert`` (Ed25519, seq, expiry, area),
stored it and applied it — the one topic every speaker of the province subscribes to.

``broker_seconds`` (baseline, measured first, same broker and run, same N subscribers): a plain
MQTT client on the server's broker account publishes one retained message on that topic: a
cancel for an alert that never existed, signed with the server's key and the topic's next seq
(so the speakers verify and apply it exactly as they will the real one, and it changes nothing
they play). No Loa server code runs: this is the broker's fan-out plus the speakers' own work.
An untimed warm-up message of the same kind goes first, so that both timed messages find every
speaker's state files already written once (creating ten thousand files is not what is timed).

``loa_seconds``: from ``POST /api/v1/bulletins/{id}/approve`` until every speaker verified the
emergency's start alert. On top of the baseline: the HTTP request, the workflow transition and
its audit, building, signing and storing the alert, and the publisher. The recompile of every
manifest the approval also triggers (30 s later) is not in the window; the alert audio's
download is (as in production) and competes for the same two cores.

``approve_seconds``: how long the approve call itself took. Its response comes after the broker
acknowledged the alert, which Mosquitto does once it has queued it for every subscriber, so it
is the server's work plus the broker's fan-out queueing.

``raw_broker_seconds`` (for reference, not in the ratio): the same publish with a message the
speakers refuse at once (signed by a key they do not trust): the broker's fan-out plus the
simulator's cheapest path (receive, parse, refuse) — how much of both numbers is the simulator
verifying and storing on one core what ten thousand devices would do each on their own.

Default 10,000 speakers (the issue's target).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bench._fleet_proc import FleetProcess, counter_at_least, counter_max, ping
from bench._live import PROVINCE, LiveServer, compare, emergency_body
from devices import protocol
from devices.mqtt import MqttClient
from server.delivery.keys import SERVER_USERNAME, server_broker_password, signer_for
from server.services.seq import next_seq

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
    """A plain MQTT client on the server's broker account."""
    settings = live.runtime.settings
    client = MqttClient(settings.effective_mqtt_url, username=SERVER_USERNAME,
                        password=server_broker_password(settings.keys_dir), client_id="loa-bench-baseline")
    client.connect(60)
    return client


def baseline_payload(live: LiveServer, alert_id: str) -> bytes:
    """A cancel for an alert that never existed, signed like every server alert, next seq."""
    settings = live.runtime.settings
    topic = protocol.alert_topic(PROVINCE)
    with Session(live.runtime.engine) as session:
        seq = next_seq(session, topic)
        session.commit()
    now = datetime.now(UTC)
    return signer_for(settings.signing_key_path).sign(protocol.AlertPayload(
        action="cancel", area_code=PROVINCE, alert_id=alert_id, seq=seq, issued_at=protocol.iso(now),
        expires_at=protocol.iso(now + timedelta(minutes=5))))


def untrusted_payload() -> bytes:
    """A well-formed alert signed by a key no speaker trusts: each one refuses it (unknown_key)
    before any signature check or disk write, the cheapest thing a speaker does with a message."""
    stranger = protocol.Signer(protocol.Ed25519PrivateKey.generate())
    now = datetime.now(UTC)
    return stranger.sign(protocol.AlertPayload(
        action="cancel", area_code=PROVINCE, alert_id="bench-untrusted", seq=1, issued_at=protocol.iso(now),
        expires_at=protocol.iso(now + timedelta(minutes=5))))


def timed(fleet: FleetProcess, counter: str, value: int, action: Callable[[], object],
          timeout: float) -> tuple[float, float]:
    """Seconds from ``action()`` until every speaker's ``counters.<counter>`` reached ``value``,
    and the seconds ``action()`` itself took."""
    waiting = fleet.begin(counter_at_least, counter, value, timeout)
    fleet.call(ping, timeout=30)  # the wait has started before the clock does
    started = time.monotonic()
    action()
    returned = time.monotonic()
    ended: float = fleet.result(waiting, timeout + 30)
    return ended - started, returned - started


def measure(live: LiveServer, fleet: FleetProcess, bulletin_id: int,
            devices: int) -> tuple[float, float, dict[str, float]]:
    """Warm-up, baselines, then the emergency; (loa, broker) seconds and the extra metrics."""
    timeout = 60.0 + devices / 100
    if fleet.call(counter_max, "alerts", timeout=30) or fleet.call(counter_max, "refused", timeout=30):
        raise RuntimeError("a device counted an alert or a refusal before the baseline")
    topic = protocol.alert_topic(PROVINCE)
    client = baseline_client(live)
    try:
        # Untimed warm-up: each speaker's first alert creates its alerts file; later ones
        # overwrite it, so the timed messages below cost the speakers the same.
        warm_up = baseline_payload(live, "bench-warm-up")
        timed(fleet, "alerts", 1, lambda: client.publish(topic, warm_up, retain=True), timeout)
        untrusted = untrusted_payload()
        raw_seconds, _ = timed(fleet, "refused", 1, lambda: client.publish(topic, untrusted, retain=True), timeout)
        payload = baseline_payload(live, "bench-baseline")
        broker_seconds, _ = timed(fleet, "alerts", 2, lambda: client.publish(topic, payload, retain=True), timeout)
    finally:
        client.disconnect()
    approve = f"/api/v1/bulletins/{bulletin_id}/approve"
    loa_seconds, approve_seconds = timed(fleet, "alerts", 3, lambda: live.call("POST", "bench.duyet", approve),
                                         timeout)
    return loa_seconds, broker_seconds, {"approve_seconds": approve_seconds, "raw_broker_seconds": raw_seconds}


def _run(live: LiveServer, fleet: FleetProcess, devices: int) -> tuple[float, float, dict[str, float]]:
    return measure(live, fleet, draft_emergency(live), devices)


def run(*, data_dir: Path, devices: int | None = None, rows: int | None = None) -> dict[str, Any]:
    del rows  # the as-run size of another bench
    return compare(data_dir, devices or DEFAULT_DEVICES, _run)
