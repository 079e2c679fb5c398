"""Liveness plus the state of the database and the broker."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from server.deps import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(runtime: RuntimeDep) -> dict[str, Any]:
    database = "ok"
    try:
        with runtime.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        database = "unreachable"
    components = {comp.name: comp.state() for comp in runtime.components}
    healthy = database == "ok" and all(c.get("ok", True) for c in components.values())
    # leader: this process runs the scheduler; standby: it waits to take over; off: it never will.
    role = runtime.leadership.role if runtime.leadership is not None else "off"
    scheduler = {**components.pop("scheduler", {}), "role": role, "running": runtime.jobs.scheduler.running}
    return {
        "status": "ok" if healthy else "degraded",
        "database": {"state": database, "backend": runtime.engine.dialect.name},
        "scheduler": scheduler,
        **components,
    }
