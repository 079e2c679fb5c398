"""The notifier: watches for events worth telling people about and delivers them by e-mail and
webhook from background threads, so a request never waits on SMTP or a slow chat bridge.

Events come from the audit trail (``bulletin_submitted``, ``bulletin_approved``,
``bulletin_rejected``: every workflow step already records one, inside its transaction, so a
notification is only sent for a committed change) and from the device table (a device whose
status turns ``offline``). Each notification carries the e-mail addresses of the users in scope
of its area (``audience``), so e-mail reaches the people the console shows it to, plus
``LOA_SMTP_TO``; one message per address. The watcher starts at the trail's current head: events from before
``loa serve`` started are not sent again. Each notification is tried ``LOA_NOTIFY_RETRIES`` times
per channel (and per address) with exponential backoff (1, 2, 4… s, at most 60 s), then dropped with a warning.
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from server.models.audit import AuditEvent
from server.models.bulletins import Bulletin, BulletinVersion
from server.models.devices import Device
from server.notify.audience import addresses
from server.notify.senders import Notification, recipients, send_email, send_webhook
from server.runtime import Runtime
from server.services.areas import AreaTree, load_tree
from server.settings import Settings

log = logging.getLogger(__name__)
Channel = Callable[[Notification], list[Callable[[], None]]]
WATCHED = ("bulletin_submitted", "bulletin_approved", "bulletin_rejected")
MAX_BACKOFF = 60.0
QUEUE_LIMIT = 1000  # beyond this (a channel down for long) new notifications are dropped, not hoarded
TEXTS = {
    "bulletin_submitted": "Bản tin «{title}» ({area}) đang chờ duyệt.",
    "bulletin_approved": "Bản tin «{title}» ({area}) đã được duyệt.",
    "bulletin_rejected": "Bản tin «{title}» ({area}) bị từ chối.",
}


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _tree(session: Session) -> AreaTree:
    bind = session.get_bind()
    return load_tree(bind if isinstance(bind, Engine) else bind.engine)


class Watcher:
    """Turns new audit events and newly offline devices into notifications (no I/O but the database)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.cursor: int | None = None
        self.offline: set[str] | None = None

    def poll(self, session: Session) -> list[Notification]:
        notes: list[Notification] = []
        if self.cursor is None:
            self.cursor = int(session.execute(select(func.coalesce(func.max(AuditEvent.seq), 0))).scalar_one())
        else:
            stmt = select(AuditEvent).where(col(AuditEvent.seq) > self.cursor).order_by(col(AuditEvent.seq)).limit(500)
            for event in session.exec(stmt).all():
                self.cursor = event.seq
                if event.action in WATCHED:
                    note = self._bulletin_note(session, event)
                    if note is not None:
                        notes.append(note)
        offline = {d.id: d for d in session.exec(select(Device).where(
            Device.status == "offline", col(Device.revoked_at).is_(None))).all()}
        if self.offline is not None:
            for device_id in sorted(set(offline) - self.offline):
                device = offline[device_id]
                notes.append(Notification(
                    "device_offline", f"device:{device.id}", device.area_code, _iso(device.last_seen_at or
                                                                                     datetime.now(UTC)),
                    f"Thiết bị {device.name or device.id} ({device.area_code}) mất kết nối.",
                    f"{self.base_url}/thong-bao",
                    addresses(session, _tree(session), "device_offline", device.area_code)))
        self.offline = set(offline)
        return notes

    def _bulletin_note(self, session: Session, event: AuditEvent) -> Notification | None:
        try:
            bulletin_id = int(event.subject.split(":", 1)[1])
        except (IndexError, ValueError):
            return None
        bulletin = session.get(Bulletin, bulletin_id)
        if bulletin is None:
            return None
        version = session.get(BulletinVersion, bulletin.current_version_id) if bulletin.current_version_id else None
        title = version.title if version is not None else f"số {bulletin_id}"
        text = TEXTS[event.action].format(title=title[:120], area=bulletin.area_code)
        people = (bulletin.created_by, version.submitted_by if version is not None else None)
        emails = addresses(session, _tree(session), event.action, bulletin.area_code, people=people,
                           actor_id=event.actor_id)
        return Notification(event.action, event.subject, bulletin.area_code, _iso(event.at), text,
                            f"{self.base_url}/ban-tin/{bulletin_id}", emails)


