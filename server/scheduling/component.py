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
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from playlists.model import LOCAL_TZ
from server.delivery.keys import signer_for
from server.jobs import RUN_NAMED, JobContext, job_kind
from server.models.bulletins import BulletinTarget, BulletinVersion
from server.scheduling import alerts, jobs  # noqa: F401  (jobs: registers the scheduled functions)
from server.scheduling.compiler import CompileResult, compile_and_store

log = logging.getLogger(__name__)

DEBOUNCE = timedelta(seconds=3)
# After an emergency starts, the retained alert is what interrupts devices; the manifests (which list
# it for devices that come back later, and for those on the HTTP fallback) follow once the broker's
# fan-out is over rather than in the same seconds, but soon: the HTTP fallback waits for them.
EMERGENCY_RECOMPILE_DELAY = timedelta(seconds=10)
# Job id (= the stable name of its function in server/scheduling/jobs.py) → trigger, grace seconds.
RECURRING = {
    "nightly-compile": ({"trigger": "cron", "hour": 0, "minute": 5}, 6 * 3600),
    "expire-bulletins": ({"trigger": "interval", "minutes": 5}, 300),
    "presence-sweep": ({"trigger": "interval", "seconds": 60}, 60),
    # Airtime rollups: late logs absorbed in the background so reports stay fast.
    "reports-refresh": ({"trigger": "interval", "minutes": 10}, 600),
}


class SchedulerComponent:
    name = "scheduler"

    def __init__(self) -> None:
        self.runtime: Any = None
        self.last: CompileResult | None = None
        self._lock = threading.Lock()
        # What the next debounced compile covers: the areas changes targeted, or everything.
        self._pending_lock = threading.Lock()
        self._pending_areas: set[str] = set()
        self._pending_full = False

    def start(self, runtime: Any) -> None:
        self.runtime = runtime

    def on_elected(self) -> None:
        """This process leads the scheduler: (re)register recurring jobs, compile once."""
        runtime = self.runtime
        scheduler = runtime.jobs.scheduler
        for job_id, (trigger, grace) in RECURRING.items():
            kwargs = dict(trigger)
            kind = kwargs.pop("trigger")
            if kind == "cron":
                kwargs["timezone"] = LOCAL_TZ
            scheduler.add_job(RUN_NAMED, kind, args=[job_id], id=job_id, replace_existing=True, coalesce=True,
                              misfire_grace_time=grace, **kwargs)
        self.request_recompile(delay=timedelta(0))

    def stop(self) -> None:
        pass

    def state(self) -> dict[str, Any]:
        last = self.last
        return {"last_compile": None if last is None else {
            "devices": last.devices, "changed": len(last.changed), "seconds": round(last.seconds, 3)}, "ok": True}

    # -- triggers -------------------------------------------------------------------------------
    def request_recompile(self, delay: timedelta = DEBOUNCE, areas: Iterable[str] | None = None) -> None:
        """Debounced: changes within ``delay`` of each other cause one compile — of the devices
        below ``areas`` only, or of every device (``None``). On a process that does not lead (an
        API replica), a queued job asks the leader to do it."""
        if self.runtime is None:
            return
        scheduler = self.runtime.jobs.scheduler
        if not scheduler.running:
            if self.runtime.started and not self.runtime.is_leader:
                params = {"delay_s": delay.total_seconds(), "areas": None if areas is None else sorted(areas)}
                with Session(self.runtime.engine) as session:
                    self.runtime.jobs.submit(session, RECOMPILE_JOB, params)
            return
        with self._pending_lock:
            if areas is None:
                self._pending_full = True
            else:
                self._pending_areas.update(areas)
        scheduler.add_job(RUN_NAMED, "date", args=["recompile"], id="recompile", replace_existing=True,
                          run_date=self.runtime.clock() + delay, misfire_grace_time=None)

    def compile_pending(self) -> CompileResult:
        """The debounced compile: what the requests since the last one asked for."""
        with self._pending_lock:
            full, areas = self._pending_full or not self._pending_areas, self._pending_areas
            self._pending_full, self._pending_areas = False, set()
        return self.compile_now(areas=None if full else areas)

    def compile_now(
        self, device_ids: list[str] | None = None, now: datetime | None = None, areas: Iterable[str] | None = None
    ) -> CompileResult:
        rt = self.runtime
        with self._lock:
            result = compile_and_store(
                rt.engine, signer_for(rt.settings.signing_key_path), LOCAL_TZ, now or rt.clock(),
                days=rt.settings.manifest_days, device_ids=device_ids, areas=areas,
            )
            if device_ids is None and areas is None:
                self.last = result
        publisher = rt.publisher
        if publisher is not None and result.changed:
            publisher.publish_manifests(result.changed)
        return result

    def bulletin_changed(self, bulletin_id: int, *, emergency: bool, ended: bool = False) -> None:
        """Called after a workflow transition commits. Emergencies go out at once. Only devices
        below an area some version of the bulletin targets (before or after the change) recompile."""
        rt = self.runtime
        areas = bulletin_areas(rt.engine, bulletin_id)
        # Also a bulletin with retained starts: a new version may no longer be an emergency.
        if emergency or alerts.has_starts(rt.engine, bulletin_id):
            signer = signer_for(rt.settings.signing_key_path)
            now = rt.clock()
            if ended:
                ids = alerts.cancel_alerts(rt.engine, signer, bulletin_id, now)
            else:
                ids = alerts.start_alerts(rt.engine, signer, bulletin_id, now,
                                          horizon=timedelta(days=rt.settings.manifest_days))
            publisher = rt.publisher
            if publisher is not None and ids:
                publisher.publish_alerts(ids)
            # A cancel is already final on the topic; the manifests stop listing it soon too.
            self.request_recompile(delay=DEBOUNCE if ended else EMERGENCY_RECOMPILE_DELAY, areas=areas)
        else:
            self.request_recompile(areas=areas)


def bulletin_areas(engine: Any, bulletin_id: int) -> set[str]:
    """Every area any version of the bulletin targets: an edit may have moved it elsewhere."""
    with Session(engine) as session:
        return set(session.exec(
            select(BulletinTarget.area_code).join(
                BulletinVersion, col(BulletinVersion.id) == col(BulletinTarget.version_id))
            .where(col(BulletinVersion.bulletin_id) == bulletin_id)
        ).all())


RECOMPILE_JOB = "scheduling.recompile"


@job_kind(RECOMPILE_JOB)
def _recompile_requested(ctx: JobContext) -> dict[str, Any]:
    """A change made through a process that does not lead: the leader compiles (debounced)."""
    comp = ctx.runtime.scheduler if ctx.runtime is not None else None
    if comp is not None:
        areas = ctx.params.get("areas")
        comp.request_recompile(delay=timedelta(seconds=float(ctx.params.get("delay_s", 3))),
                               areas=None if areas is None else set(areas))
    return {"requested": comp is not None}
