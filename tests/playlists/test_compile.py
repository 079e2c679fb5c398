from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import time, timedelta

import pytest

from playlists.compile import CompileOptions, Compiler, compile_manifest, compile_many, compile_many_bytes
from playlists.emergency import alerts_for_bulletin
from playlists.model import BoardGeometry, DeviceDef, RelayDef, ScheduleInputs
from tests.playlists.factories import AREAS, CHAIN_T01, MONDAY, at, board, bulletin, slot, speaker

ISSUED = at(MONDAY, 5)
EXPIRES = at(MONDAY + timedelta(days=4), 0)
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def _inputs(**kw):
    emergency = bulletin(90, priority="emergency", targets=("W001",), approved_at=at(MONDAY, 4))
    base = {
        "slots": (slot(1), slot(2, name="chiều", start=time(17))),
        "relays": (RelayDef(5, 1, "http://vov/1", 300, "VOV1", approved=True),),
        "bulletins": (bulletin(1), bulletin(2, priority="priority", repeats=2), bulletin(3, targets=("W002",))),
        "alerts": tuple(alerts_for_bulletin(emergency)),
    }
    return ScheduleInputs(**{**base, **kw})


def _bytes(payload) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _manifest(device, inputs=None, chain=CHAIN_T01, **kw):
    return compile_manifest(
        device, chain, inputs or _inputs(), MONDAY, seq=7, issued_at=ISSUED, expires_at=EXPIRES, **kw
    )


def test_speaker_manifest_shape():
    m = _manifest(speaker())
    assert set(m) == {
        "type",
        "device_id",
        "area_codes",
        "seq",
        "issued_at",
        "expires_at",
        "window_from",
        "window_to",
        "items",
        "alerts",
    }
    assert m["type"] == "manifest"
    assert m["area_codes"] == list(CHAIN_T01)
    assert (m["window_from"], m["window_to"]) == ("2025-03-02T17:00:00Z", "2025-03-06T17:00:00Z")
    assert m["issued_at"] == "2025-03-02T22:00:00Z"
    starts = [i["start"] for i in m["items"]]
    assert starts == sorted(starts) and all(ISO.fullmatch(s) for s in starts)
    relay = m["items"][0]
    assert relay == {
        "start": "2025-03-02T23:00:00Z",
        "duration_ms": 300_000,
        "kind": "relay",
        "priority": "normal",
        "title": "VOV1",
        "slot_id": 1,
        "stream_url": "http://vov/1",
    }
    audio = m["items"][1]
    assert set(audio) == {
        "start",
        "duration_ms",
        "kind",
        "priority",
        "bulletin_id",
        "version_hash",
        "title",
        "slot_id",
        "media",
        "sha256",
        "size",
    }
    assert audio["media"] == f"/media/{audio['sha256']}.mp3"
    assert audio["bulletin_id"] == 2  # priority first
    # Mon..Thu: morning = relay + bulletin 2 + bulletin 1 (one repeat: first slot); evening = 2.
    assert len(m["items"]) == 4 * (3 + 1)
    assert {i["bulletin_id"] for i in m["items"] if "bulletin_id" in i} == {1, 2}
    (alert,) = m["alerts"]
    assert alert["area_code"] == "W001" and "pages" not in alert
    assert set(alert) == {
        "alert_id",
        "bulletin_id",
        "version_hash",
        "area_code",
        "starts_at",
        "expires_at",
        "repeat_every_s",
        "media",
        "sha256",
        "size",
        "duration_ms",
        "title",
    }


def test_board_manifest_rotates_board_text_with_alert_pages():
    m = _manifest(board(), options=CompileOptions())
    kinds = {i["kind"] for i in m["items"]}
    assert kinds == {"board"}
    first = m["items"][0]
    assert first["start"] == "2025-03-02T23:00:00Z"  # 06:00 local
    assert first["pages"] == [["Trang 0", "nội dung"], ["Trang 1", "nội dung"]]
    assert first["page_seconds"] == [5.0, 5.0]
    assert "media" not in first
    assert m["alerts"][0]["pages"] == first["pages"]


