"""The scheduled functions, each under a stable name (`server.jobs.scheduled`): the persistent job
store holds the name, so a function may be renamed or moved freely."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from server.delivery.presence import mark_silent_devices
from server.jobs import current_runtime, scheduled

if TYPE_CHECKING:
    from server.scheduling.component import SchedulerComponent

log = logging.getLogger(__name__)


def _scheduler() -> SchedulerComponent | None:
    runtime = current_runtime()
    return runtime.scheduler if runtime is not None else None


@scheduled("recompile")
def recompile() -> None:
    comp = _scheduler()
    if comp is not None:
        comp.compile_pending()


@scheduled("nightly-compile")
def nightly_compile() -> None:
    """The rolling window moves at midnight: every device gets tomorrow + 3 days."""
    comp = _scheduler()
    if comp is not None:
        comp.compile_now()


@scheduled("expire-bulletins")
def expire_bulletins() -> None:
    runtime = current_runtime()
    if runtime is None:
        return
    from sqlmodel import Session

    from server.services import audit
    from server.services.workflow import expire_due

    with audit.bind(Session(runtime.engine), runtime.settings.data_dir) as session:
        ended = expire_due(session, runtime.clock())
        session.commit()
    comp = _scheduler()
    for bulletin_id, emergency in ended:
        if comp is not None:
            comp.bulletin_changed(bulletin_id, emergency=emergency, ended=True)


@scheduled("presence-sweep")
def sweep_presence() -> None:
    runtime = current_runtime()
    if runtime is not None:
        count = mark_silent_devices(runtime.engine, runtime.clock())
        if count:
            log.info("marked %d silent device(s) offline", count)


@scheduled("reports-refresh")
def refresh_reports() -> None:
    from server.services.reports_rollup import refresh_job

    refresh_job()
