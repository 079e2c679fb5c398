from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from playlists.emergency import (
    active_for,
    alert_id,
    alerts_for_bulletin,
    alerts_from_bulletins,
    cancel,
    repeat_times,
    supersede,
)
from tests.playlists.factories import CHAIN_T01, bulletin

T0 = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)


def _emergency(**kw):
    kw.setdefault("approved_at", T0)
    kw.setdefault("valid_from", T0 - timedelta(hours=1))
    return bulletin(1, priority="emergency", targets=("W001", "P01"), **kw)


def test_one_alert_per_targeted_area_with_defaults():
    alerts = alerts_for_bulletin(_emergency())
    assert [a.area_code for a in alerts] == ["P01", "W001"]
    a = alerts[0]
    assert a.alert_id == "1-v00000000001-P01"
    assert a.starts_at == T0  # approval, because validity began earlier
    assert a.expires_at == T0 + timedelta(hours=24)
    assert a.repeat_every_s == 7200
    assert a.action == "start"


def test_valid_until_and_future_valid_from_shape_the_window():
    until = T0 + timedelta(hours=5)
    a = alerts_for_bulletin(_emergency(valid_from=T0 + timedelta(hours=1), valid_until=until))[0]
    assert (a.starts_at, a.expires_at) == (T0 + timedelta(hours=1), until)


def test_non_emergency_makes_no_alert():
    assert alerts_for_bulletin(bulletin(1, priority="priority")) == []


def test_repeat_times_now_then_every_two_hours_until_expiry():
    a = alerts_for_bulletin(_emergency(valid_until=T0 + timedelta(hours=5)))[0]
    times = repeat_times(a, T0 - timedelta(days=1), T0 + timedelta(days=1))
    assert times == [T0, T0 + timedelta(hours=2), T0 + timedelta(hours=4)]
    # A window that starts mid-way gets the next repeats only.
    assert repeat_times(a, T0 + timedelta(minutes=1), T0 + timedelta(hours=3)) == [T0 + timedelta(hours=2)]
    assert repeat_times(cancel(a, T0), T0, T0 + timedelta(days=1)) == []


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    every=st.integers(min_value=60, max_value=20_000),
    life=st.integers(min_value=1, max_value=200_000),
    lo=st.integers(min_value=-100_000, max_value=300_000),
    span=st.integers(min_value=0, max_value=300_000),
)
def test_repeat_times_match_brute_force(every, life, lo, span):
    a = replace(alerts_for_bulletin(_emergency())[0], repeat_every_s=every, expires_at=T0 + timedelta(seconds=life))
    start, end = T0 + timedelta(seconds=lo), T0 + timedelta(seconds=lo + span)
    expected = [
        T0 + timedelta(seconds=k * every)
        for k in range(life // every + 2)
        if k * every < life and start <= T0 + timedelta(seconds=k * every) < end
    ]
    assert repeat_times(a, start, end) == expected


def test_newer_version_supersedes_and_cancel_removes():
    v1 = _emergency()
    v2 = replace(v1, version_hash="w0000000000002", approved_at=T0 + timedelta(minutes=10))
    alerts = alerts_from_bulletins([v1, v2])
    assert {a.version_hash for a in alerts} == {"w0000000000002"}
    assert len(alerts) == 2
    # Order of input does not matter.
    assert supersede(reversed(list(alerts_for_bulletin(v1) + alerts_for_bulletin(v2)))) == alerts
    cancelled = cancel(alerts[0], T0 + timedelta(hours=1))
    assert cancelled.action == "cancel"
    assert cancelled.alert_id == alerts[0].alert_id
    assert cancelled.expires_at == T0 + timedelta(hours=1)
    live = active_for([*alerts, cancelled], CHAIN_T01, T0)
    assert [a.area_code for a in live] == ["W001"]


def test_device_gets_alerts_of_its_area_and_ancestors_until_expiry():
    alerts = alerts_for_bulletin(bulletin(2, priority="emergency", targets=("W002", "W001-T01"), approved_at=T0))
    assert [a.area_code for a in active_for(alerts, CHAIN_T01, T0)] == ["W001-T01"]
    assert active_for(alerts, CHAIN_T01, alerts[0].expires_at) == []


def test_alert_id_stays_within_wire_limit():
    long_area = "A" * 64
    assert len(alert_id(123456789, "f" * 64, long_area)) <= 64
    assert alert_id(1, "f" * 64, long_area) != alert_id(1, "e" * 64, long_area)
