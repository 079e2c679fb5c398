"""Pronunciation lexicon per area, and what each synthesized version was read as.

``LexiconEntry``: an area's reading of a whole token ("KDC" -> "khu dân cư"), inherited down the
area tree (the nearest area's entry wins). ``VersionReading``: the sha256 of the spoken form a
version's TTS audio was made from, so a later lexicon change can tell whether a re-synthesis
would read it differently (``reading_changed``) without ever changing approved audio.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from server.models.base import UTCDateTime, utcnow
from tts.normalize.lexicon import READING_MAX, TERM_MAX

ENTRIES_PER_AREA_MAX = 500


class LexiconEntry(SQLModel, table=True):
    __tablename__ = "lexicon_entry"
    __table_args__ = (UniqueConstraint("area_code", "term", name="uq_lexicon_entry_area_term"),)

    id: int | None = Field(default=None, primary_key=True)
    area_code: str = Field(foreign_key="area.code", max_length=64, index=True)
    term: str = Field(max_length=TERM_MAX)
    reading: str = Field(max_length=READING_MAX)
    updated_by: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class VersionReading(SQLModel, table=True):
    __tablename__ = "version_reading"

    version_id: int = Field(foreign_key="bulletin_version.id", primary_key=True)
    spoken_sha256: str = Field(max_length=64)
    # Set when the area lexicon now gives another spoken form than the audio was made from.
    reading_changed: bool = Field(default=False)
