"""Board rotation: the board text of the same may-air bulletins, cycled over the display day.

Each board item shows one bulletin's pages for a whole number of page cycles (the device loops the
pages for ``duration_ms``), at least ``min_item_s`` long so a 4-day manifest stays small (a
15-second cycle would otherwise mean ~3,800 items a day); ``item_seconds_for_budget`` lengthens
items further when the page texts are long. Consecutive items of the same bulletin
(only one bulletin valid) merge into one. Items are back to back, starting on whole seconds, and
lie wholly inside the display day and the bulletin's validity. Emergency bulletins are not
rotated: boards show them from the alert. ``repeats_per_day`` limits audio plays, not boards.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from playlists.model import PRIORITY_RANK, BoardGeometry, BoardPages, BulletinPlay, local_to_utc

# devices' renderer: (text, cols, rows, ascii_only) -> (pages, seconds per page)
Renderer = Callable[[str, int, int, bool], tuple[Sequence[Sequence[str]], Sequence[float]]]


@dataclass(frozen=True, slots=True)
class BoardOptions:
    day_start: time = time(6, 0)
    day_end: time = time(22, 0)  # at or before day_start: ends the next day
    min_item_s: int = 300
    # Budget for all board items of one manifest (the device refuses manifests over 512 KiB):
    # with long page texts, items get longer instead of the manifest getting bigger.
    max_bytes: int = 256 * 1024


@dataclass(frozen=True, slots=True)
class BoardItem:
    start_utc: datetime
    duration_ms: int
    bulletin: BulletinPlay
    pages: BoardPages


def pages_for(
    board_pages: Sequence[BoardPages],
    board_text: str | None,
    geometry: BoardGeometry,
    render: Renderer | None,
) -> BoardPages | None:
    """Pre-rendered pages for this geometry, else ``render`` the board text, else None."""
    ascii_only = not geometry.diacritics
    for pre in board_pages:
        if (pre.cols, pre.rows, pre.ascii_only) == (geometry.cols, geometry.rows, ascii_only):
            return pre
    if render is None or not board_text:
        return None
    try:
        pages, seconds = render(board_text, geometry.cols, geometry.rows, ascii_only)
    except ValueError:
        return None  # text the board cannot show (e.g. nothing left after folding): no board item
    return BoardPages(geometry.cols, geometry.rows, ascii_only, tuple(tuple(p) for p in pages), tuple(seconds))


def _ms(dt: datetime) -> int:
    return round(dt.timestamp() * 1000)


def _ceil_to_second(ms: int) -> int:
    return -(-ms // 1000) * 1000


def rotation(
    shows: Sequence[tuple[BulletinPlay, BoardPages]], day: date, options: BoardOptions = BoardOptions()
) -> list[tuple[int, int, int]]:
    """Rotation for one local date as ``(start_epoch_ms, duration_ms, index into shows)``.

    ``shows`` = may-air, targeted bulletins with their pages. Plain tuples: compile turns them
    straight into payload dicts (this loop runs for every board of the country).
    """
    begin = local_to_utc(day, options.day_start)
    end_dt = local_to_utc(day, options.day_end)
    if end_dt <= begin:
        end_dt += timedelta(days=1)
    t, end = _ceil_to_second(_ms(begin)), _ms(end_dt)
    rota = []  # (index, cycle_ms, from_ms, until_ms) in priority order
    order = sorted(
        range(len(shows)),
        key=lambda i: (PRIORITY_RANK[shows[i][0].priority], shows[i][0].approved_at, shows[i][0].bulletin_id),
    )
    for i in order:
        b, pages = shows[i]
        cycle = round(sum(pages.page_seconds) * 1000)
        if b.priority == "emergency" or cycle <= 0 or not pages.pages:
            continue
        until = end if b.valid_until is None else min(end, _ms(b.valid_until))
        rota.append((i, cycle, _ms(b.airs_from), until))
    items: list[tuple[int, int, int]] = []
    turn = 0
    min_ms = options.min_item_s * 1000
    n = len(rota)
    while n and t < end:
        pick = None
        for j in range(n):
            cand = rota[(turn + j) % n]
            if cand[2] <= t and t + cand[1] <= cand[3]:
                pick, turn = cand, (turn + j + 1) % n
                break
        if pick is None:
            later = [c[2] for c in rota if t < c[2] < end]
            if not later:
                break
            t = _ceil_to_second(min(later))
            continue
        index, cycle, _, until = pick
        duration = min(max(1, -(-min_ms // cycle)), (until - t) // cycle) * cycle
        if items and items[-1][2] == index and items[-1][0] + items[-1][1] == t:
            items[-1] = (items[-1][0], items[-1][1] + duration, index)  # same bulletin again: extend
        else:
            items.append((t, duration, index))
        t = _ceil_to_second(t + duration)
    return items


def board_day(
    shows: Sequence[tuple[BulletinPlay, BoardPages]], day: date, options: BoardOptions = BoardOptions()
) -> list[BoardItem]:
    """``rotation`` as ``BoardItem``s (for previews and tests)."""
    return [
        BoardItem(datetime.fromtimestamp(start // 1000, UTC), duration, *shows[index])
        for start, duration, index in rotation(shows, day, options)
    ]


def item_seconds_for_budget(shows: Sequence[tuple[BulletinPlay, BoardPages]], days: int, options: BoardOptions) -> int:
    """Minimum item length keeping ``days`` of rotation within ``options.max_bytes``."""
    if not shows:
        return options.min_item_s
    # Serialized size of one item ≈ its page text plus fixed keys (~300 bytes with the title).
    sizes = [
        300 + len(b.title.encode()) + sum(len(line.encode()) + 3 for p in pg.pages for line in p) for b, pg in shows
    ]
    average = sum(sizes) / len(sizes)
    begin = datetime.combine(date.min, options.day_start)
    end = datetime.combine(date.min, options.day_end)
    display_s = (end - begin).total_seconds() % 86400 or 86400
    allowed = max(1, int(options.max_bytes / average / max(1, days)))
    return max(options.min_item_s, -(-int(display_s) // allowed))
