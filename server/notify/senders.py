"""The two channels: an e-mail through SMTP and a JSON POST signed with HMAC-SHA256.

Each send either returns or raises; retrying is the dispatcher's job. Nothing here logs secrets.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import httpx

from server.settings import Settings

SIGNATURE_HEADER = "X-Loa-Signature"
TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Notification:
    event: str  # bulletin_submitted | bulletin_approved | bulletin_rejected | device_offline
    subject: str  # "bulletin:12", "device:loa-1"
    area_code: str
    at: str  # ISO 8601 UTC
    text: str  # one Vietnamese sentence for people
    url: str | None = None
    emails: tuple[str, ...] = ()  # the users in scope (server/notify/audience.py); not in the webhook body

    def as_json(self) -> bytes:
        body: dict[str, Any] = {"event": self.event, "subject": self.subject, "area_code": self.area_code,
                                "at": self.at, "text": self.text, "url": self.url}
        return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_webhook(settings: Settings, note: Notification, client: httpx.Client | None = None) -> None:
    assert settings.webhook_url
    body = note.as_json()
    headers = {"Content-Type": "application/json; charset=utf-8", "X-Loa-Event": note.event}
    if settings.webhook_secret:
        headers[SIGNATURE_HEADER] = signature(settings.webhook_secret.get_secret_value(), body)
    if client is None:
        with httpx.Client(timeout=TIMEOUT_SECONDS) as own:
            response = own.post(settings.webhook_url, content=body, headers=headers)
    else:
        response = client.post(settings.webhook_url, content=body, headers=headers)
    response.raise_for_status()


def copied(settings: Settings) -> list[str]:
    """``LOA_SMTP_TO``: addresses that receive a copy of every notification."""
    return [r.strip() for r in settings.smtp_to.split(",") if r.strip()]


def recipients(settings: Settings, note: Notification) -> list[str]:
    """The users in scope, then the always-copied list; each address once (case-insensitive)."""
    out: dict[str, str] = {}
    for address in (*note.emails, *copied(settings)):
        out.setdefault(address.lower(), address)
    return list(out.values())


def send_email(settings: Settings, note: Notification, to: str) -> None:
    """One message per recipient: nobody sees the other recipients' addresses."""
    assert settings.smtp_host
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = f"[Loa] {note.text}"[:200]
    message.set_content(note.text + (f"\n\n{note.url}" if note.url else "") + "\n")
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user and settings.smtp_password:
            smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
        smtp.send_message(message)
