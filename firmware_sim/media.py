"""Content-addressed media cache shared by every simulated device of a process.

``{sha256}.mp3`` files are verified before they count as ready; a download goes to
``{sha256}.part`` first and resumes from its size with an HTTP Range request after a failure.
Concurrent requests for the same sha share one download (single flight): a thousand devices
that need the same bulletin cause one GET. A file whose bytes do not hash to its name is
deleted and reported as failed, never served to a player.

A device with a ``corrupt`` fault downloads on its own instead (bytes flipped in transit), so
the fault hits that device only and never poisons the shared cache.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import BinaryIO

from firmware_sim.transport import Auth, HttpApi, HttpError

Pace = Callable[[], Awaitable[None]]  # awaited after every chunk (slow-link fault)


class DownloadError(Exception):
    """The download did not complete (network); the partial file is kept for a resume."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class MediaCache:
    def __init__(self, directory: Path, http: HttpApi) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.http = http
        self._ready: set[str] = set()
        self._checked: set[str] = set()  # files found on disk, verified once per process
        self._inflight: dict[str, asyncio.Task[bool]] = {}
        self.downloads = 0  # completed GET sequences (verified or not)
        self.bytes_downloaded = 0
        self.verify_failures = 0

    def path(self, sha: str) -> Path:
        return self.directory / f"{sha}.mp3"

    def is_ready(self, sha: str) -> bool:
        if sha in self._ready:
            return True
        if sha in self._checked:
            return False
        self._checked.add(sha)
        final = self.path(sha)
        if final.exists():  # left by an earlier run: trust it only once it hashes right
            if sha256_file(final) == sha:
                self._ready.add(sha)
                return True
            final.unlink(missing_ok=True)
        return False

    @property
    def ready_count(self) -> int:
        return len(self._ready)

    async def ensure(self, sha: str, path: str, auth: Auth, *, pace: Pace | None = None) -> bool:
        """True when ``sha`` is in the cache and verified; False when the bytes the server sent
        do not match (the caller logs the item failed); ``DownloadError`` on network trouble."""
        if self.is_ready(sha):
            return True
        task = self._inflight.get(sha)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._download(sha, path, auth, pace))
            self._inflight[sha] = task
            task.add_done_callback(lambda done: self._finished(sha, done))
        return await asyncio.shield(task)  # a device powered off mid-wait leaves the download be

    def _finished(self, sha: str, task: asyncio.Task[bool]) -> None:
        self._inflight.pop(sha, None)
        if not task.cancelled():
            task.exception()  # retrieved here: every waiter may have gone (power loss)

    async def _download(self, sha: str, path: str, auth: Auth, pace: Pace | None) -> bool:
        part = self.directory / f"{sha}.part"
        start = part.stat().st_size if part.exists() else 0
        with part.open("r+b" if start else "wb") as fh:
            fh.seek(start)
            try:
                await self.http.fetch_media(path, auth, start, _sink(fh, pace, self))
            except HttpError as exc:
                raise DownloadError(str(exc)) from exc
        self.downloads += 1
        if sha256_file(part) != sha:
            part.unlink(missing_ok=True)
            self.verify_failures += 1
            return False
        os.replace(part, self.path(sha))
        self._ready.add(sha)
        return True

    async def download_corrupted(self, sha: str, path: str, auth: Auth, *, pace: Pace | None = None) -> bool:
        """A private download with one byte flipped: what a device with a corrupt link gets.
        Always False (the sha256 check fails); nothing is written to the shared cache."""
        data = bytearray()

        async def sink(offset: int, chunk: bytes) -> None:
            del data[offset:]
            data.extend(chunk)
            if pace is not None:
                await pace()

        try:
            await self.http.fetch_media(path, auth, 0, sink)
        except HttpError as exc:
            raise DownloadError(str(exc)) from exc
        if data:
            data[len(data) // 2] ^= 0xFF
        else:
            data.extend(b"\0")
        self.downloads += 1
        self.verify_failures += 1
        return hashlib.sha256(data).hexdigest() == sha

    async def aclose(self) -> None:
        for task in list(self._inflight.values()):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, DownloadError, HttpError):
                await task


def _sink(fh: BinaryIO, pace: Pace | None, cache: MediaCache) -> Callable[[int, bytes], Awaitable[None]]:
    async def write(offset: int, chunk: bytes) -> None:
        if fh.tell() != offset:  # the server ignored the Range header: start over
            fh.seek(offset)
            fh.truncate()
        fh.write(chunk)
        cache.bytes_downloaded += len(chunk)
        if pace is not None:
            await pace()

    return write
