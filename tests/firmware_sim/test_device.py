"""One simulated device end to end over the in-memory broker and server, on a manual clock."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from devices import protocol as p
from tests.firmware_sim import fakes
from tests.firmware_sim.conftest import Harness

pytestmark = pytest.mark.anyio

T0 = fakes.START + timedelta(minutes=10)


def at(seconds: float):  # type: ignore[no-untyped-def]
    return T0 + timedelta(seconds=seconds)


async def test_connect_status_will_and_subscriptions(sim: Harness) -> None:
    dev = await sim.add("dev-a")
    client = sim.broker.clients["dev-a"]
    assert dev.connected and dev.counters.connects == 1
    assert client.subs == {
        p.manifest_topic("dev-a"), p.cmd_topic("dev-a"), p.asrun_ack_topic("dev-a"), p.alert_topic("W001-T01"),
    }
    online = sim.broker.statuses("dev-a")[-1]
    assert (online.state, online.volume, online.fw) == ("online", 70, "loa-sim/0.1")
    assert p.Status.model_validate_json(client.will).state == "offline"
    # The manifest names the area chain: the device follows the alert topics of every ancestor.
    await sim.publish_manifest(fakes.manifest("dev-a", []))
    assert {t for t in client.subs if t.endswith("/alert")} == {p.alert_topic(c) for c in fakes.AREAS}
    await sim.advance(60)
    assert dev.counters.heartbeats == 1 and sim.broker.statuses("dev-a")[-1].manifest_seq == 1


async def test_manifest_media_playback_and_acknowledged_asrun(sim: Harness) -> None:
    dev = await sim.add("dev-a")
    items = [sim.item(at(0), 60, "A"), sim.item(at(60), 30, "B", bulletin_id=2)]
    await sim.publish_manifest(fakes.manifest("dev-a", items))
    assert sorted(path for path, _ in sim.server.media_requests) == sorted(i.media for i in items)
    await sim.clock.advance_to(at(30))
    assert dev.on_air == "A" and dev.state == "playing"
    await sim.clock.advance_to(at(200))
    assert [(r.outcome, r.planned_start, r.aired_ms) for r in dev.history] == [
        ("played", p.iso(at(0)), 60_000), ("played", p.iso(at(60)), 30_000),
    ]
    assert dev.history[0].key == f"dev-a:{p.iso(at(0))}:1:0"
    assert sim.broker.stored_keys == {r.key for r in dev.history}
    assert dev.pending_records == 0 and dev.counters.records_acked == 2


async def test_refusals_are_counted_with_reason_and_topic(sim: Harness) -> None:
    dev = await sim.add("dev-a")
    other_key = fakes.make_signer()
    topic = p.manifest_topic("dev-a")
    good = fakes.manifest("dev-a", [], seq=5)
    await sim.publish(topic, fakes.unsigned(good))
    await sim.publish(topic, other_key.sign(good))
    tampered = sim.signer.sign(good).replace(b'"seq":5', b'"seq":6')
    await sim.publish(topic, tampered)
    await sim.publish(topic, fakes.manifest("dev-b", [], seq=7))
    await sim.publish(topic, fakes.manifest("dev-a", [], seq=8, issued=fakes.START - timedelta(days=5)))
    await sim.publish(topic, good, retain=True)  # accepted
    await sim.publish(topic, fakes.manifest("dev-a", [], seq=4))
    assert [reason for reason, _ in dev.refusals] == [
        "malformed", "unknown_key", "bad_signature", "not_for_me", "expired", "replayed",
    ]
    assert {t for _, t in dev.refusals} == {topic} and dev.counters.refused == 6
    assert dev.counters.manifests == 1
    # A reconnect redelivers the retained manifest: a duplicate, not a refusal.
    sim.broker.clients["dev-a"].abort()
    await sim.clock.settle()
    assert dev.connected and dev.counters.duplicates == 1 and dev.counters.refused == 6


async def test_alert_interrupts_replays_repeats_and_cancel_stops_it(sim: Harness) -> None:
    dev = await sim.add("dev-a")
    items = [sim.item(at(0), 60, "A"), sim.item(at(600), 60, "B", bulletin_id=2)]
    await sim.publish_manifest(fakes.manifest("dev-a", items))
    await sim.clock.advance_to(at(20))
    a = sim.alert("al-1", "W001", at(20), seconds=30, repeat_s=300, hours=1)
    await sim.publish(p.alert_topic("W001"), fakes.alert_msg(a, seq=1), retain=True)
    await sim.clock.advance_to(at(21))
    assert dev.on_air == "Bão số 3"  # the alert media was fetched and the alert cut in
    foreign = sim.alert("al-x", "W002", at(20))
    await sim.publish(p.alert_topic("W001"), fakes.alert_msg(foreign, seq=2))  # on our topic, not our area
    await sim.clock.advance_to(at(400))
    await sim.publish(p.alert_topic("W001"), fakes.alert_msg(a, seq=3, action="cancel"), retain=True)
    await sim.publish(p.alert_topic("W001"), fakes.alert_msg(a, seq=1))  # an old start, replayed
    await sim.clock.advance_to(at(1000))
    outcomes = [(r.bulletin_id, r.outcome, r.actual_start) for r in dev.history]
    assert outcomes == [
        (99, "played", p.iso(at(20))), (1, "played", p.iso(at(50))),  # A replayed after the alert
        (99, "played", p.iso(at(320))), (2, "played", p.iso(at(600))),  # one repeat, then cancelled
    ]
    assert [reason for reason, _ in dev.refusals] == ["not_for_me", "replayed"]


async def test_commands_volume_stop_resync_and_reboot(sim: Harness) -> None:
    dev = await sim.add("dev-a")
    items = [sim.item(at(0), 60, "A"), sim.item(at(300), 60, "B", bulletin_id=2)]
    cmd_topic = p.cmd_topic("dev-a")
    await sim.publish_manifest(fakes.manifest("dev-a", items))
    await sim.publish(cmd_topic, fakes.command("dev-a", "volume", seq=1, args={"volume": 35}))
    assert dev.volume == 35
    await sim.clock.advance_to(at(10))
    await sim.publish(cmd_topic, fakes.command("dev-a", "stop", seq=2))
    assert dev.history[-1].outcome == "interrupted" and dev.history[-1].aired_ms == 10_000
    # resync: pull the manifest over HTTP even though MQTT is fine, fetch what is missing.
    newer = fakes.manifest("dev-a", [*items, sim.item(at(500), 30, "C", bulletin_id=3)], seq=2)
    sim.server.manifests["dev-a"] = sim.signer.sign(newer)
    await sim.publish(cmd_topic, fakes.command("dev-a", "resync", seq=3))
    assert sim.server.manifest_pulls[-1] == ("dev-a", None) and dev.counters.manifests == 2
    boots = dev.counters.boots
    await sim.publish(cmd_topic, fakes.command("dev-a", "reboot", seq=4))
    assert dev.counters.boots == boots + 1 and dev.connected and dev.volume == 35  # volume is on disk
    await sim.publish(cmd_topic, fakes.command("dev-a", "volume", seq=4, args={"volume": 90}))
    assert dev.volume == 35 and dev.refusals[-1][0] == "replayed"  # seqs survive the reboot
    await sim.clock.advance_to(at(600))
    assert [r.bulletin_id for r in dev.history if r.outcome == "played"] == [2, 3]


async def test_bad_sha256_fails_the_item_and_the_next_manifest_retries(sim: Harness) -> None:
    dev = await sim.add("dev-a")
    a = sim.item(at(0), 60, "A")
    assert a.media is not None
    good = sim.server.media[a.media]
    sim.server.media[a.media] = b"tampered bytes"
    await sim.publish_manifest(fakes.manifest("dev-a", [a]))
    assert dev.counters.media_failed == 1 and not (sim.fleet.cache_dir / "media" / f"{a.sha256}.mp3").exists()
    await sim.clock.advance_to(at(100))
    assert (dev.history[0].outcome, dev.history[0].reason) == ("failed", "media_failed")
    sim.server.media[a.media] = good
    await sim.publish_manifest(fakes.manifest("dev-a", [a, fakes.item(at(300), 60, "A again", good)], seq=2))
    await sim.clock.advance_to(at(400))
    assert dev.history[-1].outcome == "played"


async def test_records_stay_on_disk_until_acked_and_are_resent_after_power_loss(sim: Harness) -> None:
    sim.broker.auto_ack = False
    dev = await sim.add("dev-a")
    items = [sim.item(at(0), 60, "A"), sim.item(at(100), 60, "B", bulletin_id=2)]
    await sim.publish_manifest(fakes.manifest("dev-a", items))
    await sim.clock.advance_to(at(130))
    assert dev.pending_records == 1 and len(sim.broker.batches) == 1
    dev.power_loss()  # B is on air; nothing acknowledged
    await sim.clock.settle()
    assert p.Status.model_validate_json(sim.broker.retained[p.status_topic("dev-a")]).state == "offline"
    assert dev.pending_records == 1
    await sim.clock.advance_to(at(300))
    await dev.power_on()
    await sim.clock.settle()
    # After the boot: A resent (same key), B reported interrupted by the power loss.
    keys = [r.key for r in sim.broker.batches[-1].records]
    assert keys == [dev.history[0].key, dev.history[1].key]
    assert dev.history[1].outcome == "interrupted" and dev.history[1].actual_end is None
    sim.broker.ack(sim.broker.batches[-1])
    await sim.clock.settle()
    assert dev.pending_records == 0


async def test_link_down_keeps_playing_from_cache_and_catches_up_after(sim: Harness) -> None:
    dev = await sim.add("dev-a")
    items = [sim.item(at(0), 60, "A"), sim.item(at(120), 60, "B", bulletin_id=2)]
    await sim.publish_manifest(fakes.manifest("dev-a", items))
    dev.link_down()
    await sim.clock.settle()
    assert not dev.connected
    assert p.Status.model_validate_json(sim.broker.retained[p.status_topic("dev-a")]).state == "offline"
    await sim.clock.advance_to(at(300))
    assert [r.outcome for r in dev.history] == ["played", "played"] and dev.pending_records == 2
    dev.link_restore()
    await sim.clock.settle()
    assert dev.connected and dev.pending_records == 0 and dev.counters.connects == 2


async def test_corrupt_fault_hits_one_device_only(sim: Harness) -> None:
    bad, good = await sim.add("dev-a"), await sim.add("dev-b")
    bad.corrupt_downloads(1)
    a = sim.item(at(0), 30, "A")
    for dev_id in ("dev-a", "dev-b"):
        await sim.publish_manifest(fakes.manifest(dev_id, [a]))
    await sim.clock.advance_to(at(60))
    assert (bad.history[0].outcome, good.history[0].outcome) == ("failed", "played")
    assert sim.fleet.media.is_ready(a.sha256 or "")


async def test_http_fallback_pulls_the_manifest_and_uploads_asrun(sim: Harness) -> None:
    sim.broker.crash()
    dev = await sim.add("dev-a")
    assert not dev.connected and dev.counters.connect_failures >= 1
    sim.server.manifests["dev-a"] = sim.signer.sign(fakes.manifest("dev-a", [sim.item(at(0), 30, "A")]))
    await dev.http_sync()
    await sim.clock.advance_to(at(60))
    await dev.http_sync()
    assert [r.key for b in sim.server.asrun_posts for r in b.records] == [dev.history[0].key]
    assert dev.pending_records == 0 and dev.counters.http_batches == 1
    await dev.http_sync()  # unchanged: 304 via the ETag
    assert sim.server.manifest_pulls[-1][1] is not None and dev.counters.manifests == 1
    # The same manifest in other bytes (re-serialized envelope): a duplicate, not a replay refusal.
    raw = sim.server.manifests["dev-a"]
    sim.server.manifests["dev-a"] = json.dumps(json.loads(raw), indent=1).encode()
    await dev.http_sync()
    assert dev.counters.duplicates == 1 and dev.refusals == []


async def test_skewed_clock_plays_by_its_own_time(sim: Harness) -> None:
    dev = await sim.add("dev-a")
    dev.set_skew(30)
    await sim.publish_manifest(fakes.manifest("dev-a", [sim.item(at(0), 60, "A")]))
    await sim.clock.advance_to(at(-29))  # base time; the device clock already says at(1)
    assert dev.on_air == "A"
    await sim.clock.advance_to(at(100))
    assert dev.history[0].actual_start == p.iso(at(0)) and dev.history[0].outcome == "played"


async def test_board_shows_pages_and_alert_text(sim: Harness) -> None:
    board = await sim.add("board-1", kind="board")
    pages = [["Họp thôn", "19h"], ["Nhà văn hoá", "thôn 3"]]
    await sim.publish_manifest(fakes.manifest("board-1", [fakes.item(at(0), 20, "Họp", kind="board", pages=pages)]))
    await sim.clock.advance_to(at(12))
    assert board.board_page == pages[1]
    a = sim.alert("al-1", "W001", at(30), hours=1)
    await sim.publish(p.alert_topic("W001"), fakes.alert_msg(a, seq=1))
    await sim.clock.advance_to(at(40))
    assert board.board_page == ["Bão số 3"]
    assert sim.server.media_requests == []  # boards need no audio


async def test_http_fallback_runs_by_itself(sim: Harness) -> None:
    from tests.firmware_sim.conftest import quick_options

    sim.fleet.env.options = quick_options(http_check_s=0.01, http_fallback_after_s=0.0, http_poll_s=0.0,
                                          manifest_grace_s=0.0)
    sim.server.manifests["dev-a"] = sim.signer.sign(fakes.manifest("dev-a", [sim.item(at(0), 30, "A")]))
    sim.server.manifests["dev-b"] = sim.signer.sign(fakes.manifest("dev-b", []))
    # Connected, but no retained manifest ever arrives: the device pulls one over HTTP.
    connected = await sim.add("dev-b")
    await sim.fleet.wait_for(lambda: connected.counters.manifests == 1, 5, "pull after the grace period")
    assert connected.connected
    # No broker at all: after http_fallback_after_s the device pulls and uploads over HTTP.
    sim.broker.crash()
    dev = await sim.add("dev-a")
    await sim.fleet.wait_for(lambda: dev.counters.manifests == 1, 5, "HTTP fallback")
    await sim.clock.advance_to(at(60))
    await sim.fleet.wait_for(lambda: dev.pending_records == 0, 5, "as-run over HTTP")
    assert dev.counters.http_batches >= 1 and not dev.connected
