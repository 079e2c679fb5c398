"""What an emergency will reach, said before it is sent (the confirmation screen)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from server.models.devices import Device
from server.services.areas import AreaTree


@dataclass(frozen=True)
class Reach:
    speakers: int
    boards: int
    areas: int  # areas (targets and everything below them) the alert covers


def reach(session: Session, tree: AreaTree, targets: list[str]) -> Reach:
    """Enrolled, not revoked devices in the targets' subtrees: the alert goes to every one."""
    covered: set[str] = set()
    for code in targets:
        if code in tree.by_code:
            covered.update(tree.descendants(code))
    if not covered:
        return Reach(0, 0, 0)
    stmt = (select(Device.kind, func.count()).where(col(Device.area_code).in_(covered))
            .where(col(Device.revoked_at).is_(None)).group_by(Device.kind))
    counts = {kind: int(n) for kind, n in session.exec(stmt).all()}
    return Reach(counts.get("speaker", 0), counts.get("board", 0), len(covered))
