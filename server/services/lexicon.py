"""Pronunciation lexicon per area: entries, inheritance, and what a change does to bulletins.

An entry of an area applies to the area and everything below it; for a term several areas of one
chain define, the nearest area wins. A bulletin is read with the lexicon of its own unit area
(``Bulletin.area_code``) and that area's ancestors.

A change applies at the next synthesis, never to approved audio:
- a *submitted* bulletin whose spoken form changes gets its audio cleared and re-synthesized, so
  the approver hears what will air (approval needs audio, and binds its sha256);
- an *approved* version keeps its audio; its ``VersionReading.reading_changed`` flag tells officers
  that a re-synthesis (and re-approval) would now read it differently.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlmodel import Session, col, select

from server.errors import Conflict, Invalid, NotFound
from server.models.bulletins import Bulletin, BulletinStatus, BulletinVersion
from server.models.lexicon import ENTRIES_PER_AREA_MAX, LexiconEntry, VersionReading
from server.models.users import User
from server.services import audit
from server.services.areas import AreaTree
from tts.normalize.lexicon import READING_MAX, TERM_MAX, clean_reading, clean_term


@dataclass(frozen=True)
class EffectiveEntry:
    term: str
    reading: str
    area_code: str
    inherited: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Resynthesis:
    """A submitted version whose audio was cleared and must be made again."""

    version_id: int
    version_hash: str


def effective_entries(session: Session, tree: AreaTree, code: str) -> list[EffectiveEntry]:
    """Entries that apply to ``code``: its own and inherited ones, the nearest area winning."""
    chain = tree.ancestors(tree.get(code).code)
    columns = select(LexiconEntry.term, LexiconEntry.reading, LexiconEntry.area_code)  # rows, not objects: cheaper
    rows = session.exec(columns.where(col(LexiconEntry.area_code).in_(chain))).all()
    depth = {area: index for index, area in enumerate(chain)}
    best: dict[str, tuple[str, str, str]] = {}
    for term, reading, area in sorted(rows, key=lambda r: depth[r[2]], reverse=True):
        best[term] = (term, reading, area)  # nearer areas come last and overwrite
    return [EffectiveEntry(term, reading, area, area != code) for term, reading, area in sorted(best.values())]


def lexicon_for(session: Session, tree: AreaTree, code: str) -> dict[str, str]:
    if code not in tree.by_code:
        return {}
    return {entry.term: entry.reading for entry in effective_entries(session, tree, code)}


def spoken_sha256(body: str, lexicon: Mapping[str, str]) -> str:
    from tts.normalize import normalize  # the full normalizer; imported when needed

    return hashlib.sha256(normalize(body, lexicon).encode("utf-8")).hexdigest()


def remember_reading(session: Session, version: BulletinVersion, lexicon: Mapping[str, str]) -> None:
    """Record the spoken form a version's TTS audio was just made from (recordings have none)."""
    assert version.id is not None
    row = session.get(VersionReading, version.id) or VersionReading(version_id=version.id, spoken_sha256="")
    row.spoken_sha256, row.reading_changed = spoken_sha256(version.body, lexicon), False
    session.add(row)


def _check(term: str, reading: str) -> tuple[str, str]:
    clean = clean_term(term)
    if clean is None:
        raise Invalid(f"Từ viết tắt hoặc từ cần đọc phải dài 1 đến {TERM_MAX} ký tự, gồm chữ, số và các dấu "
                      "'.', '-', '&', '/' ở giữa.", code="bad_lexicon_term")
    spoken = clean_reading(reading)
    if spoken is None:
        raise Invalid(f"Cách đọc phải dài 1 đến {READING_MAX} ký tự, chỉ gồm các từ cách nhau bằng dấu cách "
                      "hoặc dấu phẩy.", code="bad_lexicon_reading")
    return clean, spoken


