"""Generated intro/outro chimes: a three-note bell arpeggio synthesized from sine partials.

Everything is computed here, so the audio carries no third-party recording. Notes sit in the
mid range (660-990 Hz) where horn loudspeakers are efficient.
"""

from __future__ import annotations

import cmath
import math
from array import array
from functools import lru_cache

from tts.audio import EBUR128, parse_ebur128, run_ffmpeg, wav_bytes

NOTES_HZ = (659.25, 830.61, 987.77)  # E5, G#5, B5: an E major arpeggio
NOTE_STEP_S = 0.22
NOTE_DECAY_S = 0.9
PARTIALS = ((1.0, 1.0), (2.0, 0.28), (3.0, 0.08))  # (frequency ratio, amplitude): a soft bell
ATTACK_S = 0.006  # fade-in so each note starts without a click


@lru_cache(maxsize=8)
def _note(rate: int, freq: float) -> tuple[float, ...]:
    """One decaying bell note (unnormalized)."""
    length = round(NOTE_DECAY_S * rate)
    # Rotating phasors instead of a sin() per sample and partial: same tone, a third of the time.
    steps = [cmath.exp(2j * math.pi * freq * ratio / rate) for ratio, _ in PARTIALS]
    phasors = [complex(amp) for _, amp in PARTIALS]
    out = []
    for n in range(length):
        value = 0.0
        for k, step in enumerate(steps):
            value += phasors[k].imag
            phasors[k] *= step
        t = n / rate
        out.append(value * math.exp(-5.0 * t) * min(1.0, t / ATTACK_S) * (1.0 - n / length))
    return tuple(out)


@lru_cache(maxsize=8)
def _template(rate: int, ascending: bool) -> tuple[float, ...]:
    """The chime as floats with a peak of exactly 1.0."""
    notes = NOTES_HZ if ascending else tuple(reversed(NOTES_HZ))
    out = [0.0] * round((NOTE_STEP_S * (len(notes) - 1) + NOTE_DECAY_S) * rate)
    for index, freq in enumerate(notes):
        start = round(index * NOTE_STEP_S * rate)
        for n, value in enumerate(_note(rate, freq)):
            out[start + n] += value
    peak = max(abs(x) for x in out)
    return tuple(x / peak for x in out)


def chime_pcm(rate: int, *, ascending: bool, gain_db: float) -> bytes:
    """Mono 16-bit PCM of the chime, ``gain_db`` relative to a full-scale peak (capped at -1 dBFS)."""
    scale = 32767 * 10 ** (min(gain_db, -1.0) / 20)
    return array("h", (round(x * scale) for x in _template(rate, ascending))).tobytes()


@lru_cache(maxsize=8)
def full_scale_loudness(rate: int) -> float:
    """Integrated loudness (LUFS) of the chime at a 0 dBFS peak, measured once per rate."""
    wav = wav_bytes(chime_pcm(rate, ascending=True, gain_db=-1.0), rate)
    stats = run_ffmpeg(["-f", "wav", "-i", "pipe:0", "-af", EBUR128, "-f", "null", "-"], stdin=wav)
    return parse_ebur128(stats).integrated_lufs + 1.0
