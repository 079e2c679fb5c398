"""Read models of the officer's pages: bulletin rows with names instead of codes, the area picker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from server.models.bulletins import Bulletin, BulletinTarget, BulletinVersion
from server.services.areas import AreaTree

LEVEL_ORDER = {"province": 0, "commune": 1, "hamlet": 2}


def area_path(tree: AreaTree, code: str) -> str:
    """"Thôn A, Xã B, Tỉnh C": commune names repeat across provinces, so the path is always shown."""
    names = [tree.by_code[c].name for c in tree.ancestors(code) if c in tree.by_code]
    return ", ".join(names)


@dataclass(frozen=True)
class AreaChoice:
    code: str
    name: str
    path: str
    depth: int


def area_choices(tree: AreaTree, root: str) -> list[AreaChoice]:
    """The user's subtree in tree order (depth-first, by name), without retired areas."""
    out: list[AreaChoice] = []

    def visit(code: str, depth: int) -> None:
        info = tree.by_code.get(code)
        if info is None or info.retired:
            return
        out.append(AreaChoice(code, info.name, area_path(tree, code), depth))
        for child in sorted(tree.children.get(code, ()), key=lambda c: tree.by_code[c].name):
            visit(child, depth + 1)

    visit(root, 0)
    return out


@dataclass(frozen=True)
class BulletinRow:
    id: int
    title: str
    status: str
    priority: str
    category: str
    valid_from: datetime
    valid_until: datetime
    targets: list[str]
    airing_version: int | None
    version_number: int


def bulletin_rows(session: Session, tree: AreaTree, bulletins: list[Bulletin]) -> list[BulletinRow]:
    """Two queries for the whole page (versions, targets), not two per row."""
    version_ids = [b.current_version_id for b in bulletins if b.current_version_id is not None]
    versions = {v.id: v for v in session.exec(select(BulletinVersion).where(col(BulletinVersion.id).in_(version_ids)))}
    targets: dict[int, list[str]] = {}
    for target in session.exec(select(BulletinTarget).where(col(BulletinTarget.version_id).in_(version_ids))):
        targets.setdefault(target.version_id, []).append(target.area_code)
    rows = []
    for bulletin in bulletins:
        version = versions.get(bulletin.current_version_id)
        if version is None or bulletin.id is None:
            continue
        names = [tree.by_code[c].name if c in tree.by_code else c for c in sorted(targets.get(version.id or 0, []))]
        rows.append(BulletinRow(
            id=bulletin.id, title=version.title, status=bulletin.status, priority=version.priority,
            category=version.category, valid_from=version.valid_from, valid_until=version.valid_until,
            targets=names, airing_version=bulletin.approved_version_id, version_number=version.number,
        ))
    return rows


def slot_choices(session: Session, tree: AreaTree, area_code: str) -> list[tuple[str, str]]:
    """Slots an officer may pin to: those of the unit, its subtree and the levels above (inherited)."""
    from server.models.schedule import Slot

    codes = set(tree.descendants(area_code)) | set(tree.ancestors(area_code))
    slots = session.exec(select(Slot).where(col(Slot.area_code).in_(codes)).order_by(col(Slot.start_local))).all()
    return [(str(s.id), f"{s.name} · {s.start_local[:5]} · {area_path(tree, s.area_code)}") for s in slots
            if s.enabled]
