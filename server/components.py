"""The components `loa serve` runs beside the API (features append theirs here)."""

from __future__ import annotations

from server.runtime import Component
from server.settings import Settings


def default_components(settings: Settings) -> list[Component]:
    return []
