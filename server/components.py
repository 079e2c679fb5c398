"""The components `loa serve` runs beside the API, in start order (stopped in reverse)."""

from __future__ import annotations

from server.delivery.broker_component import BrokerComponent
from server.delivery.ingest import Ingest
from server.delivery.publisher import Publisher
from server.notify.component import Notifier
from server.runtime import Component
from server.scheduling.component import SchedulerComponent
from server.settings import Settings


def default_components(settings: Settings) -> list[Component]:
    # Broker first (the clients need it), scheduler last (its first compile publishes).
    return [BrokerComponent(), Publisher(), Ingest(), SchedulerComponent(), Notifier()]
