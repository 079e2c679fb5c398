"""Autosave that cannot resurrect a saved form.

The editor's preview autosaves the form a moment after each change. If the officer presses "save"
while such a request is still on its way, it could arrive after the save removed the draft and
bring the submitted bulletin back as a "restored draft". Each rendered form has a random id; a
successful save records it (as the user's own small draft ``<key>-xong``), and an autosave
carrying that id is dropped.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any

from sqlmodel import Session

from server.errors import NotFound
from server.models.users import User
from server.services import drafts

DONE_SUFFIX = "-xong"
_FORM_ID = re.compile(r"^[0-9a-f]{16}$")


def form_id(posted: object = None) -> str:
    """The posted form's id when it is one of ours, else a new one."""
    if isinstance(posted, str) and _FORM_ID.match(posted):
        return posted
    return secrets.token_hex(8)


def _saved_form(session: Session, user: User, key: str) -> str | None:
    try:
        return str(drafts.get_draft(session, user, key + DONE_SUFFIX).data.get("form_id"))
    except NotFound:
        return None


def autosave(session: Session, user: User, key: str, posted_form_id: object, data: dict[str, Any],
             now: datetime) -> datetime | None:
    """Save the draft unless this form was already saved; returns when it was saved."""
    if not isinstance(posted_form_id, str) or _saved_form(session, user, key) == posted_form_id:
        return None
    return drafts.save_draft(session, user, key, {**data, "form_id": posted_form_id}, now=now).updated_at


def mark_saved(session: Session, user: User, key: str, posted_form_id: object, now: datetime) -> None:
    drafts.delete_draft(session, user, key)
    if isinstance(posted_form_id, str) and _FORM_ID.match(posted_form_id):
        drafts.save_draft(session, user, key + DONE_SUFFIX, {"form_id": posted_form_id}, now=now)
