"""TTS engines behind one interface, and the fallback chain built from a setting.

``LOA_TTS_ENGINES`` is a comma-separated list tried in order, e.g. ``piper,gtts,espeak``.
eSpeak NG is offline and always installed: keep it last as the fallback that cannot fail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from tts.engines.base import Engine, EngineConfigError, EngineError
from tts.engines.espeak import DEFAULT_RATE, DEFAULT_VOICE, EspeakEngine
from tts.engines.fake import FakeEngine
from tts.engines.fpt import FptEngine
from tts.engines.google import GttsEngine
from tts.engines.piper import PiperEngine

__all__ = [
    "ENGINE_NAMES",
    "Engine",
    "EngineConfigError",
    "EngineError",
    "EspeakEngine",
    "FakeEngine",
    "FptConfig",
    "FptEngine",
    "GttsEngine",
    "PiperEngine",
    "build_chain",
]

log = logging.getLogger(__name__)

ENGINE_NAMES = ("espeak", "gtts", "fpt", "piper", "fake")
# The offline voice's defaults, chosen by intelligibility (see tts/engines/espeak.py).
ESPEAK_VOICE = DEFAULT_VOICE
ESPEAK_RATE = DEFAULT_RATE


@dataclass(frozen=True)
class FptConfig:
    api_key: str | None = None
    url: str = "https://api.fpt.ai"
    voice: str = "banmai"


def build_chain(
    spec: str,
    *,
    timeout: float = 20.0,
    gtts_url: str | None = None,
    piper_model: Path | None = None,
    espeak_voice: str = ESPEAK_VOICE,
    espeak_rate: int = ESPEAK_RATE,
    fpt: FptConfig | None = None,
) -> list[Engine]:
    """Engines for ``spec`` in order. ``piper`` without a model and ``fpt`` without a key are
    skipped (they cannot speak)."""
    chain: list[Engine] = []
    names = [n.strip().lower() for n in spec.split(",") if n.strip()]
    for name in dict.fromkeys(names):  # keep order, drop repeats
        if name == "espeak":
            chain.append(EspeakEngine(espeak_voice, words_per_minute=espeak_rate))
        elif name == "fpt":
            if fpt is None or not fpt.api_key:
                log.warning("fpt is listed in the TTS engines but LOA_FPT_API_KEY is not set; skipping it")
                continue
            chain.append(FptEngine(fpt.api_key, url=fpt.url, voice=fpt.voice, timeout=timeout))
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
