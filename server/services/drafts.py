"""Drafts autosaved on the server: a user's own form state under a short key.

Owned by the user (the key space is per user, so nobody else can even name another's draft);
kept across sign-out and session expiry, removed when the form is submitted or discarded.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from server.errors import Conflict, Invalid, NotFound, TooLarge
from server.models.console import ConsoleDraft
from server.models.users import User

KEY_RE = re.compile(r"^[a-z0-9-]{1,64}$")
MAX_DRAFT_BYTES = 64 * 1024
MAX_DRAFTS = 50  # per user: forms in progress, not storage


def check_key(key: str) -> str:
    if not KEY_RE.match(key):
        raise Invalid("Khóa bản nháp chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang (tối đa 64 ký tự).",
                      code="draft_key_invalid")
    return key


def check_size(data: dict[str, Any]) -> None:
    size = len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
    if size > MAX_DRAFT_BYTES:
        raise TooLarge(f"Bản nháp quá lớn: tối đa {MAX_DRAFT_BYTES // 1024} KiB.", code="draft_too_large")


def get_draft(session: Session, user: User, key: str) -> ConsoleDraft:
    draft = session.get(ConsoleDraft, (user.id, check_key(key)))
    if draft is None:
        raise NotFound("Không có bản nháp đã lưu.", code="draft_not_found")
    return draft


def save_draft(session: Session, user: User, key: str, data: dict[str, Any], *, now: datetime) -> ConsoleDraft:
    check_size(data)
    assert user.id is not None
    draft = session.get(ConsoleDraft, (user.id, check_key(key)))
    if draft is None:
        held = session.exec(select(func.count()).select_from(ConsoleDraft).where(ConsoleDraft.user_id == user.id)).one()
        if held >= MAX_DRAFTS:
            raise Conflict(f"Bạn đã có {held} bản nháp: hãy gửi hoặc xóa bớt trước khi lưu bản mới.",
                           code="draft_limit")
        draft = ConsoleDraft(user_id=user.id, key=key, data=data, updated_at=now)
    else:
        draft.data, draft.updated_at = dict(data), now
    session.add(draft)
    session.commit()
    session.refresh(draft)
    return draft


def delete_draft(session: Session, user: User, key: str) -> None:
    draft = session.get(ConsoleDraft, (user.id, check_key(key)))
    if draft is not None:
        session.delete(draft)
        session.commit()
