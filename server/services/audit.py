"""The tamper-evident audit trail: an append-only hash chain with its head kept twice outside it.

Hash of an event = sha256 over the canonical JSON (sorted keys, no spaces, UTF-8) of
``{"seq", "at", "actor_id", "actor", "action", "subject", "details", "prev_hash"}`` where ``at`` is
ISO 8601 UTC with microseconds and ``prev_hash`` is the previous event's hash (64 zeros before
the first event). Changing, deleting or reordering any row therefore breaks the chain at that row.

Deleting the *newest* rows leaves a valid shorter chain, so the head (sequence + hash) is also
kept outside the events:

1. ``audit_head`` (one row) is updated in the same transaction as every append: exact, but an
   attacker with write access to the database can rewrite it too;
2. ``{data_dir}/audit-head`` (JSON ``{"seq", "hash"}``) is written atomically after each commit:
   a witness outside the database. It only moves forward and may lag the table (a crash between
   commit and write), so verification requires the chain to *contain* the witnessed event, not
   to end at it. With several API replicas each data dir holds its own witness.

Appends are serialized so concurrent requests cannot fork the chain. PostgreSQL: the head row is
locked with ``SELECT ... FOR UPDATE`` until commit. SQLite: the first statement of an append is a
write (``INSERT OR IGNORE`` of the head row), which takes the database's single writer lock before
the head is read (the pysqlite driver begins its transaction at the first write, so reads before
it are never a stale snapshot); other writers, in this process or another (the CLI), wait on the
busy timeout. No extra process lock: it would have to be held until commit, and a request's
session may end on another thread than the one that appended. The primary key on ``seq`` is the
last line of defence.

``record`` joins the caller's transaction: the state change and its event commit together.
The session must know the data dir (``bind``); ``server.deps.get_session`` does that.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from server.models.audit import GENESIS_HASH, AuditEvent, AuditHead
from server.models.base import utcnow
from server.models.users import User

log = logging.getLogger(__name__)

HEAD_FILE = "audit-head"
DATA_DIR_KEY = "loa_data_dir"
_PENDING_KEY = "loa_audit_pending_head"
_file_lock = threading.Lock()


def bind(session: Session, data_dir: Path) -> Session:
    """Tell ``record`` where this session's data dir (and so the head file) is."""
    session.info[DATA_DIR_KEY] = Path(data_dir)
    return session


def head_path(data_dir: Path) -> Path:
    return Path(data_dir) / HEAD_FILE


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *, seq: int, at: datetime, actor_id: int | None, actor: str, action: str, subject: str,
    details: dict[str, Any], prev_hash: str,
) -> str:
    body = {
        "seq": seq, "at": iso(at), "actor_id": actor_id, "actor": actor, "action": action,
        "subject": subject, "details": details, "prev_hash": prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hash_of(ev: AuditEvent) -> str:
    return event_hash(
        seq=ev.seq, at=ev.at, actor_id=ev.actor_id, actor=ev.actor, action=ev.action,
        subject=ev.subject, details=ev.details, prev_hash=ev.prev_hash,
    )


def _clean(value: Any) -> Any:
    """JSON-safe, storable on both databases: no lone surrogates, no NUL, str keys."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {str(_clean(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, datetime):
        return iso(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    return _clean(str(value))


def record(
    session: Session, actor: User | None, action: str, subject: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event inside the caller's transaction (the caller commits)."""
    data_dir = session.info.get(DATA_DIR_KEY)
    if data_dir is None:
        raise RuntimeError("audit.record needs a session bound to the data dir (server.services.audit.bind)")
    head = _lock_head(session, session.get_bind().dialect.name)
    ev = AuditEvent(
        seq=head.seq + 1, at=utcnow(), actor_id=actor.id if actor else None,
        actor=actor.username if actor else "", action=action, subject=subject[:128],
        details=_clean(details or {}), prev_hash=head.hash, hash="",
    )
    ev.hash = hash_of(ev)
    session.add(ev)
    head.seq, head.hash, head.updated_at = ev.seq, ev.hash, ev.at
    session.add(head)
    session.flush()
    session.info[_PENDING_KEY] = (Path(data_dir), ev.seq, ev.hash)
    return ev


def _lock_head(session: Session, dialect: str) -> AuditHead:
    if dialect == "sqlite":
        # A write first: it takes SQLite's writer lock before the head is read.
        session.execute(text(
            "INSERT OR IGNORE INTO audit_head (id, seq, hash, updated_at) VALUES (1, 0, :h, :at)"
        ), {"h": GENESIS_HASH, "at": utcnow().replace(tzinfo=None)})
        head = session.get(AuditHead, 1, populate_existing=True)
    else:
        stmt = select(AuditHead).where(AuditHead.id == 1).with_for_update()
        head = session.exec(stmt.execution_options(populate_existing=True)).first()
        if head is None:
            session.execute(text(
                "INSERT INTO audit_head (id, seq, hash, updated_at) VALUES (1, 0, :h, :at) "
                "ON CONFLICT (id) DO NOTHING"
            ), {"h": GENESIS_HASH, "at": utcnow().replace(tzinfo=None)})
            head = session.exec(stmt.execution_options(populate_existing=True)).first()
    assert head is not None
    return head


# The witness file follows the root transaction: written after its commit, discarded on any
# rollback or when the session ends without committing. A lagging witness is harmless; one
# naming an event that was rolled back would be a false alarm.


@event.listens_for(OrmSession, "after_commit")
def _after_commit(session: OrmSession) -> None:
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING_KEY, None)
    if pending is not None:
        data_dir, seq, digest = pending
        try:
            write_head_file(data_dir, seq, digest)
        except OSError:  # the commit stands; verification reports the lagging witness
            log.exception("could not write the audit head file in %s", data_dir)


@event.listens_for(OrmSession, "after_rollback")
def _after_rollback(session: OrmSession) -> None:
    session.info.pop(_PENDING_KEY, None)


@event.listens_for(OrmSession, "after_soft_rollback")
def _after_soft_rollback(session: OrmSession, _previous: Any) -> None:
    session.info.pop(_PENDING_KEY, None)


@event.listens_for(OrmSession, "after_transaction_end")
def _after_transaction_end(session: OrmSession, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING_KEY, None)


def read_head_file(data_dir: Path) -> tuple[int, str] | None:
    try:
        data = json.loads(head_path(data_dir).read_text("utf-8"))
        return int(data["seq"]), str(data["hash"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        return (-1, "")  # unreadable: verification reports it


def write_head_file(data_dir: Path, seq: int, digest: str) -> None:
    """Atomically replace the witness, never moving it backwards."""
    path = head_path(data_dir)
    with _file_lock:
        current = read_head_file(data_dir)
        if current is not None and current[0] >= seq:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".audit-head-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"seq": seq, "hash": digest}, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


# Security-relevant events recorded outside the bulletin workflow.


def record_user_created(session: Session, user: User, actor: User | None = None) -> AuditEvent:
    return record(session, actor, "user_created", f"user:{user.id}", {
        "username": user.username, "role": user.role, "area_code": user.area_code,
    })


def record_login_failures(session: Session, details: dict[str, Any]) -> None:
    """Append and commit failed logins of one source in aggregate (``count``, a few usernames)."""
    record(session, None, "login_failed", f"client:{str(details.get('client', ''))[:64]}", details)
    session.commit()
