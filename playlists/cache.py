"""A small bounded LRU map for compile's per-packing caches (pure, in-process)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class Lru:
    """Small LRU map; bounded so a country-wide compile does not keep every packing alive."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._data: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Any) -> Any:
        self._data[key] = value
        if len(self._data) > self.size:
            self._data.popitem(last=False)
        return value
