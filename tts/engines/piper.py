"""Piper neural TTS, used only when a local voice model is configured (``LOA_PIPER_MODEL``).

piper-tts is not a dependency of the project: this engine uses the ``piper`` Python package if
it is importable, otherwise a ``piper`` executable on PATH, and reports itself unavailable
(``EngineError``) when neither is there, so the chain falls back.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import threading
import wave
from pathlib import Path
from typing import Any

from tts.engines.base import EngineError


class PiperEngine:
    name = "piper"

    def __init__(self, model: Path, *, timeout: float = 60.0, executable: str | None = None) -> None:
        self.model = Path(model)
        self.voice = self.model.stem  # e.g. "vi_VN-vais1000-medium"
        self.timeout = timeout
        self._executable = executable
        self._loaded: Any = None
        self._load_lock = threading.Lock()

    def synthesize(self, text: str) -> bytes:
        if not self.model.is_file():
            raise EngineError(self.name, f"voice model not found: {self.model}")
        voice = self._python_voice()
        if voice is not None:
            return _synthesize_in_process(voice, text)
        exe = self._executable or shutil.which("piper")
        if exe is None:
            raise EngineError(self.name, "neither the piper package nor a piper executable is installed")
        return self._synthesize_cli(exe, text)

    def _python_voice(self) -> Any:
        with self._load_lock:
            if self._loaded is None:
                try:
                    from piper import PiperVoice  # type: ignore[import-not-found, unused-ignore]
                except ImportError:
                    self._loaded = False
                else:
                    try:
                        self._loaded = PiperVoice.load(str(self.model))
                    except Exception as exc:  # onnxruntime and friends raise many types
                        raise EngineError(self.name, f"cannot load voice model: {exc}") from exc
            return self._loaded or None

    def _synthesize_cli(self, exe: str, text: str) -> bytes:
        with tempfile.TemporaryDirectory(prefix="loa-piper-") as tmp:
            out = Path(tmp) / "speech.wav"
            cmd = [exe, "--model", str(self.model), "--output_file", str(out)]
            try:
                proc = subprocess.run(
                    cmd, input=text.encode("utf-8"), capture_output=True, timeout=self.timeout, check=False
                )
            except subprocess.TimeoutExpired as exc:
                raise EngineError(self.name, f"no audio within {self.timeout:g}s") from exc
            except OSError as exc:
                raise EngineError(self.name, f"cannot run {exe}: {exc}") from exc
            if proc.returncode != 0 or not out.is_file() or out.stat().st_size <= 44:
                detail = proc.stderr.decode("utf-8", "replace").strip()[-300:]
                raise EngineError(self.name, f"piper exited with {proc.returncode}: {detail}")
            return out.read_bytes()


def _synthesize_in_process(voice: Any, text: str) -> bytes:
    buf = io.BytesIO()
    try:
        with wave.open(buf, "wb") as out:
            # piper-tts >= 1.3 names it synthesize_wav; 1.2 wrote WAV from synthesize().
            writer = getattr(voice, "synthesize_wav", None) or voice.synthesize
            writer(text, out)
    except Exception as exc:  # a third-party model can fail in many ways; the chain needs one type
        raise EngineError("piper", f"synthesis failed: {exc}") from exc
    return buf.getvalue()
