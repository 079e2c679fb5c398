"""Search that ignores diacritics and case: "tiem phong" finds "tiêm phòng", "dinh" finds "Đình".

Each bulletin version stores its title, body and board text folded (``search_text``, written
whenever the version's content changes); a query is folded the same way and matched with a
plain ``LIKE`` on that column, so SQLite and PostgreSQL agree and no row is folded at query time.
"""

from __future__ import annotations

import unicodedata

MAX_QUERY = 200
_D = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lowercase, no combining marks, đ → d, whitespace runs as one space."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D).lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.split())


def version_search_text(title: str, body: str, board_text: str) -> str:
    return fold(f"{title}\n{board_text}\n{body}")


def like_pattern(query: str) -> str:
    """A ``LIKE … ESCAPE '\\'`` pattern matching the folded query anywhere."""
    escaped = fold(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
