"""Property tests over random slots and bulletins (STYLE 14): the invariants devices rely on."""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from playlists.compile import CompileOptions, Compiler
from playlists.model import (
    BULLETIN_SECTIONS,
    BoardPages,
    BulletinPlay,
    ExtraSession,
    Holiday,
    MediaRef,
    Pin,
    RelayDef,
    ScheduleInputs,
    SlotDef,
    local_date,
)
from tests.playlists.factories import AREAS, CHAIN_T01, MONDAY, at, board, sha, speaker

SETTINGS = settings(max_examples=100, deadline=None, derandomize=True)
DAYS = [MONDAY + timedelta(days=i) for i in range(4)]
ISSUED = at(MONDAY, 0)
EXPIRES = at(MONDAY + timedelta(days=4), 0)
BASE = datetime(2025, 3, 3, tzinfo=UTC)
RULES = ("FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA", "FREQ=WEEKLY;BYDAY=TU,TH", "FREQ=DAILY;INTERVAL=2")
TEMPLATES = (
    ("opening", "relay", "province", "district", "commune", "closing"),
    ("commune",),
    ("province", "commune"),
    ("opening", "commune", "closing"),
)
IDENT = MediaRef("Nhạc hiệu", sha(999), 100, 15_000)
SLOT_AREAS = ("P01", "W001", "W001-T01", "W002")
TARGETS = ("P01", "W001", "W001-T01", "W001-T02", "W002")


