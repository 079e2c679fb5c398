"""Mastering: chime, repeated reads, loudness normalization, true-peak limiting, MP3.

The loudness stage is two-pass and linear: measure the speech with ``ebur128`` (pass 1), then
apply one gain followed by ``alimiter`` (pass 2). ffmpeg's ``loudnorm`` would do the same job
more slowly: it resamples to 192 kHz (about 1 s per minute of audio per pass) and it leaves
linear mode for its dynamic AGC whenever the peak-to-loudness ratio exceeds the target range,
which eSpeak's peaky output (~19 dB) always does. Because the limiter lowers loudness by an
amount that depends on the material, the gain is refined from measurements: one decode of the
programme at two trial gains (limiter on, nothing encoded) gives the local slope; the encoded
MP3 is then decoded and measured (that decode also gives ``duration_ms``) and, in the rare case
it is more than 0.5 LU off or above the peak ceiling, re-encoded with a secant-corrected gain.
For a 1,000-character bulletin (~85 s of speech) that is four ffmpeg runs, ~1-1.5 s in all.
"""

from __future__ import annotations

import logging
import re
import tempfile
import wave
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from tts.audio import (
    SILENCE_LUFS,
    AudioError,
    DecodeStats,
    FFmpegError,
    Loudness,
    decode_stats,
    measure,
    measure_loudness,
    run_ffmpeg,
    silence,
    write_wav,
)
from tts.chime import chime_pcm, full_scale_loudness

__all__ = [
    "MASTER_VERSION",
    "MasterResult",
    "MasterSettings",
    "MasteringError",
    "master",
    "measure_loudness",
]

log = logging.getLogger(__name__)

MASTER_VERSION = 1  # bump whenever the same input would master differently (it is in cache keys)
CHIME_RELATIVE_DB = -3.0  # chimes a little softer than the voice
CHIME_PAUSE_S = 0.5  # between a chime and the voice
LIMITER_MARGIN_DB = 0.7  # alimiter works on sample peaks; leave room for inter-sample and MP3 peaks
# LAME measured 0.4-0.5 LU quieter than its input on eSpeak speech, ~0 on tones: aim between.
MP3_LOSS_LU = 0.25
TRIAL_STEP_DB = 3.0
ACCEPT_LU = 0.5  # re-encode when further than this from the target
MAX_ENCODES = 4

Progress = Callable[[float], None]


class MasteringError(AudioError):
    """Audio that cannot be mastered (silent, or loudness targets not reachable)."""


@dataclass(frozen=True)
class MasterSettings:
    reads_per_play: int = 1
    gap_seconds: float = 2.0
    target_lufs: float = -16.0
    max_true_peak_db: float = -1.0
    bitrate_kbps: int = 96
    sample_rate: int = 44100
    chime: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.reads_per_play <= 3:
            raise ValueError("reads_per_play must be 1, 2 or 3")
        if not 0.0 <= self.gap_seconds <= 30.0:
            raise ValueError("gap_seconds must be between 0 and 30")
        if not 32 <= self.bitrate_kbps <= 320:
            raise ValueError("bitrate_kbps must be between 32 and 320")

    def cache_fields(self) -> dict[str, object]:
        """Everything that changes the mastered bytes, for cache keys."""
        return {"master_version": MASTER_VERSION, **asdict(self)}


@dataclass(frozen=True)
class MasterResult:
    duration_ms: int
    samples: int
    sample_rate: int
    integrated_lufs: float
    true_peak_db: float
    encodes: int


def master(
    speech: Path,
    out_mp3: Path,
    settings: MasterSettings | None = None,
    *,
    speech_loudness: Loudness | None = None,
    progress: Progress | None = None,
) -> MasterResult:
    """Master a mono 16-bit WAV of speech into ``out_mp3``.

    ``speech_loudness`` skips the first measurement when the caller already has it (an upload's
    decode pass measures on the way). Intermediate files live in a temporary directory beside
    ``out_mp3``; the caller owns ``out_mp3`` (write it somewhere private, then move it).
    """
    cfg = settings or MasterSettings()
    report = progress or (lambda _fraction: None)
    with wave.open(str(speech), "rb") as src:
        rate = src.getframerate()
    loud = speech_loudness or measure(speech, true_peak=False)
    if loud.integrated_lufs <= SILENCE_LUFS + 1:
        raise MasteringError("audio_silent", "Âm thanh không có tiếng nói (toàn khoảng lặng).")
    report(0.15)
    with tempfile.TemporaryDirectory(prefix="master-", dir=out_mp3.parent) as tmp:
        playlist = _write_program(Path(tmp), speech, rate, loud.integrated_lufs, cfg)
        gain = cfg.target_lufs - loud.integrated_lufs
        limit_db = cfg.max_true_peak_db - LIMITER_MARGIN_DB
        # Two trial gains on the whole programme (with short speech the chimes count too) give
        # the local slope of loudness against gain once the limiter works; interpolate.
        low, high = _limited_loudness(playlist, (gain, gain + TRIAL_STEP_DB), limit_db)
        slope = min(1.0, max(0.2, (high - low) / TRIAL_STEP_DB))
        gain += (cfg.target_lufs + MP3_LOSS_LU - low) / slope
        report(0.35)
        points: list[tuple[float, float]] = []
        for encode in range(1, MAX_ENCODES + 1):
            _encode(playlist, out_mp3, gain, limit_db, cfg)
            stats = decode_stats(out_mp3, sample_rate=cfg.sample_rate)
            report(0.35 + 0.6 * encode / MAX_ENCODES)
            measured = stats.loudness
            if _accepted(measured, cfg, ACCEPT_LU):
                return _result(stats, encode)
            log.info(
                "re-encoding: %.1f LUFS, %.1f dBTP at gain %.2f dB, limit %.2f dBFS",
                measured.integrated_lufs, measured.true_peak_db, gain, limit_db,
            )  # fmt: skip
            points.append((gain, measured.integrated_lufs))
            if measured.true_peak_db > cfg.max_true_peak_db:
                limit_db -= measured.true_peak_db - cfg.max_true_peak_db + 0.2
            gain = _next_gain(points, cfg.target_lufs, slope)
    if _accepted(stats.loudness, cfg, 1.0):
        return _result(stats, MAX_ENCODES)
    out_mp3.unlink(missing_ok=True)
    raise MasteringError(
        "mastering_failed",
        "Không chuẩn hoá được âm lượng của bản tin.",
        f"{stats.loudness.integrated_lufs:.2f} LUFS, {stats.loudness.true_peak_db:.2f} dBTP",
    )


