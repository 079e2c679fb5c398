"""The as-run wire model is bounded like the ``asrun`` columns: what parses can be stored, and
what cannot be stored is ``malformed`` at the door (counted, never sinking a database pass)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devices.protocol import MAX_ASRUN_BATCH_BYTES, AsRunBatch, Rejected, parse_bounded

DAY_MS = 24 * 3600 * 1000
INT4_MAX = 2**31 - 1


def batch(**over: Any) -> bytes:
    rec = {
        "key": "spk-1:2025-07-01T10:00:00Z:1:0", "device_id": "spk-1", "bulletin_id": 1, "version_hash": "a" * 64,
        "kind": "audio", "planned_start": "2025-07-01T10:00:00Z", "actual_start": "2025-07-01T10:00:01Z",
        "actual_end": "2025-07-01T10:01:01Z", "device_time": "2025-07-01T10:01:02Z", "outcome": "played",
        "duration_ms": 60_000, "aired_ms": 60_000,
    } | over
    return json.dumps({"device_id": "spk-1", "batch_id": "b1", "records": [rec]}).encode()


@pytest.mark.parametrize("over", [
    {"aired_ms": 10**19}, {"aired_ms": DAY_MS + 1}, {"duration_ms": DAY_MS + 1}, {"duration_ms": 2**31},
    {"aired_ms": -1}, {"bulletin_id": INT4_MAX + 1}, {"bulletin_id": 10**19}, {"bulletin_id": 0},
    {"bulletin_id": -5}, {"version_hash": "a" * 65}, {"version_hash": "a\x00b"}, {"key": "k\x00"},
    {"key": "k\n1"}, {"key": "k" * 129},
], ids=repr)
def test_values_the_columns_cannot_hold_are_malformed(over: dict[str, Any]) -> None:
    with pytest.raises(Rejected) as caught:
        parse_bounded(batch(**over), MAX_ASRUN_BATCH_BYTES, AsRunBatch)
    assert caught.value.reason == "malformed"


@pytest.mark.parametrize("over", [
    {"aired_ms": DAY_MS, "duration_ms": DAY_MS}, {"aired_ms": 0, "duration_ms": 0}, {"bulletin_id": INT4_MAX},
    {"bulletin_id": None, "version_hash": None}, {"version_hash": ""}, {"key": "k" * 128},
    {"key": "loa-1:thôn Một:1"}, {"device_time": "1970-01-01T00:00:00Z"},
], ids=repr)
def test_the_bounds_themselves_are_accepted(over: dict[str, Any]) -> None:
    parsed = parse_bounded(batch(**over), MAX_ASRUN_BATCH_BYTES, AsRunBatch)
    assert parsed.records[0].model_dump(include=set(over)) == over
