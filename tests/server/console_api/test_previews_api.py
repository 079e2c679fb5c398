"""Editor previews over HTTP: spoken text, board pages and PNG, board models, legacy text."""

from __future__ import annotations

from sqlmodel import Session

from server.models.devices import Device
from tests.server.conftest import World


def test_normalize_preview_reads_numbers_and_checks_scope(world: World) -> None:
    h = world.headers["mot.canbo"]
    r = world.client.post("/api/v1/tts/normalize", json={"text": "Họp lúc 7h30 ngày 5/3."}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json() == {"spoken": "họp lúc bảy giờ ba mươi phút ngày mùng năm tháng ba."}
    other = world.client.post("/api/v1/tts/normalize", json={"text": "a", "area": "W002"}, headers=h)
    assert other.status_code == 403 and other.json()["detail"]["code"] == "out_of_scope"
    too_long = world.client.post("/api/v1/tts/normalize", json={"text": "a" * 5001}, headers=h)
    assert too_long.status_code == 422
    assert world.client.post("/api/v1/tts/normalize", json={"text": "a"}).status_code == 401


def test_board_render_pages_and_png(world: World) -> None:
    h = world.headers["mot.canbo"]
    body = {"text": "Tiêm phòng dại sáng thứ Bảy", "cols": 10, "rows": 2, "ascii": True}
    r = world.client.post("/api/v1/boards/render", json=body, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["pages"] == [["Tiem phong", "dai sang"], ["thu Bay"]]
    assert len(r.json()["seconds"]) == 2
    png = world.client.get("/api/v1/boards/render.png",
                           params={"text": "Tiêm phòng", "cols": 10, "rows": 2, "page": 1}, headers=h)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    missing = world.client.get("/api/v1/boards/render.png",
                               params={"text": "Tiêm phòng", "cols": 10, "rows": 2, "page": 2}, headers=h)
    assert missing.status_code == 422 and missing.json()["detail"]["code"] == "board_page_invalid"
    huge = world.client.get("/api/v1/boards/render.png", params={"text": "x", "cols": 512, "rows": 512},
                            headers=h)
    assert huge.status_code == 422
    empty = world.client.post("/api/v1/boards/render", json={**body, "text": "  "}, headers=h)
    assert empty.status_code == 422 and empty.json()["detail"]["code"] == "board_text_empty"


def test_board_models_of_subtree(world: World) -> None:
    with Session(world.engine) as s:
        for i, (area, cols, rows, ascii_) in enumerate([
            ("W001-T01", 20, 4, False), ("W001-T02", 20, 4, False), ("W001-T02", 16, 2, True),
            ("W002-T01", 32, 8, False),
        ]):
            s.add(Device(id=f"brd-models-{i}", kind="board", area_code=area, board_cols=cols, board_rows=rows,
                         board_ascii=ascii_, password_hash="x"))
        s.add(Device(id="spk-models-0", kind="speaker", area_code="W001-T01", password_hash="x"))
        s.commit()
    h = world.headers["mot.canbo"]
    r = world.client.get("/api/v1/areas/W001/board-models", headers=h)
    assert r.status_code == 200, r.text
    assert r.json() == [{"cols": 20, "rows": 4, "ascii": False, "devices": 2},
                        {"cols": 16, "rows": 2, "ascii": True, "devices": 1}]
    hamlet = world.client.get("/api/v1/areas/W001-T01/board-models", headers=h).json()
    assert hamlet == [{"cols": 20, "rows": 4, "ascii": False, "devices": 1}]
    assert world.client.get("/api/v1/areas/W002/board-models", headers=h).status_code == 403


def test_text_convert(world: World) -> None:
    h = world.headers["mot.canbo"]
    r = world.client.post("/api/v1/text/convert", json={"text": "Th«ng b¸o"}, headers=h)
    assert r.json() == {"text": "Thông báo", "encoding": "tcvn3"}
    r = world.client.post("/api/v1/text/convert", json={"text": "Thông báo"}, headers=h)
    assert r.json() == {"text": "Thông báo", "encoding": "unicode"}
    assert world.client.post("/api/v1/text/convert", json={"text": "x" * 20_001}, headers=h).status_code == 422
