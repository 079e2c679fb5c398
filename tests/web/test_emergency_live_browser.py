"""In Chromium, end to end: an approver sends an emergency from a template and watches simulated
speakers (`loa sim` against this server and its managed Mosquitto) start it, the count updating
by itself (htmx polling the delivery service)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, col, func, select

from server.app import create_app
from server.components import default_components
from server.db import migrate
from server.models.devices import Device
from server.runtime import Runtime, build_runtime
from server.services import areas as area_service
from server.settings import Settings
from tests.brokers import free_port, require_mosquitto, wait_until
from tests.factories import add_users, seed_two_communes
from tests.web import browser as harness

SPEAKERS = 3
TOKEN = "web-enrolment-token"
LOA = "import sys; from server.cli import main; sys.exit(main())"  # `loa` in this interpreter


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list | None = None) -> None:  # type: ignore[type-arg]
        await super().startup(sockets)
        self.ready.set()


@pytest.fixture(scope="module")
def delivering_server(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Runtime]]:
    """The whole `loa serve`: scheduler, publisher, ingest and the managed Mosquitto."""
    require_mosquitto()
    data_dir = tmp_path_factory.mktemp("emergency") / "data"
    data_dir.mkdir(parents=True)
    port = free_port()
    settings = Settings(data_dir=data_dir, port=port, broker_port=free_port(), broker_kind="mosquitto",
                        tts_engines="espeak", public_url=f"http://127.0.0.1:{port}")
    settings.enrolment_token_path.write_text(TOKEN)
    migrate(settings.db_url)
    runtime = build_runtime(settings, default_components(settings))
    seed_two_communes(runtime.engine)
    add_users(runtime.engine, [("approver", "approver", "W001")])
    server = _Server(uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="live-emergency", daemon=True)
    thread.start()
    try:
        assert server.ready.wait(60), "the server did not start within 60 s"
        yield f"http://127.0.0.1:{port}", runtime
    finally:
        server.should_exit = True
        thread.join(30)
        area_service.invalidate(runtime.engine)
        runtime.engine.dispose()


@pytest.fixture
def speakers(delivering_server: tuple[str, Runtime], tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`loa sim`: SPEAKERS simulated speakers enrolled in hamlet W001-T01 of this server."""
    url, runtime = delivering_server
    log_path = tmp_path / "sim.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", LOA, "sim", "--server", url, "--devices", str(SPEAKERS), "--token", TOKEN,
         "--area", "W001-T01", "--duration", "120", "--data-dir", str(tmp_path / "sim")],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        def online() -> bool:
            with Session(runtime.engine) as session:
                stmt = select(func.count()).select_from(Device).where(col(Device.status) == "online")
                return int(session.exec(stmt).one()) >= SPEAKERS
        if not wait_until(online, 60, 0.2):
            with Session(runtime.engine) as session:
                rows = [(d.id, d.status) for d in session.exec(select(Device)).all()]
            raise AssertionError(f"speakers not online: {rows}; see {log_path}")
        yield proc
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def test_emergency_shows_live_delivery_to_simulated_speakers(
    browser: Browser, delivering_server: tuple[str, Runtime], speakers: subprocess.Popen[bytes],
) -> None:
    url, _runtime = delivering_server
    context = browser.new_context(viewport=harness.PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(20_000)
    page: Page = context.new_page()
    harness.watch(page, url)
    try:
        harness.sign_in(page, url, "approver")
        page.get_by_role("link", name="Khẩn cấp").click()
        page.get_by_role("link", name="Lũ").click()
        expect(page.locator("#pham-vi")).to_contain_text(f"Sẽ phát ngay trên {SPEAKERS} cụm loa")
        page.get_by_role("button", name="Phát khẩn cấp ngay").first.click()
        page.wait_for_url(f"{url}/khan-cap/*")
        expect(page.locator("#tong-loa")).to_have_text(str(SPEAKERS))
        # No reload: the fragment polls the delivery service until every speaker reported its start.
        expect(page.locator("#da-phat")).to_have_text(str(SPEAKERS), timeout=60_000)
        harness.check_page(page, "khan-cap-giao-truc-tiep")
    finally:
        context.close()
