"""A bulletin's versions, and what changed since the last approved one (for the approver).

The diff is word-level per text field: runs of ``equal`` / ``insert`` / ``delete`` tokens (words
with the whitespace after them), so the console can show insertions and deletions in place.
Other fields (priority, targets, validity…) are listed with their before/after values.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from server.models.bulletins import Bulletin, BulletinVersion
from server.services.bulletin_fields import CONTENT_FIELDS, content_of
from server.services.bulletins import current_version, targets_of

TEXT_DIFF_FIELDS = ("title", "body", "board_text")
_TOKEN = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class VersionInfo:
    id: int
    number: int
    version_hash: str
    title: str
    created_at: datetime
    created_by: int
    submitted_at: datetime | None
    approved_at: datetime | None
    approved_by: int | None
    one_step: bool
    has_audio: bool
    current: bool
    airing_version: bool


@dataclass
class BulletinDiff:
    base_version: int | None  # the last approved version's number; None: nothing approved yet
    version: int
    fields: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    changed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not self.changed and all(all(op["op"] == "equal" for op in ops) for ops in self.fields.values())


def versions(session: Session, bulletin: Bulletin) -> list[VersionInfo]:
    """Every version, newest first."""
    rows = session.exec(select(BulletinVersion).where(BulletinVersion.bulletin_id == bulletin.id)
                        .order_by(col(BulletinVersion.number).desc())).all()
    out = []
    for v in rows:
        assert v.id is not None
        out.append(VersionInfo(
            id=v.id, number=v.number, version_hash=v.version_hash, title=v.title, created_at=v.created_at,
            created_by=v.created_by, submitted_at=v.submitted_at, approved_at=v.approved_at,
            approved_by=v.approved_by, one_step=v.one_step, has_audio=v.audio_sha256 is not None,
            current=v.id == bulletin.current_version_id, airing_version=v.id == bulletin.approved_version_id,
        ))
    return out


def word_diff(before: str, after: str) -> list[dict[str, str]]:
    """Runs of equal/insert/delete text; joining equal+insert gives ``after``, equal+delete ``before``."""
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    ops: list[dict[str, str]] = []

    def add(op: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if ops and ops[-1]["op"] == op:
            ops[-1]["text"] += text
        else:
            ops.append({"op": op, "text": text})

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", a[i1:i2])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return ops


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def diff_against_approved(session: Session, bulletin: Bulletin) -> BulletinDiff:
    """The current version against the last approved one (against nothing when none was)."""
    current = current_version(session, bulletin)
    base = session.get(BulletinVersion, bulletin.approved_version_id) if bulletin.approved_version_id else None
    now_content, now_targets = content_of(current), targets_of(session, current.id)
    old_content = content_of(base) if base is not None else {}
    old_targets = targets_of(session, base.id) if base is not None else []
    result = BulletinDiff(base_version=base.number if base is not None else None, version=current.number)
    for name in TEXT_DIFF_FIELDS:
        result.fields[name] = word_diff(str(old_content.get(name, "")), str(now_content[name]))
    for name in CONTENT_FIELDS:
        if name in TEXT_DIFF_FIELDS:
            continue
        before = _plain(old_content.get(name)) if base is not None else None
        after = _plain(now_content[name])
        if base is None or before != after:
            result.changed.append({"field": name, "before": before, "after": after})
    if base is None or old_targets != now_targets:
        result.changed.append({"field": "targets", "before": old_targets if base else None, "after": now_targets})
    if base is not None and base.recording_sha256 != current.recording_sha256:
        result.changed.append({"field": "recording_sha256", "before": base.recording_sha256,
                               "after": current.recording_sha256})
    return result
