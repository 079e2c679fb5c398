"""How much of the offline voice a listener understands, measured by an offline recogniser.

Each real sentence (bench/data/intelligibility.txt) goes through the production path — normalize,
synthesize, master to MP3 — then the MP3 is decoded to 16 kHz and transcribed by viet-asr (PyPI
`viet-asr`, its model inside the wheel; installed by the `bench` extra, never at run time). The
reference is the normalized text: what the voice was asked to read. ``wer``/``cer`` are the word
and character edit distances summed over all sentences, divided by the reference lengths.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tts.audio import decode_to_pcm
from tts.engines.base import Engine
from tts.normalize import normalize
from tts.synth import synthesize_bulletin

SENTENCES = Path(__file__).parent / "data" / "intelligibility.txt"
ASR_RATE = 16000


def sentences(limit: int | None = None) -> list[str]:
    lines = [line.strip() for line in SENTENCES.read_text(encoding="utf-8").splitlines()]
    real = [line for line in lines if line and not line.startswith("#")]
    return real[:limit] if limit else real


def comparable(text: str) -> str:
    """Lower case, NFC, letters and digits only: punctuation and casing are not heard."""
    text = unicodedata.normalize("NFC", text.lower())
    return " ".join(re.findall(r"\w+", text))


def edits(ref: Sequence[str], hyp: Sequence[str]) -> int:
    """Levenshtein distance (substitutions, insertions, deletions)."""
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1]


def measure(engine: Engine, media_dir: Path, limit: int | None = None) -> dict[str, Any]:
    import vietasr  # the bench extra; imported here so the rest of the bench runs without it

    recogniser = vietasr.Pipeline.preset("transcribe")
    word_edits = words = char_edits = chars = 0
    worst: list[tuple[float, str, str]] = []
    for sentence in sentences(limit):
        reference = comparable(normalize(sentence))
        asset = synthesize_bulletin(sentence, media_dir=media_dir, engines=[engine])
        pcm = decode_to_pcm(asset.path.read_bytes(), ASR_RATE)
        import numpy as np

        heard = comparable(recogniser.transcribe(np.frombuffer(pcm, dtype=np.int16), float(ASR_RATE)).text)
        we = edits(reference.split(), heard.split())
        word_edits, words = word_edits + we, words + len(reference.split())
        char_edits, chars = char_edits + edits(reference, heard), chars + len(reference)
        worst.append((we / max(1, len(reference.split())), reference, heard))
    worst.sort(reverse=True)
    return {
        "wer": round(word_edits / max(1, words), 4), "cer": round(char_edits / max(1, chars), 4),
        "sentences": len(worst), "worst": [{"wer": round(w, 3), "said": r, "heard": h} for w, r, h in worst[:3]],
    }
