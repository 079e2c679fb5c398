"""Area tree queries: ancestors, subtree membership, listing.

The whole tree is small (≈ 3,300 communes plus hamlets), so it is read once into memory and
cached per engine; writes through this module invalidate the cache.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, select

from server.errors import Invalid, NotFound
from server.models.areas import AREA_CODE_PATTERN, Area

_CODE_RE = re.compile(AREA_CODE_PATTERN)


@dataclass(frozen=True, slots=True)
class AreaInfo:
    code: str
    name: str
    level: str
    parent_code: str | None
    retired: bool
    successor_code: str | None


class AreaTree:
    @classmethod
    def from_rows(cls, rows: Iterable[Area]) -> AreaTree:
        return cls([
            AreaInfo(a.code, a.name, a.level, a.parent_code, a.retired_at is not None, a.successor_code)
            for a in rows
        ])

    def __init__(self, areas: list[AreaInfo]) -> None:
        self.by_code = {a.code: a for a in areas}
        self.children: dict[str, list[str]] = {}
        for a in areas:
            if a.parent_code:
                self.children.setdefault(a.parent_code, []).append(a.code)

    def get(self, code: str) -> AreaInfo:
        try:
            return self.by_code[code]
        except KeyError:
            raise NotFound(f"Không tìm thấy địa bàn có mã {code}.", code="area_not_found") from None

    def ancestors(self, code: str) -> list[str]:
        """The area itself, then its parent, up to the root (nearest first)."""
        chain: list[str] = []
        current: str | None = code
        while current is not None and current not in chain:
            chain.append(current)
            info = self.by_code.get(current)
            current = info.parent_code if info else None
        return chain

    def is_within(self, code: str, root: str) -> bool:
        return root in self.ancestors(code)

    def descendants(self, root: str) -> list[str]:
        """The root and every area below it, breadth first."""
        out, queue = [], [root]
        while queue:
            code = queue.pop(0)
            out.append(code)
            queue.extend(sorted(self.children.get(code, ())))
        return out

    def resolve(self, code: str) -> str:
        """Follow successors of retired areas (merged communes) to the current unit."""
        seen: set[str] = set()
        info = self.get(code)
        while info.retired and info.successor_code and info.code not in seen:
            seen.add(info.code)
            info = self.get(info.successor_code)
        return info.code


_cache: dict[int, AreaTree] = {}
_lock = threading.Lock()


def load_tree(engine: Engine) -> AreaTree:
    key = id(engine)
    with _lock:
        tree = _cache.get(key)
        if tree is None:
            with Session(engine) as session:
                rows = session.exec(select(Area)).all()
            tree = AreaTree.from_rows(rows)
            _cache[key] = tree
        return tree


def invalidate(engine: Engine) -> None:
    with _lock:
        _cache.pop(id(engine), None)


def validate_code(code: str) -> str:
    if not _CODE_RE.match(code):
        raise Invalid(
            f"Mã địa bàn '{code}' không hợp lệ (chỉ gồm chữ, số, '-' hoặc '_', tối đa 64 ký tự).",
            code="bad_area_code",
        )
    return code


def list_areas(session: Session, root: str | None = None, include_retired: bool = True) -> list[Area]:
    rows = list(session.exec(select(Area).order_by(Area.code)).all())
    if root is not None:
        tree = AreaTree.from_rows(rows)
        allowed = set(tree.descendants(tree.get(root).code))
        rows = [a for a in rows if a.code in allowed]
    if not include_retired:
        rows = [a for a in rows if a.retired_at is None]
    return rows
