"""What happens after devices change: broker credentials regenerated, manifests compiled and
published, the audit trail told."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from server.models.users import User

if TYPE_CHECKING:
    from server.runtime import Runtime

log = logging.getLogger(__name__)


def record_device_event(
    session: Session, actor: User | None, action: str, device_id: str, details: dict[str, Any]
) -> None:
    from server.services import audit

    audit.record(session, actor, action, f"device:{device_id}", details)


def devices_changed(runtime: Runtime, device_ids: list[str], *, credentials_only: bool = False) -> None:
    """Enrolment is coalesced (broker update and compile run once per burst); rotation and
    revocation hold on the broker before the response, so a revoked password is refused at once."""
    broker = runtime.broker
    if broker is not None:
        if credentials_only:
            broker.sync_devices(device_ids)
        else:
            broker.request_sync(device_ids)
    ingest = runtime.ingest
    if ingest is not None:
        for device_id in device_ids:
            ingest.forget_device(device_id)
    if credentials_only:
        return
    compiler = runtime.scheduler
    if compiler is not None:
        compiler.request_recompile(delay=timedelta(seconds=1))
