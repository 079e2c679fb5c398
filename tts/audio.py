"""ffmpeg discovery and the few audio primitives the pipeline needs.

imageio-ffmpeg ships ffmpeg but no ffprobe, so every probe here runs ffmpeg itself: decoding
(to count samples) and the ``ebur128`` filter (to measure loudness and true peak).
"""

from __future__ import annotations

import io
import math
import os
import re
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SAMPLE_WIDTH = 2  # every PCM buffer in the pipeline is signed 16-bit little-endian mono
SILENCE_LUFS = -70.0  # what ebur128 reports for digital silence


class AudioError(RuntimeError):
    """A failure an officer must hear about: a stable ``code`` and a Vietnamese ``message``."""

    status_code = 422

    def __init__(self, code: str, message: str, detail: str = "") -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code}: {detail or message}")


class FFmpegError(RuntimeError):
    """ffmpeg failed; ``stderr`` holds its last lines for the log."""

    def __init__(self, message: str, stderr: str = "") -> None:
        self.stderr = stderr
        super().__init__(f"{message}: {stderr.strip()[-500:]}" if stderr else message)


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """A system ffmpeg on PATH, else the binary bundled with imageio-ffmpeg."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def configure_pydub() -> None:
    """Point pydub at our ffmpeg; callers must still avoid its ffprobe-based helpers."""
    from pydub import AudioSegment

    AudioSegment.converter = ffmpeg_exe()


def run_ffmpeg(args: Sequence[str], *, stdin: bytes | None = None, timeout: float = 600.0) -> str:
    """Run ffmpeg with ``args`` (no banner, no stats); return its stderr text."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostats", "-y"]
    if stdin is None:
        cmd.append("-nostdin")
    cmd += args
    try:
        proc = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise FFmpegError(f"ffmpeg timed out after {timeout:.0f}s") from exc
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise FFmpegError(f"ffmpeg exited with {proc.returncode}", stderr)
    return stderr


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_db: float


_SUMMARY_I = re.compile(r"Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+|-inf|nan)\s*LUFS")
_SUMMARY_TP = re.compile(r"True peak:\s*\n\s*Peak:\s*(-?[\d.]+|-inf|nan)\s*dBFS")


def _number(text: str) -> float:
    value = float(text)  # float() accepts "-inf" and "nan"
    return -math.inf if math.isnan(value) else value


def parse_ebur128(stderr: str) -> Loudness:
    """Read the summary the ``ebur128`` filter prints when its stream ends.

    ``true_peak_db`` is NaN when the filter ran without ``peak=true`` (see ``EBUR128_FAST``).
    """
    found_i = _SUMMARY_I.findall(stderr)
    if not found_i:
        raise FFmpegError("no ebur128 summary in ffmpeg output", stderr)
    found_tp = _SUMMARY_TP.findall(stderr)
    return Loudness(_number(found_i[-1]), _number(found_tp[-1]) if found_tp else math.nan)


# framelog=verbose keeps the per-100 ms lines below our log level: only the summary is printed.
EBUR128 = "ebur128=peak=true:framelog=verbose"
# Integrated loudness only: true-peak oversampling is most of the filter's cost.
EBUR128_FAST = "ebur128=framelog=verbose"


def measure_loudness(path: Path) -> tuple[float, float]:
    """``(integrated_lufs, true_peak_dbtp)`` of an audio file, measured by ffmpeg ``ebur128``."""
    loud = measure(path, true_peak=True)
    return loud.integrated_lufs, loud.true_peak_db


def measure(path: Path, *, true_peak: bool) -> Loudness:
    meter = EBUR128 if true_peak else EBUR128_FAST
    return parse_ebur128(run_ffmpeg(["-i", str(path), "-map", "0:a:0", "-af", meter, "-f", "null", "-"]))


@dataclass(frozen=True)
class DecodeStats:
    samples: int
    sample_rate: int
    loudness: Loudness

    @property
    def duration_ms(self) -> int:
        return round(self.samples * 1000 / self.sample_rate)


