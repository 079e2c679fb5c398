"""One boot of a simulated device: everything in here is RAM and is lost on a power loss.

On boot it reloads what the device kept on disk (manifest, alerts, seqs, player progress,
unacknowledged as-run records), then runs four loops: the player (one timer for its next
event), the MQTT connection (reconnect with capped backoff plus jitter), the heartbeat
(simulated clock) and the HTTP fallback. Incoming manifests, alerts and commands all pass
``DeviceGuard``; a refusal is counted and listed with its topic. A message whose signature
equals the last one accepted on its topic (a retained redelivery after a reconnect) is a
*duplicate*, counted apart and ignored, not a refusal.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Coroutine
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from devices import protocol as p
from firmware_sim.airing import MediaState, Record
from firmware_sim.alert_starts import TopicStarts
from firmware_sim.clock import sleep_until
from firmware_sim.outbox import Outbox
from firmware_sim.player import Player
from firmware_sim.transport import MqttTransport
from firmware_sim.uplink import Uplink

if TYPE_CHECKING:
    from firmware_sim.device import Device

log = logging.getLogger(__name__)


def _signature(raw: bytes) -> str:
    """Identity of an envelope: a redelivery carries the very same bytes (MQTT retained, or the
    HTTP pull serving the stored envelope), so a hash of them is enough and cheap."""
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _payload_seq(raw: bytes) -> int | None:
    try:
        seq = json.loads(raw)["payload"]["seq"]
    except (ValueError, KeyError, TypeError):
        return None
    return seq if isinstance(seq, int) else None


class Firmware:
    def __init__(self, device: Device) -> None:
        self.device = device
        self.env = device.env
        self.opt = device.env.options
        self.clock = device.clock
        self.id = device.id
        ident = device.identity
        self.auth = (ident.device_id, ident.password)
        self.verifier = p.Verifier({ident.kid: p.public_key_from_b64(ident.server_public_key)})
        state = device.store.load_state()
        self.guard = p.DeviceGuard(self.id, [ident.area_code], self.verifier, clock=self.clock.now)
        self.guard.last_seq = {str(k): int(v) for k, v in state.get("last_seq", {}).items()}
        self.volume = int(state.get("volume", 70))
        self.etag: str | None = state.get("etag")
        self._snapshot: dict[str, Any] = state.get("player", {})
        self.player = Player("board" if ident.kind == "board" else "speaker", self._media_state, self._on_record)
        self.outbox = Outbox(device.store.asrun_path, self.id)
        self._attempts: Counter[str] = Counter(key.rsplit(":", 1)[0] for key in self.outbox.pending)
        self.failed_media: set[str] = set()
        self.alert_envelopes, self._stored_starts = device.store.load_alerts()
        self._last_sig: dict[str, str] = {}
        self.topic_starts = TopicStarts()  # starts received on area topics, see alert_starts
        self.topic_manifest, self.topic_cmd = p.manifest_topic(self.id), p.cmd_topic(self.id)
        self.topic_ack, self.topic_status = p.asrun_ack_topic(self.id), p.status_topic(self.id)
        self.uplink = Uplink(self)
        self.alive = True
        self._dirty = False
        self._tasks: set[asyncio.Task[Any]] = set()
        self._wake: asyncio.Future[None] | None = None
        self._media_task: asyncio.Task[None] | None = None
        self._media_again = False
        self.booted_at = self.clock.now()
        self._reported_alerts: set[str] = set()  # alert starts already in a published status

    @property
    def mqtt(self) -> MqttTransport | None:
        return self.uplink.mqtt

    # -- lifecycle -------------------------------------------------------------------------------
    def boot(self) -> None:
        now = self.clock.now()
        self.player.restore(self._snapshot, now)
        for topic, envelope in self.alert_envelopes.items():
            self._last_sig[topic] = _signature(envelope)
        for envelope in self._stored_starts:  # oldest first, before the manifest prunes them
            with contextlib.suppress(p.Rejected):
                self.topic_starts.start(self.verifier.verify(envelope, p.AlertPayload, p.MAX_ALERT_BYTES), envelope)
        raw = self.device.store.load_manifest()
        if raw is not None:
            with contextlib.suppress(p.Rejected):
                manifest = self.verifier.verify(raw, p.ManifestPayload, p.MAX_MANIFEST_BYTES)
                self._last_sig[self.topic_manifest] = _signature(raw)
                self._apply_manifest(manifest)
        if self.player.manifest is None:
            self._air_alerts(now)
        self.spawn(self._player_loop())
        self.spawn(self.uplink.mqtt_loop())
        self.spawn(self._heartbeat_loop())
        if self.opt.http_check_s is not None:
            self.spawn(self.uplink.http_loop(self.opt.http_check_s))
        self._want_media()
        self.after()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("device %s: task failed", self.id, exc_info=task.exception())

    def kill(self) -> None:
        """Power gone: stop everything now, no goodbye to the broker (it publishes the will)."""
        self.alive = False
        self.uplink.close(abort=True)
        for task in list(self._tasks):
            task.cancel()

    async def shutdown(self) -> None:
        """Clean stop: offline status, DISCONNECT, then stop."""
        mqtt = self.mqtt
        if mqtt is not None and mqtt.connected:
            mqtt.publish(self.topic_status, self.status_payload("offline"), qos=1, retain=True)
            await mqtt.disconnect()
        self.alive = False
        self.uplink.close(abort=False)
        for task in list(self._tasks):
            task.cancel()

    # -- the player loop ---------------------------------------------------------------------------
    def poke(self) -> None:
        fut = self._wake
        if fut is not None and not fut.done():
            fut.set_result(None)

    async def _player_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self.player.advance(self.clock.now())
            self.after(poke=False)
            when = self.player.next_event()
            fut: asyncio.Future[None] = loop.create_future()
            self._wake = fut
            handle = self.clock.call_at(when, self.poke) if when is not None else None
            try:
                await fut
            finally:
                if handle is not None:
                    handle.cancel()

    def after(self, *, poke: bool = True) -> None:
        """Persist what changed and wake the player so it re-arms its timer; report a newly
        started alert at once (the console shows live delivery from these statuses)."""
        self._report_alert_starts()
        if self._dirty or self.player.dirty:
            self._dirty = self.player.dirty = False
            self.device.store.save_state({
                "last_seq": self.guard.last_seq, "player": self.player.snapshot(),
                "volume": self.volume, "etag": self.etag,
            })
        if poke:
            self.poke()
        self.env.on_change()

    def mark_dirty(self) -> None:
        self._dirty = True

    def _media_state(self, sha: str) -> MediaState:
        if sha in self.failed_media:
            return "failed"
        return "ready" if self.env.media.is_ready(sha) else "missing"

    def _on_record(self, rec: Record) -> None:
        e = rec.entry
        planned = p.iso(e.planned)
        base = f"{self.id}:{planned}:{e.bulletin_id if e.bulletin_id is not None else e.kind}"
        attempt = self._attempts[base]
        self._attempts[base] += 1
        record = p.AsRunRecord(
            key=f"{base}:{attempt}", device_id=self.id, bulletin_id=e.bulletin_id,
            version_hash=e.version_hash, kind=e.kind, planned_start=planned,
            actual_start=p.iso(rec.actual_start) if rec.actual_start else None,
            actual_end=p.iso(rec.actual_end) if rec.actual_end else None,
            device_time=p.iso(self.clock.now()), outcome=rec.outcome, reason=rec.reason,
            duration_ms=e.duration_ms, aired_ms=rec.aired_ms,
        )
        self.outbox.add(record)
        self.device.observe(record)
        self.uplink.schedule_flush()

    # -- incoming messages -------------------------------------------------------------------------
    def on_message(self, topic: str, payload: bytes) -> None:
        if not self.alive:
            return
        if self.device.slow_s > 0:
            asyncio.get_running_loop().call_later(self.device.slow_s, self.handle, topic, payload)
        else:
            self.handle(topic, payload)

    def handle(self, topic: str, payload: bytes) -> None:
        if not self.alive or not payload:  # an empty payload clears a retained message
            return
        try:
            if topic == self.topic_ack:
                self.uplink.apply_ack(p.parse_bounded(payload, p.MAX_ASRUN_BATCH_BYTES, p.AsRunAck))
            elif topic == self.topic_manifest:
                self.on_manifest(payload)
            elif topic == self.topic_cmd:
                self._on_command(payload)
            elif topic.startswith(f"{p.TOPIC_PREFIX}/area/") and topic.endswith("/alert"):
                self._on_alert(topic, payload)
        except p.Rejected as exc:
            self.device.refuse(exc.reason, topic)
        self.after()

    def _duplicate(self, topic: str, raw: bytes) -> str | None:
        """The envelope's identity, or None when it repeats the last accepted one on ``topic``."""
        sig = _signature(raw)
        if self._last_sig.get(topic) == sig:
            self.device.counters.duplicates += 1
            return None
        return sig

    def on_manifest(self, raw: bytes) -> None:
        sig = self._duplicate(self.topic_manifest, raw)
        if sig is None:
            return
        try:
            manifest = self.guard.accept_manifest(raw)
        except p.Rejected as exc:
            current = self.player.manifest
            if exc.reason == "replayed" and current is not None and _payload_seq(raw) == current.seq:
                self.device.counters.duplicates += 1  # the same manifest in other bytes (an HTTP pull)
                return
            raise
        self._last_sig[self.topic_manifest] = sig
        self.device.store.save_manifest(raw)
        self.device.counters.manifests += 1
        self._dirty = True
        self.failed_media.clear()  # a new manifest retries media that failed verification
        self._apply_manifest(manifest)

    def _apply_manifest(self, manifest: p.ManifestPayload) -> None:
        now = self.clock.now()
        self.guard.area_codes = frozenset(manifest.area_codes)
        self.player.set_manifest(manifest, now)
        self.topic_starts.prune(manifest)
        self._air_alerts(now)
        self.uplink.follow_areas(manifest.area_codes)
        self._want_media()

    def _on_alert(self, topic: str, raw: bytes) -> None:
        sig = self._duplicate(topic, raw)
        if sig is None:
            return
        msg = self.guard.accept_alert(raw)
        self._last_sig[topic] = sig
        self.alert_envelopes[topic] = raw
        self.device.counters.alerts += 1
        self._dirty = True
        now = self.clock.now()
        if msg.action == "start" and msg.alert is not None:
            self.topic_starts.start(msg, raw)
            self._want_media()
        else:
            self.topic_starts.cancel(msg.alert_id)
            self.player.alert_cancel(msg.alert_id, p.parse_iso(msg.expires_at), now)
        self.device.store.save_alerts(self.alert_envelopes, self.topic_starts.envelopes())
        self._air_alerts(now)

    def _air_alerts(self, now: datetime) -> None:
        """Drop every alert no longer active (superseded or ended; an occurrence on air
        finishes), then start the active ones (manifest + topic starts, see ``alert_starts``)."""
        active = self.topic_starts.active(self.player.manifest)
        for alert_id in list(self.player.alerts):
            if alert_id not in active:
                self.player.alert_drop(alert_id, now)
        for alert in active.values():
            self.player.alert_start(alert, now)

    def _on_command(self, raw: bytes) -> None:
        sig = self._duplicate(self.topic_cmd, raw)
        if sig is None:
            return
        cmd = self.guard.accept_command(raw)
        self._last_sig[self.topic_cmd] = sig
        self.device.counters.commands += 1
        self._dirty = True
        if cmd.command == "volume":
            value = next((cmd.args[k] for k in ("volume", "level", "value") if k in cmd.args), None)
            with contextlib.suppress(TypeError, ValueError):
                self.volume = max(0, min(100, round(float(value))))  # type: ignore[arg-type]
        elif cmd.command == "stop":
            self.player.stop(self.clock.now())
        elif cmd.command == "resync":
            self.spawn(self.resync())
        elif cmd.command == "reboot":
            self.device.spawn(self.device.reboot())

    async def resync(self) -> None:
        """Pull the manifest over HTTP (no ETag) and fetch any media still missing or failed."""
        self.failed_media.clear()
        await self.uplink.pull_manifest(force=True)
        self._want_media()

    # -- media ---------------------------------------------------------------------------------------
    def _want_media(self) -> None:
        if self.player.kind == "board":
            return
        if self._media_task is not None and not self._media_task.done():
            self._media_again = True
            return
        self._media_task = self.spawn(self._fetch_media())

    def needed_media(self) -> dict[str, str]:
        """sha256 -> media path of what may still air: alerts first, then items by start."""
        needed: dict[str, str] = {}
        for run in self.player.alerts.values():
            needed.setdefault(run.alert.sha256, run.alert.media)
        for entry in self.player.displaced:
            if entry.sha256:
                needed.setdefault(entry.sha256, f"/media/{entry.sha256}.mp3")
        for item in self.player.pending_items():
            if item.sha256 and item.media:
                needed.setdefault(item.sha256, item.media)
        return needed

    async def _fetch_media(self) -> None:
        while True:
            self._media_again = False
            for sha, path in self.needed_media().items():
                if self.env.media.is_ready(sha) or sha in self.failed_media:
                    continue
                await self.uplink.download(sha, path)
                self.poke()
            if not self._media_again:
                return

    # -- heartbeat and status ------------------------------------------------------------------------
    async def _heartbeat_loop(self) -> None:
        last = float("-inf")
        while True:
            await sleep_until(self.clock, self.clock.now() + timedelta(seconds=self.opt.heartbeat_s))
            mqtt = self.mqtt
            if time.monotonic() - last < self.opt.heartbeat_min_real_s:
                continue
            last = time.monotonic()
            if mqtt is not None and mqtt.connected:
                mqtt.publish(self.topic_status, self.status_payload("online"), qos=1, retain=True)
                self.device.counters.heartbeats += 1

    def _report_alert_starts(self) -> None:
        started = set(self.player.alert_started)
        if started <= self._reported_alerts:
            return
        mqtt = self.mqtt
        if mqtt is not None and mqtt.connected:
            mqtt.publish(self.topic_status, self.status_payload("online"), qos=1, retain=True)
            self._reported_alerts = started

    def status_payload(self, state: str) -> bytes:
        now = self.clock.now()
        fields: dict[str, Any] = {"device_id": self.id, "state": state, "at": p.iso(now), "fw": self.opt.fw}
        if state == "online":
            on_air = self.player.on_air(now)
            manifest = self.player.manifest
            fields |= {
                "manifest_seq": manifest.seq if manifest else None,
                "playing": on_air[0][:200] if on_air else None,
                "volume": self.volume, "cache_items": self.env.media.ready_count,
                "uptime_s": max(0, int((now - self.booted_at).total_seconds())),
            }
            started = sorted(self.player.started_alerts().items(), key=lambda kv: kv[1])[-8:]  # newest 8
            if started:
                fields["alerts_started"] = {alert_id: p.iso(at) for alert_id, at in started}
        return p.Status.model_validate(fields).model_dump_json(exclude_none=True).encode()
