"""The content-addressed cache and the synthesis pipeline around it (fake engines, real ffmpeg)."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from tests.tts.fakes import WAIT, CountingEngine, identity, split_on_periods
from tts.cache import AudioAsset, AudioCache, cache_key
from tts.engines import Engine, FakeEngine
from tts.master import MasterSettings
from tts.synth import SynthesisError, synthesize_bulletin

TEXT = "Bà con chú ý. Chiều nay có mưa lớn. Đề nghị không ra đồng."


def _say(
    media: Path,
    engines: Sequence[Engine],
    text: str = TEXT,
    *,
    reads_per_play: int = 1,
    gap_seconds: float = 2.0,
    progress: Callable[[float], None] | None = None,
) -> AudioAsset:
    return synthesize_bulletin(
        text,
        media_dir=media,
        engines=engines,
        reads_per_play=reads_per_play,
        gap_seconds=gap_seconds,
        progress=progress,
        normalizer=identity,
        splitter=split_on_periods,
    )


def _media_files(media: Path) -> list[Path]:
    """Everything under media_dir except the (empty) scratch folder."""
    return sorted(p for p in media.rglob("*") if p.is_file())


def test_asset_is_stored_under_the_sha256_of_its_bytes(tmp_path: Path) -> None:
    progress: list[float] = []
    asset = _say(tmp_path, [FakeEngine()], progress=progress.append)
    data = asset.path.read_bytes()
    assert asset.path == tmp_path / f"{asset.sha256}.mp3"
    assert hashlib.sha256(data).hexdigest() == asset.sha256
    assert asset.size == len(data) > 0
    assert (asset.engine, asset.voice) == ("fake", "tone")
    assert asset.duration_ms > 3000
    assert progress == sorted(progress) and progress[-1] == 100.0
    index = [p for p in _media_files(tmp_path) if p.suffix == ".json"]
    assert len(index) == 1
    assert json.loads(index[0].read_text()) == {
        "sha256": asset.sha256,
        "size": asset.size,
        "duration_ms": asset.duration_ms,
        "engine": "fake",
        "voice": "tone",
    }


def test_second_request_is_a_cache_hit(tmp_path: Path) -> None:
    engine = CountingEngine()
    first = _say(tmp_path, [engine])
    calls = engine.calls
    assert calls == 3  # one per sentence
    assert _say(tmp_path, [engine]) == first
    assert engine.calls == calls


def test_concurrent_requests_synthesize_once(tmp_path: Path) -> None:
    engine = CountingEngine()
    engine.gate.clear()  # hold the first synthesis until every thread is waiting on the key
    results: list[AudioAsset] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def request() -> None:
        try:
            barrier.wait(WAIT)
            results.append(_say(tmp_path, [engine]))
        except BaseException as exc:  # reported by the assertions below
            errors.append(exc)

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    assert engine.started.wait(WAIT)
    engine.gate.set()
    for thread in threads:
        thread.join(WAIT)
    assert not errors
    assert len(results) == 8 and all(r == results[0] for r in results)
    assert engine.calls == 3
    assert len([p for p in _media_files(tmp_path) if p.suffix == ".mp3"]) == 1


def test_engine_failure_midway_leaves_no_file(tmp_path: Path) -> None:
    engine = CountingEngine(fail_at_call=2)  # the second sentence fails
    with pytest.raises(SynthesisError) as caught:
        _say(tmp_path, [engine])
    assert caught.value.code == "tts_failed"
    assert [f.engine for f in caught.value.failures] == ["fake"]
    assert _media_files(tmp_path) == []


def test_mastering_failure_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tts.master

    real_encode = tts.master._encode

    def encode_then_crash(playlist: Path, out: Path, *args: object) -> None:
        real_encode(playlist, out, *args)  # type: ignore[arg-type]
        out.write_bytes(out.read_bytes()[:1000])  # half a file on disk...
        raise OSError("disk full")  # ...then the process is interrupted

    monkeypatch.setattr(tts.master, "_encode", encode_then_crash)
    with pytest.raises(OSError, match="disk full"):
        _say(tmp_path, [FakeEngine()])
    assert _media_files(tmp_path) == []


def test_chain_falls_back_and_records_the_engine(tmp_path: Path) -> None:
    broken = CountingEngine(name="gtts", voice="vi", fail_at_call=1)
    asset = _say(tmp_path, [broken, FakeEngine()])
    assert (asset.engine, asset.voice) == ("fake", "tone")
    # The cached fallback is reused: the failing primary is not asked again.
    assert _say(tmp_path, [broken, FakeEngine()]) == asset
    assert broken.calls == 1


def test_different_settings_or_voice_are_different_entries(tmp_path: Path) -> None:
    base = _say(tmp_path, [FakeEngine()])
    assert _say(tmp_path, [FakeEngine()], reads_per_play=2).sha256 != base.sha256
    assert _say(tmp_path, [FakeEngine()], gap_seconds=1.0).sha256 == base.sha256  # one read: no gap
    assert _say(tmp_path, [FakeEngine(voice="other")]).sha256 != base.sha256
    assert len([p for p in _media_files(tmp_path) if p.suffix == ".json"]) == 4


def test_stale_index_entry_is_rebuilt(tmp_path: Path) -> None:
    engine = CountingEngine()
    asset = _say(tmp_path, [engine])
    asset.path.unlink()
    again = _say(tmp_path, [engine])
    assert again.path.is_file()
    assert engine.calls == 6


def test_empty_text_is_refused() -> None:
    with pytest.raises(SynthesisError) as caught:
        synthesize_bulletin(" \n", media_dir=Path("unused"), engines=[FakeEngine()], normalizer=identity)
    assert caught.value.code == "tts_empty_text"


def test_cache_key_is_canonical() -> None:
    settings = MasterSettings()
    one = cache_key(text="a", master=settings.cache_fields())
    assert one == cache_key(master=settings.cache_fields(), text="a")
    assert one != cache_key(text="b", master=settings.cache_fields())


def test_put_refuses_empty_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp3"
    empty.touch()
    with pytest.raises(ValueError):
        AudioCache(tmp_path).put("k", empty, duration_ms=0, engine="fake", voice="")


def test_engine_parameters_in_cache_tag_are_part_of_the_key(tmp_path: Path) -> None:
    slow, fast = FakeEngine(), FakeEngine()
    slow.cache_tag = "120wpm"  # type: ignore[attr-defined]
    fast.cache_tag = "180wpm"  # type: ignore[attr-defined]
    _say(tmp_path, [slow])
    _say(tmp_path, [fast])
    assert len([p for p in _media_files(tmp_path) if p.suffix == ".json"]) == 2
