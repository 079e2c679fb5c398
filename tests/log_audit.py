"""A pytest plugin: everything the suite logs (INFO and up, every logger, every test) is kept, and
the run fails if any of it holds a password, token, key or hash — secrets never reach logs."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from tests.factories import PASSWORD

SECRETS = {
    "a test user's password": re.escape(PASSWORD),
    "the demo password": re.escape("demo-loa-2026"),
    "an access token (JWT)": r"eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}",
    "a password hash": r"\$argon2(id|i|d)\$|\$7\$\d+\$",
    "a private key": r"BEGIN (ED25519 |EC |RSA )?PRIVATE KEY",
    "an API key of the online voice": r"test-key-not-secret|sk-very-secret",
    "credentials in a URL": r"mqtts?://[^:/@\s]+:[^@/\s]{6,}@",
}
_PATTERN = re.compile("|".join(f"(?P<s{i}>{p})" for i, p in enumerate(SECRETS.values())))


class _Keeper(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.found: list[str] = []
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        try:
            text = record.getMessage()
        except Exception:  # a record that cannot format is not a leak
            return
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        match = _PATTERN.search(text)
        if match:
            what = list(SECRETS)[int(next(k for k, v in match.groupdict().items() if v)[1:])]
            self.found.append(f"{record.name}: {what}: {text[:200]!r}")


_keeper = _Keeper()


def pytest_configure(config: Any) -> None:
    root = logging.getLogger()
    root.addHandler(_keeper)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    logging.getLogger().removeHandler(_keeper)
    if _keeper.found:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = "\n".join(_keeper.found[:20])
        if reporter is not None:
            reporter.write_line(f"SECRETS IN LOGS ({len(_keeper.found)} record(s)):\n{lines}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
