"""What a device airs (``Entry``), how long it aired (``Airing``) and what it reports (``Record``).

Pure data, no I/O: the player builds entries from manifest items and alerts, and turns finished
or skipped entries into records that the device writes to its as-run outbox.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from devices.played import is_played
from devices.protocol import Alert, Kind, ManifestItem

DeviceKind = Literal["speaker", "board"]
MediaState = Literal["ready", "missing", "failed"]
OutcomeName = Literal["played", "interrupted", "missed", "failed"]
Reason = Literal["offline", "media_failed", "preempted", "expired"]

# Which manifest item kinds each device kind airs; the rest of a manifest is not its business.
AIRS: dict[DeviceKind, frozenset[str]] = {
    "speaker": frozenset({"audio", "relay"}),
    "board": frozenset({"board"}),
}


@functools.lru_cache(maxsize=65536)
def wire_time(value: str) -> datetime:
    """A wire timestamp (already validated by ``devices.protocol``) as an aware datetime.

    ``fromisoformat`` plus a cache: thousands of devices share the same slot times, and
    ``strptime`` would dominate a 10,000-device manifest fan-out."""
    return datetime.fromisoformat(value)


def ms(delta: timedelta) -> int:
    return max(0, round(delta.total_seconds() * 1000))


@dataclass
class Entry:
    """One thing to air: a manifest item, or one occurrence of an alert."""

    kind: Kind
    planned: datetime
    duration_ms: int
    title: str
    bulletin_id: int | None = None
    version_hash: str | None = None
    sha256: str | None = None
    pages: list[list[str]] | None = None
    page_seconds: list[float] | None = None
    alert_id: str | None = None
    # The first, interrupted airing of a displaced item (reported if it never airs again).
    partial: tuple[datetime, datetime] | None = None

    @property
    def is_alert(self) -> bool:
        return self.alert_id is not None

    @property
    def duration(self) -> timedelta:
        return timedelta(milliseconds=self.duration_ms)

    @classmethod
    def from_item(cls, item: ManifestItem, start: datetime) -> Entry:
        return cls(
            kind=item.kind, planned=start, duration_ms=item.duration_ms, title=item.title,
            bulletin_id=item.bulletin_id, version_hash=item.version_hash, sha256=item.sha256,
            pages=item.pages, page_seconds=item.page_seconds,
        )

    @classmethod
    def from_alert(cls, alert: Alert, planned: datetime, *, board: bool, until: datetime) -> Entry:
        if board:  # boards show the alert text until the alert ends
            pages = alert.pages or [[alert.title]]
            return cls(
                kind="board", planned=planned, duration_ms=max(1, ms(until - planned)), title=alert.title,
                bulletin_id=alert.bulletin_id, version_hash=alert.version_hash, alert_id=alert.alert_id,
                pages=pages, page_seconds=alert.page_seconds or [10.0] * len(pages),
            )
        return cls(
            kind="audio", planned=planned, duration_ms=alert.duration_ms, title=alert.title,
            bulletin_id=alert.bulletin_id, version_hash=alert.version_hash, sha256=alert.sha256,
            alert_id=alert.alert_id,
        )

    def to_json(self, started: datetime | None) -> dict[str, Any]:
        """What survives a power loss (the device persists its open entries)."""
        return {
            "kind": self.kind, "planned": self.planned.isoformat(), "duration_ms": self.duration_ms,
            "title": self.title, "bulletin_id": self.bulletin_id, "version_hash": self.version_hash,
            "alert_id": self.alert_id, "started": started.isoformat() if started else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> tuple[Entry, datetime | None]:
        entry = cls(
            kind=data["kind"], planned=datetime.fromisoformat(data["planned"]),
            duration_ms=data["duration_ms"], title=data["title"], bulletin_id=data["bulletin_id"],
            version_hash=data["version_hash"], alert_id=data["alert_id"],
        )
        return entry, datetime.fromisoformat(data["started"]) if data["started"] else None


@dataclass
class Airing:
    entry: Entry
    started: datetime
    ends: datetime
    resumed: bool = False  # a replay after an alert: the ±2 s rule counts from the resume

    def aired_ms(self, at: datetime) -> int:
        return ms(min(at, self.ends) - self.started)

    def counts_as_played(self, at: datetime) -> bool:
        displaced = self.resumed or self.entry.is_alert
        return is_played(self.entry.planned, self.started, self.entry.duration_ms, self.aired_ms(at),
                         displaced=displaced)

    def page(self, at: datetime) -> list[str] | None:
        """The board page on display at ``at`` (pages cycle with their page times)."""
        pages, seconds = self.entry.pages, self.entry.page_seconds
        if not pages or not seconds:
            return None
        offset = (at - self.started).total_seconds() % max(sum(seconds), 0.001)
        for lines, length in zip(pages, seconds, strict=True):
            if offset < length:
                return lines
            offset -= length
        return pages[-1]


@dataclass(frozen=True)
class Record:
    """One as-run outcome, before the device gives it an idempotency key."""

    entry: Entry = field(repr=False)
    outcome: OutcomeName
    reason: Reason | None = None
    actual_start: datetime | None = None
    actual_end: datetime | None = None
    aired_ms: int = 0

    @property
    def title(self) -> str:
        return self.entry.title

    @classmethod
    def aired(cls, airing: Airing, end: datetime, outcome: OutcomeName) -> Record:
        return cls(airing.entry, outcome, None, airing.started, end, airing.aired_ms(end))

    @classmethod
    def skipped(cls, entry: Entry, outcome: OutcomeName, reason: Reason) -> Record:
        if entry.partial is not None:  # keep what did air before the interruption
            start, end = entry.partial
            return cls(entry, outcome, reason, start, end, ms(end - start))
        return cls(entry, outcome, reason)