def decode_stats(path: Path, *, sample_rate: int | None = None) -> DecodeStats:
    """Decode ``path`` to mono PCM, counting samples and measuring loudness in the same pass.

    The count comes from the decoded bytes, never from container headers, so it is the
    ``duration_ms`` that a player decoding the file actually produces.
    """
    rate = sample_rate or probe_sample_rate(path)
    args = ["-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", str(rate), "-af", EBUR128]
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", *args, "-f", "s16le", "pipe:1"]
    # Stream stdout to count bytes without holding a long recording in memory; stderr goes to
    # a temporary file so neither pipe can fill up and block ffmpeg.
    with tempfile.TemporaryFile() as err, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err) as proc:
        assert proc.stdout is not None
        total = 0
        while chunk := proc.stdout.read(1 << 16):
            total += len(chunk)
        code = proc.wait()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if code != 0:
        raise FFmpegError(f"ffmpeg exited with {code}", stderr)
    return DecodeStats(total // SAMPLE_WIDTH, rate, parse_ebur128(stderr))


def decode_to_wav(
    src: Path,
    dst: Path,
    *,
    rate: int = 44100,
    max_seconds: float | None = None,
    allowed_formats: str | None = None,
) -> DecodeStats:
    """Decode ``src`` to a mono 16-bit WAV at ``rate``, measuring loudness on the way.

    ``allowed_formats`` (ffmpeg demuxer names, comma-separated) is for untrusted files: it also
    restricts reading to the local file, so playlist formats (HLS, concat) cannot pull in other
    files. Decoding stops at the first error (``-xerror``) and after ``max_seconds`` plus one.
    """
    args: list[str] = ["-xerror"]
    if allowed_formats:
        args += ["-protocol_whitelist", "file", "-format_whitelist", allowed_formats]
    args += ["-i", str(src), "-map", "0:a:0", "-ac", "1", "-ar", str(rate)]
    if max_seconds is not None:
        args += ["-t", f"{max_seconds + 1:.3f}"]
    args += ["-af", EBUR128_FAST, "-c:a", "pcm_s16le", "-f", "wav", str(dst)]
    stderr = run_ffmpeg(args)
    with wave.open(str(dst), "rb") as out:
        samples = out.getnframes()
    return DecodeStats(samples, rate, parse_ebur128(stderr))


_STREAM_RATE = re.compile(r"Stream #\d+:\d+.*?: Audio: .*?, (\d+) Hz")


def probe_sample_rate(path: Path) -> int:
    """The first audio stream's sample rate, read from ffmpeg's input description."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)], capture_output=True, check=False
    )  # exits 1 ("no output file") by design; we only read the description
    match = _STREAM_RATE.search(proc.stderr.decode("utf-8", "replace"))
    if not match:
        raise FFmpegError(f"no audio stream in {path.name}", proc.stderr.decode("utf-8", "replace"))
    return int(match.group(1))


def wav_bytes(pcm: bytes, rate: int) -> bytes:
    """Wrap mono 16-bit PCM in a WAV container."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(SAMPLE_WIDTH)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buf.getvalue()


def write_wav(path: Path, pcm: bytes, rate: int) -> None:
    path.write_bytes(wav_bytes(pcm, rate))


def read_pcm_wav(data: bytes) -> tuple[bytes, int] | None:
    """``(pcm, rate)`` if ``data`` is a mono 16-bit PCM WAV, else None (decode with ffmpeg)."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    try:
        with wave.open(io.BytesIO(data), "rb") as src:
            if src.getnchannels() != 1 or src.getsampwidth() != SAMPLE_WIDTH:
                return None
            return src.readframes(src.getnframes()), src.getframerate()
    except (wave.Error, EOFError):
        return None


def decode_to_pcm(data: bytes, rate: int) -> bytes:
    """Any audio ffmpeg can read (MP3, WAV...) as mono 16-bit PCM at ``rate``."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostats", "-i", "pipe:0", "-map", "0:a:0"]
    cmd += ["-ac", "1", "-ar", str(rate), "-f", "s16le", "pipe:1"]
    proc = subprocess.run(cmd, input=data, capture_output=True, timeout=120, check=False)
    if proc.returncode != 0:
        raise FFmpegError("cannot decode engine audio", proc.stderr.decode("utf-8", "replace"))
    return proc.stdout


def silence(ms: float, rate: int) -> bytes:
    return bytes(round(ms * rate / 1000) * SAMPLE_WIDTH)


def join_with_pauses(parts: Sequence[bytes], *, pause_ms: float = 350.0) -> tuple[bytes, int]:
    """Join engine outputs (one per sentence) into one PCM buffer with a pause between them.

    Mono 16-bit WAVs at one rate are joined in Python; anything else is decoded by ffmpeg
    to the highest rate seen (44.1 kHz for compressed parts).
    """
    if not parts:
        raise ValueError("nothing to join")
    wavs = [read_pcm_wav(part) for part in parts]
    rates = {w[1] for w in wavs if w is not None}
    if all(w is not None for w in wavs) and len(rates) == 1:
        rate = rates.pop()
        pcms = [w[0] for w in wavs if w is not None]
    else:
        rate = max(rates | {44100})
        pcms = [
            w[0] if w is not None and w[1] == rate else decode_to_pcm(part, rate)
            for w, part in zip(wavs, parts, strict=True)
        ]
    return silence(pause_ms, rate).join(pcms), rate


def make_work_dir(parent: Path) -> Path:
    """A private scratch directory on the same filesystem as ``parent`` (so os.replace is atomic)."""
    scratch = parent / ".tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="work-", dir=scratch))


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and ``os.replace``: never half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide it from a server running as another user
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
