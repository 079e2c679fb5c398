"""What the loudspeaker will read: the spoken (normalized) form of a bulletin's text.

``spoken_text`` is the one entry point the API and the console call for the preview; per-area
pronunciation lexicons hook in here (``area_code`` is accepted and validated by the callers now).
"""

from __future__ import annotations

from sqlmodel import Session

from server.errors import Invalid
from server.models.bulletins import BODY_MAX


def spoken_text(session: Session, text: str, area_code: str | None = None) -> str:
    """The words the TTS voice will say for ``text`` (lowercase, pauses as punctuation)."""
    del session, area_code  # the lexicon of the area (and its ancestors) will apply here
    if len(text) > BODY_MAX:
        raise Invalid(f"Nội dung quá dài: tối đa {BODY_MAX} ký tự.", code="text_too_long")
    from tts.normalize import normalize  # the tables load on first use, not at import

    return normalize(text)
