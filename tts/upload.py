"""Validation of an officer's recording (phone m4a/AAC, MP3, WAV, OGG/Opus).

A file is judged by decoding it with ffmpeg, never by its name: only a short list of demuxers
may open it, it must decode without error from start to end, and its decoded length must be
within limits. The decoded WAV is kept for mastering, so the file is decoded only once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from tts.audio import AudioError, FFmpegError, Loudness, decode_to_wav

log = logging.getLogger(__name__)

# ffmpeg demuxer names: mov = mp4/m4a/3gp, aac = raw ADTS, matroska = webm/mka (Opus from browsers).
ALLOWED_FORMATS = "mov,mp3,wav,ogg,aac,matroska,flac"
ACCEPTED = "m4a/AAC, MP3, WAV, OGG/Opus"


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 50 * 1024 * 1024
    max_seconds: float = 30 * 60
    min_seconds: float = 1.0


class UploadError(AudioError):
    """A rejected upload; ``code`` is stable, ``message`` Vietnamese, ``status_code`` HTTP-ready."""

    def __init__(self, code: str, message: str, detail: str = "", *, status_code: int = 422) -> None:
        super().__init__(code, message, detail)
        self.status_code = status_code


@dataclass(frozen=True)
class ValidRecording:
    wav: Path  # mono 16-bit PCM at 44.1 kHz
    duration_ms: int
    loudness: Loudness  # integrated only; true peak is not measured at this stage


def validate_upload(path: Path, work_dir: Path, limits: UploadLimits | None = None) -> ValidRecording:
    """Check ``path`` and decode it into ``work_dir``; raise ``UploadError`` when it is not usable."""
    lim = limits or UploadLimits()
    size = path.stat().st_size
    if size == 0:
        raise UploadError("upload_empty", "Tệp tải lên rỗng.")
    if size > lim.max_bytes:
        raise UploadError(
            "upload_too_large",
            f"Tệp âm thanh quá lớn: tối đa {lim.max_bytes / 1024 / 1024:.0f} MB.",
            f"{size} bytes",
            status_code=413,
        )
    wav = work_dir / "recording.wav"
    try:
        stats = decode_to_wav(path, wav, max_seconds=lim.max_seconds, allowed_formats=ALLOWED_FORMATS)
    except FFmpegError as exc:
        wav.unlink(missing_ok=True)
        raise _decode_error(exc) from exc
    seconds = stats.samples / stats.sample_rate
    if seconds > lim.max_seconds:
        raise UploadError("upload_too_long", f"Bản ghi quá dài: tối đa {lim.max_seconds / 60:g} phút.")
    if seconds < lim.min_seconds:
        raise UploadError("upload_too_short", f"Bản ghi quá ngắn: tối thiểu {lim.min_seconds:g} giây.")
    return ValidRecording(wav, stats.duration_ms, stats.loudness)


_NOT_AUDIO_SIGNS = (
    "Error opening input",
    "matches no streams",
    "does not contain any stream",
    "Format not on whitelist",
)


def _decode_error(exc: FFmpegError) -> UploadError:
    """ffmpeg could not open it (not audio of an accepted kind) or failed while decoding (damaged)."""
    detail = exc.stderr.strip()[-300:]
    if any(sign in exc.stderr for sign in _NOT_AUDIO_SIGNS):
        return UploadError("upload_not_audio", f"Tệp tải lên không phải tệp âm thanh hợp lệ ({ACCEPTED}).", detail)
    return UploadError("upload_corrupt", "Tệp âm thanh bị hỏng, không giải mã được.", detail)
