"""Google Translate's TTS endpoint, with gTTS building the requests.

gTTS splits the text into <=100-character chunks and packages each as a ``batchexecute`` RPC;
we send those bodies ourselves with httpx so that the endpoint is configurable (``gtts_url``,
which tests point at a local fake), every call has a deadline (gTTS waits forever by default),
and transient failures are retried with backoff. Audio is returned as bytes, so nothing is
written to disk here: a failure can never leave the empty file ``gTTS.save`` leaves behind.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import time
from collections.abc import Callable

import httpx

from tts.engines.base import EngineError

log = logging.getLogger(__name__)

RPC_ID = "jQ1olc"
_AUDIO = re.compile(RPC_ID + r'","\[\\"(.*?)\\"]')  # the pattern gTTS itself uses
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


def default_url(tld: str = "com") -> str:
    return f"https://translate.google.{tld}/_/TranslateWebserverUi/data/batchexecute"


class GttsEngine:
    """gTTS (network). ``timeout`` is the whole budget of one ``synthesize`` call, retries included."""

    name = "gtts"

    def __init__(
        self,
        *,
        lang: str = "vi",
        url: str | None = None,
        timeout: float = 20.0,
        retries: int = 2,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.voice = lang
        self.url = url or default_url()
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep  # injectable: tests never really wait

    def _bodies(self, text: str) -> list[str]:
        from gtts import gTTS

        try:
            # lang_check=False: the language table lookup is not needed and may touch the network.
            bodies = gTTS(text, lang=self.voice, lang_check=False).get_bodies()
        except (AssertionError, ValueError) as exc:  # gTTS asserts on text with nothing to speak
            raise EngineError(self.name, f"nothing to speak: {exc}") from exc
        return [b if isinstance(b, str) else b.decode() for b in bodies]

    def synthesize(self, text: str) -> bytes:
        from gtts import gTTS

        deadline = time.monotonic() + self.timeout
        # gTTS's own headers (browser User-Agent, form content type): the endpoint expects them.
        # Unlike gTTS we keep TLS verification on.
        headers = dict(gTTS.GOOGLE_TTS_HEADERS)
        with httpx.Client(headers=headers, follow_redirects=False) as client:
            return b"".join(self._chunk(client, body, deadline) for body in self._bodies(text))

    def _chunk(self, client: httpx.Client, body: str, deadline: float) -> bytes:
        attempt = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise EngineError(self.name, f"no answer within {self.timeout:g}s")
            try:
                return self._post(client, body, deadline, remaining)
            except _Retryable as exc:
                wait = self.backoff * 2**attempt
                if attempt >= self.retries or time.monotonic() + wait >= deadline:
                    raise EngineError(self.name, str(exc)) from exc
                log.warning("gtts attempt %d failed (%s); retrying in %.1fs", attempt + 1, exc, wait)
                self._sleep(wait)
                attempt += 1

    def _post(self, client: httpx.Client, body: str, deadline: float, remaining: float) -> bytes:
        try:
            with client.stream("POST", self.url, content=body.encode(), timeout=remaining) as response:
                if response.status_code in RETRY_STATUS:
                    raise _Retryable(f"HTTP {response.status_code}")
                if response.status_code != 200:
                    raise EngineError(self.name, f"HTTP {response.status_code}")
                payload = bytearray()
                for part in response.iter_bytes():
                    payload.extend(part)
                    if time.monotonic() > deadline:  # a server trickling bytes must not stall us
                        raise _Retryable("response too slow")
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timeout: {exc!r}") from exc
        except httpx.TransportError as exc:
            raise _Retryable(f"transport error: {exc!r}") from exc
        return self._audio(bytes(payload))

    def _audio(self, payload: bytes) -> bytes:
        for line in payload.decode("utf-8", "replace").splitlines():
            match = _AUDIO.search(line)
            if match:
                try:
                    audio = base64.b64decode(match.group(1), validate=True)
                except binascii.Error as exc:
                    raise EngineError(self.name, "malformed audio in response") from exc
                if audio:
                    return audio
        raise EngineError(self.name, "no audio in response")


class _Retryable(Exception):
    """A failure worth another attempt (timeout, connection, 429/5xx)."""
