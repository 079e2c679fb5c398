"""The speech pipeline: text -> spoken form -> engine chain -> mastering -> cached MP3.

Both entry points return an ``AudioAsset`` whose ``duration_ms`` was measured from the decoded
samples of the final MP3. Both block (ffmpeg, network): run them in a worker or background job,
never on an event loop. ``progress`` receives a percentage from 0 to 100.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from tts.audio import AudioError, FFmpegError, Loudness, join_with_pauses, write_wav
from tts.cache import AudioAsset, AudioCache, cache_key, file_sha256
from tts.engines.base import Engine, EngineError
from tts.master import MasterSettings, master
from tts.upload import UploadLimits, validate_upload

__all__ = ["SENTENCE_PAUSE_MS", "AudioAsset", "SynthesisError", "master_recording", "synthesize_bulletin"]

log = logging.getLogger(__name__)

SENTENCE_PAUSE_MS = 350.0
SYNTH_SHARE = 50.0  # percent of progress given to the engines; the rest is mastering

Progress = Callable[[float], None]


class SynthesisError(AudioError):
    """No speech could be made: nothing to say, or every engine in the chain failed."""

    def __init__(self, code: str, message: str, failures: Sequence[EngineError] = ()) -> None:
        self.failures = list(failures)
        super().__init__(code, message, "; ".join(str(f) for f in failures))


def _default_normalize(text: str) -> str:
    from tts.normalize import normalize  # another package; imported late so this module stands alone

    return normalize(text)


def _default_split(text: str) -> list[str]:
    from tts.normalize import split_sentences

    return split_sentences(text)


def synthesize_bulletin(
    text: str,
    *,
    media_dir: Path,
    engines: Sequence[Engine],
    reads_per_play: int = 1,
    gap_seconds: float = 2.0,
    progress: Progress | None = None,
    normalizer: Callable[[str], str] | None = None,
    splitter: Callable[[str], list[str]] | None = None,
) -> AudioAsset:
    """Speak ``text`` with the first engine of ``engines`` that succeeds, master it, cache it.

    A cached result from any engine of the chain is reused (the earliest in the chain wins), so
    a bulletin keeps the voice it was approved with and a slow primary engine is not retried.
    """
    if not engines:
        raise ValueError("engines must not be empty")
    report = _monotonic(progress)
    settings = MasterSettings(reads_per_play=reads_per_play, gap_seconds=gap_seconds)
    spoken = (normalizer or _default_normalize)(text).strip()
    if not spoken:
        raise SynthesisError("tts_empty_text", "Nội dung bản tin không có chữ nào để đọc.")
    cache = AudioCache(media_dir)
    keys = [_text_key(spoken, engine, settings) for engine in engines]
    if (hit := _first_hit(cache, keys)) is not None:
        report(100.0)
        return hit
    with cache.locked(_text_key(spoken, None, settings)):
        if (hit := _first_hit(cache, keys)) is not None:  # made while we waited for the lock
            report(100.0)
            return hit
        sentences = [s for s in (splitter or _default_split)(spoken) if s.strip()] or [spoken]
        failures: list[EngineError] = []
        for engine, key in zip(engines, keys, strict=True):
            try:
                pcm, rate = _speak(engine, sentences, report)
            except EngineError as exc:
                log.warning("TTS engine %s failed, trying the next one: %s", engine.name, exc.reason)
                failures.append(exc)
                continue
            with cache.work_dir() as work:
                speech = work / "speech.wav"
                write_wav(speech, pcm, rate)
                del pcm
                asset = _master_into(cache, key, speech, work, settings, engine.name, engine.voice, report)
            report(100.0)
            return asset
    raise SynthesisError("tts_failed", "Không tạo được giọng đọc: mọi bộ đọc đều lỗi. Hãy thử lại sau.", failures)


def master_recording(
    path: Path,
    *,
    media_dir: Path,
    reads_per_play: int = 1,
    gap_seconds: float = 2.0,
    limits: UploadLimits | None = None,
    progress: Progress | None = None,
) -> AudioAsset:
    """Validate an officer's recording (``tts.upload``) and master it exactly like TTS output.

    Raises ``UploadError`` for a file that is not usable audio, ``MasteringError`` for silence.
    """
    report = _monotonic(progress)
    settings = MasterSettings(reads_per_play=reads_per_play, gap_seconds=gap_seconds)
    cache = AudioCache(media_dir)
    key = cache_key(kind="recording", source_sha256=file_sha256(path), master=settings.cache_fields())
    if (hit := cache.get(key)) is not None:
        report(100.0)
        return hit
    with cache.locked(key):
        if (hit := cache.get(key)) is not None:
            report(100.0)
            return hit
        with cache.work_dir() as work:
            recording = validate_upload(path, work, limits)
            report(SYNTH_SHARE)
            asset = _master_into(
                cache, key, recording.wav, work, settings, "recording", "", report, loudness=recording.loudness
            )
    report(100.0)
    return asset


def _monotonic(progress: Progress | None) -> Progress:
    """Never report less than before (a fallback engine starts its sentences from zero again)."""
    best = [0.0]

    def report(percent: float) -> None:
        if progress is not None and percent >= best[0]:
            best[0] = percent
            progress(round(percent, 1))

    return report


def _text_key(spoken: str, engine: Engine | None, settings: MasterSettings) -> str:
    return cache_key(
        kind="tts",
        text=spoken,
        engine=engine.name if engine else None,
        voice=engine.voice if engine else None,
        # Optional: engine parameters that change the audio without changing the voice name.
        engine_tag=getattr(engine, "cache_tag", None),
        master=settings.cache_fields(),
    )


def _first_hit(cache: AudioCache, keys: Sequence[str]) -> AudioAsset | None:
    for key in keys:
        if (asset := cache.get(key)) is not None:
            return asset
    return None


def _speak(engine: Engine, sentences: Sequence[str], report: Progress) -> tuple[bytes, int]:
    """One engine reads every sentence (never a mix of voices); pauses join the sentences."""
    parts: list[bytes] = []
    for index, sentence in enumerate(sentences, start=1):
        parts.append(engine.synthesize(sentence))
        report(SYNTH_SHARE * index / len(sentences))
    try:
        return join_with_pauses(parts, pause_ms=SENTENCE_PAUSE_MS)
    except FFmpegError as exc:
        raise EngineError(engine.name, f"returned audio ffmpeg cannot decode: {exc}") from exc


def _master_into(
    cache: AudioCache,
    key: str,
    speech: Path,
    work: Path,
    settings: MasterSettings,
    engine: str,
    voice: str,
    report: Progress,
    loudness: Loudness | None = None,
) -> AudioAsset:
    out = work / "mastered.mp3"
    result = master(
        speech,
        out,
        settings,
        speech_loudness=loudness,
        progress=lambda fraction: report(SYNTH_SHARE + (100 - SYNTH_SHARE) * 0.95 * fraction),
    )
    return cache.put(key, out, duration_ms=result.duration_ms, engine=engine, voice=voice)
