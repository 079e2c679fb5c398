"""A tiny real HTTP server (``http.server`` in a thread) speaking the device side of DESIGN §6:
enrolment, manifest pull with ETag, media with Range, as-run upload. For integration tests of
the simulator before (and independently of) the real server."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from devices import protocol as p


@dataclass
class ServerState:
    signer: p.Signer
    mqtt_url: str
    token: str = "enrol-secret"
    accounts: dict[str, str] = field(default_factory=dict)  # device id -> password (the broker's)
    free_ids: dict[str, list[str]] = field(default_factory=dict)  # kind -> ids still to hand out
    area: str = "W001-T01"
    manifests: dict[str, bytes] = field(default_factory=dict)
    media: dict[str, bytes] = field(default_factory=dict)  # "/media/{sha}.mp3" -> bytes
    asrun: list[p.AsRunBatch] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    state: ServerState
    protocol_version = "HTTP/1.1"  # keep-alive, like uvicorn

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _device(self) -> str | None:
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return None
        user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        return user if self.state.accounts.get(user) == password else None

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_POST(self) -> None:
        st = self.state
        st.requests.append(f"POST {self.path}")
        if self.path == "/api/v1/devices":
            if self.headers.get("Authorization") != f"Bearer {st.token}":
                self._send(401, b'{"detail":{"code":"not_authenticated"}}')
                return
            body = json.loads(self._body())
            with st.lock:
                device_id = st.free_ids[body["kind"]].pop(0)
            out = {
                "device_id": device_id, "area_code": body.get("area_code") or st.area, "kind": body["kind"],
                "mqtt_url": st.mqtt_url, "username": device_id, "password": st.accounts[device_id],
                "server_public_key": st.signer.public_key_b64, "kid": st.signer.kid,
            }
            self._send(201, json.dumps(out).encode(), {"Content-Type": "application/json"})
            return
        match = re.fullmatch(r"/api/v1/devices/([a-z0-9-]+)/asrun", self.path)
        if match and self._device() == match[1]:
            batch = p.AsRunBatch.model_validate_json(self._body())
            st.asrun.append(batch)
            ack = p.AsRunAck(batch_id=batch.batch_id, stored=[r.key for r in batch.records])
            self._send(200, ack.model_dump_json().encode(), {"Content-Type": "application/json"})
            return
        self._send(401 if match else 404)

    def do_GET(self) -> None:
        st = self.state
        st.requests.append(f"GET {self.path}")
        device = self._device()
        if device is None:
            self._send(401)
            return
        match = re.fullmatch(r"/api/v1/devices/([a-z0-9-]+)/manifest", self.path)
        if match:
            body = st.manifests.get(match[1]) if match[1] == device else None
            if body is None:
                self._send(404)
                return
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self._send(304, headers={"ETag": etag})
            else:
                self._send(200, body, {"ETag": etag, "Content-Type": "application/json"})
            return
        data = st.media.get(self.path)
        if data is None:
            self._send(404)
            return
        start = 0
        if (rng := re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))) is not None:
            start = int(rng[1])
            if start >= len(data):
                self._send(416, headers={"Content-Range": f"bytes */{len(data)}"})
                return
            self._send(206, data[start:], {"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"})
            return
        self._send(200, data, {"Content-Type": "audio/mpeg", "Accept-Ranges": "bytes"})


class FakeHttpServer:
    def __init__(self, state: ServerState) -> None:
        handler = type("Handler", (_Handler,), {"state": state})
        self.state = state
        server_class = type("Server", (ThreadingHTTPServer,), {"request_queue_size": 1024})
        self._server = server_class(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-http", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeHttpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
