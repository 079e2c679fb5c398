"""The container deployment as written: no Docker engine runs here, so the files are checked for
what would break them — a root user, a command the CLI does not know, a setting that does not exist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.cli import build_parser
from server.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
SERVICES: dict[str, Any] = COMPOSE["services"]
LOA_SERVICES = {name: svc for name, svc in SERVICES.items() if svc.get("image") == "loa:latest"}
SETTINGS = {f"LOA_{name.upper()}" for name in Settings.model_fields}


def _instructions(name: str) -> list[str]:
    return [line.split(None, 1)[1] for line in DOCKERFILE.splitlines() if line.startswith(name + " ")]


def test_image_runs_as_a_non_root_user() -> None:
    users = _instructions("USER")
    assert users and users[-1] not in ("root", "0")
    assert _instructions("FROM")[0].startswith("python:3.11-slim")
    assert "mosquitto" in DOCKERFILE  # `loa broker serve` runs Debian's Mosquitto
    assert _instructions("HEALTHCHECK")


def test_deployment_shape() -> None:
    assert {"postgres", "broker", "api", "scheduler", "sim"} <= set(SERVICES)
    assert SERVICES["api"]["command"][:3] == ["serve", "--role", "api"]
    assert SERVICES["scheduler"]["command"][:3] == ["serve", "--role", "scheduler"]
    assert SERVICES["api"]["deploy"]["replicas"] >= 2
    assert "replicas" not in SERVICES["scheduler"].get("deploy", {})
    assert SERVICES["sim"]["profiles"] == ["sim"]
    for name in ("postgres", "broker"):
        assert SERVICES[name]["healthcheck"]["test"]


@pytest.mark.parametrize("service", sorted(LOA_SERVICES))
def test_every_command_is_one_the_cli_knows(service: str) -> None:
    command = [re.sub(r"\$\{[^}]+\}", "x", arg) for arg in LOA_SERVICES[service].get("command", ["serve"])]
    build_parser().parse_args(command)  # exits (SystemExit 2) on an unknown option or choice
    words = [arg for arg in command if not arg.startswith("-")][:2]
    sub = words[:2] if words[:1] == ["broker"] else words[:1]
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from server.cli import main; sys.exit(main())", *sub, "--help"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0 and "usage: loa" in done.stdout


def test_every_loa_variable_is_a_setting() -> None:
    seen: set[str] = set()
    for svc in SERVICES.values():
        env = svc.get("environment") or {}
        seen |= {key for key in env if key.startswith("LOA_")}
    for line in _instructions("ENV"):
        seen |= set(re.findall(r"\b(LOA_[A-Z_]+)=", line))
    assert seen, "the deployment configures Loa through LOA_* variables"
    assert seen <= SETTINGS, sorted(seen - SETTINGS)
