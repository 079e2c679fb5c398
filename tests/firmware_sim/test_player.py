"""The playback state machine alone: schedules in, as-run outcomes out (no I/O, no event loop)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from devices import protocol as p
from firmware_sim.airing import MediaState, Record
from firmware_sim.player import Player
from tests.firmware_sim.fakes import START, alert, item, manifest

T0 = START + timedelta(hours=1)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


class Rig:
    def __init__(self, kind: str = "speaker") -> None:
        self.media: dict[str, MediaState] = {}
        self.records: list[Record] = []
        self.player = Player(kind, lambda sha: self.media.get(sha, "ready"), self.records.append)  # type: ignore[arg-type]

    def load(self, items: list[p.ManifestItem], now: datetime = START, alerts: list[p.Alert] | None = None) -> None:
        self.player.set_manifest(manifest("dev-a", items, alerts=alerts or []), now)

    def run_to(self, seconds: float) -> None:
        self.player.advance(at(seconds))

    def outcomes(self) -> list[tuple[str, str, str | None]]:
        return [(r.title, r.outcome, r.reason) for r in self.records]

    def of(self, title: str) -> Record:
        return next(r for r in self.records if r.title == title)


def test_items_play_at_their_start_and_count_as_played() -> None:
    rig = Rig()
    rig.load([item(at(0), 60, "A"), item(at(60), 30, "B", bulletin_id=2)])
    assert rig.player.next_event() == at(0)
    rig.run_to(10)
    assert rig.player.on_air(at(10)) == ("A", None)
    rig.run_to(200)
    assert rig.outcomes() == [("A", "played", None), ("B", "played", None)]
    a = rig.of("A")
    assert (a.actual_start, a.actual_end, a.aired_ms) == (at(0), at(60), 60_000)
    assert rig.player.next_event() is None


def test_missing_media_is_missed_offline_and_bad_media_is_failed() -> None:
    rig = Rig()
    a, b = item(at(0), 10, "A"), item(at(20), 10, "B", data=b"other")
    rig.media = {a.sha256 or "": "missing", b.sha256 or "": "failed"}
    rig.load([a, b])
    rig.run_to(100)
    assert rig.outcomes() == [("A", "missed", "offline"), ("B", "failed", "media_failed")]
    assert rig.of("B").actual_start is None


def test_late_manifest_within_two_seconds_still_plays_later_is_missed() -> None:
    rig = Rig()
    rig.load([item(at(-100), 10, "old"), item(at(0), 60, "A")], now=at(1.5))
    rig.run_to(100)
    # The first manifest ever: what started before now - 2 s was never this device's to play.
    assert rig.outcomes() == [("A", "played", None)]
    assert rig.of("A").actual_start == at(1.5)
    # A later manifest adds an item that started 5 s ago: the device missed it (it did not know).
    rig.player.set_manifest(manifest("dev-a", [item(at(95), 30, "late", bulletin_id=3)], seq=2), at(100))
    assert rig.outcomes()[-1] == ("late", "missed", "offline")


def test_stop_after_95_percent_is_played_before_is_interrupted() -> None:
    rig = Rig()
    rig.load([item(at(0), 100, "A"), item(at(200), 100, "B", bulletin_id=2)])
    rig.player.stop(at(96))
    rig.player.stop(at(250))
    rig.run_to(400)
    assert rig.outcomes() == [("A", "played", None), ("B", "interrupted", None)]
    assert rig.of("B").aired_ms == 50_000


def test_alert_interrupts_and_the_item_replays_when_it_still_fits() -> None:
    rig = Rig()
    rig.load([item(at(0), 60, "A"), item(at(300), 60, "B", bulletin_id=2)])
    rig.run_to(10)
    rig.player.alert_start(alert("al-1", "W001", at(10), seconds=30), at(10))
    assert rig.player.on_air(at(11)) == ("Bão số 3", None)
    rig.run_to(500)
    assert rig.outcomes() == [("Bão số 3", "played", None), ("A", "played", None), ("B", "played", None)]
    replay = rig.of("A")
    assert (replay.actual_start, replay.actual_end) == (at(40), at(100))  # resumed after the alert


def test_alert_interrupt_without_room_is_missed_preempted_with_what_aired() -> None:
    rig = Rig()
    rig.load([item(at(0), 60, "A"), item(at(70), 60, "B", bulletin_id=2)])
    rig.player.alert_start(alert("al-1", "W001", at(20), seconds=30), at(20))
    rig.run_to(300)
    assert rig.outcomes() == [("Bão số 3", "played", None), ("A", "missed", "preempted"), ("B", "played", None)]
    a = rig.of("A")
    assert (a.actual_start, a.actual_end, a.aired_ms) == (at(0), at(20), 20_000)


def test_alert_in_the_last_five_percent_leaves_the_item_played() -> None:
    rig = Rig()
    rig.load([item(at(0), 100, "A"), item(at(120), 10, "B", bulletin_id=2)])
    rig.player.alert_start(alert("al-1", "W001", at(97), seconds=10), at(97))
    rig.run_to(300)
    assert rig.outcomes() == [("A", "played", None), ("Bão số 3", "played", None), ("B", "played", None)]


def test_items_due_during_an_alert_replay_back_to_back_if_they_fit() -> None:
    rig = Rig()
    items = [item(at(0), 20, "A"), item(at(20), 20, "B", bulletin_id=2), item(at(40), 20, "C", bulletin_id=3),
             item(at(130), 20, "D", bulletin_id=4)]
    rig.load(items)
    rig.player.alert_start(alert("al-1", "W001", at(10), seconds=60), at(10))
    rig.run_to(400)
    # Alert 10..70; A (cut), B, C displaced; A 70..90, B 90..110 fit before D at 130, C would end at 130?
    # C: 110 + 20 = 130 <= 130: fits exactly.
    assert rig.outcomes() == [
        ("Bão số 3", "played", None), ("A", "played", None), ("B", "played", None), ("C", "played", None),
        ("D", "played", None),
    ]
    rig2 = Rig()
    rig2.load([*items[:3], item(at(120), 20, "D", bulletin_id=4)])
    rig2.player.alert_start(alert("al-1", "W001", at(10), seconds=60), at(10))
    rig2.run_to(400)
    assert ("C", "missed", "preempted") in rig2.outcomes()


def test_alert_repeats_on_its_grid_until_it_expires() -> None:
    rig = Rig()
    rig.load([])
    rig.player.alert_start(alert("al-1", "W001", at(0), seconds=30, repeat_s=3600, hours=3), at(0))
    rig.run_to(4 * 3600)
    starts = [r.actual_start for r in rig.records]
    assert starts == [at(0), at(3600), at(7200)]
    assert all(r.outcome == "played" for r in rig.records)


def test_alert_learned_late_plays_now_then_follows_the_grid() -> None:
    rig = Rig()
    rig.load([])
    rig.player.alert_start(alert("al-1", "W001", at(0), seconds=30, repeat_s=3600, hours=3), at(1000))
    rig.run_to(4 * 3600)
    assert [r.actual_start for r in rig.records] == [at(1000), at(3600), at(7200)]
    assert rig.records[0].entry.planned == at(0)  # reported against its grid time: the server plans it there
    # The same alert again (a retained redelivery, a manifest listing it): no extra airing.
    rig.player.alert_start(alert("al-1", "W001", at(0), seconds=30, repeat_s=3600, hours=3), at(7300))
    rig.run_to(5 * 3600)
    assert len(rig.records) == 3


def test_cancel_interrupts_the_alert_and_stops_its_repeats() -> None:
    rig = Rig()
    rig.load([item(at(0), 60, "A")])
    a = alert("al-1", "W001", at(10), seconds=30, repeat_s=600, hours=2)
    rig.player.alert_start(a, at(10))
    rig.player.alert_cancel("al-1", at(7200), at(20))
    rig.run_to(3600)
    assert rig.outcomes() == [("Bão số 3", "interrupted", None), ("A", "played", None)]
    assert rig.of("A").actual_start == at(20)
    rig.player.alert_start(a, at(3600))  # a stale start after the cancel stays cancelled
    rig.run_to(7000)
    assert len(rig.records) == 2


def test_alert_waits_for_its_media_and_airs_when_it_arrives() -> None:
    rig = Rig()
    a = alert("al-1", "W001", at(0), seconds=30)
    rig.media[a.sha256] = "missing"
    rig.load([])
    rig.player.alert_start(a, at(0))
    rig.run_to(50)
    assert rig.records == [] and rig.player.on_air(at(50)) is None
    rig.media[a.sha256] = "ready"
    rig.run_to(55)
    assert rig.player.on_air(at(56)) == ("Bão số 3", None)
    rig.run_to(100)
    assert rig.of("Bão số 3").actual_start == at(55)
    a2 = alert("al-2", "W001", at(200), seconds=30, data=b"bad")
    rig.media[a2.sha256] = "failed"
    rig.player.alert_start(a2, at(200))
    rig.run_to(300)
    assert rig.outcomes()[-1] == ("Bão số 3", "failed", "media_failed")


def test_board_pages_cycle_and_the_alert_text_stays_until_it_ends() -> None:
    rig = Rig("board")
    pages = [["Thông báo", "họp thôn"], ["19h tối nay", "nhà văn hoá"]]
    rig.load([item(at(0), 20, "board A", kind="board", pages=pages), item(at(0), 20, "audio", bulletin_id=5),
              item(at(100), 20, "board B", kind="board", bulletin_id=2)])
    rig.run_to(5)
    assert rig.player.on_air(at(5)) == ("board A", pages[0])
    assert rig.player.on_air(at(12)) == ("board A", pages[1])
    rig.run_to(50)
    rig.player.alert_start(alert("al-1", "W001", at(50), hours=1), at(50))
    assert rig.player.on_air(at(60)) == ("Bão số 3", ["Bão số 3"])
    rig.run_to(2 * 3600)
    # board B came due under the alert; nothing else is scheduled, so it replays afterwards.
    assert rig.outcomes() == [("board A", "played", None), ("Bão số 3", "played", None),
                              ("board B", "played", None)]
    shown = rig.of("Bão số 3")
    assert (shown.entry.kind, shown.actual_start, shown.actual_end) == ("board", at(50), at(3650))
    assert rig.of("board B").actual_start == at(3650)


def test_restore_after_power_loss_reports_what_was_cut_and_what_was_missed() -> None:
    rig = Rig()
    rig.load([item(at(0), 60, "A"), item(at(100), 60, "B", bulletin_id=2), item(at(1000), 60, "C", bulletin_id=3)])
    rig.run_to(30)
    snapshot = rig.player.snapshot()
    # Power back at 500 s: a new player, only the disk snapshot and the manifest survive.
    fresh = Rig()
    fresh.player.restore(snapshot, at(500))
    fresh.load([item(at(0), 60, "A"), item(at(100), 60, "B", bulletin_id=2), item(at(1000), 60, "C", bulletin_id=3)],
               now=at(500))
    fresh.player.advance(at(2000))
    assert fresh.outcomes() == [("A", "interrupted", None), ("B", "missed", "offline"), ("C", "played", None)]
    assert fresh.of("A").actual_start == at(0) and fresh.of("A").actual_end is None


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    gaps=st.lists(st.integers(min_value=0, max_value=120), min_size=1, max_size=8),
    lengths=st.lists(st.integers(min_value=1, max_value=90), min_size=8, max_size=8),
    alert_at=st.one_of(st.none(), st.integers(min_value=0, max_value=600)),
    states=st.lists(st.sampled_from(["ready", "ready", "missing", "failed"]), min_size=8, max_size=8),
)
def test_every_item_gets_exactly_one_record_and_airings_never_overlap(
    gaps: list[int], lengths: list[int], alert_at: int | None, states: list[str]
) -> None:
    rig = Rig()
    items, t = [], 0
    for i, gap in enumerate(gaps):
        t += gap
        items.append(item(at(t), lengths[i], f"item {i}", data=f"media {i}".encode(), bulletin_id=i + 1))
        rig.media[items[-1].sha256 or ""] = states[i]  # type: ignore[assignment]
        t += lengths[i]
    rig.load(items)
    if alert_at is not None:
        rig.run_to(alert_at)
        rig.player.alert_start(alert("al-1", "W001", at(alert_at), seconds=45, hours=1), at(alert_at))
    rig.run_to(5000)
    titles = [r.title for r in rig.records if r.entry.alert_id is None]
    assert sorted(titles) == sorted(f"item {i}" for i in range(len(gaps)))
    aired = sorted((r.actual_start, r.actual_end) for r in rig.records if r.actual_start and r.actual_end)
    for (_, end), (start, _) in itertools.pairwise(aired):
        assert end <= start
    for r in rig.records:
        if r.outcome == "played":
            assert r.aired_ms >= 0.95 * r.entry.duration_ms
        if r.outcome == "failed":
            assert r.reason == "media_failed"
