"""The citizens' podcast feed, audio and QR code of an area, no sign-in.

- ``/public/{area_code}/feed.xml``: RSS 2.0 with absolute ``audio/mpeg`` enclosures (from
  ``LOA_PUBLIC_URL``), the same items as the area's page.
- ``/public/{area_code}/audio/{bulletin_id}.mp3``: the approved audio of an item of that page
  (public, approved, valid now), with Range support; anything else is 404.
- ``/public/{area_code}/qr.svg``: a QR code of the page's address for the notice board.
"""

from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ET
from email.utils import format_datetime

import segno
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from server.deps import AreaTreeDep, RuntimeDep, SessionDep
from server.errors import NotFound
from server.services.public_bulletins import PublicPage
from server.web.labels import category_label
from server.web.routes.public import area_page, cache_headers, not_modified

# Out of the OpenAPI schema like every console page: podcast apps and browsers, not API clients, read
# these (a missing area answers with the citizens' HTML page, not the API's JSON error).
router = APIRouter(tags=["public"], include_in_schema=False)
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ET.register_namespace("itunes", ITUNES)


def _duration(ms: int) -> str:
    seconds = max(0, round(ms / 1000))
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def feed_xml(page: PublicPage, base: str, place: str) -> bytes:
    code = page.area.code
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = f"Bản tin truyền thanh — {place}"
    ET.SubElement(channel, "link").text = f"{base}/public/{code}"
    ET.SubElement(channel, "description").text = (
        f"Các bản tin đã được phê duyệt và đang còn hiệu lực trên loa truyền thanh của {place}.")
    ET.SubElement(channel, "language").text = "vi"
    ET.SubElement(channel, "lastBuildDate").text = format_datetime(page.computed_at)
    ET.SubElement(channel, f"{{{ITUNES}}}explicit").text = "false"
    ET.SubElement(channel, f"{{{ITUNES}}}author").text = place
    for item in page.items:
        entry = ET.SubElement(channel, "item")
        ET.SubElement(entry, "title").text = item.title
        ET.SubElement(entry, "link").text = f"{base}/public/{code}#ban-tin-{item.bulletin_id}"
        ET.SubElement(entry, "description").text = item.body
        ET.SubElement(entry, "category").text = category_label(item.category)
        ET.SubElement(entry, "guid", {"isPermaLink": "false"}).text = (
            f"loa-{item.bulletin_id}-{item.version_hash[:16]}")
        ET.SubElement(entry, "pubDate").text = format_datetime(item.approved_at)
        ET.SubElement(entry, "enclosure", {
            "url": f"{base}/public/{code}/audio/{item.bulletin_id}.mp3",
            "length": str(item.audio_size), "type": "audio/mpeg",
        })
        ET.SubElement(entry, f"{{{ITUNES}}}duration").text = _duration(item.duration_ms)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="utf-8", xml_declaration=False)


def _place(page: PublicPage) -> str:
    return ", ".join(a.name for a in reversed(page.path))


@router.get("/public/{area_code}/feed.xml", response_class=Response,
            responses={200: {"content": {"application/rss+xml": {}}}})
def public_feed(request: Request, area_code: str, runtime: RuntimeDep, session: SessionDep,
                tree: AreaTreeDep) -> Response:
    """RSS 2.0 podcast of the area's approved, valid, public bulletins (no sign-in)."""
    page = area_page(request, runtime, session, tree, area_code)
    etag = f'"f-{page.etag}"'
    if not_modified(request, etag):
        return Response(status_code=304, headers=cache_headers(etag))
    body = feed_xml(page, runtime.settings.base_url.rstrip("/"), _place(page))
    return Response(body, media_type="application/rss+xml; charset=utf-8", headers=cache_headers(etag))


@router.get("/public/{area_code}/audio/{name}", response_class=FileResponse,
            responses={200: {"content": {"audio/mpeg": {}}}})
def public_audio(request: Request, area_code: str, name: str, runtime: RuntimeDep, session: SessionDep,
                 tree: AreaTreeDep) -> Response:
    """The approved audio of a bulletin on the area's page (Range supported; no sign-in)."""
    missing = NotFound("Không có bản tin công khai này, hoặc bản tin đã hết hiệu lực.",
                       code="public_audio_not_found")
    stem = name.removesuffix(".mp3")
    if not name.endswith(".mp3") or not stem.isdigit() or len(stem) > 12:
        raise missing
    page = area_page(request, runtime, session, tree, area_code)
    item = page.item(int(stem))
    path = runtime.settings.media_dir / f"{item.audio_sha256}.mp3" if item is not None else None
    if item is None or path is None or not path.is_file():
        raise missing
    etag = f'"{item.audio_sha256}"'
    if not_modified(request, etag) and "range" not in request.headers:
        return Response(status_code=304, headers=cache_headers(etag, 300))
    # Short max-age: the bytes never change, but a withdrawn bulletin must stop being served.
    return FileResponse(path, media_type="audio/mpeg", headers=cache_headers(etag, 300),
                        filename=f"ban-tin-{item.bulletin_id}.mp3", content_disposition_type="inline")


@router.get("/public/{area_code}/qr.svg", include_in_schema=False)
def public_qr(area_code: str, runtime: RuntimeDep, tree: AreaTreeDep) -> Response:
    area = tree.by_code.get(area_code) if len(area_code) <= 64 else None
    if area is None:
        raise NotFound("Không tìm thấy xã, phường hoặc thôn này.", code="area_not_found")
    url = f"{runtime.settings.base_url.rstrip('/')}/public/{area.code}"
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2, xmldecl=False,
                                    title=f"Mã QR trang bản tin {area.name}")
    etag = '"q-' + hashlib.sha256(url.encode()).hexdigest()[:24] + '"'
    return Response(buffer.getvalue(), media_type="image/svg+xml", headers=cache_headers(etag, 86400))
