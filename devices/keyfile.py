"""Secrets created once, atomically, however many processes start at the same moment."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def read_or_create(path: Path, make: Callable[[], bytes]) -> bytes:
    """The file's bytes; when absent, ``make()``'s bytes written with mode 0600.

    Written to a private temporary file and hard-linked into place: the link fails if another
    replica won the race, and then its secret is read. Nobody ever reads a half-written file.
    """
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(make())
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process won: theirs is the secret
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
    return path.read_bytes()
