"""FPT.AI's Vietnamese text-to-speech (v5), the production voice for connected deployments.

The API is asynchronous: ``POST {url}/hmi/tts/v5`` with the text as the body and the key, voice
and speed as headers answers at once with ``{"error": 0, "async": <mp3 url>, ...}``; the MP3 at
that URL answers 404 until it is ready. We poll it within the engine's whole time budget
(``timeout``, retries included), retry transient failures (timeouts, 429, 5xx) with backoff, and
raise ``EngineError`` for everything else so the chain falls back to the offline voice. The key
travels only in the request header: it is never logged, and the audio URL must be http(s).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from tts.engines.base import EngineError

log = logging.getLogger(__name__)

DEFAULT_URL = "https://api.fpt.ai"
VOICES = ("banmai", "leminh", "thuminh", "giahuy", "myan", "lannhi", "linhsan", "minhquang")
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_AUDIO_BYTES = 20 * 1024 * 1024


class FptEngine:
    """FPT.AI TTS v5. ``speed`` is FPT's −3…3; ``timeout`` bounds one ``synthesize`` call."""

    name = "fpt"

    def __init__(
        self,
        api_key: str,
        *,
        url: str = DEFAULT_URL,
        voice: str = "banmai",
        speed: int = 0,
        timeout: float = 20.0,
        poll_interval: float = 0.5,
        retries: int = 2,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not api_key:
            raise ValueError("FPT.AI needs an API key (LOA_FPT_API_KEY)")
        self.api_key = api_key
        self.endpoint = url.rstrip("/") + "/hmi/tts/v5"
        self.voice = voice
        self.speed = max(-3, min(3, speed))
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep  # injectable: tests never really wait
        self._clock = clock
        self.cache_tag = f"speed{self.speed}"

    def __repr__(self) -> str:  # never the key
        return f"FptEngine(voice={self.voice!r}, endpoint={self.endpoint!r})"

    def synthesize(self, text: str) -> bytes:
        if not text.strip():
            raise EngineError(self.name, "empty text")
        deadline = self._clock() + self.timeout
        with httpx.Client(follow_redirects=False) as client:
            audio_url = self._request(client, text, deadline)
            return self._fetch(client, audio_url, deadline)

    # -- the request ------------------------------------------------------------------------------
    def _request(self, client: httpx.Client, text: str, deadline: float) -> str:
        headers = {"api-key": self.api_key, "voice": self.voice, "speed": str(self.speed)}
        attempt = 0
        while True:
            try:
                response = client.post(self.endpoint, content=text.encode("utf-8"), headers=headers,
                                       timeout=self._remaining(deadline))
                if response.status_code in RETRY_STATUS:
                    raise _Retryable(f"HTTP {response.status_code}")
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                error: Exception = _Retryable(type(exc).__name__)
            except _Retryable as exc:
                error = exc
            else:
                return self._audio_url(response)
            attempt += 1
            wait = self.backoff * 2 ** (attempt - 1)
            if attempt > self.retries or self._clock() + wait >= deadline:
                raise EngineError(self.name, f"request failed: {error}")
            log.warning("fpt attempt %d failed (%s); retrying in %.1fs", attempt, error, wait)
            self._sleep(wait)

    def _audio_url(self, response: httpx.Response) -> str:
        if response.status_code != 200:
            raise EngineError(self.name, f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise EngineError(self.name, "answer is not JSON") from exc
        if not isinstance(body, dict) or body.get("error") != 0:
            message = str(body.get("message", ""))[:200] if isinstance(body, dict) else ""
            raise EngineError(self.name, f"refused: {message or 'unknown error'}")
        url = body.get("async")
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            raise EngineError(self.name, "answer has no audio URL")
        return url

    # -- the audio --------------------------------------------------------------------------------
    def _fetch(self, client: httpx.Client, url: str, deadline: float) -> bytes:
        """Poll the async URL: 404 means "not yet"; give up at the deadline."""
        while True:
            status: int | None = None
            try:
                response = client.get(url, timeout=self._remaining(deadline))
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                log.warning("fpt audio poll failed (%s)", type(exc).__name__)
            else:
                status = response.status_code
                if status == 200:
                    return self._checked(response.content)
            if status is not None and status not in (404, *RETRY_STATUS):
                raise EngineError(self.name, f"audio HTTP {status}")
            if self._clock() + self.poll_interval >= deadline:
                raise EngineError(self.name, f"audio not ready within {self.timeout:g}s")
            self._sleep(self.poll_interval)

    def _checked(self, audio: bytes) -> bytes:
        if not audio or len(audio) > MAX_AUDIO_BYTES:
            raise EngineError(self.name, f"audio of {len(audio)} bytes")
        # An MP3 starts with an ID3 tag or a frame sync; anything else (an HTML error page) is not audio.
        if not (audio.startswith(b"ID3") or (audio[0] == 0xFF and audio[1] & 0xE0 == 0xE0)):
            raise EngineError(self.name, "audio URL did not return MP3")
        return audio

    def _remaining(self, deadline: float) -> float:
        remaining = deadline - self._clock()
        if remaining <= 0:
            raise EngineError(self.name, f"no answer within {self.timeout:g}s")
        return remaining


class _Retryable(Exception):
    """A failure worth another attempt (timeout, connection, 429/5xx)."""
