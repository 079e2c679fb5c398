"""Stream sources: an officer proposes a live stream for an area, an approver of that area
approves or rejects it, and only approved sources reach a manifest.

Rules (same as bulletins): every step is an audit event; an approver decides only within their
subtree and never on a source they created; an approved source is immutable, so a different URL
is a new pending source. Sources are inherited down the area tree: a slot may relay a source of
its own area or of an ancestor. ``approved_hash`` binds the approval to area, URL and title.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from playlists import model as pm
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.models.streams import TITLE_MAX, URL_MAX, StreamSource, StreamStatus
from server.models.users import User
from server.services import audit
from server.services.areas import AreaTree
from server.services.bulletin_fields import clean_reason, clean_text

STREAM_SCHEMES = ("http", "https", "rtsp", "rtmp")
LIST_LIMIT = 500


def clean_url(value: str) -> str:
    url = value.strip()
    bad = Invalid("Địa chỉ nguồn phát phải là URL http(s), rtsp hoặc rtmp hợp lệ, tối đa 500 ký tự.",
                  code="stream_url_invalid")
    if not url or len(url) > URL_MAX or any(ch.isspace() or unicodedata.category(ch)[0] in "CZ" for ch in url):
        raise bad
    try:
        parts = urlsplit(url)
    except ValueError:
        raise bad from None
    if parts.scheme.lower() not in STREAM_SCHEMES or not parts.hostname:
        raise bad
    if parts.username is not None or parts.password is not None:
        # It would sit in the audit trail and in every device's manifest.
        raise Invalid("Địa chỉ nguồn phát không được chứa tên đăng nhập hoặc mật khẩu.", code="stream_url_invalid")
    return url


def ensure_visible(user: User, tree: AreaTree, source: StreamSource) -> None:
    """A user sees sources of their subtree and those inherited from above (which their slots may use)."""
    tree.get(source.area_code)
    if not (tree.is_within(source.area_code, user.area_code) or source.area_code in tree.ancestors(user.area_code)):
        raise Forbidden("Nguồn phát này nằm ngoài phạm vi được giao cho tài khoản của bạn.", code="out_of_scope")


class SourceFields(Protocol):
    """What the approval binding reads: a ``StreamSource`` or a row of those columns."""

    @property
    def id(self) -> int | None: ...
    @property
    def area_code(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def approved_hash(self) -> str | None: ...


def source_hash(source: SourceFields) -> str:
    """What an approval binds: the canonical JSON of the source's area, URL and title."""
    body = {"v": 1, "id": source.id, "area_code": source.area_code, "url": source.url, "title": source.title}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                          .encode()).hexdigest()


def is_approved(source: SourceFields) -> bool:
    return source.status == StreamStatus.approved and source.approved_hash == source_hash(source)


def subject(source: StreamSource) -> str:
    return f"stream:{source.id}"


def get_source(session: Session, stream_id: int) -> StreamSource:
    source = session.get(StreamSource, stream_id) if 0 < stream_id < 2**63 else None
    if source is None:
        raise NotFound(f"Không tìm thấy nguồn phát số {stream_id}.", code="stream_not_found")
    return source


def create_source(session: Session, user: User, area_code: str, url: str, title: str, *,
                  via: str = "api") -> StreamSource:
    """A new pending source of ``area_code`` (scope is the caller's check). The caller commits."""
    source = StreamSource(area_code=area_code, url=clean_url(url), title=clean_text(title, "Tên nguồn phát", TITLE_MAX),
                          status=StreamStatus.pending, created_by=user.id)
    session.add(source)
    session.flush()
    audit.record(session, user, "stream_created", subject(source),
                 {"area_code": area_code, "url": source.url, "title": source.title, "via": via})
    return source


def source_for_url(session: Session, user: User, tree: AreaTree, area_code: str, url: str,
                   title: str) -> StreamSource:
    """The source a relay given as a bare ``stream_url`` uses: an approved source with exactly
    that URL in the area's chain (nearest first), else a pending one of the area, else a new one."""
    url = clean_url(url)
    chain = tree.ancestors(area_code)
    rows = session.exec(select(StreamSource).where(col(StreamSource.area_code).in_(chain))
                        .where(StreamSource.url == url).order_by(col(StreamSource.id))).all()
    approved = sorted((s for s in rows if is_approved(s)), key=lambda s: chain.index(s.area_code))
    if approved:
        return approved[0]
    pending = [s for s in rows if s.area_code == area_code and s.status == StreamStatus.pending]
    if pending:
        return pending[0]
    return create_source(session, user, area_code, url, title, via="slot")