@st.composite
def slot_defs(draw, slot_id: int) -> SlotDef:
    minute = draw(st.integers(0, 23 * 60))
    return SlotDef(
        id=slot_id,
        area_code=draw(st.sampled_from(SLOT_AREAS)),
        name=draw(st.sampled_from("abc")),
        start_local=time(minute // 60, minute % 60),
        duration_s=draw(st.integers(60, 3600)),
        rrule=draw(st.sampled_from(RULES)),
        dtstart=date(2025, 1, 1),
        exdates=tuple(draw(st.sets(st.sampled_from(DAYS), max_size=1))),
        template=draw(st.sampled_from(TEMPLATES)),
        opening=draw(st.sampled_from((None, IDENT))),
        closing=draw(st.sampled_from((None, IDENT))),
    )


@st.composite
def bulletins(draw, bulletin_id: int, slot_ids: list[int]) -> BulletinPlay:
    valid_from = BASE + timedelta(minutes=draw(st.integers(-2 * 1440, 4 * 1440)))
    until_after = draw(st.one_of(st.none(), st.integers(10, 3 * 1440)))
    ready = draw(st.integers(0, 4)) > 0  # mostly ready, sometimes not
    pages = draw(st.integers(1, 3))
    pins: tuple[Pin, ...] = ()
    if slot_ids and draw(st.integers(0, 4)) == 0:
        pins = tuple(
            Pin(
                draw(st.sampled_from(DAYS)),
                draw(st.sampled_from(slot_ids)),
                draw(st.one_of(st.none(), st.integers(0, 3))),
            )
            for _ in range(draw(st.integers(1, 3)))
        )
    return BulletinPlay(
        bulletin_id=bulletin_id,
        version_hash=f"h{bulletin_id:04d}" + "0" * 8,
        title=f"Bản tin {bulletin_id}",
        category="notice",
        priority=draw(st.sampled_from(("normal", "normal", "priority", "emergency"))),
        target_areas=tuple(draw(st.sets(st.sampled_from(TARGETS), min_size=1, max_size=2))),
        valid_from=valid_from,
        valid_until=None if until_after is None else valid_from + timedelta(minutes=until_after),
        approved_at=BASE + timedelta(minutes=draw(st.integers(-2 * 1440, 3 * 1440))),
        repeats_per_day=draw(st.integers(1, 10)),
        duration_ms=draw(st.integers(1, 600_000)),
        sha256=sha(bulletin_id) if ready else None,
        size=100 if ready else None,
        board_pages=(BoardPages(20, 2, False, tuple((f"p{i}",) for i in range(pages)), (4.5,) * pages),),
        origin_level=draw(st.sampled_from(("province", "district", "commune"))),
        pins=pins,
    )


@st.composite
def scenarios(draw) -> tuple[ScheduleInputs, CompileOptions]:
    slots = [draw(slot_defs(i)) for i in range(1, draw(st.integers(1, 4)) + 1)]
    extras = (
        [ExtraSession(100, draw(st.sampled_from(SLOT_AREAS)), draw(st.sampled_from(DAYS)), time(20, 30), 900)]
        if draw(st.booleans())
        else []
    )
    slot_ids = [s.id for s in slots] + [e.id for e in extras]
    relays = [
        RelayDef(i, draw(st.sampled_from(slot_ids)), f"http://radio/{i}", draw(st.integers(30, 900)), f"Relay {i}",
                 approved=draw(st.booleans()))
        for i in range(draw(st.integers(0, 2)))
    ]
    holidays = [Holiday(draw(st.sampled_from(SLOT_AREAS)), draw(st.sampled_from(DAYS)))] if draw(st.booleans()) else []
    plays = [draw(bulletins(i, slot_ids)) for i in range(1, draw(st.integers(0, 14)) + 1)]
    options = CompileOptions(gap_s=draw(st.integers(0, 5)))
    inputs = ScheduleInputs(tuple(slots), tuple(extras), tuple(holidays), tuple(relays), tuple(plays))
    return inputs, options


def _start(item: dict) -> datetime:
    return datetime.fromisoformat(item["start"].replace("Z", "+00:00"))


def _end(item: dict) -> datetime:
    return _start(item) + timedelta(milliseconds=item["duration_ms"])


def _canonical(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _compile(inputs: ScheduleInputs, options: CompileOptions, device=None) -> dict:
    compiler = Compiler(AREAS, inputs, MONDAY, options=options)
    return compiler.manifest(device or speaker(), seq=1, issued_at=ISSUED, expires_at=EXPIRES)


@SETTINGS
@given(scenarios())
def test_speaker_items_never_overlap_and_only_may_air_versions_and_approved_relays_appear(scenario):
    inputs, options = scenario
    items = _compile(inputs, options)["items"]
    for a, b in itertools.pairwise(items):
        assert _end(a) <= _start(b)
    approved_urls = {r.stream_url for r in inputs.relays if r.approved}
    assert {i["stream_url"] for i in items if i["kind"] == "relay"} <= approved_urls  # nothing unapproved airs
    by_id = {b.bulletin_id: b for b in inputs.bulletins}
    per_day: Counter[tuple[int, date]] = Counter()
    for item in items:
        if "bulletin_id" not in item:
            continue
        b = by_id[item["bulletin_id"]]
        assert item["version_hash"] == b.version_hash and item["sha256"] == b.sha256
        assert b.priority != "emergency"
        assert set(b.target_areas) & set(CHAIN_T01)
        assert _start(item) >= b.airs_from
        assert b.valid_until is None or _end(item) <= b.valid_until
        per_day[(b.bulletin_id, local_date(_start(item)))] += 1
    for (bulletin_id, _day), count in per_day.items():
        assert count <= by_id[bulletin_id].repeats_per_day


@SETTINGS
@given(scenarios())
def test_slots_respect_bounds_order_and_overflow_accounting(scenario):
    inputs, options = scenario
    compiler = Compiler(AREAS, inputs, MONDAY, options=options)
    plans = [compiler.day_plan("W001-T01", day) for day in DAYS]
    manifest = compiler.manifest(speaker(), seq=1, issued_at=ISSUED, expires_at=EXPIRES)
    # The preview shows exactly what the device gets.
    planned = sorted(
        (p.start_utc, p.slot_id, p.bulletin_id or 0) for plan in plans for s in plan.slots for p in s.items
    )
    got = sorted((_start(i), i["slot_id"], i.get("bulletin_id", 0)) for i in manifest["items"])
    assert planned == got
    gap = options.gap_s
    for plan in plans:
        one_slot_day = len(plan.slots) == 1
        for packed in plan.slots:
            occ = packed.occurrence
            for item in packed.items:
                assert occ.start_utc <= item.start_utc and item.end_utc <= occ.end_utc
            ids = [i.bulletin_id for i in packed.items if i.bulletin_id is not None]
            if not one_slot_day:
                assert len(ids) == len(set(ids))  # never twice in one slot when the day has several
            for section in BULLETIN_SECTIONS:
                seq = [i for i in packed.items if i.section == section]
                pinned_flags = [i.pinned for i in seq]
                assert pinned_flags == sorted(pinned_flags, reverse=True)  # pins first
                ranks = [i.priority for i in seq if not i.pinned]
                assert "priority" not in ranks[ranks.index("normal") :] if "normal" in ranks else True
            _check_overflow(packed, gap)


def _check_overflow(packed, gap: int) -> None:
    occ = packed.occurrence
    start_s, end_s = int(occ.start_utc.timestamp()), int(occ.end_utc.timestamp())
    ends = [start_s] + [int(i.start_utc.timestamp()) + -(-i.duration_ms // 1000) for i in packed.items]
    # Fitted time (rounded up to seconds) plus the gaps between items never exceeds the slot.
    assert ends[-1] <= end_s
    exact = occ.closing is None or "closing" not in occ.template
    for o in packed.overflow:
        assert o.needed_s >= 1 and 1 <= o.missing_s <= o.needed_s + gap
        if exact:
            # Room when it was tried = slot end − (end of some placed prefix + gap).
            rooms = {end_s - start_s} | {end_s - (e + gap) for e in ends[1:]}
            assert o.needed_s - o.missing_s in rooms


@SETTINGS
@given(scenarios())
def test_compile_is_deterministic_for_any_input_order(scenario):
    inputs, options = scenario
    shuffled = list(inputs.bulletins)
    random.Random(7).shuffle(shuffled)
    other = ScheduleInputs(
        inputs.slots[::-1], inputs.extras, inputs.holidays[::-1], inputs.relays[::-1], tuple(shuffled)
    )
    first = _canonical(_compile(inputs, options))
    assert first == _canonical(_compile(inputs, options))  # idempotent
    assert first == _canonical(_compile(other, options))
    assert _canonical(_compile(inputs, options, board())) == _canonical(_compile(other, options, board()))
    # The spliced bytes path gives exactly the canonical bytes of the dict payload.
    compiler = Compiler(AREAS, other, MONDAY, options=options)
    for device in (speaker(), board()):
        body = compiler.manifest_bytes(device, seq=3, issued_at=ISSUED, expires_at=EXPIRES)
        assert body == _canonical(compiler.manifest(device, seq=3, issued_at=ISSUED, expires_at=EXPIRES))


@SETTINGS
@given(scenarios())
def test_board_items_back_to_back_inside_day_and_validity(scenario):
    inputs, options = scenario
    items = _compile(inputs, options, board())["items"]
    by_id = {b.bulletin_id: b for b in inputs.bulletins}
    for a, b in itertools.pairwise(items):
        assert _end(a) <= _start(b)
    for item in items:
        b = by_id[item["bulletin_id"]]
        assert b.priority != "emergency" and set(b.target_areas) & set(CHAIN_T01)
        assert _start(item) >= b.airs_from
        assert b.valid_until is None or _end(item) <= b.valid_until
        day = local_date(_start(item))
        assert at(day, 6) <= _start(item) and _end(item) <= at(day, 22)
        cycle_ms = round(sum(item["page_seconds"]) * 1000)
        assert item["duration_ms"] % cycle_ms == 0
