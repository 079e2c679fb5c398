"""Content-addressed audio cache.

Mastered files are stored as ``{media_dir}/{sha256 of the file}.mp3``, the name devices fetch
and verify. A cache key (a sha256 over everything that shapes the audio: spoken text, engine
and voice, mastering settings) maps to that file through one small JSON record per key in
``{media_dir}/.index/``; one file per key means concurrent writers never rewrite a shared index.
Every file appears atomically (temporary name, then ``os.replace``), so readers never see a
half-written or empty file. Within a process, a per-key lock makes concurrent requests for one
key synthesize it once; across processes the worst case is duplicate work with identical results.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from tts.audio import atomic_write, make_work_dir

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AudioAsset:
    sha256: str
    size: int
    duration_ms: int
    engine: str
    voice: str
    path: Path


def cache_key(**parts: object) -> str:
    """sha256 over a canonical JSON form of ``parts`` (order-independent, UTF-8)."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as src:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


_guard = threading.Lock()
_key_locks: dict[tuple[str, str], tuple[threading.Lock, int]] = {}  # lock and number of holders/waiters


class AudioCache:
    def __init__(self, media_dir: Path) -> None:
        self.media_dir = Path(media_dir)
        self.index_dir = self.media_dir / ".index"

    def media_path(self, sha256: str) -> Path:
        return self.media_dir / f"{sha256}.mp3"

    def get(self, key: str) -> AudioAsset | None:
        """The asset recorded under ``key`` if its file is still there with the recorded size."""
        try:
            entry = json.loads((self.index_dir / f"{key}.json").read_text())
            path = self.media_path(entry["sha256"])
            if path.stat().st_size != entry["size"]:
                log.warning("cache entry %s points at a file of the wrong size; ignoring it", key)
                return None
            return AudioAsset(
                sha256=entry["sha256"],
                size=entry["size"],
                duration_ms=entry["duration_ms"],
                engine=entry["engine"],
                voice=entry["voice"],
                path=path,
            )
        except (FileNotFoundError, KeyError, ValueError, TypeError):
            return None

    def put(self, key: str, mp3: Path, *, duration_ms: int, engine: str, voice: str) -> AudioAsset:
        """Move a finished ``mp3`` (on the same filesystem) to its content address; record ``key``."""
        size = mp3.stat().st_size
        if size == 0:
            raise ValueError(f"refusing to cache an empty file: {mp3}")
        sha256 = file_sha256(mp3)
        target = self.media_path(sha256)
        os.replace(mp3, target)  # same name means same bytes: replacing an existing copy is harmless
        asset = AudioAsset(sha256, size, duration_ms, engine, voice, target)
        record = {k: v for k, v in asdict(asset).items() if k != "path"}
        self.index_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(self.index_dir / f"{key}.json", json.dumps(record, sort_keys=True).encode())
        return asset

    @contextmanager
    def work_dir(self) -> Iterator[Path]:
        """A private scratch directory under ``media_dir``, removed afterwards whatever happens."""
        work = make_work_dir(self.media_dir)
        try:
            yield work
        finally:
            shutil.rmtree(work, ignore_errors=True)

    @contextmanager
    def locked(self, key: str) -> Iterator[None]:
        """Hold the in-process lock for ``key`` (shared by every AudioCache on this media_dir)."""
        slot = (str(self.media_dir.resolve()), key)
        with _guard:
            lock, users = _key_locks.get(slot, (threading.Lock(), 0))
            _key_locks[slot] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with _guard:
                lock, users = _key_locks[slot]
                if users == 1:
                    del _key_locks[slot]
                else:
                    _key_locks[slot] = (lock, users - 1)
