"""The playback state machine of one device: pure logic, driven by ``advance(now)``.

Inputs are a manifest, alert starts/cancels, ``stop`` and the passing of time; outputs are
``Record``s (``emit``) and the next time something happens (``next_event``). The device arms one
timer for that time and calls ``advance`` again; everything in between is computed in event
time, so results do not depend on how busy the host is.

Rules (DESIGN.md §3, with the simplifications chosen for the simulator):

* An item airs at its ``start``. It is **played** when it started within ±2 s of plan (or of its
  resume) and ≥ 95 % aired. When due without a manifest entry or without verified media it is
  **missed/offline**; when its media failed verification, **failed/media_failed**.
* An alert occurrence preempts the current item (alerts queue behind each other). The
  interrupted item, and any item that came due meanwhile, is *displaced*. When the device is free
  again, displaced items replay back to back, each only if it ends before the next scheduled item
  starts (end of the manifest window when none); an item that does not fit is **missed/preempted**
  (with the part that aired, if any). A replay that airs fully is **played**.
* An item cut by an alert in its last 5 % already counts as played and is not replayed.
* Speakers play an alert at ``starts_at`` (or at once when they learn it late), then every
  ``repeat_every_s`` on the same grid until ``expires_at``; a cancel stops it (an occurrence on
  air is **interrupted**). Boards show the alert text from ``starts_at`` until it expires or is
  cancelled (recorded as played), and show nothing else meanwhile.
* ``stop`` ends the current airing: **interrupted** (played if ≥ 95 % had aired).
* ``expired``: an alert occurrence still waiting for its media when the alert expired.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from devices.played import START_TOLERANCE
from devices.protocol import Alert, ManifestItem, ManifestPayload
from firmware_sim.airing import AIRS, Airing, DeviceKind, Entry, MediaState, Record, wire_time

_MAX_STEPS = 100_000  # a guard against a logic error spinning forever


class _AlertRun:
    __slots__ = ("alert", "expires", "learned_at", "next_at", "waiting")

    def __init__(self, alert: Alert, learned_at: datetime) -> None:
        self.alert = alert
        self.expires = wire_time(alert.expires_at)
        self.learned_at = learned_at
        self.next_at: datetime | None = None  # next occurrence on the repeat grid
        self.waiting: tuple[Entry, bool] | None = None  # due occurrence, blocked on media?


class Player:
    def __init__(
        self, kind: DeviceKind, media: Callable[[str], MediaState], emit: Callable[[Record], None]
    ) -> None:
        self.kind = kind
        self._media = media
        self._emit = emit
        self.manifest: ManifestPayload | None = None
        self._items: list[ManifestItem] = []
        self._starts: list[datetime] = []
        self.cursor: datetime | None = None  # manifest items starting at or before it are handled
        self.current: Airing | None = None
        self.displaced: list[Entry] = []
        self.alerts: dict[str, _AlertRun] = {}
        self.alert_done: dict[str, datetime] = {}  # last grid occurrence aired per alert
        self.alert_started: dict[str, datetime] = {}  # alert id -> when its first occurrence went on air
        self.cancelled: dict[str, datetime] = {}  # alert id -> forget after
        self._t: datetime | None = None
        self.dirty = False  # set on every change worth persisting

    # -- inputs ------------------------------------------------------------------------------
    def set_manifest(self, manifest: ManifestPayload, now: datetime) -> None:
        self.advance(now)
        self.manifest = manifest
        airs = AIRS[self.kind]
        self._items = [item for item in manifest.items if item.kind in airs]
        self._starts = [wire_time(item.start) for item in self._items]
        if self.cursor is None:  # first manifest: what started more than 2 s ago is not ours
            self.cursor = now - START_TOLERANCE
        self.dirty = True
        self.advance(now)

    def alert_start(self, alert: Alert, now: datetime) -> None:
        self.advance(now)
        run = self.alerts.get(alert.alert_id)
        if alert.alert_id in self.cancelled or wire_time(alert.expires_at) <= now:
            return
        if run is not None:  # already known: take the newer details, keep the schedule
            run.alert, run.expires = alert, wire_time(alert.expires_at)
            self.advance(now)
            return
        run = _AlertRun(alert, now)
        start, period = wire_time(alert.starts_at), timedelta(seconds=alert.repeat_every_s)
        if self.kind == "board" or now < start:
            run.next_at = start
        else:
            grid = start + period * ((now - start) // period)
            done = self.alert_done.get(alert.alert_id)
            run.next_at = grid if done is None or done < grid else grid + period
        if self.kind == "speaker" and run.next_at >= run.expires:
            run.next_at = None
        self.alerts[alert.alert_id] = run
        self.dirty = True
        self.advance(now)

    def alert_cancel(self, alert_id: str, forget_after: datetime, now: datetime) -> None:
        self.advance(now)
        self.cancelled[alert_id] = forget_after
        self.alerts.pop(alert_id, None)
        cur = self.current
        if cur is not None and cur.entry.alert_id == alert_id:
            self.current = None
            self._emit(Record.aired(cur, now, "played" if self.kind == "board" else "interrupted"))
        self.dirty = True
        self.advance(now)

    def alert_drop(self, alert_id: str, now: datetime) -> None:
        """Forget an alert that is no longer active (superseded): no more occurrences; one on
        air finishes."""
        self.advance(now)
        if self.alerts.pop(alert_id, None) is not None:
            self.dirty = True

    def stop(self, now: datetime) -> None:
        self.advance(now)
        cur = self.current
        if cur is not None:
            self.current = None
            played = not cur.entry.is_alert and cur.counts_as_played(now)
            self._emit(Record.aired(cur, now, "played" if played else "interrupted"))
            self.dirty = True
        self.advance(now)

    # -- time --------------------------------------------------------------------------------
    def advance(self, now: datetime) -> None:
        """Process every event due up to ``now``, each at its own time."""
        for _ in range(_MAX_STEPS):
            t = self._next_event_at(now)
            if t is None or t > now:
                break
            self._step(t, now)
        else:  # pragma: no cover - a bug, not a runtime condition
            raise RuntimeError("player did not settle")
        self._t = now if self._t is None else max(self._t, now)
        for alert_id, until in list(self.cancelled.items()):
            if until < now:
                del self.cancelled[alert_id]

    def next_event(self) -> datetime | None:
        """When the device should call ``advance`` next (None: only on new input)."""
        return self._next_event_at(None)

    def _next_event_at(self, now: datetime | None) -> datetime | None:
        cands: list[datetime] = []
        if self.current is not None:
            cands.append(self.current.ends)
        for run in self.alerts.values():
            if run.next_at is not None:
                cands.append(run.next_at)
            if run.waiting is not None:
                cands.append(run.expires)
                if now is not None and run.waiting[1] and self._startable(run.waiting[0]):
                    cands.append(now)
        i = self._next_index()
        if i < len(self._items):
            cands.append(self._starts[i])
        if self.current is None and self.displaced and self._t is not None:
            cands.append(self._t)
        if not cands:
            return None
        t = min(cands)
        return t if self._t is None else max(t, self._t)

    def pending_items(self) -> list[ManifestItem]:
        """Manifest items this device airs that have not come due yet."""
        return self._items[self._next_index():]

    def _next_index(self) -> int:
        return 0 if self.cursor is None else bisect.bisect_right(self._starts, self.cursor)

    def _step(self, t: datetime, now: datetime) -> None:
        self._t = t
        cur = self.current
        if cur is not None and cur.ends <= t:
            self.current = None
            self._emit(Record.aired(cur, cur.ends, "played" if cur.counts_as_played(cur.ends) else "interrupted"))
            self.dirty = True
        self._collect_alerts(t)
        self._start_alert(t, now)
        self._take_due_items(t)
        if self.current is None:
            self._replay(t)

    # -- alerts --------------------------------------------------------------------------------
    def _collect_alerts(self, t: datetime) -> None:
        for alert_id, run in list(self.alerts.items()):
            if run.waiting is not None and run.expires <= t:
                self._emit(Record.skipped(run.waiting[0], "missed", "expired"))
                run.waiting = None
            if run.expires <= t and run.next_at is None and run.waiting is None:
                del self.alerts[alert_id]
                continue
            while run.next_at is not None and run.next_at <= t:
                if run.waiting is not None:  # the previous occurrence never got its media
                    self._emit(Record.skipped(run.waiting[0], "missed", "offline"))
                grid = run.next_at
                # Reported against its grid time (the server's plan), even when learned late: an
                # emergency airs as soon as the device knows it, and is judged without start tolerance.
                planned = grid if self.kind == "speaker" else max(grid, run.learned_at)
                entry = Entry.from_alert(run.alert, planned, board=self.kind == "board", until=run.expires)
                run.waiting = (entry, False)
                if self.kind == "board":
                    run.next_at = None
                else:
                    after = grid + timedelta(seconds=run.alert.repeat_every_s)
                    run.next_at = after if after < run.expires else None
                self.alert_done[alert_id] = grid
                self.dirty = True

    def _startable(self, entry: Entry) -> bool:
        return self._media_state(entry) != "missing" and not (
            self.current is not None and self.current.entry.is_alert
        )

    def _start_alert(self, t: datetime, now: datetime) -> None:
        waiting = sorted(
            (run for run in self.alerts.values() if run.waiting is not None),
            key=lambda run: run.waiting[0].planned if run.waiting else t,
        )
        for run in waiting:
            if self.current is not None and self.current.entry.is_alert:
                return
            assert run.waiting is not None
            entry, blocked = run.waiting
            state = self._media_state(entry)
            if state == "failed":
                run.waiting = None
                self._emit(Record.skipped(entry, "failed", "media_failed"))
                continue
            if state == "missing" or (blocked and t < now):
                run.waiting = (entry, True)
                continue
            run.waiting = None
            self._preempt(t)
            ends = run.expires if self.kind == "board" else t + entry.duration
            self.current = Airing(entry, t, ends)
            if entry.alert_id is not None:
                self.alert_started.setdefault(entry.alert_id, t)
            self.dirty = True

    def _preempt(self, t: datetime) -> None:
        cur = self.current
        if cur is None:
            return
        self.current = None
        if cur.counts_as_played(t):
            self._emit(Record.aired(cur, t, "played"))
            return
        entry = cur.entry
        if entry.partial is None:
            entry.partial = (cur.started, t)
        self.displaced.insert(0, entry)

    # -- manifest items ------------------------------------------------------------------------
    def _take_due_items(self, t: datetime) -> None:
        i = self._next_index()
        while i < len(self._items) and self._starts[i] <= t:
            item, start = self._items[i], self._starts[i]
            self.cursor = start
            self.dirty = True
            entry = Entry.from_item(item, start)
            i += 1
            if self.current is not None:
                self.displaced.append(entry)
                continue
            if t - start > START_TOLERANCE:
                self._emit(Record.skipped(entry, "missed", "offline"))
                continue
            state = self._media_state(entry)
            if state == "ready":
                self.current = Airing(entry, t, t + entry.duration)
            elif state == "failed":
                self._emit(Record.skipped(entry, "failed", "media_failed"))
            else:
                self._emit(Record.skipped(entry, "missed", "offline"))

    def _replay(self, t: datetime) -> None:
        i = self._next_index()
        if i < len(self._starts):
            bound: datetime | None = self._starts[i]
        else:
            bound = wire_time(self.manifest.window_to) if self.manifest else None
        while self.displaced and self.current is None:
            entry = self.displaced.pop(0)
            self.dirty = True
            state = self._media_state(entry)
            if state == "failed":
                self._emit(Record.skipped(entry, "failed", "media_failed"))
            elif state == "missing":
                self._emit(Record.skipped(entry, "missed", "offline"))
            elif bound is not None and t + entry.duration > bound:
                self._emit(Record.skipped(entry, "missed", "preempted"))
            else:
                self.current = Airing(entry, t, t + entry.duration, resumed=True)

    def _media_state(self, entry: Entry) -> MediaState:
        return "ready" if entry.sha256 is None else self._media(entry.sha256)

    # -- persistence and display ----------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        open_entries = [e.to_json(None) for e in self.displaced]
        if self.current is not None:
            open_entries.insert(0, self.current.entry.to_json(self.current.started))
        return {
            "cursor": self.cursor.isoformat() if self.cursor else None,
            "alert_done": {k: v.isoformat() for k, v in self.alert_done.items()},
            "cancelled": {k: v.isoformat() for k, v in self.cancelled.items()},
            "alert_started": {k: v.isoformat() for k, v in self.alert_started.items()},
            "open": open_entries,
        }

    def restore(self, snapshot: dict[str, Any], now: datetime) -> None:
        """Boot from what the device kept on disk: what was on air when the power went is
        reported interrupted (its end is unknown), displaced items missed/offline."""
        cursor = snapshot.get("cursor")
        self.cursor = datetime.fromisoformat(cursor) if cursor else None
        self.alert_done = {k: datetime.fromisoformat(v) for k, v in snapshot.get("alert_done", {}).items()}
        self.cancelled = {k: datetime.fromisoformat(v) for k, v in snapshot.get("cancelled", {}).items()}
        self.alert_started = {k: datetime.fromisoformat(v)
                              for k, v in snapshot.get("alert_started", {}).items()}
        for data in snapshot.get("open", []):
            entry, started = Entry.from_json(data)
            if started is not None:
                self._emit(Record(entry, "interrupted", None, started, None, 0))
            else:
                self._emit(Record.skipped(entry, "missed", "offline"))
            self.dirty = True
        self._t = now

    def started_alerts(self) -> dict[str, datetime]:
        """Alerts still active (or on air) that this device has started, with their start time;
        forgets the others."""
        cur = self.current
        live = set(self.alerts) | ({cur.entry.alert_id} if cur is not None and cur.entry.alert_id else set())
        for alert_id in [a for a in self.alert_started if a not in live]:
            del self.alert_started[alert_id]
        return dict(self.alert_started)

    def on_air(self, now: datetime) -> tuple[str, list[str] | None] | None:
        """(title, board page) of what is on air at ``now``, or None."""
        cur = self.current
        if cur is None or not cur.started <= now < cur.ends:
            return None
        return cur.entry.title, cur.page(now)
