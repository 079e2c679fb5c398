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
start alert playing the emergency's audio under a bulletin id no bulletin has, signed with the
server's key and the topic's next seq, so the speakers verify, store and start playing it
exactly as they will the real one (it is cancelled, untimed, right after). No Loa server code
runs: this is the broker's fan-out plus the speakers' own work, which on one simulator core is
serial (~0.4 ms of Python per speaker at 10,000) where real devices each use their own CPU.
The audio is placed in the speakers' shared media cache beforehand (the server serves it only
once approved; downloads are each device's own link, not what is timed). An untimed warm-up
start and cancel go first, so that both timed starts find every speaker's state files written
once; before each timed start the as-run records of the cancelled one are acknowledged, so no
ingest traffic overlaps either, and the bench fails unless every speaker aired both alerts.

``loa_seconds``: from ``POST /api/v1/bulletins/{id}/approve`` until every speaker verified the
emergency's start alert. On top of the baseline: the HTTP request, the workflow transition and
its audit, building, signing and storing the alert, and the publisher. The recompile of every
manifest the approval also triggers (10 s later) is not in the window.

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

import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bench._fleet_proc import FleetProcess, counter_at_least, counter_max, counter_total, ping, records_settled
from bench._live import PROVINCE, LiveServer, compare, emergency_body
from devices import protocol
from devices.mqtt import MqttClient
from server.delivery.keys import SERVER_USERNAME, server_broker_password, signer_for
from server.services.seq import next_seq

DEFAULT_DEVICES = 10_000
AUDIO_TIMEOUT = 120.0
BASELINE_BULLETIN = 999_999_999  # no bulletin has it: the baseline alerts supersede nothing real


def draft_emergency(live: LiveServer) -> dict[str, Any]:
    """Create and submit the emergency; return it once its audio exists."""
    created = live.call("POST", "bench.canbo", "/api/v1/bulletins", emergency_body("Tin bão khẩn cấp"))
    bid = int(created["id"])
    live.call("POST", "bench.canbo", f"/api/v1/bulletins/{bid}/submit")
    deadline = time.monotonic() + AUDIO_TIMEOUT
    while (bulletin := live.call("GET", "bench.canbo", f"/api/v1/bulletins/{bid}")).get("audio") is None:
        if time.monotonic() > deadline:
            raise RuntimeError("the emergency's audio was not synthesized in time")
        time.sleep(0.1)
    return dict(bulletin)


def baseline_client(live: LiveServer) -> MqttClient:
    """A plain MQTT client on the server's broker account."""
    settings = live.runtime.settings
    client = MqttClient(settings.effective_mqtt_url, username=SERVER_USERNAME,
                        password=server_broker_password(settings.keys_dir), client_id="loa-bench-baseline")
    client.connect(60)
    return client


def server_alert(live: LiveServer, alert_id: str, audio: dict[str, Any] | None) -> bytes:
    """An alert signed with the server's key and the topic's next seq: a start playing the
    emergency's audio (``audio``) under a bulletin id no bulletin has, or its cancel."""
    topic = protocol.alert_topic(PROVINCE)
    with Session(live.runtime.engine) as session:
        seq = next_seq(session, topic)
        session.commit()
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=30)
    alert = None if audio is None else protocol.Alert(
        alert_id=alert_id, bulletin_id=BASELINE_BULLETIN, version_hash="0" * 64, area_code=PROVINCE,
        starts_at=protocol.iso(now), expires_at=protocol.iso(expires), media=f"/media/{audio['sha256']}.mp3",
        sha256=audio["sha256"], size=audio["size"], duration_ms=audio["duration_ms"], title="Bench")
    return signer_for(live.runtime.settings.signing_key_path).sign(protocol.AlertPayload(
        action="start" if alert else "cancel", area_code=PROVINCE, alert_id=alert_id, seq=seq,
        issued_at=protocol.iso(now), expires_at=protocol.iso(expires), alert=alert))


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


def measure(live: LiveServer, fleet: FleetProcess, emergency: dict[str, Any],
            devices: int) -> tuple[float, float, dict[str, float]]:
    """Warm-up, baselines, then the emergency; (loa, broker) seconds and the extra metrics."""
    timeout = 60.0 + devices / 100
    if fleet.call(counter_max, "alerts", timeout=30) or fleet.call(counter_max, "refused", timeout=30):
        raise RuntimeError("a device counted an alert or a refusal before the baseline")
    topic = protocol.alert_topic(PROVINCE)
    audio = emergency["audio"]
    # The audio in the speakers' shared cache, as if downloaded: each real device fetches it over
    # its own link, and the server serves it only once approved (the baseline plays it before).
    cached = fleet.cache_dir / "media" / f"{audio['sha256']}.mp3"
    cached.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(live.runtime.settings.media_dir / f"{audio['sha256']}.mp3", cached)
    records = fleet.call(counter_total, "records", timeout=30)
    client = baseline_client(live)

    def publish(payload: bytes) -> Callable[[], None]:
        return lambda: client.publish(topic, payload, retain=True)

    def quiet() -> None:  # the as-run records of a cancelled alert are acknowledged
        fleet.call(records_settled, timeout, timeout=timeout + 30)

    try:
        # Untimed warm-up, a start then its cancel: every speaker writes its state files once
        # and the alert audio lands in the (shared) media cache, so that the timed starts below
        # cost the speakers the same.
        timed(fleet, "alerts", 1, publish(server_alert(live, "bench-warm-up", audio)), timeout)
        timed(fleet, "alerts", 2, publish(server_alert(live, "bench-warm-up", None)), timeout)
        quiet()
        raw_seconds, _ = timed(fleet, "refused", 1, publish(untrusted_payload()), timeout)
        broker_seconds, _ = timed(fleet, "alerts", 3, publish(server_alert(live, "bench-baseline", audio)),
                                  timeout)
        timed(fleet, "alerts", 4, publish(server_alert(live, "bench-baseline", None)), timeout)
        quiet()
    finally:
        client.disconnect()
    if fleet.call(counter_total, "records", timeout=30) - records < 2 * devices:  # one per alert aired
        raise RuntimeError("the speakers did not play the warm-up and baseline alerts")
    approve = f"/api/v1/bulletins/{emergency['id']}/approve"
    loa_seconds, approve_seconds = timed(fleet, "alerts", 5, lambda: live.call("POST", "bench.duyet", approve),
                                         timeout)
    return loa_seconds, broker_seconds, {"approve_seconds": approve_seconds, "raw_broker_seconds": raw_seconds}


def _run(live: LiveServer, fleet: FleetProcess, devices: int) -> tuple[float, float, dict[str, float]]:
    return measure(live, fleet, draft_emergency(live), devices)


def run(*, data_dir: Path, devices: int | None = None, rows: int | None = None) -> dict[str, Any]:
    del rows  # the as-run size of another bench
    return compare(data_dir, devices or DEFAULT_DEVICES, _run)