def add_entry(session: Session, actor: User | None, tree: AreaTree, code: str, term: str,
              reading: str) -> tuple[LexiconEntry, list[Resynthesis]]:
    """Add or replace the area's reading of ``term``; the caller commits and re-synthesizes."""
    code = tree.get(code).code
    term, reading = _check(term, reading)
    row = session.exec(select(LexiconEntry).where(LexiconEntry.area_code == code,
                                                  LexiconEntry.term == term)).first()
    previous = row.reading if row else None
    if row is None:
        count = len(session.exec(select(LexiconEntry.id).where(LexiconEntry.area_code == code)).all())
        if count >= ENTRIES_PER_AREA_MAX:
            raise Conflict(f"Địa bàn {code} đã có {ENTRIES_PER_AREA_MAX} mục phát âm, không thêm được nữa.",
                           code="lexicon_full")
        row = LexiconEntry(area_code=code, term=term, reading=reading)
    row.reading, row.updated_by = reading, actor.id if actor else None
    session.add(row)
    session.flush()
    changes = _apply_change(session, tree, code, term)
    audit.record(session, actor, "lexicon_entry_set", f"area:{code}", {
        "term": term, "reading": reading, "previous_reading": previous,
        "resynthesized_versions": [c.version_id for c in changes],
    })
    return row, changes


def remove_entry(session: Session, actor: User | None, tree: AreaTree, code: str,
                 term: str) -> list[Resynthesis]:
    code = tree.get(code).code
    clean = clean_term(term) or term
    row = session.exec(select(LexiconEntry).where(LexiconEntry.area_code == code,
                                                  LexiconEntry.term == clean)).first()
    if row is None:
        raise NotFound(f"Địa bàn {code} không có mục phát âm '{clean[:TERM_MAX]}'.", code="lexicon_entry_not_found")
    session.delete(row)
    session.flush()
    changes = _apply_change(session, tree, code, clean)
    audit.record(session, actor, "lexicon_entry_removed", f"area:{code}", {
        "term": clean, "reading": row.reading, "resynthesized_versions": [c.version_id for c in changes],
    })
    return changes


def _mentions(body: str, term: str) -> bool:
    """A cheap filter: a body without the term cannot read differently because of it."""
    return term in unicodedata.normalize("NFC", body)


def _apply_change(session: Session, tree: AreaTree, code: str, term: str) -> list[Resynthesis]:
    """Re-read the subtree's bulletins that mention ``term``: queue submitted ones, flag approved ones."""
    units = tree.descendants(code)
    live = (BulletinStatus.submitted, BulletinStatus.approved)
    bulletins = session.exec(select(Bulletin).where(col(Bulletin.area_code).in_(units),
                                                    col(Bulletin.status).in_(live))).all()
    lexicons: dict[str, dict[str, str]] = {}

    def lexicon_of(area: str) -> dict[str, str]:
        if area not in lexicons:
            lexicons[area] = lexicon_for(session, tree, area)
        return lexicons[area]

    changes: list[Resynthesis] = []
    for bulletin in bulletins:
        if bulletin.approved_version_id is not None:
            _flag_approved(session, bulletin.approved_version_id, functools.partial(lexicon_of, bulletin.area_code),
                           term)
        current = session.get(BulletinVersion, bulletin.current_version_id)
        if (bulletin.status != BulletinStatus.submitted or current is None or not current.audio_sha256
                or current.recording_sha256 or current.id == bulletin.approved_version_id
                or not _mentions(current.body, term)):
            continue
        reading = session.get(VersionReading, current.id)
        if reading is None or reading.spoken_sha256 != spoken_sha256(current.body, lexicon_of(bulletin.area_code)):
            current.audio_sha256 = current.audio_size = current.audio_duration_ms = None
            current.audio_engine = current.audio_voice = None
            session.add(current)
            assert current.id is not None
            changes.append(Resynthesis(current.id, current.version_hash))
    session.flush()
    return changes


def _flag_approved(session: Session, version_id: int, lexicon: Callable[[], Mapping[str, str]], term: str) -> None:
    reading = session.get(VersionReading, version_id)
    version = session.get(BulletinVersion, version_id)
    if reading is None or version is None or not _mentions(version.body, term):
        return  # a recording, audio made before readings were recorded, or a text the term is not in
    reading.reading_changed = reading.spoken_sha256 != spoken_sha256(version.body, lexicon())
    session.add(reading)


def reading_changed(session: Session, version_id: int | None) -> bool:
    if version_id is None:
        return False
    reading = session.get(VersionReading, version_id)
    return bool(reading and reading.reading_changed)
