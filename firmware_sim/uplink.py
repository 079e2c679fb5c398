"""A device's network side: the MQTT connection, as-run delivery, HTTP fallback, downloads.

* MQTT: connect with a will (retained ``offline`` status), publish ``online`` (retained), then
  subscribe to the device's manifest, command and ack topics and to the alert topics of its own
  area chain (the manifest's ``area_codes``; before the first manifest, its enrolment area).
  Reconnects back off ``base × 2^n`` capped at ``backoff_cap_s`` plus up to ``jitter_s``.
* As-run: batches go out on ``dev/{id}/asrun`` (QoS 1); records stay on disk until an
  ``asrun/ack`` names them. After a reconnect every unacknowledged batch is sent again; a batch
  without an ack after ``ack_timeout_s`` is resent (the wait doubles up to 300 s).
* HTTP fallback: with MQTT down for ``http_fallback_after_s`` the device pulls its manifest
  (ETag) and uploads as-run batches over HTTP; connected without any manifest after
  ``manifest_grace_s``, it pulls once per ``http_poll_s``.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from devices import protocol as p
from firmware_sim.media import DownloadError
from firmware_sim.transport import ConnectError, HttpError, MqttTransport

if TYPE_CHECKING:
    from firmware_sim.firmware import Firmware

MAX_ACK_WAIT_S = 300.0


class Uplink:
    def __init__(self, fw: Firmware) -> None:
        self.fw = fw
        self.device = fw.device
        self.opt = fw.opt
        self.mqtt: MqttTransport | None = None  # connected (CONNACK received) or None
        self._transport: MqttTransport | None = None  # the one being connected, too
        self.alert_topics = {p.alert_topic(self.device.identity.area_code)}
        self._flush_handle: asyncio.TimerHandle | None = None
        self._ack_handle: asyncio.TimerHandle | None = None
        self._ack_wait = self.opt.ack_timeout_s
        self.down_since = time.monotonic()
        self.connected_since: float | None = None
        self.last_pull: float | None = None

    def backoff(self, attempt: int) -> float:
        opt = self.opt
        delay = min(opt.backoff_cap_s, opt.backoff_base_s * 2 ** max(0, attempt - 1))
        return delay + self.device.rng.uniform(0, opt.jitter_s)

    def close(self, *, abort: bool) -> None:
        for handle in (self._flush_handle, self._ack_handle):
            if handle is not None:
                handle.cancel()
        self._flush_handle = self._ack_handle = None
        transport = self._transport
        self.mqtt = self._transport = None
        if transport is not None and abort:
            transport.abort()

    def drop(self) -> None:
        """The link went down: lose the connection abruptly (the broker sends the will)."""
        if self._transport is not None:
            self._transport.abort()

    # -- MQTT ------------------------------------------------------------------------------------
    async def mqtt_loop(self) -> None:
        device, fw = self.device, self.fw
        url = fw.env.mqtt_url or device.identity.mqtt_url
        failures = 0
        while True:
            await device.link_up.wait()
            transport = self._transport = fw.env.mqtt(
                url=url, client_id=fw.id, username=fw.id, password=device.identity.password,
                will_topic=fw.topic_status, on_message=fw.on_message,
            )
            try:
                await transport.connect(fw.status_payload("offline"), self.opt.connect_timeout_s)
            except ConnectError as exc:
                failures += 1
                device.counters.connect_failures += 1
                device.counters.auth_failures += int(exc.auth)
                await asyncio.sleep(self.backoff(failures))
                continue
            if not device.link_up.is_set():
                transport.abort()
                continue
            failures = 0
            self.mqtt = transport
            self._on_connected(transport)
            await transport.wait_closed()
            self.mqtt = None
            self.connected_since = None
            self.down_since = time.monotonic()
            device.counters.disconnects += 1
            fw.env.on_change()
            await asyncio.sleep(self.backoff(1))

    def _on_connected(self, mqtt: MqttTransport) -> None:
        device, fw = self.device, self.fw
        device.counters.connects += 1
        self.connected_since = time.monotonic()
        if device.counters.first_connect_s is None:
            device.counters.first_connect_s = self.connected_since - device.started_mono
        mqtt.publish(fw.topic_status, fw.status_payload("online"), qos=1, retain=True)
        mqtt.subscribe([fw.topic_manifest, fw.topic_cmd, fw.topic_ack, *sorted(self.alert_topics)])
        fw.outbox.requeue()  # whatever was in flight may be lost: send it again
        self.flush()
        fw.env.on_change()

    def follow_areas(self, area_codes: Sequence[str]) -> None:
        """Subscribe to the alert topics of the manifest's area chain, drop the others."""
        wanted = {p.alert_topic(code) for code in area_codes}
        mqtt = self.mqtt
        if mqtt is not None:
            mqtt.subscribe(sorted(wanted - self.alert_topics))
            mqtt.unsubscribe(sorted(self.alert_topics - wanted))
        self.alert_topics = wanted

    # -- as-run --------------------------------------------------------------------------------------
    def schedule_flush(self, delay: float | None = None) -> None:
        if self._flush_handle is None:
            opt = self.opt
            if delay is None:
                delay = opt.asrun_flush_delay_s + self.device.rng.uniform(0, opt.asrun_flush_jitter_s)
            self._flush_handle = asyncio.get_running_loop().call_later(delay, self.flush)

    def flush(self) -> None:
        self._flush_handle = None
        mqtt, fw, counters = self.mqtt, self.fw, self.device.counters
        if mqtt is None or not mqtt.connected or not fw.alive:
            return
        while (batch := fw.outbox.take_batch(self.opt.asrun_batch, p.iso(fw.clock.now()))) is not None:
            payload = batch.model_dump_json(exclude_none=True).encode()
            if not mqtt.publish(p.asrun_topic(fw.id), payload, qos=1):
                fw.outbox.requeue(batch_id=batch.batch_id)
                break
            counters.batches_sent += 1
            counters.records_sent += len(batch.records)
        self._arm_ack_timer()

    def _arm_ack_timer(self) -> None:
        oldest = self.fw.outbox.oldest_inflight()
        if oldest is not None and self._ack_handle is None:
            delay = max(0.05, oldest + self._ack_wait - time.monotonic())
            self._ack_handle = asyncio.get_running_loop().call_later(delay, self._ack_timeout)

    def _ack_timeout(self) -> None:
        self._ack_handle = None
        if self.fw.outbox.requeue(older_than=self._ack_wait * 0.99):
            self.device.counters.ack_timeouts += 1
            self._ack_wait = min(MAX_ACK_WAIT_S, self._ack_wait * 2)
        self.flush()
        self._arm_ack_timer()

    def apply_ack(self, ack: p.AsRunAck) -> None:
        stored, rejected = self.fw.outbox.ack(ack)
        counters = self.device.counters
        counters.records_acked += stored
        counters.records_rejected += rejected
        self._ack_wait = self.opt.ack_timeout_s
        if self.fw.outbox.unsent:
            self.schedule_flush(0)

    # -- HTTP ----------------------------------------------------------------------------------------
    async def http_loop(self, check_s: float) -> None:
        opt = self.opt
        await asyncio.sleep(check_s * random.random())  # spread thousands of devices
        while True:
            await asyncio.sleep(check_s)
            if not self.device.link_up.is_set():
                continue
            now = time.monotonic()
            due = self.last_pull is None or now - self.last_pull >= opt.http_poll_s
            if self.mqtt is None and now - self.down_since >= opt.http_fallback_after_s and due:
                await self.http_sync()
            elif (
                self.connected_since is not None and self.fw.player.manifest is None and due
                and now - self.connected_since >= opt.manifest_grace_s
            ):
                await self.pull_manifest()

    async def http_sync(self) -> None:
        """Pull the manifest and upload pending as-run records over HTTP."""
        await self.pull_manifest()
        await self.push_asrun()

    async def pull_manifest(self, *, force: bool = False) -> int | None:
        """HTTP status of the pull (None: no link or no answer)."""
        fw, device = self.fw, self.device
        if not device.link_up.is_set():
            return None
        self.last_pull = time.monotonic()
        device.counters.http_pulls += 1
        try:
            response = await fw.env.http.get_manifest(fw.id, fw.auth, None if force else fw.etag)
        except HttpError:
            device.counters.http_errors += 1
            return None
        if response.status == 200 and fw.alive:
            fw.etag = response.etag
            fw.mark_dirty()
            try:
                fw.on_manifest(response.body)
            except p.Rejected as exc:
                device.refuse(exc.reason, f"GET /api/v1/devices/{fw.id}/manifest")
            fw.after()
        return response.status

    async def push_asrun(self) -> None:
        fw, device = self.fw, self.device
        while device.link_up.is_set() and (
                batch := fw.outbox.take_batch(self.opt.asrun_batch, p.iso(fw.clock.now()))) is not None:
            try:
                raw = await fw.env.http.post_asrun(fw.id, fw.auth, batch.model_dump_json(exclude_none=True).encode())
                ack = p.parse_bounded(raw, p.MAX_ASRUN_BATCH_BYTES, p.AsRunAck)
            except (HttpError, p.Rejected):
                fw.outbox.requeue(batch_id=batch.batch_id)
                device.counters.http_errors += 1
                return
            device.counters.http_batches += 1
            device.counters.records_sent += len(batch.records)
            self.apply_ack(ack)
            fw.after()

    # -- media -----------------------------------------------------------------------------------------
    async def pace(self) -> None:
        """Awaited per downloaded chunk: the slow-link fault, and a link that drops mid-download."""
        if not self.device.link_up.is_set():
            raise HttpError("link down")
        if self.device.slow_s > 0:
            await asyncio.sleep(self.device.slow_s)

    async def download(self, sha: str, path: str) -> None:
        fw, device = self.fw, self.device
        for attempt in range(1, self.opt.media_retries + 1):
            await device.link_up.wait()
            try:
                if device.corrupt_left > 0:
                    device.corrupt_left -= 1
                    ok = await fw.env.media.download_corrupted(sha, path, fw.auth, pace=self.pace)
                else:
                    ok = await fw.env.media.ensure(sha, path, fw.auth, pace=self.pace)
            except DownloadError:
                device.counters.download_errors += 1
                await asyncio.sleep(self.backoff(attempt))
                continue
            if not ok:
                fw.failed_media.add(sha)
                device.counters.media_failed += 1
            return
