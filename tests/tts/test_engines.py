"""Engines: eSpeak through ctypes, gTTS against a local fake endpoint, Piper, the chain builder."""

from __future__ import annotations

import os
import shutil
import stat
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.tts.fakes import WAIT, make_audio, translate_server
from tts.audio import read_pcm_wav
from tts.engines import (
    Engine,
    EngineConfigError,
    EngineError,
    EspeakEngine,
    FakeEngine,
    GttsEngine,
    PiperEngine,
    build_chain,
)


@pytest.fixture(scope="module")
def mp3_audio(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("gtts") / "reply.mp3"
    return make_audio(path, seconds=0.5, codec_args=("-ac", "1", "-ar", "24000", "-b:a", "32k")).read_bytes()


# --- eSpeak ------------------------------------------------------------------------------------


def test_espeak_speaks_vietnamese_as_pcm_wav() -> None:
    wav = EspeakEngine().synthesize("xin chào bà con")
    decoded = read_pcm_wav(wav)
    assert decoded is not None
    pcm, rate = decoded
    assert rate == 22050
    assert 0.3 < len(pcm) / 2 / rate < 5.0


def test_espeak_is_safe_from_many_threads() -> None:
    # With a flutter-free variant the same text always gives the same number of samples (the
    # default voice's pitch flutter drifts between calls), so mixed-up callback buffers would show.
    engine = EspeakEngine(voice="vi+Alex")
    texts = ["một hai ba", "bốn năm sáu bảy", "tám chín mười"]
    expected = {text: len(engine.synthesize(text)) for text in texts}
    results: list[tuple[str, bytes]] = []
    errors: list[BaseException] = []

    def speak(text: str) -> None:
        try:
            results.append((text, engine.synthesize(text)))
        except BaseException as exc:  # collected and reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=speak, args=(texts[i % 3],)) for i in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not errors
    assert len(results) == 9
    assert all(len(audio) == expected[text] for text, audio in results)


def test_espeak_unknown_voice_and_empty_text_are_engine_errors() -> None:
    with pytest.raises(EngineError, match="unknown voice"):
        EspeakEngine(voice="no-such-voice").synthesize("xin chào")
    with pytest.raises(EngineError):
        EspeakEngine().synthesize("   ")


# --- fake --------------------------------------------------------------------------------------


def test_fake_engine_is_deterministic_and_text_dependent() -> None:
    engine = FakeEngine()
    assert isinstance(engine, Engine)
    assert engine.synthesize("a b") == engine.synthesize("a b")
    assert engine.synthesize("a b") != engine.synthesize("a c")
    with pytest.raises(EngineError):
        FakeEngine(fail_on="bão").synthesize("tin bão")


# --- gTTS against a local endpoint ---------------------------------------------------------------


def test_gtts_posts_batchexecute_rpc_and_decodes_audio(mp3_audio: bytes) -> None:
    with translate_server(mp3_audio) as server:
        audio = GttsEngine(url=server.url, timeout=WAIT).synthesize("xin chào bà con")
    assert audio == mp3_audio
    assert server.requests == [("xin chào bà con", "vi")]


def test_gtts_long_text_is_sent_in_chunks_and_joined(mp3_audio: bytes) -> None:
    text = "bà con chú ý, " * 15  # > 100 characters: gTTS splits it
    with translate_server(mp3_audio) as server:
        audio = GttsEngine(url=server.url, timeout=WAIT).synthesize(text)
    assert len(server.requests) >= 2
    assert audio == mp3_audio * len(server.requests)


def test_gtts_hanging_server_fails_within_the_timeout(mp3_audio: bytes) -> None:
    sleeps: list[float] = []
    with translate_server(mp3_audio) as server:
        server.mode = "hang"
        engine = GttsEngine(url=server.url, timeout=0.5, retries=3, sleep=sleeps.append)
        started = time.monotonic()
        with pytest.raises(EngineError):
            engine.synthesize("xin chào")
        elapsed = time.monotonic() - started
    assert elapsed < 2.0  # the budget covers retries too


def test_gtts_retries_server_errors_with_backoff(mp3_audio: bytes) -> None:
    sleeps: list[float] = []
    with translate_server(mp3_audio) as server:
        server.mode = "status:503"
        engine = GttsEngine(url=server.url, timeout=WAIT, retries=2, backoff=0.25, sleep=sleeps.append)
        with pytest.raises(EngineError, match="HTTP 503"):
            engine.synthesize("xin chào")
    assert len(server.requests) == 3
    assert sleeps == [0.25, 0.5]


def test_gtts_does_not_retry_a_refusal_or_accept_garbage(mp3_audio: bytes) -> None:
    with translate_server(mp3_audio) as server:
        server.mode = "status:403"
        with pytest.raises(EngineError, match="HTTP 403"):
            GttsEngine(url=server.url, timeout=WAIT, sleep=lambda _s: None).synthesize("xin chào")
        assert len(server.requests) == 1
        server.mode = "garbage"
        with pytest.raises(EngineError, match="no audio"):
            GttsEngine(url=server.url, timeout=WAIT).synthesize("xin chào")


def test_gtts_unreachable_host_is_an_engine_error() -> None:
    with translate_server(b"") as server:
        url = server.url
    # The server is closed now: connection refused on loopback, retried, then reported.
    with pytest.raises(EngineError, match="transport"):
        GttsEngine(url=url, timeout=WAIT, retries=1, sleep=lambda _s: None).synthesize("xin chào")


# --- Piper -------------------------------------------------------------------------------------


def _real_piper_model() -> Path | None:
    model = os.environ.get("LOA_PIPER_MODEL")
    if not model or not Path(model).is_file():
        return None
    try:
        import piper  # type: ignore[import-not-found, unused-ignore]  # noqa: F401
    except ImportError:
        if shutil.which("piper") is None:
            return None
    return Path(model)


@pytest.mark.skipif(_real_piper_model() is None, reason="needs piper-tts and a voice model in LOA_PIPER_MODEL")
def test_real_piper_speaks() -> None:
    model = _real_piper_model()
    assert model is not None
    assert len(PiperEngine(model).synthesize("xin chào bà con")) > 1000


def test_piper_cli_contract_with_a_stub_executable(tmp_path: Path) -> None:
    """Only the command line we send (model, output file, text on stdin) — not real Piper."""
    model = tmp_path / "vi_VN-test-medium.onnx"
    model.write_bytes(b"not a real model")
    log = tmp_path / "args.txt"
    stub = tmp_path / "piper"
    stub.write_text(
        f"#!{sys.executable}\n"
        "import sys, wave\n"
        "args = sys.argv[1:]\n"
        f"open({str(log)!r}, 'w').write(repr(args) + '\\n' + sys.stdin.read())\n"
        "with wave.open(args[args.index('--output_file') + 1], 'wb') as w:\n"
        "    w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050); w.writeframes(bytes(4410))\n"
    )
    stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    engine = PiperEngine(model, executable=str(stub))
    wav = engine.synthesize("xin chào")
    assert engine.voice == "vi_VN-test-medium"
    assert read_pcm_wav(wav) == (bytes(4410), 22050)
    args, text = log.read_text().split("\n", 1)
    assert "--model" in args and str(model) in args
    assert text == "xin chào"


def test_piper_without_binary_or_model_is_an_engine_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EngineError, match="not found"):
        PiperEngine(tmp_path / "missing.onnx").synthesize("xin chào")
    model = tmp_path / "vi.onnx"
    model.write_bytes(b"x")
    with pytest.raises(EngineError, match="is installed"):
        PiperEngine(model).synthesize("xin chào")


