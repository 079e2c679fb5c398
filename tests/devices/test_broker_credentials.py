"""Password hashes, generated files and ACL rules: pure logic plus a mosquitto_passwd cross-check."""

from __future__ import annotations

import base64
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from devices.broker import Account, hash_password_mosquitto, verify_password_mosquitto, write_credentials
from devices.broker.acl import can_publish, can_subscribe, filter_within, render_acl, topic_matches
from devices.broker.credentials import read_password_file

SERVER = "loa-server"


def test_hash_has_the_mosquitto_7_layout() -> None:
    hashed = hash_password_mosquitto("s3cret")
    _, alg, iterations, salt, digest = hashed.split("$")
    assert (alg, iterations) == ("7", "101")
    assert len(base64.b64decode(salt)) == 12
    assert len(base64.b64decode(digest)) == 64
    assert hashed != hash_password_mosquitto("s3cret")  # fresh salt each time


def test_verify_accepts_the_right_password_only() -> None:
    hashed = hash_password_mosquitto("s3cret")
    assert verify_password_mosquitto("s3cret", hashed)
    assert not verify_password_mosquitto("s3cret ", hashed)
    assert not verify_password_mosquitto("s3cret", "$7$101$not-base64$???")
    assert not verify_password_mosquitto("s3cret", "plain")


@pytest.mark.skipif(shutil.which("mosquitto_passwd") is None, reason="mosquitto_passwd not installed")
def test_verify_reads_hashes_written_by_mosquitto_passwd(tmp_path: Path) -> None:
    path = tmp_path / "pw"
    for algorithm in ("sha512-pbkdf2", "sha512"):
        subprocess.run(["mosquitto_passwd", "-H", algorithm, "-c", "-b", str(path), "dev-a", "pässword"], check=True)
        hashed = read_password_file(path)["dev-a"]
        assert verify_password_mosquitto("pässword", hashed)
        assert not verify_password_mosquitto("password", hashed)


def test_files_are_private_atomic_and_hold_only_hashes(tmp_path: Path) -> None:
    accounts = [Account.from_password("dev-b", "pw-b"), Account.from_password("dev-a", "pw-a")]
    passwords, acl = write_credentials(tmp_path, accounts, Account.from_password(SERVER, "pw-s"))
    for path in (passwords, acl):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = passwords.read_text()
    assert "pw-a" not in text and "pw-s" not in text
    assert [line.split(":")[0] for line in text.splitlines()] == ["dev-a", "dev-b", SERVER]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acl", "passwords"]  # no temp files left


def test_precomputed_hashes_regenerate_the_file_without_passwords(tmp_path: Path) -> None:
    stored = hash_password_mosquitto("only-the-device-knows")
    passwords, _ = write_credentials(tmp_path, [Account("dev-a", stored)], Account.from_password(SERVER, "s"))
    assert read_password_file(passwords)["dev-a"] == stored


@pytest.mark.parametrize("username", ["#", "+", "a/b", "dev a", "", "x" * 65, "dev:a", "$SYS"])
def test_usernames_that_could_widen_a_pattern_are_rejected(username: str) -> None:
    with pytest.raises(ValueError):
        Account.from_password(username, "pw")


def test_duplicate_usernames_are_rejected(tmp_path: Path) -> None:
    dup = [Account.from_password("dev-a", "1"), Account.from_password("dev-a", "2")]
    with pytest.raises(ValueError, match="duplicate"):
        write_credentials(tmp_path, dup, Account.from_password(SERVER, "s"))


def test_acl_file_has_the_documented_rules() -> None:
    lines = render_acl(SERVER).splitlines()
    assert "user loa-server" in lines
    assert "topic readwrite loa/v1/#" in lines
    for rule in (
        "pattern read loa/v1/dev/%u/manifest",
        "pattern read loa/v1/dev/%u/cmd",
        "pattern read loa/v1/dev/%u/asrun/ack",
        "pattern write loa/v1/dev/%u/status",
        "pattern write loa/v1/dev/%u/asrun",
        "pattern read loa/v1/area/+/alert",
    ):
        assert rule in lines
    # "pattern" rules must follow the user block; "topic" lines before any "user" line would
    # apply to anonymous clients only.
    assert lines.index("user loa-server") < min(i for i, ln in enumerate(lines) if ln.startswith("pattern"))


