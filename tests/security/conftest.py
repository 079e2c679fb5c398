"""Fixtures shared with the server and end-to-end tests."""

from tests.e2e.conftest import live  # noqa: F401
from tests.server.conftest import world  # noqa: F401
