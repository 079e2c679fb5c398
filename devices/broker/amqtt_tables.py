"""Indexed replacements for amqtt 0.11.0's subscription and retained-message dicts.

amqtt keeps both as plain dicts and scans them whole: every published topic against every
filter, every retained message against each new subscription (with a regex), every filter on
each disconnect, plus a ``repr()`` of all subscriptions after each SUBSCRIBE. With one device
per connection that made the fallback O(N²) in devices. These dict subclasses keep amqtt's
reads and writes working unchanged and add the indexes ``LoaBroker`` uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from amqtt.broker import RetainedApplicationMessage
from amqtt.session import Session

from devices.broker.acl import topic_matches


class SubscriptionTable(dict[str, list[tuple[Session, int]]]):
    """Filter -> subscribers, with a constant-time ``repr`` and the set of wildcard filters
    (a published topic is then checked against its exact filter plus the few wildcard ones)."""

    def __init__(self) -> None:
        super().__init__()
        self.wildcards: set[str] = set()

    def __setitem__(self, key: str, value: list[tuple[Session, int]]) -> None:
        super().__setitem__(key, value)
        if "+" in key or "#" in key:
            self.wildcards.add(key)

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.wildcards.discard(key)

    def clear(self) -> None:
        super().clear()
        self.wildcards.clear()

    def __repr__(self) -> str:
        return f"<{len(self)} subscription filters>"


_HEAD_LEVELS = 3  # "loa/v1/area", "loa/v1/dev": the literal head every Loa filter starts with


def _head(topic: str) -> str:
    return "/".join(topic.split("/", _HEAD_LEVELS)[:_HEAD_LEVELS])


class RetainedTable(dict[str, RetainedApplicationMessage]):
    """Retained messages indexed by their first levels, so that a device subscribing to
    ``loa/v1/area/+/alert`` looks at alerts only, not at every device's retained manifest."""

    def __init__(self) -> None:
        super().__init__()
        self.by_head: dict[str, set[str]] = {}

    def __setitem__(self, key: str, value: RetainedApplicationMessage) -> None:
        super().__setitem__(key, value)
        self.by_head.setdefault(_head(key), set()).add(key)

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.by_head.get(_head(key), set()).discard(key)

    def clear(self) -> None:
        super().clear()
        self.by_head.clear()

    def matching(self, topic_filter: str) -> list[RetainedApplicationMessage]:
        literal = re.split(r"[+#]", topic_filter, maxsplit=1)[0]
        if literal.count("/") >= _HEAD_LEVELS:
            candidates: Iterable[str] = self.by_head.get(_head(literal), ())
        else:
            candidates = list(self)
        return [self[t] for t in candidates if t.startswith(literal) and topic_matches(t, topic_filter)]
