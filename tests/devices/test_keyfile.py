"""Secrets are created once: the first process to link its file wins, everyone reads that one."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

from devices.keyfile import read_or_create
from server.settings import Settings


def test_created_once_with_private_mode(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "secret"
    first = read_or_create(path, lambda: b"one")
    assert first == b"one" and read_or_create(path, lambda: b"two") == b"one"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret"]  # no temporary file left behind


def test_a_replica_that_loses_the_race_reads_the_winners_secret(tmp_path: Path) -> None:
    path = tmp_path / "secret"

    def make_while_another_wins() -> bytes:
        path.write_bytes(b"winner")  # another process links its file first
        return b"loser"

    assert read_or_create(path, make_while_another_wins) == b"winner"


def test_concurrent_creators_agree(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    barrier = threading.Barrier(8)
    seen: list[bytes] = []

    def create(n: int) -> None:
        barrier.wait()
        seen.append(read_or_create(path, lambda: str(n).encode() * 16))

    threads = [threading.Thread(target=create, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(seen) == 8 and len(set(seen)) == 1 and seen[0] == path.read_bytes()


def test_secret_files_can_be_mounted_anywhere(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", signing_key_file=tmp_path / "run" / "sign.pem",
                        token_secret_file=tmp_path / "run" / "token")
    assert settings.signing_key_path == tmp_path / "run" / "sign.pem"
    assert settings.jwt_secret_path == tmp_path / "run" / "token"
    assert Settings(data_dir=tmp_path / "d").signing_key_path == tmp_path / "d" / "keys" / "signing-ed25519.pem"
