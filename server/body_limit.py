"""A size limit on every request body, enforced before the body is read or spooled.

Starlette reads a body only when a route asks for it, and then all of it: ``request.body()``
keeps it in memory and a multipart upload is spooled to disk before the route sees the file.
This pure ASGI middleware refuses a declared ``Content-Length`` over the route's limit at once,
and stops a body without one as soon as it passes the limit, both as the API's usual 413 error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import HTTPException

from server.errors import TooLarge

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_LIMIT = 1024 * 1024  # JSON bodies: a bulletin is a few KB
MULTIPART_SLACK = 64 * 1024  # boundaries, part headers and the small form fields beside a file


class BodyLimit:
    def __init__(self, app: ASGIApp, limits: list[tuple[str, str, int]], default: int = DEFAULT_LIMIT) -> None:
        """``limits``: (method, path regex, bytes); the first match wins, else ``default``."""
        self.app = app
        self.default = default
        self.limits = [(method, re.compile(pattern), size) for method, pattern, size in limits]

    def limit_for(self, method: str, path: str) -> int:
        for allowed, pattern, size in self.limits:
            if allowed == method and pattern.fullmatch(path):
                return size
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["method"], scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # HTTPException: FastAPI re-raises it from body parsing (anything else
                    # becomes a 400 there); its handler answers {"detail": {...}} like ours.
                    raise HTTPException(413, detail=_error(limit).detail())
            return message

        await self.app(scope, limited, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _error(limit: int) -> TooLarge:
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return TooLarge(f"Dữ liệu gửi lên quá lớn: tối đa {size}.", code="body_too_large")


async def _refuse(send: Send, limit: int) -> None:
    error = _error(limit)
    body = json.dumps({"detail": error.detail()}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": error.status_code, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": body})
