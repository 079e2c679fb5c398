"""``POST /api/v1/bulletins/estimate``: airtime of a bulletin before it is submitted, against
the room left in its target areas' slots."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from server.deps import AreaTreeDep, AuthorUser, RuntimeDep, SessionDep, ensure_in_scope
from server.errors import Invalid
from server.models.bulletins import BODY_MAX
from server.services.airtime_estimate import EstimateInput, estimate
from server.services.bulletin_fields import MAX_TARGETS

router = APIRouter(prefix="/api/v1/bulletins", tags=["bulletins"])


class EstimateIn(BaseModel):
    body: str | None = Field(default=None, max_length=BODY_MAX, description="text to be read (TTS)")
    recording_duration_ms: int | None = Field(default=None, ge=1, le=3_600_000,
                                              description="instead of body: one read of a recording")
    reads_per_play: int = Field(default=1, ge=1, le=3)
    gap_seconds: float = Field(default=2.0, ge=0, le=30)
    repeats_per_day: int = Field(default=1, ge=1, le=10)
    targets: Annotated[list[Annotated[str, Field(max_length=64)]], Field(min_length=1, max_length=MAX_TARGETS)]
    valid_from: datetime | None = None
    valid_until: datetime | None = None


class AreaRoomOut(BaseModel):
    area_code: str
    name: str
    day: date
    slots: int
    slot_seconds: float
    free_seconds: float
    needed_seconds: float
    fits: bool


class EstimateOut(BaseModel):
    duration_ms: int
    read_ms: int
    airtime_per_day_s: float
    from_recording: bool
    areas: list[AreaRoomOut]


@router.post("/estimate", response_model=EstimateOut)
def estimate_airtime(body: EstimateIn, user: AuthorUser, session: SessionDep, tree: AreaTreeDep,
                     runtime: RuntimeDep) -> EstimateOut:
    """Estimated duration of one play (reads × read time + gaps + chimes), airtime per day, and
    per target the room left in its slots on the tightest of the first days of validity."""
    targets = list(dict.fromkeys(body.targets))
    for code in targets:
        ensure_in_scope(user, tree, code)
    for value in (body.valid_from, body.valid_until):
        if value is not None and value.tzinfo is None:
            raise Invalid("Thời điểm phải ghi rõ múi giờ (ví dụ +07:00).", code="naive_datetime")
    result = estimate(session, tree, EstimateInput(
        body=body.body, recording_duration_ms=body.recording_duration_ms, reads_per_play=body.reads_per_play,
        gap_seconds=body.gap_seconds, repeats_per_day=body.repeats_per_day, targets=targets,
        valid_from=body.valid_from, valid_until=body.valid_until,
    ), area_code=targets[0], now=runtime.clock(), words_per_minute=runtime.settings.espeak_rate)
    return EstimateOut(
        duration_ms=result.duration_ms, read_ms=result.read_ms, airtime_per_day_s=result.airtime_per_day_s,
        from_recording=result.from_recording,
        areas=[AreaRoomOut(area_code=a.area_code, name=a.name, day=a.day, slots=a.slots, slot_seconds=a.slot_seconds,
                           free_seconds=a.free_seconds, needed_seconds=a.needed_seconds, fits=a.fits)
               for a in result.areas],
    )
