"""A deterministic, instant engine for tests: a tone per text, silence at spaces.

The same text always gives the same bytes; different texts give different pitches, so cache
tests can tell outputs apart. Selectable as ``fake`` in ``LOA_TTS_ENGINES`` for unit tests of
other packages; never use it on air.
"""

from __future__ import annotations

import hashlib
import math
import threading
from array import array

from tts.audio import wav_bytes
from tts.engines.base import EngineError

RATE = 16000
CHAR_MS = 40


class FakeEngine:
    name = "fake"

    def __init__(self, voice: str = "tone", *, fail_on: str | None = None) -> None:
        self.voice = voice
        self.fail_on = fail_on  # raise EngineError for texts containing this
        self.calls = 0
        self._count_lock = threading.Lock()

    def synthesize(self, text: str) -> bytes:
        with self._count_lock:
            self.calls += 1
        if not text.strip():
            raise EngineError(self.name, "empty text")
        if self.fail_on is not None and self.fail_on in text:
            raise EngineError(self.name, f"refusing text containing {self.fail_on!r}")
        digest = hashlib.sha256(f"{self.voice}\0{text}".encode()).digest()
        period = 40 + digest[0] % 40  # whole samples per cycle: 200-400 Hz, repeats exactly
        cycle = array("h", (round(9000 * math.sin(2 * math.pi * n / period)) for n in range(period)))
        per_char = RATE * CHAR_MS // 1000
        tone = (cycle * (per_char // period + 1))[:per_char].tobytes()
        gap = bytes(per_char * 2)
        return wav_bytes(b"".join(gap if ch.isspace() else tone for ch in text), RATE)