def ensure_usable_by(tree: AreaTree, source: StreamSource, area_code: str) -> None:
    """A slot of ``area_code`` may relay its own area's sources and its ancestors'."""
    if source.area_code not in tree.ancestors(area_code):
        raise Invalid(f"Nguồn phát số {source.id} không thuộc địa bàn {area_code} hoặc cấp trên của địa bàn này.",
                      code="stream_not_inherited")


def list_sources(session: Session, tree: AreaTree, area_code: str, *, subtree: bool = False,
                 status: str | None = None) -> list[dict[str, Any]]:
    """The area's sources and its ancestors' (``inherited``); with ``subtree`` also those of the
    areas below it (an approver's queue). Newest first, at most ``LIST_LIMIT``."""
    chain = tree.ancestors(area_code)
    codes = chain + (tree.descendants(area_code)[1:] if subtree else [])
    query = select(StreamSource).where(col(StreamSource.area_code).in_(codes))
    if status is not None:
        query = query.where(StreamSource.status == status)
    rows = session.exec(query.order_by(col(StreamSource.id).desc()).limit(LIST_LIMIT)).all()
    above = set(chain[1:])
    return [public(s, inherited=s.area_code in above) for s in rows]


def public(source: StreamSource, *, inherited: bool = False) -> dict[str, Any]:
    return {
        "id": source.id, "area_code": source.area_code, "url": source.url, "title": source.title,
        "status": source.status, "approved": is_approved(source), "inherited": inherited,
        "created_by": source.created_by, "created_at": source.created_at,
        "approved_by": source.approved_by, "approved_at": source.approved_at,
        "rejected_by": source.rejected_by, "rejected_at": source.rejected_at,
        "rejection_reason": source.rejection_reason,
    }


def _ensure_can_decide(user: User, tree: AreaTree, source: StreamSource, action: str,
                       allowed: tuple[str, ...] = (StreamStatus.pending,)) -> None:
    if not tree.is_within(source.area_code, user.area_code):
        raise Forbidden(f"Địa bàn {source.area_code} nằm ngoài phạm vi phê duyệt của bạn.", code="out_of_scope")
    if source.created_by is not None and source.created_by == user.id:
        raise Forbidden("Không ai được tự phê duyệt nguồn phát do mình đề xuất.", code="own_stream")
    if source.status not in allowed:
        raise Conflict(f"Không thể {action} nguồn phát đang ở trạng thái '{source.status}'.",
                       code="bad_transition")


def approve(session: Session, user: User, tree: AreaTree, source: StreamSource, now: datetime) -> StreamSource:
    _ensure_can_decide(user, tree, source, "phê duyệt")
    source.status, source.approved_by, source.approved_at = StreamStatus.approved, user.id, now
    source.approved_hash = source_hash(source)
    session.add(source)
    audit.record(session, user, "stream_approved", subject(source), {
        "area_code": source.area_code, "url": source.url, "title": source.title, "hash": source.approved_hash})
    session.commit()
    session.refresh(source)
    return source


def reject(session: Session, user: User, tree: AreaTree, source: StreamSource, reason: str,
           now: datetime) -> StreamSource:
    """Refuse a pending source, or stop an approved one (every relay of it stops airing)."""
    _ensure_can_decide(user, tree, source, "từ chối", (StreamStatus.pending, StreamStatus.approved))
    text = clean_reason(reason)
    previous = source.status
    source.status, source.rejected_by, source.rejected_at = StreamStatus.rejected, user.id, now
    source.rejection_reason = text
    session.add(source)
    audit.record(session, user, "stream_rejected", subject(source), {
        "area_code": source.area_code, "url": source.url, "reason": text, "previous_status": previous})
    session.commit()
    session.refresh(source)
    return source


def blocked_relays(relays: Iterable[pm.RelayDef], slot_id: int) -> list[dict[str, Any]]:
    """The preview's account of a slot's relays that do not air: their source is not approved."""
    return [{
        "stream_id": r.stream_id, "url": r.stream_url, "title": r.title, "reason": "relay_not_approved",
        "message": f"Nguồn tiếp sóng “{r.title}” chưa được lãnh đạo phê duyệt nên không được phát.",
    } for r in relays if r.slot_id == slot_id and not r.approved]
