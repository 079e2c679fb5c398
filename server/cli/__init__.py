"""The `loa` command. Each module in this package registers its own sub-commands.

A command module defines ``register(sub)`` where ``sub`` is the argparse sub-parser action;
it adds parsers and sets ``func=`` to a callable taking the parsed namespace and returning an
exit code. Officer-facing messages are Vietnamese; logs are English.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from server.errors import LoaError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loa", description="Loa — lập lịch phát thanh cơ sở")
    parser.add_argument(
        "--data-dir",
        help="thư mục dữ liệu (SQLite, media, khoá, broker); mặc định ./var hoặc LOA_DATA_DIR",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "data_dir", None):
        os.environ["LOA_DATA_DIR"] = args.data_dir
        from server.settings import get_settings

        get_settings.cache_clear()
    try:
        code = args.func(args)
    except LoaError as exc:
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
