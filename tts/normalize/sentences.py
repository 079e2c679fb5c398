"""Splitting spoken text into pieces short enough for TTS engines with input limits."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")


def _pack(parts: list[str], max_chars: int) -> list[str]:
    """Join consecutive parts with spaces while the result stays within `max_chars`."""
    pieces: list[str] = []
    for part in parts:
        if pieces and len(pieces[-1]) + 1 + len(part) <= max_chars:
            pieces[-1] += " " + part
        else:
            pieces.append(part)
    return pieces


def _split_long(sentence: str, max_chars: int) -> list[str]:
    pieces: list[str] = []
    for clause in _pack(_CLAUSE_END.split(sentence), max_chars):
        if len(clause) <= max_chars:
            pieces.append(clause)
            continue
        # No comma to break at: fall back to word boundaries, then to a hard cut.
        words = [word[i : i + max_chars] for word in clause.split() for i in range(0, len(word), max_chars)]
        pieces.extend(_pack(words, max_chars))
    return pieces


def split_sentences(text: str, max_chars: int = 400) -> list[str]:
    """Split normalized text at sentence ends, and long sentences at commas, into <= max_chars pieces.

    Give it the output of `normalize`: in raw text a period may belong to an abbreviation.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, got {max_chars}")
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        if sentence:
            pieces.extend([sentence] if len(sentence) <= max_chars else _split_long(sentence, max_chars))
    return pieces
