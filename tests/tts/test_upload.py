"""Officer recordings: judged by decoding, not by name; then mastered like TTS."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tts.fakes import make_audio
from tts.audio import measure_loudness
from tts.synth import master_recording
from tts.upload import UploadError, UploadLimits, validate_upload

FORMATS = {
    "phone.m4a": ("-c:a", "aac", "-b:a", "64k"),
    "voice.mp3": ("-c:a", "libmp3lame", "-b:a", "64k"),
    "stereo.wav": ("-ac", "2", "-ar", "48000", "-c:a", "pcm_s16le"),
    "zalo.ogg": ("-c:a", "libopus", "-b:a", "32k"),
    "browser.webm": ("-c:a", "libopus", "-b:a", "32k"),
}


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("uploads")
    return {name: make_audio(folder / name, seconds=2.0, codec_args=args) for name, args in FORMATS.items()}


def _code(path: Path, work: Path, limits: UploadLimits | None = None) -> str:
    with pytest.raises(UploadError) as caught:
        validate_upload(path, work, limits)
    return caught.value.code


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_accepted_formats_decode_to_mono_wav(name: str, samples: dict[str, Path], tmp_path: Path) -> None:
    recording = validate_upload(samples[name], tmp_path)
    assert recording.duration_ms == pytest.approx(2000, abs=30)
    assert recording.wav.is_file()
    assert -30 < recording.loudness.integrated_lufs < -5


def test_extension_does_not_matter(samples: dict[str, Path], tmp_path: Path) -> None:
    renamed = tmp_path / "recording.bin"
    renamed.write_bytes(samples["phone.m4a"].read_bytes())
    assert validate_upload(renamed, tmp_path).duration_ms == pytest.approx(2000, abs=30)


def test_text_renamed_mp3_is_not_audio(tmp_path: Path) -> None:
    fake = tmp_path / "thong-bao.mp3"
    fake.write_text("UBND xã thông báo: đây là văn bản, không phải âm thanh.\n" * 20)
    assert _code(fake, tmp_path) == "upload_not_audio"


def test_image_and_playlist_are_not_audio(tmp_path: Path) -> None:
    from PIL import Image

    picture = tmp_path / "photo.mp3"
    Image.new("RGB", (8, 8)).save(picture, format="PNG")
    assert _code(picture, tmp_path) == "upload_not_audio"
    # A playlist could make ffmpeg read other local files into the "recording" (defence in depth:
    # only listed demuxers and the file protocol are allowed).
    secret = tmp_path / "secret.wav"
    make_audio(secret, seconds=1.5)
    playlist = tmp_path / "trick.m3u8"
    playlist.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.5,\nfile://{secret}\n#EXT-X-ENDLIST\n")
    assert _code(playlist, tmp_path) == "upload_not_audio"


def test_corrupted_audio_is_refused(samples: dict[str, Path], tmp_path: Path) -> None:
    data = bytearray(samples["phone.m4a"].read_bytes())
    data[len(data) // 3 : len(data) // 3 + 4000] = bytes(range(256)) * 15 + bytes(160)  # smash the middle
    broken = tmp_path / "broken.m4a"
    broken.write_bytes(bytes(data))
    assert _code(broken, tmp_path) in {"upload_corrupt", "upload_not_audio"}
    noise = tmp_path / "noise.m4a"
    noise.write_bytes(bytes((i * 7919) % 251 for i in range(20000)))
    assert _code(noise, tmp_path) == "upload_not_audio"


def test_size_and_duration_limits(samples: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(UploadError) as caught:
        validate_upload(samples["voice.mp3"], tmp_path, UploadLimits(max_bytes=1000))
    assert (caught.value.code, caught.value.status_code) == ("upload_too_large", 413)
    assert "MB" in caught.value.message
    assert _code(samples["voice.mp3"], tmp_path, UploadLimits(max_seconds=1.0)) == "upload_too_long"
    assert _code(samples["voice.mp3"], tmp_path, UploadLimits(min_seconds=3.0)) == "upload_too_short"
    empty = tmp_path / "empty.m4a"
    empty.touch()
    assert _code(empty, tmp_path) == "upload_empty"


def test_recording_is_mastered_like_tts_and_cached(
    samples: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asset = master_recording(samples["phone.m4a"], media_dir=tmp_path, reads_per_play=2, gap_seconds=1.0)
    assert (asset.engine, asset.voice) == ("recording", "")
    assert asset.path == tmp_path / f"{asset.sha256}.mp3"
    assert asset.duration_ms > 2 * 2000 + 1000  # two reads, a gap, chimes
    lufs, peak = measure_loudness(asset.path)
    assert lufs == pytest.approx(-16.0, abs=1.0)
    assert peak <= -1.0

    import tts.synth

    def must_not_run(*_args: object) -> None:
        raise AssertionError("a cached recording was decoded again")

    monkeypatch.setattr(tts.synth, "validate_upload", must_not_run)
    assert master_recording(samples["phone.m4a"], media_dir=tmp_path, reads_per_play=2, gap_seconds=1.0) == asset


def test_rejected_recording_leaves_nothing_in_media(tmp_path: Path) -> None:
    fake = tmp_path / "note.mp3"
    fake.write_text("không phải âm thanh")
    media = tmp_path / "media"
    with pytest.raises(UploadError):
        master_recording(fake, media_dir=media)
    assert sorted(p for p in media.rglob("*") if p.is_file()) == []
