"""Docs that stay true: every setting and every CLI command is documented."""

from __future__ import annotations

import argparse
from pathlib import Path

from server.cli import build_parser
from server.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(parser: argparse.ArgumentParser, prefix: str = "loa") -> list[str]:
    out: list[str] = []
    for action in parser._actions:  # argparse has no public API for sub-parsers
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = _commands(sub, f"{prefix} {name}")
                out.extend(nested or [f"{prefix} {name}"])
    return out


def test_every_setting_is_documented() -> None:
    missing = [f"LOA_{name.upper()}" for name in Settings.model_fields if f"LOA_{name.upper()}" not in DOCS]
    assert missing == []


def test_every_command_is_documented_in_readme_and_docs() -> None:
    commands = _commands(build_parser())
    assert "loa sim" in commands and "loa bench" in commands
    assert [c for c in commands if f"`{c}" not in DOCS] == []
    assert [c for c in commands if f"`{c}" not in README] == []


def test_readme_gives_exactly_the_two_setup_commands() -> None:
    block = README.split("## Two commands", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == ["make run", "make test"]
