"""Monotonic sequence numbers per MQTT topic (stored, so restarts never reuse one)."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from server.models.devices import TopicSeq


def next_seq(session: Session, topic: str) -> int:
    """Reserve the next seq for ``topic`` inside the caller's transaction."""
    table = TopicSeq.__table__  # type: ignore[attr-defined]
    result = session.execute(
        update(table).where(table.c.topic == topic).values(seq=table.c.seq + 1).returning(table.c.seq)
    ).first()
    if result is not None:
        return int(result[0])
    session.add(TopicSeq(topic=topic, seq=1))
    session.flush()
    return 1
