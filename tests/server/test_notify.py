"""Notifications: events become Vietnamese notices; e-mail (a real local aiosmtpd server) and a
signed webhook (a real local HTTP server that fails at first) are retried with backoff from
background threads."""

from __future__ import annotations

import email
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import SecretStr
from sqlmodel import Session

from server.models.devices import Device
from server.notify.component import Notifier, Watcher, deliver
from server.notify.senders import SIGNATURE_HEADER
from tests.server.conftest import World
from tests.server.smtp import smtp_server


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        self.arrived.set()
        return "250 OK"


class Hook:
    """Answers 500 to the first ``failures`` posts, then 204; keeps what it received."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.posts: list[tuple[dict[str, str], bytes]] = []
        self.delivered = threading.Event()


@pytest.fixture
def hook() -> Iterator[tuple[Hook, str]]:
    state = Hook(failures=2)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.posts.append((dict(self.headers), body))
            ok = len(state.posts) > state.failures
            self.send_response(204 if ok else 500)
            self.end_headers()
            if ok:
                state.delivered.set()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    with smtp_server(handler) as port:
        yield handler, port


def test_watcher_turns_new_events_and_offline_devices_into_notices(world: World) -> None:
    watcher = Watcher("https://loa.example.vn/")
    with Session(world.engine) as session:
        world.submitted(title="Bản tin có từ trước")
        assert watcher.poll(session) == []  # starts at the head: nothing old is sent again
    submitted = world.submitted(title="Lịch tiêm phòng dại")
    with Session(world.engine) as session:
        session.add(Device(id="loa-tb-1", kind="speaker", area_code="W001-T01", password_hash="x", status="offline",
                           last_seen_at=datetime(2026, 12, 1, tzinfo=UTC)))
        session.commit()
        notes = watcher.poll(session)
        assert [n.event for n in notes] == ["bulletin_submitted", "device_offline"]
        assert notes[0].text == "Bản tin «Lịch tiêm phòng dại» (W001) đang chờ duyệt."
        assert notes[0].url == f"https://loa.example.vn/ban-tin/{submitted['id']}"
        assert notes[1].subject == "device:loa-tb-1" and "mất kết nối" in notes[1].text
        assert watcher.poll(session) == []  # a device still offline is not announced twice


def test_deliver_retries_with_exponential_backoff_then_gives_up() -> None:
    calls: list[int] = []
    waits: list[float] = []

    def flaky() -> None:
        calls.append(1)
        if len(calls) < 3:
            raise OSError("down")

    assert deliver(flaky, 5, lambda s: bool(waits.append(s)), "test", backoff=1.0)
    assert len(calls) == 3 and waits == [1.0, 2.0]

    def down() -> None:
        raise OSError("down")

    waits.clear()
    assert not deliver(down, 3, lambda s: bool(waits.append(s)), "test", backoff=1.0)
    assert waits == [1.0, 2.0]
    assert not deliver(down, 5, lambda s: True, "test")  # stopping ends the retries at once


def test_notifier_sends_signed_webhook_and_email_in_the_background(
    world: World, hook: tuple[Hook, str], inbox: tuple[Inbox, int],
) -> None:
    state, url = hook
    mailbox, port = inbox
    settings = world.runtime.settings.model_copy(update={
        "webhook_url": url, "webhook_secret": SecretStr("bi-mat-chung"), "smtp_host": "127.0.0.1", "smtp_port": port,
        "smtp_to": "lanhdao@xa-mot.vn", "smtp_from": "loa@xa-mot.vn", "notify_poll_seconds": 0.05,
    })
    notifier = Notifier(backoff=0.01)
    runtime = world.runtime
    original = runtime.settings
    runtime.settings = settings
    try:
        notifier.start(runtime)
        # The watcher takes the trail's head first, so the submission below is new to it.
        assert notifier.watching.wait(10)
        world.submitted(title="Họp dân khu phố")
        assert state.delivered.wait(15), state.posts
        assert mailbox.arrived.wait(15)
    finally:
        notifier.stop()
        runtime.settings = original
    assert len(state.posts) == 3  # two 500s, then delivered
    headers, body = state.posts[-1]
    expected = "sha256=" + hmac.new(b"bi-mat-chung", body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == expected
    payload = json.loads(body)
    assert payload["event"] == "bulletin_submitted" and "Họp dân khu phố" in payload["text"]
    message = email.message_from_bytes(mailbox.messages[0], policy=default_policy)
    assert message["To"] == "lanhdao@xa-mot.vn" and "Họp dân khu phố" in str(message["Subject"])
