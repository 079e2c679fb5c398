"""Plain-dict forms of planned items and alerts, exactly as ``devices.protocol`` names them.

Keys whose value is None are left out; timestamps are UTC ``YYYY-MM-DDTHH:MM:SSZ`` with
sub-seconds truncated (one spelling per instant). Formatting runs for millions of items in a full
compile, so timestamps come from lookup tables rather than ``strftime``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from playlists.boards import BoardItem
from playlists.model import Alert, BoardPages, BulletinPlay, PlannedItem

MAX_TITLE = 200  # the wire model's limit: a longer title would make the device refuse everything

_HOUR_MINUTE = tuple(f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60))
_SECOND = tuple(f"{s:02d}Z" for s in range(60))
_DAY_PREFIX: dict[int, str] = {}


def iso_epoch(seconds: int) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` of a Unix time in whole seconds."""
    day, rest = divmod(seconds, 86400)
    prefix = _DAY_PREFIX.get(day)
    if prefix is None:
        prefix = _DAY_PREFIX[day] = datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%dT")
    return prefix + _HOUR_MINUTE[rest // 60] + _SECOND[rest % 60]


def iso_z(dt: datetime) -> str:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive datetime: pass an aware datetime")
    return iso_epoch(math.floor(dt.timestamp()))


def canonical_json(value: Any) -> str:
    """The canonical form of DESIGN §4 (as text; ``.encode()`` gives the signed bytes)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_MARKER = re.compile('"\ue000(\\d+)\ue001"')


class Splicer:
    """Canonical JSON of a dict in which a few fields vary: the constant text is encoded once.

    ``fill`` takes the varying fields as JSON text (e.g. ``'"2025-03-03T23:00:00Z"'``, ``"7"``).
    Millions of items share a few thousand shapes, so this replaces most ``json.dumps`` work; the
    tests check the result equals ``canonical_json`` of the full dict.
    """

    def __init__(self, fields: dict[str, Any], variables: Sequence[str]) -> None:
        probe = {**fields, **{name: f"\ue000{i}\ue001" for i, name in enumerate(variables)}}
        parts = _MARKER.split(canonical_json(probe))
        if len(parts) != 2 * len(variables) + 1:
            raise ValueError("a field value contains the splice marker")
        self._literals = parts[0::2]
        self._order = [int(i) for i in parts[1::2]]

    def fill(self, *values: str) -> str:
        out = [self._literals[0]]
        for position, index in enumerate(self._order):
            out.append(values[index])
            out.append(self._literals[position + 1])
        return "".join(out)


def _content(out: dict[str, Any], sha256: str | None, size: int | None, pages: BoardPages | None) -> None:
    if sha256 is not None:
        out["media"] = f"/media/{sha256}.mp3"
        out["sha256"] = sha256
    if size is not None:
        out["size"] = size
    if pages is not None:
        out["pages"] = [list(p) for p in pages.pages]
        out["page_seconds"] = [float(s) for s in pages.page_seconds]  # floats survive a model round trip


def planned_item_dict(item: PlannedItem) -> dict[str, Any]:
    out: dict[str, Any] = {
        "start": iso_epoch(math.floor(item.start_utc.timestamp())),  # aware by construction
        "duration_ms": item.duration_ms,
        "kind": item.kind,
        "priority": item.priority,
        "title": item.title[:MAX_TITLE],
        "slot_id": item.slot_id,
    }
    if item.bulletin_id is not None:
        out["bulletin_id"] = item.bulletin_id
    if item.version_hash is not None:
        out["version_hash"] = item.version_hash
    if item.stream_url is not None:
        out["stream_url"] = item.stream_url
    _content(out, item.sha256, item.size, None)
    return out


def board_fields(bulletin: BulletinPlay, pages: BoardPages) -> dict[str, Any]:
    """Everything of a board item except ``start``/``duration_ms`` (shared by its rotations)."""
    out: dict[str, Any] = {
        "kind": "board",
        "priority": bulletin.priority,
        "bulletin_id": bulletin.bulletin_id,
        "version_hash": bulletin.version_hash,
        "title": bulletin.title[:MAX_TITLE],
    }
    _content(out, None, None, pages)
    return out


def board_item_dict(item: BoardItem) -> dict[str, Any]:
    return {
        "start": iso_z(item.start_utc),
        "duration_ms": item.duration_ms,
        **board_fields(item.bulletin, item.pages),
    }


def alert_dict(alert: Alert, pages: BoardPages | None = None) -> dict[str, Any]:
    """The manifest (and area-topic) form of a start alert; ``pages`` for boards only."""
    out: dict[str, Any] = {
        "alert_id": alert.alert_id,
        "bulletin_id": alert.bulletin_id,
        "version_hash": alert.version_hash,
        "area_code": alert.area_code,
        "starts_at": iso_z(alert.starts_at),
        "expires_at": iso_z(alert.expires_at),
        "repeat_every_s": alert.repeat_every_s,
        "duration_ms": alert.duration_ms,
        "title": alert.title[:MAX_TITLE],
    }
    _content(out, alert.sha256, alert.size, pages)
    return out


class ItemShape:
    """The constant fields of many items (one bulletin/relay/ident, or one board bulletin) plus
    the one field besides ``start`` that varies (``slot_id`` or ``duration_ms``)."""

    def __init__(self, fields: dict[str, Any], variable: str) -> None:
        self.fields = fields
        self.variable = variable
        try:
            self._splicer: Splicer | None = Splicer(fields, ("start", variable))
        except ValueError:
            self._splicer = None  # a title containing the marker: encode such items in full

    def item(self, start_s: int, value: int) -> dict[str, Any]:
        return {"start": iso_epoch(start_s), self.variable: value, **self.fields}

    def text(self, start_s: int, value: int) -> str:
        if self._splicer is None:
            return canonical_json(self.item(start_s, value))
        return self._splicer.fill(f'"{iso_epoch(start_s)}"', str(value))


ItemRow = tuple[int, ItemShape, int]  # (start, Unix seconds; shape; value of shape.variable)
