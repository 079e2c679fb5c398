"""The log audit itself: it finds each kind of secret and leaves ordinary lines alone."""

from __future__ import annotations

import logging

import pytest

from tests.factories import PASSWORD
from tests.log_audit import _Keeper


def _emit(keeper: _Keeper, message: str) -> None:
    keeper.emit(logging.LogRecord("loa.test", logging.WARNING, __file__, 1, message, None, None))


@pytest.mark.parametrize("leak", [
    f"login failed for canbo1 with password {PASSWORD}",
    "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijklmnop",
    "stored hash $argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
    "-----BEGIN PRIVATE KEY----- MC4CAQAwBQYDK2VwBCIEI",
    "connecting to mqtt://loa-server:s3cr3t-pass@broker:1883",
])
def test_every_kind_of_secret_is_caught(leak: str) -> None:
    keeper = _Keeper()
    _emit(keeper, leak)
    assert len(keeper.found) == 1


def test_ordinary_lines_pass() -> None:
    keeper = _Keeper()
    for line in ("compiled 20 device(s), 3 changed, in 0.07 s", "connected to mqtt://127.0.0.1:18830",
                 "ingest rejected a message (malformed): loa/v1/dev/spk-1/asrun", "user canbo1 signed in"):
        _emit(keeper, line)
    assert keeper.found == [] and keeper.count == 4
