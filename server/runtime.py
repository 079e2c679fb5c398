"""The process's long-lived resources, created once and owned by the app's lifespan."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Engine

from server.auth.tokens import load_or_create_secret
from server.db import get_engine
from server.jobs import JobRunner
from server.settings import Settings

log = logging.getLogger(__name__)


class Component(Protocol):
    """Something the lifespan starts and stops (broker, MQTT publisher, ingest…)."""

    name: str

    def start(self, runtime: Runtime) -> None: ...

    def stop(self) -> None: ...

    def state(self) -> dict[str, Any]: ...


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    jwt_secret: bytes
    jobs: JobRunner
    clock: Callable[[], datetime] = system_clock
    components: list[Component] = field(default_factory=list)
    started: bool = False

    def component(self, name: str) -> Any:
        for comp in self.components:
            if comp.name == name:
                return comp
        return None

    def start(self, *, scheduler: bool = True) -> None:
        if scheduler:
            self.jobs.start()
        for comp in self.components:
            comp.start(self)
        self.started = True

    def stop(self) -> None:
        for comp in reversed(self.components):
            try:
                comp.stop()
            except Exception:  # stopping one component must not keep the others running
                log.exception("stopping %s failed", comp.name)
        self.jobs.shutdown()
        self.started = False


def build_runtime(settings: Settings, components: list[Component] | None = None) -> Runtime:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = get_engine(settings.db_url)
    runtime = Runtime(
        settings=settings,
        engine=engine,
        jwt_secret=load_or_create_secret(settings.jwt_secret_path),
        jobs=JobRunner(engine, settings.db_url),
        components=list(components or []),
    )
    runtime.jobs.runtime = runtime
    return runtime
