"""The one definition of "played" (DESIGN.md §3), shared by devices and the airtime report.

An airing counts as **played** when it started within ±2 s of its planned start — or it was
*displaced* (replayed after an emergency interrupted it, or it is itself an emergency, which airs
as soon as a device learns of it) — and at least 95 % of ``duration_ms`` aired.

Both sides judge the values the as-run record carries: wire timestamps have whole seconds
(``devices.protocol.iso`` drops sub-seconds), so a device judges ``wire_time(started)``, exactly
what the server will read. The report's SQL is built from these constants
(``server.services.reports_sql``); a property test checks both give the same verdicts. Pure
standard library: ``firmware_sim`` may import this module besides ``devices.protocol``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

START_TOLERANCE_S = 2
PLAYED_PERCENT = 95
START_TOLERANCE = timedelta(seconds=START_TOLERANCE_S)


def wire_time(at: datetime) -> datetime:
    """``at`` as an as-run record carries it (whole seconds)."""
    return at.replace(microsecond=0)


def aired_enough(aired_ms: int, duration_ms: int) -> bool:
    return aired_ms * 100 >= duration_ms * PLAYED_PERCENT  # integers: no float rounding at exactly 95 %


def is_played(planned: datetime, actual_start: datetime | None, duration_ms: int, aired_ms: int, *,
              displaced: bool = False) -> bool:
    if actual_start is None:
        return False
    on_time = displaced or abs(wire_time(actual_start) - wire_time(planned)) <= START_TOLERANCE
    return on_time and aired_enough(aired_ms, duration_ms)
