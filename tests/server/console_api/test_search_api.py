"""Bulletin search and filters: diacritics and case ignored, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from server.services.text_search import fold, like_pattern
from tests.server.conftest import World


def _ids(world: World, who: str = "mot.canbo", **params: Any) -> list[int]:
    r = world.client.get("/api/v1/bulletins", params=params, headers=world.headers[who])
    assert r.status_code == 200, r.text
    return [b["id"] for b in r.json()]


def test_fold() -> None:
    assert fold("Tiêm PHÒNG  dại\nĐình") == "tiem phong dai dinh"
    assert fold("Quyết định số 5") == "quyet dinh so 5"
    assert like_pattern("50%_x\\") == "%50\\%\\_x\\\\%"


def test_search_ignores_diacritics_and_case(any_world: World) -> None:
    w = any_world
    rabies = w.create(title="Tiêm phòng dại", body="Đề nghị bà con đưa chó đi tiêm.", board_text="Tiêm phòng")
    storm = w.create(title="Họp dân", body="Phòng chống bão số 3 tại Đình làng.", board_text="Họp dân",
                     category="disaster")
    other = w.create("hai.canbo", title="Tiêm phòng cúm", body="Xã Hai tiêm phòng.", board_text="x",
                     targets=["W002-T01"])
    found = _ids(w, q="tiem phong")
    assert rabies["id"] in found and storm["id"] not in found and other["id"] not in found  # scope kept
    assert _ids(w, q="TIÊM PHÒNG") == _ids(w, q="tiem phong")
    assert storm["id"] in _ids(w, q="dinh lang")  # đ folds to d, body is searched
    assert storm["id"] in _ids(w, q="bão số 3")
    assert _ids(w, q="tiem phong", category="disaster") == []
    assert storm["id"] in _ids(w, q="phong", category="disaster")
    assert _ids(w, q="100%") == []  # LIKE wildcards are literal
    assert rabies["id"] not in _ids(w, q="phong", status="approved")
    # An edit is searchable at once, and the old text no longer matches.
    r = w.patch("mot.canbo", rabies["id"], rabies["version"], title="Lịch uống vắc-xin")
    assert r.status_code == 200, r.text
    assert rabies["id"] in _ids(w, q="vac-xin") and rabies["id"] not in _ids(w, q="tiem phong dai")


def test_cursor_pages_through_everything(world: World) -> None:
    made = [world.create(title=f"Trang {i}", body="Phân trang kết quả.", board_text="x")["id"] for i in range(5)]
    seen: list[int] = []
    cursor: str | None = None
    for _ in range(10):
        params: dict[str, Any] = {"q": "phan trang", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        r = world.client.get("/api/v1/bulletins", params=params, headers=world.headers["mot.canbo"])
        seen += [b["id"] for b in r.json()]
        cursor = r.headers.get("x-next-cursor")
        if cursor is None:
            break
    assert seen == sorted(made, reverse=True)
    bad = world.client.get("/api/v1/bulletins", params={"cursor": "abc"}, headers=world.headers["mot.canbo"])
    assert bad.status_code == 422
    long_q = world.client.get("/api/v1/bulletins", params={"q": "x" * 201}, headers=world.headers["mot.canbo"])
    assert long_q.status_code == 422
