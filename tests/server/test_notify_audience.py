"""Notification e-mails reach the users in scope of the event's area (the console's audience for
it) plus the always-copied ``LOA_SMTP_TO``; nobody outside the area's chain. A real local aiosmtpd
server records who received which message."""

from __future__ import annotations

import email
import io
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from server.cli import main
from server.errors import Invalid
from server.models.devices import Device
from server.models.users import User
from server.notify.audience import addresses
from server.notify.component import Notifier
from server.services.areas import load_tree
from server.services.users import clean_email
from tests.factories import add_users
from tests.server.conftest import World
from tests.server.smtp import smtp_server

COPY = "vanthu@tinh.gov.vn"


def mail_of(username: str) -> str:
    return f"{username}@loa.gov.vn"


class Inbox:
    """Keeps (envelope recipients, message) of every delivery; ``wait_for(n)`` blocks until n."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []
        self.changed = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.changed:
            self.received.append((list(envelope.rcpt_tos), message))
            self.changed.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 15) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: len(self.received) >= count, timeout)

    def take(self) -> dict[str, str]:
        """Recipient → subject of what arrived so far (each message has exactly one recipient)."""
        with self.changed:
            got, self.received = self.received, []
        out: dict[str, str] = {}
        for rcpts, message in got:
            assert rcpts == [message["To"]]  # one message per address: nobody sees the others
            assert rcpts[0] not in out
            out[rcpts[0]] = str(message["Subject"])
        return out


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    with smtp_server(handler) as port:
        yield handler, port


@pytest.fixture(scope="module")
def addressed(world: World) -> World:
    """Every world user gets an address; two more approvers of W001 that must never receive any:
    one locked, one without an address."""
    add_users(world.engine, [("mot.khoa", "approver", "W001"), ("mot.khongthu", "approver", "W001")])
    with Session(world.engine) as session:
        for user in session.exec(select(User)).all():
            if user.username != "mot.khongthu":
                user.email = mail_of(user.username)
            user.active = user.username != "mot.khoa"
            session.add(user)
        session.commit()
    return world


def test_addresses_follow_the_console_audience_of_each_event(addressed: World) -> None:
    tree = load_tree(addressed.engine)
    ids = addressed.ids
    with Session(addressed.engine) as session:
        pending = addresses(session, tree, "bulletin_submitted", "W001-T01", actor_id=ids["mot.canbo"])
        offline = addresses(session, tree, "device_offline", "W002-T01")
        rejected = addresses(session, tree, "bulletin_rejected", "W001", actor_id=ids["mot.duyet"],
                             people=[ids["mot.canbo"], ids["mot.canbo2"], ids["hai.canbo"]])
        own = addresses(session, tree, "bulletin_submitted", "W001", actor_id=ids["mot.duyet"])
        assert addresses(session, tree, "bulletin_approved", "W001", people=[None]) == ()
        assert addresses(session, tree, "something_else", "W001") == ()
    assert pending == tuple(sorted(map(mail_of, ["mot.duyet", "tinh.duyet"])))
    assert offline == tuple(sorted(map(mail_of, ["hai.canbo", "hai.duyet", "tinh.admin", "tinh.duyet"])))
    # hai.canbo is an author on paper but W001 is outside their scope: never told about it.
    assert rejected == tuple(sorted(map(mail_of, ["mot.canbo", "mot.canbo2"])))
    assert own == (mail_of("tinh.duyet"),)  # the approver who submitted it is not told of it


def test_each_event_mails_the_users_in_scope_and_the_copy_list(addressed: World, inbox: tuple[Inbox, int]) -> None:
    mailbox, port = inbox
    runtime = addressed.runtime
    original = runtime.settings
    runtime.settings = original.model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_to": f"{COPY}, {mail_of('tinh.duyet').upper()}",
        "smtp_from": "loa@tinh.gov.vn", "notify_poll_seconds": 0.05,
    })
    notifier = Notifier(backoff=0.01)
    try:
        notifier.start(runtime)
        assert notifier.watching.wait(10)
        submitted = addressed.submitted(title="Họp dân thôn Một")
        assert mailbox.wait_for(3)
        got = mailbox.take()
        assert set(got) == {mail_of("mot.duyet"), mail_of("tinh.duyet"), COPY}  # the copy list's duplicate once
        assert all("Họp dân thôn Một" in s and "đang chờ duyệt" in s for s in got.values())

        assert addressed.act("mot.duyet", submitted["id"], "approve").status_code == 200
        assert mailbox.wait_for(3)
        got = mailbox.take()  # tinh.duyet is not told as an approver, but is on the copy list
        assert set(got) == {mail_of("mot.canbo"), COPY, mail_of("tinh.duyet").upper()}
        assert "đã được duyệt" in got[mail_of("mot.canbo")]

        with Session(addressed.engine) as session:
            session.add(Device(id="loa-w2-mat", kind="speaker", area_code="W002-T01", password_hash="x",
                               status="offline", last_seen_at=datetime(2026, 12, 1, tzinfo=UTC)))
            session.commit()
        assert mailbox.wait_for(5)
        got = mailbox.take()
        assert set(got) == {mail_of(u) for u in ("hai.canbo", "hai.duyet", "tinh.duyet", "tinh.admin")} | {COPY}
        assert all("loa-w2-mat" in s and "mất kết nối" in s for s in got.values())
    finally:
        notifier.stop()
        runtime.settings = original
    assert notifier.failed == 0 and notifier.sent == 11
    assert mailbox.take() == {}  # nothing else was sent, to anyone


def test_addresses_are_validated_and_set_by_api_and_cli(world: World, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    assert clean_email("  Can.Bo+loa@Xa-Mot.GOV.vn ") == "Can.Bo+loa@xa-mot.gov.vn"
    assert clean_email("") is None and clean_email(None) is None
    for bad in ("khong-co-a-cong", "a@b", "a b@xa.vn", "a@@xa.vn", "a@xa..vn", "x" * 250 + "@xa.vn"):
        with pytest.raises(Invalid):
            clean_email(bad)
    admin = world.headers["tinh.admin"]
    body = {"username": "mot.thu", "password": "mat-khau-du-dai-1", "role": "approver", "area_code": "W001"}
    refused = world.client.post("/api/v1/users", json={**body, "email": "khong hop le"}, headers=admin)
    assert refused.status_code == 422 and refused.json()["detail"]["code"] == "bad_email"
    created = world.client.post("/api/v1/users", json={**body, "email": "thu@xa-mot.vn"}, headers=admin)
    assert created.status_code == 201 and created.json()["email"] == "thu@xa-mot.vn"
    user_id = created.json()["id"]
    changed = world.client.patch(f"/api/v1/users/{user_id}", json={"email": "moi@XA-MOT.vn"}, headers=admin)
    assert changed.json()["email"] == "moi@xa-mot.vn"
    cleared = world.client.patch(f"/api/v1/users/{user_id}", json={"email": ""}, headers=admin)
    assert cleared.status_code == 200 and cleared.json()["email"] is None

    data = str(tmp_path / "d")
    main(["demo", "--data-dir", data])
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-dai\n"))
    assert main(["user", "add", "nguyenvanb", "--role", "approver", "--area", "W05602", "--email",
                 "b@w05602.gov.vn", "--password-stdin", "--data-dir", data]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-dai\n"))
    assert main(["user", "add", "nguyenvanc", "--role", "approver", "--area", "W05602", "--email",
                 "sai", "--password-stdin", "--data-dir", data]) == 2
