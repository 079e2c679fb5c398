"""The ffmpeg builds upload validation must behave the same with (``LOA_FFMPEG``): imageio-ffmpeg's
bundled binary, Debian's ``/usr/bin/ffmpeg`` (required in CI), and the bundled binary behind a
wrapper that rewrites its error messages, standing for any build whose words differ."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.services import unavailable

DEBIAN_FFMPEG = Path("/usr/bin/ffmpeg")
BUILDS = ("bundled", "debian", "reworded")

# Every phrase the old classifier matched, and the one ffmpeg prints for garbage input.
_REWORDED = """#!{python}
import subprocess, sys
proc = subprocess.run([{real!r}, *sys.argv[1:]], stderr=subprocess.PIPE)
text = proc.stderr.decode("utf-8", "replace")
for old in ("Error opening input", "matches no streams", "does not contain any stream",
            "Format not on whitelist", "Invalid data found when processing input", "Error"):
    text = text.replace(old, "Lỗi khác")
sys.stderr.write(text)
sys.exit(proc.returncode)
"""


def reworded_ffmpeg(folder: Path, real: str) -> Path:
    """An executable named ``ffmpeg`` in ``folder`` that runs ``real`` with its errors reworded."""
    folder.mkdir(parents=True, exist_ok=True)
    wrapper = folder / "ffmpeg"
    wrapper.write_text(_REWORDED.format(python=sys.executable, real=real))
    wrapper.chmod(0o755)
    return wrapper


def use_build(build: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point ``LOA_FFMPEG`` at ``build``; returns the path in use."""
    import imageio_ffmpeg

    bundled = str(imageio_ffmpeg.get_ffmpeg_exe())
    if build == "bundled":
        path = bundled
    elif build == "debian":
        if not os.access(DEBIAN_FFMPEG, os.X_OK):
            unavailable("Debian's ffmpeg is not installed (apt-get install ffmpeg)")
        path = str(DEBIAN_FFMPEG)
    else:
        path = str(reworded_ffmpeg(tmp_path / "reworded", bundled))
    monkeypatch.setenv("LOA_FFMPEG", path)
    return path
