"""The scheduler component: recurring jobs (nightly compile, expiry, presence sweep) on the
persistent APScheduler store, debounced recompiles after changes, immediate emergency pushes.

Misfire policy, chosen deliberately: every recurring job coalesces (a server down for three
nights compiles once on start, not three times); the nightly compile may run up to 6 h late,
sweeps only within a minute (a late sweep is worthless, the next one comes soon). Job ids are
fixed and added with replace_existing, so a restart neither loses nor duplicates them.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any

from playlists.model import LOCAL_TZ
from server.delivery.keys import signer_for
from server.scheduling import alerts
from server.scheduling.compiler import CompileResult, compile_and_store

log = logging.getLogger(__name__)

DEBOUNCE = timedelta(seconds=3)
# After an emergency starts, the retained alert is what interrupts devices; the manifests (which list
# it for devices that come back later, and for those on the HTTP fallback) follow once the broker's
# fan-out is over rather than in the same seconds, but soon: the HTTP fallback waits for them.
EMERGENCY_RECOMPILE_DELAY = timedelta(seconds=10)
RECURRING = {
    "nightly-compile": ("server.scheduling.jobs:nightly_compile", {"trigger": "cron", "hour": 0, "minute": 5},
                        6 * 3600),
    "expire-bulletins": ("server.scheduling.jobs:expire_bulletins", {"trigger": "interval", "minutes": 5}, 300),
    "presence-sweep": ("server.scheduling.jobs:sweep_presence", {"trigger": "interval", "seconds": 60}, 60),
    # Airtime rollups: late logs absorbed in the background so reports stay fast.
    "reports-refresh": ("server.services.reports_rollup:refresh_job", {"trigger": "interval", "minutes": 10}, 600),
}


class SchedulerComponent:
    name = "scheduler"

    def __init__(self) -> None:
        self.runtime: Any = None
        self.last: CompileResult | None = None
        self._lock = threading.Lock()

    def start(self, runtime: Any) -> None:
        self.runtime = runtime
        scheduler = runtime.jobs.scheduler
        if not scheduler.running:
            return
        for job_id, (func, trigger, grace) in RECURRING.items():
            kwargs = dict(trigger)
            kind = kwargs.pop("trigger")
            if kind == "cron":
                kwargs["timezone"] = LOCAL_TZ
            scheduler.add_job(func, kind, id=job_id, replace_existing=True, coalesce=True,
                              misfire_grace_time=grace, **kwargs)
        self.request_recompile(delay=timedelta(0))

    def stop(self) -> None:
        pass

    def state(self) -> dict[str, Any]:
        last = self.last
        return {"last_compile": None if last is None else {
            "devices": last.devices, "changed": len(last.changed), "seconds": round(last.seconds, 3)}, "ok": True}

    # -- triggers -------------------------------------------------------------------------------
    def request_recompile(self, delay: timedelta = DEBOUNCE) -> None:
        """Debounced: changes within ``delay`` of each other cause one compile."""
        scheduler = self.runtime.jobs.scheduler if self.runtime else None
        if scheduler is None or not scheduler.running:
            return
        scheduler.add_job("server.scheduling.jobs:recompile", "date", id="recompile", replace_existing=True,
                          run_date=self.runtime.clock() + delay, misfire_grace_time=None)

    def compile_now(self, device_ids: list[str] | None = None, now: datetime | None = None) -> CompileResult:
        rt = self.runtime
        with self._lock:
            result = compile_and_store(
                rt.engine, signer_for(rt.settings.signing_key_path), LOCAL_TZ, now or rt.clock(),
                days=rt.settings.manifest_days, device_ids=device_ids,
            )
            if device_ids is None:
                self.last = result
        publisher = rt.component("mqtt")
        if publisher is not None and result.changed:
            publisher.publish_manifests(result.changed)
        return result

    def bulletin_changed(self, bulletin_id: int, *, emergency: bool, ended: bool = False) -> None:
        """Called after a workflow transition commits. Emergencies go out at once."""
        rt = self.runtime
        # Also a bulletin with retained starts: a new version may no longer be an emergency.
        if emergency or alerts.has_starts(rt.engine, bulletin_id):
            signer = signer_for(rt.settings.signing_key_path)
            now = rt.clock()
            if ended:
                ids = alerts.cancel_alerts(rt.engine, signer, bulletin_id, now)
            else:
                ids = alerts.start_alerts(rt.engine, signer, bulletin_id, now,
                                          horizon=timedelta(days=rt.settings.manifest_days))
            publisher = rt.component("mqtt")
            if publisher is not None and ids:
                publisher.publish_alerts(ids)
            # A cancel is already final on the topic; the manifests stop listing it soon too.
            self.request_recompile(delay=DEBOUNCE if ended else EMERGENCY_RECOMPILE_DELAY)
        else:
            self.request_recompile()
