"""What every console page must pass in a real browser (issue 15's acceptance), as one function."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page, Request

from tests.factories import PASSWORD

ARTIFACTS = Path(__file__).parent / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
_axe = Axe()


@dataclass
class PageWatch:
    """Console errors and requests to other hosts seen by one page since it opened."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def on_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(request.url)


def watch(page: Page, origin: str) -> PageWatch:
    watcher = PageWatch(origin)
    page.on("console", watcher.on_console)
    page.on("pageerror", lambda error: watcher.console_errors.append(str(error)))
    page.on("request", watcher.on_request)
    page.watch = watcher  # type: ignore[attr-defined]
    return watcher


def sign_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Through the form, as a person would."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    assert "/login" not in page.url, f"sign-in as {username} failed: {page.url}"


def serious_axe_violations(page: Page) -> list[str]:
    results = _axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def check_page(page: Page, name: str) -> None:
    """lang=vi, no horizontal scroll at 360 px, no console error, no foreign request, no serious
    axe violation; screenshots at 1280 and 360 px under tests/web/artifacts/ (look at them)."""
    ARTIFACTS.mkdir(exist_ok=True)
    assert page.evaluate("document.documentElement.lang") == "vi", f"{name}: <html lang> is not vi"
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(ARTIFACTS / f"{name}-1280.png"), full_page=True)
    violations = serious_axe_violations(page)
    page.set_viewport_size(PHONE)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=str(ARTIFACTS / f"{name}-360.png"), full_page=True)
    violations += [f"(360 px) {v}" for v in serious_axe_violations(page)]
    page.set_viewport_size(DESKTOP)
    watcher: PageWatch = page.watch  # type: ignore[attr-defined]
    assert overflow <= 0, f"{name}: scrolls horizontally by {overflow} px at 360 px"
    assert not watcher.console_errors, f"{name}: console errors {watcher.console_errors}"
    assert not watcher.foreign_requests, f"{name}: requests to other hosts {watcher.foreign_requests}"
    assert not violations, f"{name}: axe violations {violations}"