def deliver(send: Callable[[], None], retries: int, wait: Callable[[float], bool], label: str,
            backoff: float = 1.0) -> bool:
    """Try ``send`` up to ``retries`` times; ``wait(seconds)`` returns True when stopping."""
    for attempt in range(max(1, retries)):
        try:
            send()
            return True
        except Exception as exc:  # any failure of the channel: retry, never crash the thread
            log.warning("notification via %s failed (attempt %d/%d): %s", label, attempt + 1, retries,
                        type(exc).__name__)
            if attempt + 1 < retries and wait(min(MAX_BACKOFF, backoff * 2 ** attempt)):
                return False
    log.warning("notification via %s dropped after %d attempts", label, retries)
    return False


class Notifier:
    """A lifespan component: one thread watches, one thread sends."""

    name = "notifier"

    def __init__(self, backoff: float = 1.0) -> None:
        self.backoff = backoff
        self.outbox: queue.Queue[Notification] = queue.Queue(QUEUE_LIMIT)
        self._stop = threading.Event()
        self.watching = threading.Event()  # set after the first look at the trail (tests wait on it)
        self._threads: list[threading.Thread] = []
        self.sent = 0
        self.failed = 0
        self.settings: Settings | None = None

    def channels(self, settings: Settings) -> list[tuple[str, Channel]]:
        """Each channel turns a notification into its deliveries (e-mail: one per address)."""
        out: list[tuple[str, Channel]] = []
        if settings.smtp_host:
            out.append(("smtp", lambda note: [functools.partial(send_email, settings, note, to)
                                              for to in recipients(settings, note)]))
        if settings.webhook_url:
            host = urlsplit(settings.webhook_url).hostname or "?"  # never the URL: it may hold a token
            out.append((f"webhook {host}", lambda note: [functools.partial(send_webhook, settings, note)]))
        return out

    def start(self, runtime: Runtime) -> None:
        self.settings = runtime.settings
        channels = self.channels(runtime.settings)
        if not channels:
            return
        watcher = Watcher(runtime.settings.base_url)
        self._stop.clear()
        self._threads = [
            threading.Thread(target=self._watch, args=(runtime, watcher), name="notify-watch", daemon=True),
            threading.Thread(target=self._send, args=(channels,), name="notify-send", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _watch(self, runtime: Runtime, watcher: Watcher) -> None:
        while True:
            try:
                with Session(runtime.engine) as session:
                    for note in watcher.poll(session):
                        try:
                            self.outbox.put_nowait(note)
                        except queue.Full:
                            log.warning("notification queue full: %s dropped", note.event)
                self.watching.set()
            except Exception:
                log.exception("notification watcher failed; retrying")
            if self._stop.wait(runtime.settings.notify_poll_seconds):
                return

    def _send(self, channels: list[tuple[str, Channel]]) -> None:
        assert self.settings is not None
        while not self._stop.is_set():
            try:
                note = self.outbox.get(timeout=0.5)
            except queue.Empty:
                continue
            for label, deliveries in channels:
                for send in deliveries(note):
                    ok = deliver(send, self.settings.notify_retries, self._stop.wait, label, self.backoff)
                    self.sent += ok
                    self.failed += not ok

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(15)
        self._threads = []

    def state(self) -> dict[str, Any]:
        return {"running": bool(self._threads), "queued": self.outbox.qsize(), "sent": self.sent,
                "failed": self.failed}
