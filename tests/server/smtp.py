"""A local SMTP server (aiosmtpd) for the notification tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller


@contextmanager
def smtp_server(handler: Any) -> Iterator[int]:
    """Serve ``handler`` (an aiosmtpd handler with ``handle_DATA``) on a free port; yields the port."""
    with socket.socket() as probe:  # aiosmtpd checks readiness by connecting to its port: name one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
