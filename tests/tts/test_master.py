"""Mastering: loudness and true peak, reads and gaps, chimes, duration from decoded samples."""

from __future__ import annotations

import math
import os
import re
import wave
from pathlib import Path

import pytest

from tests.tts.fakes import make_audio
from tts.audio import decode_stats, measure_loudness, run_ffmpeg, silence, write_wav
from tts.chime import NOTE_DECAY_S, NOTE_STEP_S, chime_pcm
from tts.engines import FakeEngine
from tts.master import CHIME_PAUSE_S, MasteringError, MasterSettings, master


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four seconds of fake speech (16 kHz WAV, as an engine returns it)."""
    path = tmp_path_factory.mktemp("speech") / "speech.wav"
    path.write_bytes(FakeEngine().synthesize("bà con chú ý " * 8))
    return path


def _seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as src:
        return src.getnframes() / src.getframerate()


def _chime_seconds() -> float:
    return NOTE_STEP_S * 2 + NOTE_DECAY_S


def test_measure_loudness_of_a_known_sine(tmp_path: Path) -> None:
    # A 1 kHz sine at -20 dBFS peak measures -23.0 LUFS (BS.1770: full-scale 1 kHz is -3.01).
    path = tmp_path / "sine.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "aevalsrc=0.1*sin(2*PI*1000*t):s=48000:d=3", str(path)])
    lufs, peak = measure_loudness(path)
    assert lufs == pytest.approx(-23.0, abs=0.2)
    assert peak == pytest.approx(-20.0, abs=0.2)


def test_master_meets_loudness_and_peak_targets(speech: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.mp3"
    result = master(speech, out, MasterSettings(reads_per_play=1))
    lufs, peak = measure_loudness(out)
    assert lufs == pytest.approx(-16.0, abs=1.0)
    assert peak <= -1.0
    assert (result.integrated_lufs, result.true_peak_db) == (lufs, peak)


def test_reads_gap_and_chimes_shape_the_duration(speech: Path, tmp_path: Path) -> None:
    one = master(speech, tmp_path / "one.mp3", MasterSettings(reads_per_play=1, gap_seconds=1.5))
    three = master(speech, tmp_path / "three.mp3", MasterSettings(reads_per_play=3, gap_seconds=1.5))
    bare = master(speech, tmp_path / "bare.mp3", MasterSettings(chime=False))
    spoken = _seconds(speech)
    assert bare.duration_ms == pytest.approx(spoken * 1000, abs=5)
    framing = 0.1 + 2 * (_chime_seconds() + CHIME_PAUSE_S) + 0.2  # lead-in, chimes, tail
    assert one.duration_ms == pytest.approx((framing + spoken) * 1000, abs=5)
    assert three.duration_ms - one.duration_ms == pytest.approx((2 * spoken + 2 * 1.5) * 1000, abs=5)


def test_duration_is_counted_from_decoded_samples(speech: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.mp3"
    result = master(speech, out, MasterSettings(reads_per_play=2, gap_seconds=0.5))
    stats = decode_stats(out, sample_rate=44100)
    assert (result.samples, result.sample_rate) == (stats.samples, 44100)
    assert result.duration_ms == round(stats.samples * 1000 / 44100)
    assert re.search(r"Audio: mp3\b.*, 44100 Hz, mono,", run_ffmpeg(["-i", str(out), "-f", "null", "-"]))


def test_same_input_masters_to_the_same_bytes(speech: Path, tmp_path: Path) -> None:
    master(speech, tmp_path / "a.mp3")
    master(speech, tmp_path / "b.mp3")
    assert (tmp_path / "a.mp3").read_bytes() == (tmp_path / "b.mp3").read_bytes()


def test_quiet_recording_is_raised_to_target(tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.wav"
    make_audio(quiet, seconds=3, codec_args=("-af", "volume=-30dB", "-ac", "1"))
    out = tmp_path / "out.mp3"
    master(quiet, out)
    lufs, peak = measure_loudness(out)
    assert lufs == pytest.approx(-16.0, abs=1.0)
    assert peak <= -1.0


def test_silence_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "silence.wav"
    write_wav(path, silence(2000, 16000), 16000)
    with pytest.raises(MasteringError) as caught:
        master(path, tmp_path / "out.mp3")
    assert caught.value.code == "audio_silent"
    assert not (tmp_path / "out.mp3").exists()


def test_settings_are_validated() -> None:
    for bad in ({"reads_per_play": 0}, {"reads_per_play": 4}, {"gap_seconds": -1}, {"bitrate_kbps": 8}):
        with pytest.raises(ValueError):
            MasterSettings(**bad)  # type: ignore[arg-type]
    assert MasterSettings(reads_per_play=2).cache_fields() != MasterSettings().cache_fields()


def test_chime_is_generated_at_the_requested_level() -> None:
    pcm = chime_pcm(22050, ascending=True, gain_db=-12.0)
    samples = memoryview(pcm).cast("h")
    assert len(samples) == round(_chime_seconds() * 22050)
    assert max(abs(s) for s in samples) == round(32767 * 10 ** (-12 / 20))
    assert chime_pcm(22050, ascending=True, gain_db=-12.0) == pcm
    assert chime_pcm(22050, ascending=False, gain_db=-12.0) != pcm
    assert math.isclose(len(chime_pcm(44100, ascending=True, gain_db=-6)), 2 * len(pcm), rel_tol=1e-3)


def test_pydub_uses_our_ffmpeg() -> None:
    from pydub import AudioSegment

    from tts.audio import configure_pydub, ffmpeg_exe

    configure_pydub()
    assert AudioSegment.converter == ffmpeg_exe()
    assert Path(ffmpeg_exe()).is_file()


def test_ffmpeg_is_the_configured_one_never_whatever_is_on_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import imageio_ffmpeg

    from tests.tts.ffmpeg_builds import reworded_ffmpeg
    from tts.audio import FFmpegError, ffmpeg_exe

    monkeypatch.delenv("LOA_FFMPEG", raising=False)
    on_path = reworded_ffmpeg(tmp_path / "bin", "/nonexistent")
    monkeypatch.setenv("PATH", f"{on_path.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    assert ffmpeg_exe() == str(imageio_ffmpeg.get_ffmpeg_exe())  # a build on PATH is not picked up
    monkeypatch.setenv("LOA_FFMPEG", str(on_path))
    assert ffmpeg_exe() == str(on_path)
    monkeypatch.setenv("LOA_FFMPEG", str(tmp_path / "missing-ffmpeg"))
    with pytest.raises(FFmpegError, match="LOA_FFMPEG"):
        ffmpeg_exe()
