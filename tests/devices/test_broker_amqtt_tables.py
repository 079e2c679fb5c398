"""The indexes the amqtt fallback adds to amqtt's subscription and retained-message dicts."""

from __future__ import annotations

from amqtt.broker import RetainedApplicationMessage

from devices.broker.amqtt_tables import RetainedTable, SubscriptionTable


def retained(topic: str) -> RetainedApplicationMessage:
    return RetainedApplicationMessage(None, topic, b"x", 1)


def test_subscription_table_tracks_wildcard_filters() -> None:
    table = SubscriptionTable()
    table["loa/v1/dev/a/manifest"] = []
    table["loa/v1/area/+/alert"] = []
    table["loa/v1/#"] = []
    assert table.wildcards == {"loa/v1/area/+/alert", "loa/v1/#"}
    del table["loa/v1/#"]
    assert table.wildcards == {"loa/v1/area/+/alert"}
    assert repr(table) == "<2 subscription filters>"
    table.clear()
    assert table.wildcards == set()


def test_retained_table_finds_matches_through_its_head_index() -> None:
    table = RetainedTable()
    for topic in ("loa/v1/area/P01/alert", "loa/v1/area/W1/alert", "loa/v1/dev/a/manifest", "$SYS/x"):
        table[topic] = retained(topic)
    assert sorted(m.topic for m in table.matching("loa/v1/area/+/alert")) == [
        "loa/v1/area/P01/alert",
        "loa/v1/area/W1/alert",
    ]
    assert [m.topic for m in table.matching("loa/v1/dev/+/manifest")] == ["loa/v1/dev/a/manifest"]
    assert sorted(m.topic for m in table.matching("loa/#")) == sorted(t for t in table if t.startswith("loa"))
    assert [m.topic for m in table.matching("#")] != [] and "$SYS/x" not in [m.topic for m in table.matching("#")]
    del table["loa/v1/area/W1/alert"]
    assert [m.topic for m in table.matching("loa/v1/area/+/alert")] == ["loa/v1/area/P01/alert"]
