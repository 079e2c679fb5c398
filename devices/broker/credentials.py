"""Broker credentials: Mosquitto-compatible password hashes and the generated files.

Mosquitto 2.x stores ``username:$7$<iterations>$<base64 salt>$<base64 hash>`` where the hash is
PBKDF2-HMAC-SHA512 over the password with a 12-byte random salt, 64-byte output, 101 iterations
by default (``mosquitto_passwd`` source, ``pw__hash``). The server keeps only that string per
device, so it can regenerate the file without ever knowing a password again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from devices.broker.acl import check_username, render_acl

PBKDF2_ITERATIONS = 101  # mosquitto_passwd's default; the salt does the real work against rainbow tables
_SALT_BYTES = 12
_HASH_BYTES = 64


def hash_password_mosquitto(password: str, *, iterations: int = PBKDF2_ITERATIONS, salt: bytes | None = None) -> str:
    """A ``$7$`` hash string, exactly what ``mosquitto_passwd`` writes after ``username:``."""
    salt = salt if salt is not None else secrets.token_bytes(_SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations, _HASH_BYTES)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password_mosquitto(password: str, hashed: str) -> bool:
    """Check a password against a ``$7$`` (PBKDF2-SHA512) or legacy ``$6$`` (salted SHA512) hash."""
    parts = hashed.split("$")
    try:
        if len(parts) == 5 and parts[1] == "7":
            iterations = int(parts[2])
            salt, expected = base64.b64decode(parts[3]), base64.b64decode(parts[4])
            digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations, len(expected))
        elif len(parts) == 4 and parts[1] == "6":
            salt, expected = base64.b64decode(parts[2]), base64.b64decode(parts[3])
            digest = hashlib.sha512(password.encode() + salt).digest()
        else:
            return False
    except ValueError:  # malformed base64 or iteration count
        return False
    return hmac.compare_digest(digest, expected)


def _derive(key: bytes, username: str, salt: bytes) -> str:
    mac = hmac.new(key, b"loa-broker-password\n" + username.encode() + b"\n" + salt, hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:18]).decode()


def new_derived_password(key: bytes, username: str) -> tuple[str, str]:
    """(password, ``$7$`` hash) where the password is HMAC(key, username, salt): any server
    process holding ``key`` can re-create the broker account from the hash alone (the
    dynamic-security API takes plaintext), while the database still holds only the hash."""
    salt = secrets.token_bytes(_SALT_BYTES)
    password = _derive(key, username, salt)
    return password, hash_password_mosquitto(password, salt=salt)


def rederive_password(key: bytes, username: str, password_hash: str) -> str | None:
    """The password behind ``password_hash`` when it was derived with ``key``, else None."""
    parts = password_hash.split("$")
    if len(parts) != 5 or parts[1] != "7":
        return None
    try:
        salt = base64.b64decode(parts[3])
    except ValueError:
        return None
    password = _derive(key, username, salt)
    return password if verify_password_mosquitto(password, password_hash) else None


@dataclass(frozen=True)
class Account:
    """A broker login: username (a device id, or the server account) and its ``$7$`` hash."""

    username: str
    password_hash: str
    # The plaintext when the caller knows it: the dynamic-security API accepts nothing else.
    password: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_username(self.username)
        if not self.password_hash.startswith(("$7$", "$6$")) or "\n" in self.password_hash:
            raise ValueError(f"account {self.username!r}: password_hash must be a mosquitto $7$/$6$ hash")

    @classmethod
    def from_password(cls, username: str, password: str) -> Account:
        return cls(username, hash_password_mosquitto(password), password)


def write_private_file(path: Path, text: str) -> None:
    """Atomic write with mode 0600: readers (the broker on SIGHUP) see the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render_password_file(accounts: Iterable[Account]) -> str:
    seen: dict[str, str] = {}
    for account in accounts:
        if account.username in seen:
            raise ValueError(f"duplicate broker username {account.username!r}")
        seen[account.username] = account.password_hash
    return "".join(f"{name}:{hashed}\n" for name, hashed in sorted(seen.items()))


def write_credentials(directory: Path, accounts: Iterable[Account], server_account: Account) -> tuple[Path, Path]:
    """Write ``passwords`` and ``acl`` into ``directory``; returns their paths."""
    directory = Path(directory)
    password_path, acl_path = directory / "passwords", directory / "acl"
    write_private_file(password_path, render_password_file([server_account, *accounts]))
    write_private_file(acl_path, render_acl(server_account.username))
    return password_path, acl_path


def read_password_file(path: Path) -> Mapping[str, str]:
    """username -> hash, as Mosquitto parses it (blank lines and ``#`` comments skipped)."""
    users: dict[str, str] = {}
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#") and ":" in line:
            name, hashed = line.split(":", 1)
            users[name] = hashed
    return users
