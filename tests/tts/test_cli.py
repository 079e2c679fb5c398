"""`loa tts normalize` and `loa tts say`, including the offline acceptance check on real eSpeak audio."""

from __future__ import annotations

import io
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from server.cli import main
from server.settings import get_settings
from tts.audio import decode_stats, measure_loudness, run_ffmpeg

ACCEPTANCE_TEXT = (
    "Thực hiện Chỉ thị số 07/CT-TTg ngày 21/3/2023 của Thủ tướng Chính phủ, UBND xã thông báo: "
    "từ 7h30 đến 11h00 ngày 15/12/2024 tiêm phòng cho 1.250 con gia súc tại thôn 3. "
    "Liên hệ 0912 345 678."
)


@dataclass(frozen=True)
class Said:
    code: int
    out: str
    err: str
    path: Path
    data_dir: Path


def _run(argv: list[str], capsys: pytest.CaptureFixture[str] | None = None) -> tuple[int, str, str]:
    code = main(argv)
    if capsys is None:
        return code, "", ""
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def offline_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data dir and an eSpeak-only engine list, whatever the caller's environment says."""
    data_dir = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOA_DATA_DIR", str(data_dir))
        patch.setenv("LOA_TTS_ENGINES", "espeak")
        patch.delenv("LOA_GTTS_URL", raising=False)
        get_settings.cache_clear()
        yield data_dir
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def said(offline_env: Path, tmp_path_factory: pytest.TempPathFactory) -> Said:
    """The acceptance sentence spoken once for the whole module (real eSpeak, real mastering)."""
    out = tmp_path_factory.mktemp("out") / "x.mp3"
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdout", stdout)
        patch.setattr(sys, "stderr", stderr)
        code = main(["--data-dir", str(offline_env), "tts", "say", ACCEPTANCE_TEXT, "-o", str(out)])
    return Said(code, stdout.getvalue(), stderr.getvalue(), out, offline_env)


def test_say_makes_a_mastered_mono_mp3_offline(said: Said) -> None:
    assert said.code == 0, said.err
    assert "Đã tạo" in said.out and "espeak/vi" in said.out
    description = run_ffmpeg(["-i", str(said.path), "-f", "null", "-"])
    assert re.search(r"Audio: mp3\b.*, 44100 Hz, mono,", description)
    lufs, true_peak = measure_loudness(said.path)
    assert -17.0 <= lufs <= -15.0
    assert true_peak <= -1.0
    stats = decode_stats(said.path, sample_rate=44100)
    assert stats.duration_ms > 10_000  # chimes plus a long sentence; the number is in the cache index


@pytest.fixture
def data_dir(offline_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The module's data dir for one test (the root conftest clears LOA_* around every test)."""
    monkeypatch.setenv("LOA_DATA_DIR", str(offline_env))
    return offline_env


def test_say_again_reuses_the_cached_audio(
    said: Said, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    again = tmp_path / "again.mp3"
    before = sorted((data_dir / "media").glob("*.mp3"))
    code, out, _err = _run(["--data-dir", str(data_dir), "tts", "say", ACCEPTANCE_TEXT, "-o", str(again)], capsys)
    assert code == 0
    assert again.read_bytes() == said.path.read_bytes()
    assert out.startswith(f"Đã tạo {again}")
    assert sorted((data_dir / "media").glob("*.mp3")) == before


def test_say_with_fake_engine_and_reads(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "two.mp3"
    argv = ["tts", "say", "Bà con chú ý.", "-o", str(out), "--engine", "fake", "--reads", "2", "--gap", "1"]
    code, stdout, _ = _run(argv, capsys)
    assert code == 0
    assert "bộ đọc fake/tone" in stdout
    assert out.stat().st_size > 0


def test_say_reports_errors_in_vietnamese(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["tts", "say", "xin chào", "-o", str(tmp_path / "x.mp3"), "--engine", "festival"], capsys)
    assert code == 2 and "Không có bộ đọc 'festival'" in err
    code, _, err = _run(["tts", "say", "xin chào", "-o", str(tmp_path / "missing" / "x.mp3")], capsys)
    assert code == 2 and "không tồn tại" in err
    with pytest.raises(SystemExit):
        main(["tts", "say", "xin chào", "-o", str(tmp_path / "x.mp3"), "--reads", "4"])
    assert not (tmp_path / "x.mp3").exists()


@pytest.fixture
def fake_normalize(monkeypatch: pytest.MonkeyPatch) -> None:
    """Readings are another module's business: replace them with something predictable."""

    def normalize(text: str) -> str:
        return " ".join(word.lower() for word in text.split() if word.isalpha())

    module = types.ModuleType("tts.normalize")
    module.normalize = normalize  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tts.normalize", module)


@pytest.mark.usefixtures("fake_normalize")
def test_normalize_text_argument(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["tts", "normalize", "Xin Chào 123"], capsys) == (0, "xin chào\n", "")


@pytest.mark.usefixtures("fake_normalize")
def test_normalize_stdin_one_line_out_per_line_in(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("Bà Con\n123 !!!\nChú Ý\r\n"))
    code, out, err = _run(["tts", "normalize"], capsys)
    assert code == 0
    assert out == "bà con\n\nchú ý\n"
    assert "dòng 2" in err and err.count("\n") == 1


def test_normalize_uses_the_real_normalizer(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["tts", "normalize", "Thôn 3"], capsys)
    assert code == 0
    assert out.strip() and not re.search(r"\d", out)