# --- chain -------------------------------------------------------------------------------------


def test_build_chain_keeps_order_and_settings(tmp_path: Path) -> None:
    chain = build_chain("gtts, espeak,gtts", timeout=3.0, gtts_url="http://127.0.0.1:9/x")
    assert [e.name for e in chain] == ["gtts", "espeak"]
    gtts = chain[0]
    assert isinstance(gtts, GttsEngine)
    assert (gtts.url, gtts.timeout) == ("http://127.0.0.1:9/x", 3.0)
    assert [e.name for e in build_chain("piper,espeak")] == ["espeak"]  # no model: skipped
    piper = build_chain("piper,espeak", piper_model=tmp_path / "vi.onnx")[0]
    assert (piper.name, piper.voice) == ("piper", "vi")


def test_build_chain_rejects_unknown_or_empty() -> None:
    with pytest.raises(EngineConfigError, match="festival"):
        build_chain("festival")
    with pytest.raises(EngineConfigError):
        build_chain("piper")  # nothing usable left


def test_pipeline_speaks_through_gtts_mp3_and_falls_back_when_it_hangs(mp3_audio: bytes, tmp_path: Path) -> None:
    from tests.tts.fakes import identity, split_on_periods
    from tts.synth import synthesize_bulletin

    def say(text: str, engines: list[Engine], progress: list[float]) -> tuple[str, str, float]:
        started = time.monotonic()
        asset = synthesize_bulletin(
            text,
            media_dir=tmp_path,
            engines=engines,
            progress=progress.append,
            normalizer=identity,
            splitter=split_on_periods,
        )
        return asset.engine, asset.voice, time.monotonic() - started

    progress: list[float] = []
    with translate_server(mp3_audio) as server:
        gtts = GttsEngine(url=server.url, timeout=0.5, retries=1, sleep=lambda _s: None)
        assert say("Bà con chú ý. Chiều nay có mưa.", [gtts, FakeEngine()], [])[:2] == ("gtts", "vi")
        assert len(server.requests) == 2  # one per sentence; the MP3 parts are decoded and joined
        server.mode = "hang"
        engine, voice, seconds = say("Bà con chú ý. Sáng mai có mưa.", [gtts, FakeEngine()], progress)
    assert (engine, voice) == ("fake", "tone")
    assert seconds < 5.0
    assert progress == sorted(progress) and progress[-1] == 100.0
