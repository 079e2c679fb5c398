"""Architecture rules (DESIGN.md §2): dependencies point one way, modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("server", "devices", "tts", "playlists", "firmware_sim", "bench")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module in PACKAGES:  # `from devices import protocol` names a module
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
            else:
                names.add(node.module)
    return names


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_card_layout_exists() -> None:
    for name in ("server", "devices", "tts", "playlists", "firmware_sim", "tests", "bench", "docs"):
        assert (ROOT / name).is_dir(), name
    for name in ("docker-compose.yml", "pyproject.toml", "Makefile", "README.md", ".ci/run"):
        assert (ROOT / name).is_file(), name


@pytest.mark.parametrize("package", ["playlists", "tts", "devices"])
def test_pipeline_stages_never_import_server(package: str) -> None:
    offenders = [
        f"{p.relative_to(ROOT)} imports {name}"
        for p in _modules(package) for name in _imports(p)
        if name == "server" or name.startswith("server.")
    ]
    assert offenders == []


def test_simulator_imports_only_the_protocol() -> None:
    project = {"server", "devices", "tts", "playlists", "bench"}
    offenders = [
        f"{p.relative_to(ROOT)} imports {name}"
        for p in _modules("firmware_sim") for name in _imports(p)
        # devices.played: the shared "played" rule (pure standard library)
        if name.split(".")[0] in project and not name.startswith(("devices.protocol", "devices.played"))
    ]
    assert offenders == []


def test_modules_stay_small() -> None:
    big = [
        f"{p.relative_to(ROOT)}: {n} lines"
        for package in PACKAGES for p in _modules(package)
        if "migrations" not in p.parts and (n := len(p.read_text(encoding="utf-8").splitlines())) >= 400
    ]
    assert big == []
