"""The process's long-lived resources, created once and owned by the app's lifespan."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlalchemy import Engine

from server.auth.tokens import load_or_create_secret
from server.db import get_engine
from server.jobs import JobRunner
from server.scheduling.leader import Leadership
from server.settings import Settings

if TYPE_CHECKING:  # the components import much of the server; the runtime must not import them
    from server.delivery.broker_component import BrokerComponent
    from server.delivery.ingest import Ingest
    from server.delivery.publisher import Publisher
    from server.scheduling.component import SchedulerComponent

log = logging.getLogger(__name__)

_C = TypeVar("_C")


class Component(Protocol):
    """Something the lifespan starts and stops (broker, MQTT publisher, ingest…). A component may
    also define ``on_elected()``: called when this process becomes the scheduler's leader."""

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
    # Exactly one process of a database runs the scheduler (server/scheduling/leader.py).
    leadership: Leadership | None = None

    @property
    def is_leader(self) -> bool:
        return self.leadership is None or self.leadership.is_leader

    # The components by type: None when this process runs without one (an API-only test app, a
    # bench without a broker). Imported on use, so the runtime stays free of import cycles.
    @property
    def broker(self) -> BrokerComponent | None:
        from server.delivery.broker_component import BrokerComponent

        return self._first(BrokerComponent)

    @property
    def publisher(self) -> Publisher | None:
        from server.delivery.publisher import Publisher

        return self._first(Publisher)

    @property
    def ingest(self) -> Ingest | None:
        from server.delivery.ingest import Ingest

        return self._first(Ingest)

    @property
    def scheduler(self) -> SchedulerComponent | None:
        from server.scheduling.component import SchedulerComponent

        return self._first(SchedulerComponent)

    def _first(self, kind: type[_C]) -> _C | None:
        for comp in self.components:
            if isinstance(comp, kind):
                return comp
        return None

    def start(self, *, scheduler: bool = True) -> None:
        for comp in self.components:
            comp.start(self)
        if scheduler and self.leadership is not None:
            self.leadership.start(self._elected, self._deposed)
        self.started = True

    def _elected(self) -> None:
        self.jobs.start()
        for comp in self.components:
            hook = getattr(comp, "on_elected", None)
            if hook is not None:
                hook()

    def _deposed(self) -> None:
        self.jobs.shutdown()

    def stop(self) -> None:
        if self.leadership is not None:
            self.leadership.stop()  # stops the scheduler first: no job runs against stopped components
        for comp in reversed(self.components):
            try:
                comp.stop()
            except Exception:  # stopping one component must not keep the others running
                log.exception("stopping %s failed", comp.name)
        self.jobs.shutdown()
        self.started = False


def build_runtime(settings: Settings, components: list[Component] | None = None, *, role: str = "all") -> Runtime:
    """``role``: "all" and "scheduler" campaign to lead the scheduler, "api" never does."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = get_engine(settings.db_url)
    runtime = Runtime(
        settings=settings,
        engine=engine,
        jwt_secret=load_or_create_secret(settings.jwt_secret_path),
        jobs=JobRunner(engine, settings.db_url),
        components=list(components or []),
        leadership=Leadership(engine, campaign=role != "api"),
    )
    runtime.jobs.runtime = runtime
    return runtime
