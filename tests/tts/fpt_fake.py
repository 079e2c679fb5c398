"""A local fake of FPT.AI's TTS v5 API: POST the text, then poll an async MP3 URL (404 until ready)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.tts.fakes import serving

WAIT = 10.0  # how long a hanging handler holds at most
API_KEY = "test-key-not-secret"


@dataclass
class FptServer:
    """``mode``: ok, refuse, hang, status:<code>; the first ``failures`` POSTs answer 503;
    the audio answers 404 ``not_ready`` times (``None``: never ready), then ``audio``."""

    url: str
    audio: bytes
    mode: str = "ok"
    failures: int = 0
    not_ready: int | None = 0
    audio_body: bytes | None = None
    requests: list[dict[str, str]] = field(default_factory=list)
    polls: int = 0
    release: threading.Event = field(default_factory=threading.Event)


@contextmanager
def fpt_server(audio: bytes) -> Iterator[FptServer]:
    state = FptServer(url="", audio=audio)

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            text = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            state.requests.append({"text": text, "voice": self.headers.get("voice", ""),
                                   "speed": self.headers.get("speed", ""), "key": self.headers.get("api-key", "")})
            if self.path != "/hmi/tts/v5":
                self._send(404, b"{}")
            elif self.headers.get("api-key") != API_KEY:
                self._send(401, json.dumps({"message": "Invalid API key"}).encode())
            elif state.mode == "hang":
                state.release.wait(WAIT)
            elif state.failures > 0:
                state.failures -= 1
                self._send(503, b"{}")
            elif state.mode == "refuse":
                self._send(200, json.dumps({"error": 1, "message": "Nội dung không hợp lệ"}).encode())
            else:
                n = len(state.requests)
                answer = {"async": f"{state.url}/audio/{n}.mp3", "error": 0, "request_id": f"r{n}",
                          "message": "The content will be returned after a few seconds under the async link."}
                self._send(200, json.dumps(answer).encode())

        def do_GET(self) -> None:
            state.polls += 1
            if state.not_ready is None or state.polls <= state.not_ready:
                self._send(404, b"<html>not found</html>", "text/html")
            else:
                self._send(200, state.audio_body if state.audio_body is not None else state.audio, "audio/mpeg")

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serving(Handler, state.release) as base:
        state.url = base
        yield state
