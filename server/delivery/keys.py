"""The server's Ed25519 signing key and its own broker account, both under the data dir."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from devices.broker import Account
from devices.keyfile import read_or_create
from devices.protocol import Signer, load_or_create_private_key

SERVER_USERNAME = "loa-server"


@lru_cache(maxsize=4)
def signer_for(key_path: Path) -> Signer:
    """Key rotation: move the old PEM aside, restart; devices learn the new key at enrolment
    or from `loa devices trust` (see docs/operations.md)."""
    return Signer(load_or_create_private_key(key_path))


def server_broker_password(keys_dir: Path) -> str:
    path = keys_dir / "broker-server-password"
    return read_or_create(path, lambda: secrets.token_urlsafe(24).encode()).decode().strip()


@lru_cache(maxsize=4)
def server_account(keys_dir: Path) -> Account:
    return Account.from_password(SERVER_USERNAME, server_broker_password(keys_dir))
