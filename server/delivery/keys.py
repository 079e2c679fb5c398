"""The server's Ed25519 signing key and its own broker account, both under the data dir."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from devices.broker import Account
from devices.protocol import Signer, load_or_create_private_key

SERVER_USERNAME = "loa-server"


@lru_cache(maxsize=4)
def signer_for(key_path: Path) -> Signer:
    """Key rotation: move the old PEM aside, restart; devices learn the new key at enrolment
    or from `loa devices trust` (see docs/operations.md)."""
    return Signer(load_or_create_private_key(key_path))


def server_broker_password(keys_dir: Path) -> str:
    path = keys_dir / "broker-server-password"
    if not path.exists():
        keys_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(24))
    return path.read_text().strip()


@lru_cache(maxsize=4)
def server_account(keys_dir: Path) -> Account:
    return Account.from_password(SERVER_USERNAME, server_broker_password(keys_dir))
