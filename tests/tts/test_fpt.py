"""The FPT.AI engine against a local fake of its API: asynchronous audio, deadline, retries,
refusals, and the chain falling back to the offline voice."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tts.fakes import identity, make_audio
from tests.tts.fpt_fake import API_KEY, fpt_server
from tts.engines import EngineError, FakeEngine, FptConfig, FptEngine, build_chain
from tts.synth import synthesize_bulletin


class FakeClock:
    """Time that moves only when the engine sleeps: polling never really waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture(scope="module")
def mp3_audio(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("fpt") / "reply.mp3"
    return make_audio(path, seconds=0.5, codec_args=("-ac", "1", "-ar", "22050", "-b:a", "32k")).read_bytes()


def _engine(url: str, clock: FakeClock, **kwargs: object) -> FptEngine:
    return FptEngine(API_KEY, url=url, voice="leminh", sleep=clock.sleep, clock=clock, **kwargs)  # type: ignore[arg-type]


def test_speaks_after_polling_the_async_url(mp3_audio: bytes) -> None:
    clock = FakeClock()
    with fpt_server(mp3_audio) as server:
        server.not_ready = 3
        audio = _engine(server.url, clock).synthesize("Xã thông báo lịch tiêm phòng.")
    assert audio == mp3_audio
    assert server.requests == [{"text": "Xã thông báo lịch tiêm phòng.", "voice": "leminh", "speed": "0",
                                "key": API_KEY}]
    assert server.polls == 4 and clock.slept == [0.5, 0.5, 0.5]


def test_audio_never_ready_fails_at_the_deadline(mp3_audio: bytes) -> None:
    clock = FakeClock()
    with fpt_server(mp3_audio) as server:
        server.not_ready = None
        with pytest.raises(EngineError, match="not ready within 20s"):
            _engine(server.url, clock).synthesize("Bão số 3.")
    assert clock.now - 1000.0 <= 20.0 and server.polls == len(clock.slept) + 1


def test_transient_failures_are_retried_with_backoff(mp3_audio: bytes) -> None:
    clock = FakeClock()
    with fpt_server(mp3_audio) as server:
        server.failures = 2
        assert _engine(server.url, clock).synthesize("Mưa lớn.") == mp3_audio
    assert len(server.requests) == 3 and clock.slept == [0.5, 1.0]


def test_a_refusal_a_bad_key_or_non_audio_is_an_engine_error_without_retry(mp3_audio: bytes) -> None:
    clock = FakeClock()
    with fpt_server(mp3_audio) as server:
        server.mode = "refuse"
        with pytest.raises(EngineError, match="Nội dung không hợp lệ"):
            _engine(server.url, clock).synthesize("x y z")
        server.mode = "ok"
        with pytest.raises(EngineError, match="HTTP 401"):
            FptEngine("wrong", url=server.url, sleep=clock.sleep, clock=clock).synthesize("x y z")
        server.audio_body = b"<html>quota exceeded</html>"
        with pytest.raises(EngineError, match="did not return MP3"):
            _engine(server.url, clock).synthesize("x y z")
    assert len(server.requests) == 3 and clock.slept == []


def test_a_hanging_server_fails_within_the_timeout(mp3_audio: bytes) -> None:
    with fpt_server(mp3_audio) as server:
        server.mode = "hang"
        engine = FptEngine(API_KEY, url=server.url, timeout=0.3, retries=0)
        with pytest.raises(EngineError):
            engine.synthesize("Cháy rừng.")


def test_the_key_never_shows_in_the_engine_or_its_errors(mp3_audio: bytes) -> None:
    clock = FakeClock()
    engine = FptEngine("sk-very-secret", url="http://127.0.0.1:9", sleep=clock.sleep, clock=clock, retries=0)
    assert "sk-very-secret" not in repr(engine)
    with pytest.raises(EngineError) as caught:
        engine.synthesize("Thông báo.")
    assert "sk-very-secret" not in str(caught.value)


def test_chain_skips_fpt_without_a_key_and_falls_back_when_it_fails(mp3_audio: bytes, tmp_path: Path) -> None:
    assert [e.name for e in build_chain("fpt,espeak")] == ["espeak"]
    chain = build_chain("fpt,espeak", fpt=FptConfig(api_key=API_KEY, url="http://x", voice="banmai"))
    assert [(e.name, e.voice) for e in chain] == [("fpt", "banmai"), ("espeak", "vi")]

    with fpt_server(mp3_audio) as server:
        good = FptEngine(API_KEY, url=server.url, voice="banmai")
        asset = synthesize_bulletin("Họp dân lúc tám giờ.", media_dir=tmp_path / "a", engines=[good, FakeEngine()],
                                    normalizer=identity)
        assert (asset.engine, asset.voice) == ("fpt", "banmai")
        server.mode = "refuse"
        fallback = synthesize_bulletin("Họp dân lúc chín giờ.", media_dir=tmp_path / "b",
                                       engines=[good, FakeEngine()], normalizer=identity)
    assert fallback.engine == "fake" and fallback.duration_ms > 0
