"""Area names and paths for pages: officers pick and read areas by name, never by code."""

from __future__ import annotations

from dataclasses import dataclass

from server.services.areas import AreaTree


@dataclass(frozen=True)
class AreaChoice:
    code: str
    name: str
    path: str  # "Thôn 3 · Xã Phú Đình · Tỉnh Thái Nguyên": commune names repeat across provinces
    depth: int


def area_path(tree: AreaTree, code: str) -> str:
    names = [tree.by_code[c].name for c in tree.ancestors(code) if c in tree.by_code]
    return " · ".join(names) or code


def area_name(tree: AreaTree, code: str) -> str:
    info = tree.by_code.get(code)
    return info.name if info else code


def scope_choices(tree: AreaTree, root: str) -> list[AreaChoice]:
    """Current (not retired) areas of the user's subtree, depth first so a select reads as a tree."""
    out: list[AreaChoice] = []
    stack: list[tuple[str, int]] = [(root, 0)]
    while stack:
        code, depth = stack.pop()
        info = tree.by_code.get(code)
        if info is None or info.retired:
            continue
        out.append(AreaChoice(code, info.name, area_path(tree, code), depth))
        children = sorted(tree.children.get(code, ()), key=lambda c: tree.by_code[c].name, reverse=True)
        stack.extend((child, depth + 1) for child in children)
    return out
