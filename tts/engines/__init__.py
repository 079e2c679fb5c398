"""TTS engines behind one interface, and the fallback chain built from a setting.

``LOA_TTS_ENGINES`` is a comma-separated list tried in order, e.g. ``piper,gtts,espeak``.
eSpeak NG is offline and always installed: keep it last as the fallback that cannot fail.
"""

from __future__ import annotations

import logging
from pathlib import Path

from tts.engines.base import Engine, EngineConfigError, EngineError
from tts.engines.espeak import EspeakEngine
from tts.engines.fake import FakeEngine
from tts.engines.google import GttsEngine
from tts.engines.piper import PiperEngine

__all__ = [
    "ENGINE_NAMES",
    "Engine",
    "EngineConfigError",
    "EngineError",
    "EspeakEngine",
    "FakeEngine",
    "GttsEngine",
    "PiperEngine",
    "build_chain",
]

log = logging.getLogger(__name__)

ENGINE_NAMES = ("espeak", "gtts", "piper", "fake")


def build_chain(
    spec: str,
    *,
    timeout: float = 20.0,
    gtts_url: str | None = None,
    piper_model: Path | None = None,
) -> list[Engine]:
    """Engines for ``spec`` in order. ``piper`` without a model is skipped (it has no voice)."""
    chain: list[Engine] = []
    names = [n.strip().lower() for n in spec.split(",") if n.strip()]
    for name in dict.fromkeys(names):  # keep order, drop repeats
        if name == "espeak":
            chain.append(EspeakEngine())
        elif name == "gtts":
            chain.append(GttsEngine(url=gtts_url, timeout=timeout))
        elif name == "piper":
            if piper_model is None:
                log.warning("piper is listed in the TTS engines but LOA_PIPER_MODEL is not set; skipping it")
                continue
            chain.append(PiperEngine(piper_model, timeout=timeout))
        elif name == "fake":
            chain.append(FakeEngine())
        else:
            raise EngineConfigError(f"Không có bộ đọc '{name}'. Các bộ đọc hợp lệ: {', '.join(ENGINE_NAMES)}.")
    if not chain:
        raise EngineConfigError("Chưa cấu hình bộ đọc nào dùng được (LOA_TTS_ENGINES), ví dụ: gtts,espeak.")
    return chain
