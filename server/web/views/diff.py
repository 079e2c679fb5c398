"""The change an approver reviews: each text field of the current version against the last
approved one, word by word. (Interim: replaced by console-api's diff service once merged.)"""

from __future__ import annotations

import difflib
import re
from typing import Any

from sqlmodel import Session

from server.models.bulletins import Bulletin, BulletinVersion
from server.services import bulletins as bulletin_service

FIELDS = (("title", "Tiêu đề"), ("body", "Nội dung đọc"), ("board_text", "Chữ trên bảng điện tử"))
_WORDS = re.compile(r"\S+|\s+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``[(op, text)]`` with op ``same``, ``added`` or ``removed``; whitespace stays with its words."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("added", "".join(b[j1:j2])))
    return out


def change_of(session: Session, bulletin: Bulletin) -> list[dict[str, Any]]:
    """Changed fields only; empty when nothing was approved before (a first version)."""
    if bulletin.approved_version_id is None or bulletin.approved_version_id == bulletin.current_version_id:
        return []
    approved = session.get(BulletinVersion, bulletin.approved_version_id)
    current = bulletin_service.current_version(session, bulletin)
    if approved is None:
        return []
    changes = []
    for name, label in FIELDS:
        old, new = getattr(approved, name), getattr(current, name)
        if old != new:
            changes.append({"field": name, "label": label, "segments": word_diff(old, new)})
    return changes
