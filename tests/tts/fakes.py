"""Test doubles for the TTS package: a counting engine, a local fake of Google's TTS endpoint,
and small audio files made with ffmpeg."""

from __future__ import annotations

import base64
import json
import re
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tts.audio import run_ffmpeg
from tts.engines import EngineError, FakeEngine

WAIT = 10.0  # upper bound for any wait in these tests; normal runs never reach it


def identity(text: str) -> str:
    return text


def split_on_periods(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?])\s+", text) if part]


class CountingEngine:
    """A FakeEngine that counts calls, can hold every call at a gate, or fail at call N."""

    def __init__(self, name: str = "fake", voice: str = "tone", *, fail_at_call: int | None = None) -> None:
        self.name = name
        self.voice = voice
        self.calls = 0
        self.fail_at_call = fail_at_call
        self.started = threading.Event()
        self.gate = threading.Event()
        self.gate.set()
        self._inner = FakeEngine(voice)
        self._lock = threading.Lock()

    def synthesize(self, text: str) -> bytes:
        with self._lock:
            self.calls += 1
            call = self.calls
        self.started.set()
        if not self.gate.wait(WAIT):
            raise EngineError(self.name, "gate never opened")
        if self.fail_at_call is not None and call >= self.fail_at_call:
            raise EngineError(self.name, f"scripted failure at call {call}")
        return self._inner.synthesize(text)


def make_audio(path: Path, *, seconds: float = 2.0, codec_args: tuple[str, ...] = (), freq: int = 440) -> Path:
    """A sine with a little level movement (speech-like gating), encoded by ``codec_args``."""
    source = f"aevalsrc=0.3*sin(2*PI*{freq}*t)*(0.6+0.4*sin(2*PI*3*t)):s=44100:d={seconds}"
    run_ffmpeg(["-f", "lavfi", "-i", source, *codec_args, str(path)])
    return path


@dataclass
class TranslateServer:
    """What the fake endpoint answers: ``mode`` is ok, hang, status:<code> or garbage."""

    url: str
    mode: str = "ok"
    audio: bytes = b""
    requests: list[tuple[str, str]] = field(default_factory=list)  # (text, lang) per request
    release: threading.Event = field(default_factory=threading.Event)


def _rpc_answer(audio: bytes) -> bytes:
    inner = json.dumps([base64.b64encode(audio).decode()], separators=(",", ":"))
    envelope = json.dumps([["wrb.fr", "jQ1olc", inner, None, None, None, "generic"], ["di", 42]], separators=(",", ":"))
    return f')]}}\'\n\n{len(envelope)}\n{envelope}\n25\n[["e",4,null,null,97]]\n'.encode()


@contextmanager
def translate_server(audio: bytes) -> Iterator[TranslateServer]:
    """A threaded HTTP server on 127.0.0.1 speaking the batchexecute protocol gTTS uses."""
    state = TranslateServer(url="", audio=audio)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            rpc = json.loads(urllib.parse.parse_qs(body)["f.req"][0])
            text, lang = json.loads(rpc[0][0][1])[:2]
            state.requests.append((text, lang))
            if state.mode == "hang":
                state.release.wait(WAIT)  # until the test ends: the client must give up first
                return
            if state.mode.startswith("status:"):
                self.send_error(int(state.mode.split(":")[1]))
                return
            payload = b"<html>not an rpc answer</html>" if state.mode == "garbage" else _rpc_answer(state.audio)
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            pass

    with serving(Handler, state.release) as base:
        state.url = f"{base}/_/TranslateWebserverUi/data/batchexecute"
        yield state


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], release: threading.Event) -> Iterator[str]:
    """A threaded HTTP server on a free loopback port, for fakes of online services; yields its
    base URL. ``release`` is set before shutdown so handlers told to hang let go."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    # A short poll interval: shutdown() waits for the serve loop to notice it.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(WAIT)
