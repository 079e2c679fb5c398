"""The engine seam: every TTS backend is a small object with ``name``, ``voice`` and ``synthesize``."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


class EngineError(RuntimeError):
    """An engine could not speak this text (unavailable, timed out, refused); the chain moves on."""

    def __init__(self, engine: str, reason: str) -> None:
        self.engine = engine
        self.reason = reason
        super().__init__(f"{engine}: {reason}")


class EngineConfigError(ValueError):
    """The engine list names something unknown or unusable; ``message`` is for officers."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@runtime_checkable
class Engine(Protocol):
    """A text-to-speech backend.

    ``synthesize`` takes one sentence of already-normalized Vietnamese and returns a complete
    audio file (WAV or MP3 bytes; anything ffmpeg decodes). It raises ``EngineError`` for any
    failure, never a library-specific exception. Implementations must be thread-safe.
    An engine may also have a ``cache_tag`` string for parameters that change its audio without
    changing ``voice`` (speaking rate...): it becomes part of the cache key.
    """

    @property
    def name(self) -> str: ...

    @property
    def voice(self) -> str: ...

    def synthesize(self, text: str) -> bytes: ...
