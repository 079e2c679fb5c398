"""The server's Ed25519 signing key and its own broker account, both under the data dir."""

from __future__ import annotations

import re
import secrets
import socket
from functools import lru_cache
from pathlib import Path
from typing import Any

from devices.broker import Account
from devices.keyfile import read_or_create
from devices.protocol import Signer, load_or_create_private_key

SERVER_USERNAME = "loa-server"


@lru_cache(maxsize=4)
def signer_for(key_path: Path) -> Signer:
    """Key rotation: move the old PEM aside, restart; devices learn the new key at enrolment
    or from `loa devices trust` (see docs/operations.md)."""
    return Signer(load_or_create_private_key(key_path))


def _secret_file(path: Path) -> str:
    """Created once, atomically, so concurrent first starts agree on one value."""
    return read_or_create(path, lambda: secrets.token_urlsafe(32).encode()).decode().strip()


def server_broker_password(keys_dir: Path) -> str:
    return _secret_file(keys_dir / "broker-server-password")


def device_password_key(settings: Any) -> bytes:
    """Devices' broker passwords are derived from this key and their hash's salt, so any server
    process (every replica mounts the same file) can re-create an account on the broker."""
    return _secret_file(settings.broker_device_key_path).encode()


def server_client_id(settings: Any, role: str) -> str:
    """Stable per process (host + HTTP port): the broker binds the server's accounts to it."""
    host = re.sub(r"[^A-Za-z0-9_.-]", "-", socket.gethostname())
    return f"loa-{role}-{host}-{settings.port}"[:64]


@lru_cache(maxsize=4)
def server_account(keys_dir: Path) -> Account:
    return Account.from_password(SERVER_USERNAME, server_broker_password(keys_dir))
