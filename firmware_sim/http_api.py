"""The server's HTTP API as the simulated devices use it (httpx, one pooled client per process).

A bounded connection pool keeps ten thousand devices from opening ten thousand sockets at once:
requests queue for a connection instead (``pool`` timeout generous on purpose).
"""

from __future__ import annotations

from typing import Any

import httpx

from firmware_sim.transport import Auth, ChunkSink, HttpError, ManifestResponse

_CHUNK = 16 * 1024


class HttpxApi:
    def __init__(self, base_url: str, *, max_connections: int = 64, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout, pool=600.0),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            headers={"User-Agent": "loa-firmware-sim"},
        )

    async def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self._client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise HttpError(f"{method} {url}: {type(exc).__name__}: {exc}") from exc

    async def enrol(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self._request(
            "POST", "/api/v1/devices", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        if response.status_code != 201:
            raise HttpError(f"enrolment refused: {response.status_code} {response.text[:300]}", response.status_code)
        data: dict[str, Any] = response.json()
        return data

    async def get_manifest(self, device_id: str, auth: Auth, etag: str | None) -> ManifestResponse:
        headers = {"If-None-Match": etag} if etag else {}
        response = await self._request("GET", f"/api/v1/devices/{device_id}/manifest", auth=auth, headers=headers)
        if response.status_code in (200, 304, 404):
            return ManifestResponse(response.status_code, response.content, response.headers.get("etag"))
        raise HttpError(f"manifest pull: {response.status_code}", response.status_code)

    async def fetch_media(self, path: str, auth: Auth, start: int, sink: ChunkSink) -> None:
        headers = {"Range": f"bytes={start}-"} if start > 0 else {}
        try:
            async with self._client.stream("GET", path, auth=auth, headers=headers) as response:
                if response.status_code == 416:
                    return
                if response.status_code not in (200, 206):
                    raise HttpError(f"GET {path}: {response.status_code}", response.status_code)
                offset = start if response.status_code == 206 else 0
                async for chunk in response.aiter_bytes(_CHUNK):
                    await sink(offset, chunk)
                    offset += len(chunk)
        except httpx.HTTPError as exc:
            raise HttpError(f"GET {path}: {type(exc).__name__}: {exc}") from exc

    async def post_asrun(self, device_id: str, auth: Auth, body: bytes) -> bytes:
        response = await self._request(
            "POST", f"/api/v1/devices/{device_id}/asrun", auth=auth, content=body,
            headers={"Content-Type": "application/json"},
        )
        if response.status_code != 200:
            raise HttpError(f"as-run upload: {response.status_code}", response.status_code)
        return response.content

    async def aclose(self) -> None:
        await self._client.aclose()
