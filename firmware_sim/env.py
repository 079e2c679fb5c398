"""What the simulated devices of one process share (clock, cache, HTTP, MQTT factory, options),
and the counters each device keeps about itself for tests and the CLI summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from firmware_sim.clock import Clock
from firmware_sim.media import MediaCache
from firmware_sim.transport import HttpApi, MqttFactory


@dataclass
class DeviceOptions:
    """Timings of the simulated firmware. Simulated-clock values say so; the rest are real
    seconds (network behaviour is real time whatever the clock speed)."""

    heartbeat_s: float = 60.0  # simulated: status heartbeat period
    heartbeat_min_real_s: float = 5.0  # but not more often than this (a fast --clock-speed)
    connect_timeout_s: float = 10.0
    backoff_base_s: float = 0.5  # reconnect backoff: base × 2^n, capped, plus jitter
    backoff_cap_s: float = 5.0
    jitter_s: float = 1.0
    asrun_batch: int = 100
    asrun_flush_delay_s: float = 1.0  # coalesce records made close together into one batch
    # Plus a random 0..jitter delay: every speaker of a commune ends the same slot at the same
    # second; spreading their uploads keeps the ingest (and the broker's queue) from a burst.
    asrun_flush_jitter_s: float = 5.0
    ack_timeout_s: float = 30.0  # resend a batch not acknowledged by then (doubling, ≤ 300 s)
    http_check_s: float | None = 10.0  # how often the HTTP fallback looks; None: never by itself
    http_fallback_after_s: float = 30.0  # MQTT down this long: pull + upload over HTTP
    http_poll_s: float = 60.0  # at most one manifest pull per this period
    manifest_grace_s: float = 20.0  # connected but no manifest yet after this: pull over HTTP
    media_retries: int = 5
    keep_history: bool = True  # keep every record in RAM for tests (the CLI turns it off)
    fw: str = "loa-sim/0.1"


@dataclass
class Counters:
    """What one simulated device did; survives its reboots (it is the observer's notebook)."""

    boots: int = 0
    connects: int = 0
    disconnects: int = 0
    connect_failures: int = 0
    auth_failures: int = 0
    first_connect_s: float | None = None  # real seconds from start() to the first CONNACK
    manifests: int = 0
    alerts: int = 0
    commands: int = 0
    duplicates: int = 0  # retained redeliveries of what was already accepted (not refusals)
    refused: int = 0
    records: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    # What the airtime report counts: a speaker's audio records by outcome and reason, airtime.
    audit: Counter[str] = field(default_factory=Counter)
    audit_reasons: Counter[str] = field(default_factory=Counter)
    aired_ms: int = 0
    batches_sent: int = 0
    records_sent: int = 0
    records_acked: int = 0
    records_rejected: int = 0  # the server refused them for good (listed in an ack)
    ack_timeouts: int = 0
    http_pulls: int = 0
    http_batches: int = 0
    http_errors: int = 0
    download_errors: int = 0
    media_failed: int = 0
    heartbeats: int = 0


@dataclass
class SimEnv:
    clock: Clock
    cache_dir: Path
    media: MediaCache
    http: HttpApi
    mqtt: MqttFactory
    options: DeviceOptions = field(default_factory=DeviceOptions)
    mqtt_url: str | None = None  # overrides the mqtt_url from enrolment
    on_change: Callable[[], None] = lambda: None
