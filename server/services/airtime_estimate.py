"""Airtime estimate before submit: how long the bulletin will play, how much airtime a day it
needs, and how much room is left in each target area's slots (from the real packing code), so the
officer sees "needs 3 min/day, 2 min free in Thôn X" before sending it for approval.

Duration model of one play (calibrated against eSpeak NG at 150 wpm through the real mastering
chain, see tests/server/console_api/test_estimate_api.py; words scale with LOA_ESPEAK_RATE): per read,
0.2375 s per spoken word at 150 wpm
+ 0.332 s per pause mark + 0.43 s per sentence piece the synthesizer speaks separately; reads are
separated by the gap; the chimes and pauses around them add 3.15 s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session

from playlists.compile import Compiler
from playlists.model import LOCAL_TZ
from server.errors import Invalid
from server.scheduling.compiler import make_compiler
from server.scheduling.inputs import load_inputs
from server.services.areas import AreaTree
from server.services.spoken import spoken_text
from tts.engines.espeak import DEFAULT_RATE

SECONDS_PER_WORD = 0.2375  # at CALIBRATED_WPM; a slower voice takes proportionally longer per word
CALIBRATED_WPM = 150
SECONDS_PER_PAUSE = 0.332
SECONDS_PER_PIECE = 0.43
FRAME_SECONDS = 3.15  # chimes and the pauses around them, once per play
MAX_DAYS = 7  # the tightest day of the first week of validity
_PAUSES = re.compile(r"[.,;:!?]")


@dataclass(frozen=True)
class EstimateInput:
    body: str | None
    recording_duration_ms: int | None
    reads_per_play: int
    gap_seconds: float
    repeats_per_day: int
    targets: list[str]
    valid_from: datetime | None = None
    valid_until: datetime | None = None


@dataclass(frozen=True)
class AreaRoom:
    area_code: str
    name: str
    day: date  # the tightest day considered
    slots: int  # slot occurrences that day
    slot_seconds: float
    free_seconds: float
    needed_seconds: float

    @property
    def fits(self) -> bool:
        return self.slots > 0 and self.free_seconds >= self.needed_seconds


@dataclass(frozen=True)
class Estimate:
    duration_ms: int  # one play: every read, the gaps and the chimes
    read_ms: int  # one read of the text
    airtime_per_day_s: float
    from_recording: bool
    areas: list[AreaRoom] = field(default_factory=list)


def read_seconds(spoken: str, words_per_minute: int = DEFAULT_RATE) -> float:
    """Seconds eSpeak NG takes to read ``spoken`` (normalized text) once at ``words_per_minute``."""
    from tts.normalize import split_sentences

    words = len(spoken.split())
    if not words:
        return 0.0
    pieces = len([s for s in split_sentences(spoken) if s.strip()]) or 1
    per_word = SECONDS_PER_WORD * CALIBRATED_WPM / words_per_minute
    return words * per_word + len(_PAUSES.findall(spoken)) * SECONDS_PER_PAUSE + pieces * SECONDS_PER_PIECE


def play_ms(read_s: float, reads: int, gap_s: float) -> int:
    return round((reads * read_s + (reads - 1) * gap_s + FRAME_SECONDS) * 1000)


def room(compiler: Compiler, area_code: str, first: date, days: int) -> list[tuple[date, int, float, float]]:
    """Per local day: (day, slot occurrences, slot seconds, seconds left after what is planned)."""
    out = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        plan = compiler.day_plan(area_code, day)
        total = free = 0.0
        for packed in plan.slots:
            occ = packed.occurrence
            total += (occ.end_utc - occ.start_utc).total_seconds()
            last_end = max((i.end_utc for i in packed.items), default=occ.start_utc)
            free += max(0.0, (occ.end_utc - max(last_end, occ.start_utc)).total_seconds())
        out.append((day, len(plan.slots), total, free))
    return out


def estimate(session: Session, tree: AreaTree, data: EstimateInput, *, area_code: str, now: datetime,
             words_per_minute: int = DEFAULT_RATE) -> Estimate:
    """The estimate for ``data``; targets must already be checked against the user's scope."""
    if data.recording_duration_ms is not None:
        read_s, from_recording = data.recording_duration_ms / 1000, True
    elif data.body is not None and data.body.strip():
        read_s = read_seconds(spoken_text(session, data.body, area_code), words_per_minute)
        from_recording = False
    else:
        raise Invalid("Cần nội dung đọc hoặc thời lượng bản ghi âm để ước tính.", code="estimate_input")
    duration_ms = play_ms(read_s, data.reads_per_play, data.gap_seconds)
    per_day = duration_ms / 1000 * data.repeats_per_day
    begin = max(data.valid_from or now, now)
    end = data.valid_until or begin + timedelta(days=MAX_DAYS)
    if end <= begin:
        raise Invalid("Thời điểm hết hiệu lực phải sau thời điểm bắt đầu.", code="bad_validity")
    first = begin.astimezone(LOCAL_TZ).date()
    days = max(1, min(MAX_DAYS, (end.astimezone(LOCAL_TZ).date() - first).days + 1))
    start = datetime.combine(first, datetime.min.time(), tzinfo=LOCAL_TZ)
    chains = {code for target in data.targets for code in tree.ancestors(target)}  # what airs in these areas
    compiler = make_compiler(load_inputs(session, tree, min(start, now), days, chains), start, LOCAL_TZ, days)
    areas = []
    for code in data.targets:
        per_day_room = room(compiler, code, first, days)
        # The tightest day with slots; a target without any slot shows as such.
        with_slots = [r for r in per_day_room if r[1] > 0] or per_day_room
        day, slots, total, free = min(with_slots, key=lambda r: r[3])
        areas.append(AreaRoom(code, tree.get(code).name, day, slots, total, free, per_day))
    return Estimate(duration_ms, round(read_s * 1000), per_day, from_recording, areas)
