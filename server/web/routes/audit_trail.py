"""The audit trail for auditors and administrators: who did what, when, on which bulletin,
filterable, with the hash chain's verification result (``services.audit_verify``, as
``loa audit verify``).

Scope: events by accounts of the user's area subtree; a user scoped to a top-level area (a
province) also sees events without a user (the system, devices, failed sign-ins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlmodel import col, select

from server.deps import AreaTreeDep, RuntimeDep, SessionDep
from server.models.audit import AuditEvent
from server.models.users import User
from server.services.audit_verify import verify_chain
from server.web.deps import console_roles
from server.web.templating import render

router = APIRouter(include_in_schema=False)
AuditPageUser = Annotated[User, Depends(console_roles("auditor", "admin"))]
PAGE_SIZE = 100


@router.get("/nhat-ky")
def audit_trail(request: Request, user: AuditPageUser, session: SessionDep, tree: AreaTreeDep,
                runtime: RuntimeDep, hanh_dong: str = "", doi_tuong: str = "",
                truoc: int | None = None) -> HTMLResponse:
    users_in_scope = select(User.id).where(col(User.area_code).in_(tree.descendants(user.area_code)))
    scoped: Any = col(AuditEvent.actor_id).in_(users_in_scope)
    if tree.get(user.area_code).parent_code is None:
        scoped = scoped | col(AuditEvent.actor_id).is_(None)
    stmt = select(AuditEvent).where(scoped)
    action, subject = hanh_dong.strip()[:64], doi_tuong.strip()[:128]
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if subject:
        stmt = stmt.where(AuditEvent.subject == subject)
    if truoc is not None:
        stmt = stmt.where(col(AuditEvent.seq) < truoc)
    events = session.exec(stmt.order_by(col(AuditEvent.seq).desc()).limit(PAGE_SIZE)).all()
    actions = sorted(a for a in session.exec(select(AuditEvent.action).distinct()).all())
    result = verify_chain(session, runtime.settings.data_dir)
    return render(request, "audit_trail.html", {
        "events": events, "actions": actions, "action": action, "subject": subject, "result": result,
        "next_before": events[-1].seq if len(events) == PAGE_SIZE else None,
    })
