"""Bounded types for every value that enters over HTTP: ids, offsets, dates and times.

A value outside these bounds is a 422 from FastAPI's validation (and the bounds are in the
OpenAPI document), never a 500 from a database or a date computation further in: ids fit the
INTEGER (int4) columns of PostgreSQL, dates and times lie in 2000-2100 (a schedule, a report or a
pin beyond that is a typo; 9999-12-31 plus a day overflows Python's date).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, Field

INT4_MAX = 2**31 - 1  # INTEGER columns: int4 on PostgreSQL
MIN_DATE, MAX_DATE = date(2000, 1, 1), date(2100, 12, 31)
MAX_OFFSET = 1_000_000
MAX_LIMIT = 500
_DATE_RANGE = f"{MIN_DATE.isoformat()} .. {MAX_DATE.isoformat()}"


def _date_in_range(value: date) -> date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(f"date must lie in {_DATE_RANGE}")
    return value


def _time_in_range(value: datetime) -> datetime:
    # Naive values are refused later with their own message; compare them as they stand here.
    day = value.astimezone(UTC).date() if value.tzinfo is not None else value.date()
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValueError(f"time must lie in {_DATE_RANGE}")
    return value


_DATE_SCHEMA = {"format": "date", "description": f"YYYY-MM-DD, {_DATE_RANGE}"}

# Body fields (pydantic models).
DbId = Annotated[int, Field(ge=1, le=INT4_MAX)]
Day = Annotated[date, AfterValidator(_date_in_range), Field(json_schema_extra=_DATE_SCHEMA)]
Moment = Annotated[datetime, AfterValidator(_time_in_range),
                   Field(description=f"ISO 8601 with a UTC offset, {_DATE_RANGE}")]

# Path and query parameters.
IdPath = Annotated[int, Path(ge=1, le=INT4_MAX, description="id (1 .. 2^31-1)")]
DayQuery = Annotated[Day | None, Query(description=f"YYYY-MM-DD, {_DATE_RANGE}")]
OffsetQuery = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
