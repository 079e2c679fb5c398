"""Browser-test harness: a real server per test module, Debian's Chromium through Playwright.

Without /usr/bin/chromium the tests skip with a message, unless LOA_REQUIRE_BROWSER=1 (CI), where
they fail. Playwright never downloads a browser here (`playwright install` is not used).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.web import browser as harness
from tests.web.live import LiveServer
from tests.web.live import live_server as run_live_server

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("LOA_REQUIRE_BROWSER") == "1":
            pytest.fail(message + "; LOA_REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip(message)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def live_server(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # Depends on `browser` so that a missing Chromium skips before a server starts.
    with run_live_server(tmp_path_factory.mktemp("console") / "data") as server:
        yield server


@pytest.fixture
def browser_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(viewport=harness.DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    page = context.new_page()
    harness.watch(page, live_server.url)
    yield page
    context.close()


@pytest.fixture
def sign_in(live_server: LiveServer) -> Callable[[Page, str], None]:
    return lambda page, username: harness.sign_in(page, live_server.url, username)


@pytest.fixture
def check_page() -> Callable[[Page, str], None]:
    return harness.check_page