def _write_program(work: Path, speech: Path, rate: int, speech_lufs: float, cfg: MasterSettings) -> Path:
    """A concat-demuxer playlist: chime, the speech ``reads_per_play`` times, chime.

    The speech file is referenced, not copied, so a long recording read three times costs no
    extra disk or memory.
    """
    entries: list[str] = []
    if cfg.chime:
        gain_db = speech_lufs + CHIME_RELATIVE_DB - full_scale_loudness(rate)
        intro = chime_pcm(rate, ascending=True, gain_db=gain_db) + silence(CHIME_PAUSE_S * 1000, rate)
        outro = silence(CHIME_PAUSE_S * 1000, rate) + chime_pcm(rate, ascending=False, gain_db=gain_db)
        write_wav(work / "intro.wav", silence(100, rate) + intro, rate)
        write_wav(work / "outro.wav", outro + silence(200, rate), rate)
    if cfg.gap_seconds > 0:
        write_wav(work / "gap.wav", silence(cfg.gap_seconds * 1000, rate), rate)
    speech_entry = str(speech.resolve()).replace("'", "'\\''")
    for read in range(cfg.reads_per_play):
        if read and cfg.gap_seconds > 0:
            entries.append("gap.wav")
        entries.append(speech_entry)
    if cfg.chime:
        entries = ["intro.wav", *entries, "outro.wav"]
    playlist = work / "program.txt"
    playlist.write_text("ffconcat version 1.0\n" + "".join(f"file '{e}'\n" for e in entries))
    return playlist


def _chain(gain_db: float, limit_db: float) -> str:
    limit = min(1.0, 10 ** (limit_db / 20))
    return (
        f"volume={gain_db:.3f}dB:precision=float,"
        f"alimiter=limit={limit:.5f}:attack=5:release=50:level=disabled:latency=1"
    )


def _limited_loudness(playlist: Path, gains: tuple[float, float], limit_db: float) -> tuple[float, float]:
    """Loudness after each gain and the limiter, both in one decode and without encoding."""
    graph = (
        f"[0:a]asplit=2[a][b];"
        f"[a]{_chain(gains[0], limit_db)},ebur128@low=framelog=verbose[lo];"
        f"[b]{_chain(gains[1], limit_db)},ebur128@high=framelog=verbose[hi]"
    )
    args = ["-f", "concat", "-safe", "0", "-i", str(playlist), "-filter_complex", graph]
    stats = run_ffmpeg([*args, "-map", "[lo]", "-f", "null", "-", "-map", "[hi]", "-f", "null", "-"])
    found = dict(_LABELLED_I.findall(stats))
    if set(found) != {"low", "high"}:
        raise FFmpegError("trial loudness missing from ffmpeg output", stats)
    return float(found["low"]), float(found["high"])


_LABELLED_I = re.compile(r"\[ebur128@(\w+) @ [^\]]+\] Summary:\s*\n\s*Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+)")


def _encode(playlist: Path, out_mp3: Path, gain_db: float, limit_db: float, cfg: MasterSettings) -> None:
    resample = f"aresample={cfg.sample_rate}"
    run_ffmpeg(
        [
            "-f", "concat", "-safe", "0", "-i", str(playlist),
            "-af", f"{resample},{_chain(gain_db, limit_db)}",
            "-ac", "1", "-ar", str(cfg.sample_rate),
            "-c:a", "libmp3lame", "-b:a", f"{cfg.bitrate_kbps}k",
            # No tags and no encoder version string: same input, same bytes, same sha256.
            "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
            "-f", "mp3", str(out_mp3),
        ]
    )  # fmt: skip


def _next_gain(points: list[tuple[float, float]], target: float, slope: float) -> float:
    """Secant step on the encoded (gain, loudness) points; ``slope`` until there are two."""
    gain, loud = points[-1]
    if len(points) >= 2:
        prev_gain, prev_loud = points[-2]
        if abs(gain - prev_gain) > 1e-3:
            slope = min(1.0, max(0.2, (loud - prev_loud) / (gain - prev_gain)))
    return gain + (target - loud) / slope


def _accepted(loud: Loudness, cfg: MasterSettings, tolerance: float) -> bool:
    return abs(loud.integrated_lufs - cfg.target_lufs) <= tolerance and loud.true_peak_db <= cfg.max_true_peak_db


def _result(stats: DecodeStats, encodes: int) -> MasterResult:
    return MasterResult(
        duration_ms=stats.duration_ms,
        samples=stats.samples,
        sample_rate=stats.sample_rate,
        integrated_lufs=stats.loudness.integrated_lufs,
        true_peak_db=stats.loudness.true_peak_db,
        encodes=encodes,
    )
