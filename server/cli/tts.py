"""`loa tts normalize [--area CODE] [TEXT]` and `loa tts say TEXT -o FILE.mp3 [--engine NAME] [--reads N] [--gap S]`."""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from server.cli._common import add_command


def register(sub: Any) -> None:
    parser = add_command(sub, "tts", "giọng đọc: chuẩn hoá văn bản, tạo tệp MP3")
    tts_sub = parser.add_subparsers(dest="tts_command", required=True, metavar="ACTION")

    normalize = add_command(tts_sub, "normalize", "in dạng đọc của văn bản (không có TEXT: đọc từng dòng stdin)")
    normalize.add_argument("text", nargs="?", help="văn bản; bỏ trống để đọc stdin")
    normalize.add_argument("--area", help="áp dụng từ điển phát âm của địa bàn này (và các cấp trên)")
    normalize.set_defaults(func=_normalize)

    say = add_command(tts_sub, "say", "đọc văn bản thành tệp MP3 đã xử lý âm lượng")
    say.add_argument("text", help="văn bản cần đọc")
    say.add_argument("-o", "--output", required=True, type=Path, help="tệp MP3 đầu ra")
    say.add_argument("--engine", help="bộ đọc hoặc chuỗi dự phòng, ví dụ gtts,espeak (mặc định: LOA_TTS_ENGINES)")
    say.add_argument("--reads", type=int, default=1, choices=(1, 2, 3), help="số lần đọc mỗi lượt phát")
    say.add_argument("--gap", type=float, default=2.0, help="giây nghỉ giữa các lần đọc (mặc định 2)")
    say.set_defaults(func=_say)


def _normalize(args: argparse.Namespace) -> int:
    from tts.normalize import normalize

    read: Callable[[str], str] = normalize
    if args.area:  # imported only when asked for: tests swap the normalizer module for a fake
        from tts.normalize.lexicon import Lexicon

        read = functools.partial(normalize, lexicon=Lexicon(_area_lexicon(args.area)))

    if args.text is not None:
        _emit(read(args.text), 1)
        return 0
    for number, line in enumerate(sys.stdin, start=1):
        _emit(read(line.rstrip("\r\n")), number)
    return 0


def _area_lexicon(code: str) -> dict[str, str]:
    """The lexicon a bulletin of `code` is read with (the area's entries and its ancestors')."""
    from sqlmodel import Session

    from server.bootstrap import prepare
    from server.services.areas import load_tree
    from server.services.lexicon import effective_entries
    from server.settings import get_settings

    engine = prepare(get_settings())
    with Session(engine) as session:
        return {e.term: e.reading for e in effective_entries(session, load_tree(engine), code)}


def _emit(spoken: str, line_number: int) -> None:
    """One output line per input line; an empty reading keeps its place and is reported."""
    spoken = " ".join(spoken.split())
    if not spoken:
        print(f"Cảnh báo: dòng {line_number} không còn chữ nào để đọc sau khi chuẩn hoá.", file=sys.stderr)
    print(spoken, flush=True)


def _say(args: argparse.Namespace) -> int:
    from server.services.synthesis import engine_chain
    from server.settings import get_settings
    from tts.audio import AudioError, FFmpegError
    from tts.engines import EngineConfigError
    from tts.synth import synthesize_bulletin

    settings = get_settings()
    output: Path = args.output
    if not output.parent.is_dir():
        print(f"Lỗi: thư mục {output.parent} không tồn tại.", file=sys.stderr)
        return 2
    if not 0 <= args.gap <= 30:
        print("Lỗi: --gap phải từ 0 đến 30 giây.", file=sys.stderr)
        return 2
    try:
        engines = engine_chain(settings, args.engine)
        asset = synthesize_bulletin(
            args.text,
            media_dir=settings.media_dir,
            engines=engines,
            reads_per_play=args.reads,
            gap_seconds=args.gap,
        )
    except (EngineConfigError, AudioError) as exc:
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return 2
    except FFmpegError as exc:  # a broken or too old ffmpeg: say so, keep the detail for the admin
        print(f"Lỗi: ffmpeg không xử lý được âm thanh ({exc}).", file=sys.stderr)
        return 2
    _copy_atomically(asset.path, output)
    seconds = f"{asset.duration_ms / 1000:.1f}".replace(".", ",")
    voice = f"{asset.engine}/{asset.voice}" if asset.voice else asset.engine
    print(f"Đã tạo {output}: {seconds} giây, bộ đọc {voice}, sha256 {asset.sha256}.")
    return 0


def _copy_atomically(src: Path, dst: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o644)  # mkstemp made it private; the result is an ordinary user file
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
