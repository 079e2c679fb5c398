"""Who receives a notification e-mail: the same people the console shows the event to.

* ``bulletin_submitted``: approvers whose area subtree holds the bulletin's area (the commune's
  approvers and those of its district and province) — the badge's "waiting for approval";
* ``device_offline``: officers, approvers and administrators whose subtree holds the device —
  the badge's "offline devices";
* ``bulletin_approved`` / ``bulletin_rejected``: the bulletin's author and the version's
  submitter (the console shows them the new status), while their area still holds the bulletin.

Only active accounts with an address; never the person who caused the event (they know). Nobody
outside the area's chain is chosen, whatever their role. ``LOA_SMTP_TO`` is added by the sender.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from server.models.users import User
from server.services.areas import AreaTree
from server.services.notifications import APPROVING_ROLES, DEVICE_ROLES

SCOPE_ROLES = {"bulletin_submitted": APPROVING_ROLES, "device_offline": DEVICE_ROLES}
AUTHOR_EVENTS = frozenset({"bulletin_approved", "bulletin_rejected"})


def addresses(session: Session, tree: AreaTree, event: str, area_code: str, *,
              people: Iterable[int | None] = (), actor_id: int | None = None) -> tuple[str, ...]:
    """The e-mail addresses for ``event`` about ``area_code``; ``people`` are the author and
    submitter for approval outcomes."""
    chain = tree.ancestors(area_code)  # the area and every area above it: whose subtree holds it
    stmt = select(User).where(col(User.area_code).in_(chain), col(User.active).is_(True),
                              col(User.email).is_not(None))
    if event in SCOPE_ROLES:
        stmt = stmt.where(col(User.role).in_(sorted(SCOPE_ROLES[event])))
    elif event in AUTHOR_EVENTS:
        ids = sorted({p for p in people if p is not None})
        if not ids:
            return ()
        stmt = stmt.where(col(User.id).in_(ids))
    else:
        return ()
    found = {u.email.lower(): u.email for u in session.exec(stmt).all() if u.email and u.id != actor_id}
    return tuple(found[key] for key in sorted(found))