@pytest.mark.parametrize(
    ("topic", "flt", "expected"),
    [
        ("a/b", "a/b", True),
        ("a/b", "a/+", True),
        ("a/b/c", "a/+", False),
        ("a", "a/#", True),
        ("a/b/c", "#", True),
        ("$SYS/x", "#", False),
        ("$SYS/x", "$SYS/#", True),
    ],
)
def test_topic_matching(topic: str, flt: str, expected: bool) -> None:
    assert topic_matches(topic, flt) is expected


@pytest.mark.parametrize(
    ("sub", "rule", "expected"),
    [
        ("loa/v1/dev/a/manifest", "loa/v1/dev/a/manifest", True),
        ("loa/v1/dev/+/manifest", "loa/v1/dev/a/manifest", False),
        ("loa/v1/dev/a/#", "loa/v1/dev/a/manifest", False),
        ("#", "loa/v1/#", False),
        ("loa/v1/area/+/alert", "loa/v1/area/+/alert", True),
        ("loa/v1/area/W1/alert", "loa/v1/area/+/alert", True),
        ("loa/v1/area/#", "loa/v1/area/+/alert", False),
        ("loa/v1/dev/+/asrun", "loa/v1/#", True),
        ("$share/g/loa/v1/dev/+/asrun", "$share/+/loa/v1/#", True),
        ("$share/g/x", "#", False),
    ],
)
def test_subscription_must_lie_within_a_rule(sub: str, rule: str, expected: bool) -> None:
    assert filter_within(sub, rule) is expected


def test_device_and_server_permissions() -> None:
    assert can_subscribe("dev-a", "loa/v1/dev/dev-a/manifest", SERVER)
    assert can_subscribe("dev-a", "loa/v1/dev/dev-a/asrun/ack", SERVER)
    assert can_subscribe("dev-a", "loa/v1/area/X/alert", SERVER)
    assert not can_subscribe("dev-a", "loa/v1/dev/dev-b/manifest", SERVER)
    assert not can_subscribe("dev-a", "loa/v1/dev/dev-a/status", SERVER)  # write-only
    assert can_publish("dev-a", "loa/v1/dev/dev-a/status", SERVER)
    assert can_publish("dev-a", "loa/v1/dev/dev-a/asrun", SERVER)
    assert not can_publish("dev-a", "loa/v1/dev/dev-b/asrun", SERVER)
    assert not can_publish("dev-a", "loa/v1/dev/dev-a/manifest", SERVER)
    assert not can_publish("dev-a", "loa/v1/area/X/alert", SERVER)
    assert can_publish(SERVER, "loa/v1/area/X/alert", SERVER)
    assert can_subscribe(SERVER, "loa/v1/#", SERVER)
    assert not can_publish(None, "loa/v1/dev/dev-a/status", SERVER)
    assert not can_subscribe("#", "loa/v1/dev/#/manifest", SERVER)


def test_derived_passwords_are_recovered_only_with_their_key() -> None:
    from devices.broker.credentials import new_derived_password, rederive_password

    password, hashed = new_derived_password(b"k" * 32, "spk-1")
    assert verify_password_mosquitto(password, hashed)
    assert rederive_password(b"k" * 32, "spk-1", hashed) == password
    assert rederive_password(b"x" * 32, "spk-1", hashed) is None  # another key
    assert rederive_password(b"k" * 32, "spk-2", hashed) is None  # another device's hash
    assert rederive_password(b"k" * 32, "spk-1", hash_password_mosquitto("random")) is None  # legacy
    assert new_derived_password(b"k" * 32, "spk-1")[0] != password  # a rotation gets a new salt