def test_board_without_geometry_gets_no_items():
    m = _manifest(DeviceDef("brd-x", "board", "W001-T01"))
    assert m["items"] == []


def test_determinism_and_idempotence():
    inputs = _inputs()
    one = _bytes(_manifest(speaker(), inputs))
    two = _bytes(_manifest(speaker(), inputs))
    shuffled = ScheduleInputs(
        slots=inputs.slots[::-1], relays=inputs.relays, bulletins=inputs.bulletins[::-1], alerts=inputs.alerts[::-1]
    )
    assert one == two == _bytes(_manifest(speaker(), shuffled))


def test_compile_many_matches_single_compiles_and_shares_packing():
    inputs = _inputs(bulletins=(*_inputs().bulletins, bulletin(4, targets=("W001-T02",))))
    devices = [speaker("a", "W001-T01"), speaker("b", "W001-T02"), speaker("c", "W001"), board("d", "W002-T01")]
    out = dict(
        (d.device_id, p)
        for d, p in compile_many(devices, AREAS, inputs, MONDAY, seq=3, issued_at=ISSUED, expires_at=EXPIRES)
    )
    compiler = Compiler(AREAS, inputs, MONDAY)
    for d in devices:
        chain = compiler.area_chain(d.area_code)
        single = compile_manifest(d, chain, inputs, MONDAY, seq=3, issued_at=ISSUED, expires_at=EXPIRES)
        assert _bytes(out[d.device_id]) == _bytes(single)
    # W001-T01 has no rows of its own: it shares W001's items (same dict objects).
    a = compiler.manifest(devices[0], seq=1, issued_at=ISSUED, expires_at=EXPIRES)
    c = compiler.manifest(devices[2], seq=1, issued_at=ISSUED, expires_at=EXPIRES)
    assert all(x is y for x, y in zip(a["items"], c["items"], strict=True))
    # W001-T02 has a bulletin of its own.
    assert 4 in {i.get("bulletin_id") for i in out["b"]["items"]}
    assert 4 not in {i.get("bulletin_id") for i in out["a"]["items"]}


def test_seq_callable_and_chain_check():
    devices = [speaker("a"), speaker("b")]
    seqs = {
        d.device_id: p["seq"]
        for d, p in compile_many(
            devices, AREAS, _inputs(), MONDAY, seq=lambda d: 10 + ord(d.device_id), issued_at=ISSUED, expires_at=EXPIRES
        )
    }
    assert seqs == {"a": 107, "b": 108}
    with pytest.raises(ValueError):
        _manifest(speaker(), chain=("W001", "P01"))


def test_alert_without_audio_is_left_out_and_titles_are_trimmed():
    silent = bulletin(91, priority="emergency", targets=("P01",), ready=False, approved_at=ISSUED)
    long_title = replace(bulletin(5), title="x" * 300)
    m = _manifest(speaker(), _inputs(alerts=tuple(alerts_for_bulletin(silent)), bulletins=(long_title,)))
    assert m["alerts"] == []
    assert max(len(i["title"]) for i in m["items"]) <= 200


def test_day_plan_preview_for_an_area():
    compiler = Compiler(AREAS, _inputs(), MONDAY)
    plan = compiler.day_plan("W001-T01", MONDAY)
    assert plan.area_code == "W001-T01"
    assert [p.occurrence.name for p in plan.slots] == ["sáng", "chiều"]
    assert plan.overflow == ()
    assert compiler.area_chain("nowhere") == ("nowhere",)


def test_payload_validates_against_wire_models():
    protocol = pytest.importorskip("devices.protocol")
    for device in (speaker(), DeviceDef("brd-2", "board", "W001-T01", BoardGeometry(20, 2))):
        payload = _manifest(device)
        model = protocol.ManifestPayload.model_validate(payload)
        # Round trip through the model gives the same canonical bytes as the plain dict.
        assert protocol.canonical(model) == protocol.canonical(payload) == _bytes(payload)


