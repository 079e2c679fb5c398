"""Helpers shared by command modules."""

from __future__ import annotations

import argparse
from typing import Any


def add_command(sub: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    """A sub-command parser that also accepts ``--data-dir`` after the command name."""
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument("--data-dir", default=argparse.SUPPRESS, help="thư mục dữ liệu (mặc định ./var)")
    return parser
