"""Citizens' pages, no sign-in: ``/public`` (index by province and commune name) and
``/public/{area_code}`` (the area's approved, valid, public bulletins with their audio).

What shows is decided by ``server.services.public_bulletins`` (which asks ``airing``, the one rule
for what may air); these handlers only render it, with cache headers and ETags.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from server.deps import AreaTreeDep, RuntimeDep, SessionDep
from server.errors import NotFound
from server.runtime import Runtime
from server.services.areas import AreaInfo, AreaTree
from server.services.public_bulletins import PublicCache, PublicPage
from server.services.text_search import fold
from server.web.templating import render

router = APIRouter(include_in_schema=False)

MAX_QUERY = 100
MAX_RESULTS = 60
PAGE_MAX_AGE = 60  # seconds browsers and proxies may reuse a page without asking


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name: str
    path: str  # "Xã …, Tỉnh …": commune names repeat across provinces
    successor: str | None  # a retired commune's current unit


def cache_of(request: Request) -> PublicCache:
    cache: PublicCache | None = getattr(request.app.state, "public_cache", None)
    if cache is None:
        cache = request.app.state.public_cache = PublicCache()
    return cache


def area_page(request: Request, runtime: Runtime, session: SessionDep, tree: AreaTree, code: str) -> PublicPage:
    area = tree.by_code.get(code) if len(code) <= 64 else None
    if area is None:
        raise NotFound("Không tìm thấy xã, phường hoặc thôn này.", code="area_not_found")
    return cache_of(request).page(session, tree, area, runtime.clock(), runtime.settings.public_cache_seconds)


def not_modified(request: Request, etag: str) -> bool:
    presented = request.headers.get("if-none-match", "")
    return any(tag.strip().removeprefix("W/") == etag for tag in presented.split(","))


def cache_headers(etag: str, max_age: int = PAGE_MAX_AGE) -> dict[str, str]:
    return {"ETag": etag, "Cache-Control": f"public, max-age={max_age}"}


def _path_text(tree: AreaTree, code: str) -> str:
    return ", ".join(tree.get(c).name for c in tree.ancestors(code))


def _place(tree: AreaTree, info: AreaInfo) -> Place:
    successor = tree.resolve(info.code) if info.retired else None
    return Place(info.code, info.name, _path_text(tree, info.code), successor if successor != info.code else None)


def _communes_of(tree: AreaTree, province: str) -> list[Place]:
    found = [tree.get(c) for c in tree.descendants(province)]
    return sorted((_place(tree, a) for a in found if a.level == "commune" and not a.retired),
                  key=lambda p: fold(p.name))


def _search(tree: AreaTree, query: str) -> list[Place]:
    words = fold(query).split()
    hits = [a for a in tree.by_code.values() if a.level in ("commune", "hamlet")
            and all(w in fold(a.name) for w in words)]
    hits.sort(key=lambda a: (a.retired, fold(a.name), _path_text(tree, a.code)))
    return [_place(tree, a) for a in hits[:MAX_RESULTS]]


@router.get("/public")
def public_index(request: Request, tree: AreaTreeDep, q: str = "", tinh: str = "") -> Response:
    query = q.strip()[:MAX_QUERY]
    provinces = sorted((a for a in tree.by_code.values() if a.level == "province" and not a.retired),
                       key=lambda a: fold(a.name))
    province = tree.by_code.get(tinh) if tinh else None
    if province is not None and province.level != "province":
        province = None
    results = _search(tree, query) if query else []
    communes = _communes_of(tree, province.code) if province is not None else []
    response = render(request, "public/index.html", {
        "provinces": provinces, "province": province, "communes": communes,
        "query": query, "results": results, "max_results": MAX_RESULTS,
    })
    response.headers["Cache-Control"] = f"public, max-age={PAGE_MAX_AGE}"
    return response


@router.get("/public/{area_code}")
def public_area(request: Request, area_code: str, runtime: RuntimeDep, session: SessionDep,
                tree: AreaTreeDep) -> Response:
    info = tree.by_code.get(area_code) if len(area_code) <= 64 else None
    if info is not None and info.retired:
        # Merged communes: old links and printed QR codes lead to the current unit.
        current = tree.resolve(info.code)
        if current != info.code:
            return RedirectResponse(f"/public/{current}", status_code=301)
    page = area_page(request, runtime, session, tree, area_code)
    etag = f'"p-{page.etag}"'
    if not_modified(request, etag):
        return Response(status_code=304, headers=cache_headers(etag))
    base = runtime.settings.base_url.rstrip("/")
    response = render(request, "public/area.html", {
        "page": page, "area": page.area, "place": _path_text(tree, page.area.code),
        "page_url": f"{base}/public/{page.area.code}", "feed_url": f"{base}/public/{page.area.code}/feed.xml",
    })
    response.headers.update(cache_headers(etag))
    return response