def test_bytes_path_equals_canonical_dicts_even_with_tiny_cache_and_odd_titles():
    odd = replace(bulletin(6, targets=("W001-T02",)), title='Tiêu đề "lạ" \ue000 \\ /')
    marker = replace(bulletin(7, targets=("W001-T02",)), title="\ue0000\ue001")  # forces the full-encode path
    inputs = _inputs(bulletins=(*_inputs().bulletins, odd, marker))
    devices = [speaker("a", "W001-T01"), speaker("b", "W001-T02"), board("c", "W001-T02"), speaker("d", "W002")]
    options = CompileOptions(cache_size=1)  # every other call evicts
    as_dicts = {
        d.device_id: _bytes(p)
        for d, p in compile_many(
            devices[::-1], AREAS, inputs, MONDAY, seq=9, issued_at=ISSUED, expires_at=EXPIRES, options=options
        )
    }
    as_bytes = {
        d.device_id: b
        for d, b in compile_many_bytes(
            devices, AREAS, inputs, MONDAY, seq=9, issued_at=ISSUED, expires_at=EXPIRES, options=options
        )
    }
    assert as_dicts == as_bytes
    assert "lạ" in as_bytes["b"].decode()
    assert "\ue0000\ue001" in as_bytes["b"].decode()


def test_content_digest_ignores_seq_and_issue_time_but_not_content():
    inputs = _inputs()
    first = Compiler(AREAS, inputs, MONDAY).content_digest(speaker(), ISSUED)
    again = Compiler(AREAS, inputs, MONDAY).content_digest(speaker(), ISSUED + timedelta(minutes=5))
    assert first == again
    changed = _inputs(bulletins=(*inputs.bulletins, bulletin(8, targets=("W001",))))
    assert Compiler(AREAS, changed, MONDAY).content_digest(speaker(), ISSUED) != first
    assert Compiler(AREAS, inputs, MONDAY).content_digest(speaker("other"), ISSUED) != first
    # The alert expires: the programme changes.
    later = ISSUED + timedelta(days=2)
    assert Compiler(AREAS, inputs, MONDAY).content_digest(speaker(), later) != first


def test_micro_benchmark_runs_at_a_tiny_size():
    from tests.playlists.bench_compile import run

    result = run(communes=3, clusters=2)
    assert (result["speakers"], result["boards"]) == (6, 3)
    assert result["speakers_avg_bytes"] > 0 and result["boards_avg_bytes"] > 0


def test_a_slot_running_past_midnight_keeps_its_tail_in_the_next_days_window():
    """Compiled at 00:05 for a window from Tuesday 00:00, Monday's 23:50–00:20 slot still has
    items after midnight: they stay in the manifest, where the Monday compile put them."""
    tuesday = MONDAY + timedelta(days=1)
    night = slot(7, name="khuya", start=time(23, 50), duration_s=1800)
    inputs = ScheduleInputs(slots=(night,), bulletins=tuple(
        bulletin(n, duration_ms=120_000, approved_at=at(MONDAY, 1), valid_from=at(MONDAY, 1)) for n in range(1, 11)))

    def audio(first_day):
        m = compile_manifest(speaker(), CHAIN_T01, inputs, first_day, seq=1, issued_at=at(first_day, 0, 5),
                             expires_at=at(first_day + timedelta(days=4), 0))
        return {(i["start"], i["bulletin_id"]) for i in m["items"] if i["kind"] == "audio"}

    monday, tue = audio(MONDAY), audio(tuesday)
    midnight = "2025-03-03T17:00:00Z"  # Tuesday 00:00 in Hà Nội
    tail = {item for item in monday if midnight <= item[0] < "2025-03-03T17:30:00Z"}
    assert len(tail) >= 3  # 10 two-minute items from 23:50: most of them after midnight
    assert tail <= tue  # the same items at the same times
    assert all(start >= midnight for start, _ in tue)  # nothing before the window
