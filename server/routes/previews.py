"""Previews for the bulletin editor: what the loudspeaker reads, how boards show the text, and
legacy-encoding conversion of pasted text. Every route needs a signed-in user; area parameters
are checked against the user's scope."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from devices.board import MAX_DIMENSION
from server.deps import AreaTreeDep, CurrentUser, SessionDep, ensure_in_scope
from server.models.bulletins import BOARD_MAX, BODY_MAX
from server.services import board_preview, legacy_text
from server.services.spoken import spoken_text

router = APIRouter(prefix="/api/v1", tags=["previews"])
Dimension = Annotated[int, Field(ge=1, le=MAX_DIMENSION)]


class NormalizeIn(BaseModel):
    text: str = Field(max_length=BODY_MAX)
    area: str | None = Field(default=None, max_length=64)


class NormalizeOut(BaseModel):
    spoken: str


class BoardIn(BaseModel):
    text: str = Field(max_length=BOARD_MAX)
    cols: Dimension
    rows: Dimension
    ascii: bool = False


class BoardOut(BaseModel):
    pages: list[list[str]]
    seconds: list[float]


class BoardModelOut(BaseModel):
    cols: int
    rows: int
    ascii: bool
    devices: int


class ConvertIn(BaseModel):
    text: str = Field(max_length=legacy_text.MAX_CHARS)


class ConvertOut(BaseModel):
    text: str
    encoding: Literal["unicode", "tcvn3", "vni"]


@router.post("/tts/normalize", response_model=NormalizeOut)
def normalize_preview(body: NormalizeIn, user: CurrentUser, session: SessionDep, tree: AreaTreeDep) -> NormalizeOut:
    """What the loudspeaker will read for ``text`` (with ``area``'s pronunciations)."""
    area = body.area or user.area_code
    ensure_in_scope(user, tree, area)
    return NormalizeOut(spoken=spoken_text(session, body.text, area))


@router.post("/boards/render", response_model=BoardOut)
def board_render(body: BoardIn, user: CurrentUser) -> BoardOut:
    """Pages of ``text`` on a ``cols`` × ``rows`` board, and each page's display time."""
    result = board_preview.render_pages(body.text, body.cols, body.rows, body.ascii)
    return BoardOut(pages=result.pages, seconds=result.seconds)


@router.get("/boards/render.png", response_class=Response, responses={200: {"content": {"image/png": {}}}})
def board_render_png(
    user: CurrentUser,
    text: Annotated[str, Query(max_length=BOARD_MAX)],
    cols: Annotated[int, Query(ge=1, le=MAX_DIMENSION)],
    rows: Annotated[int, Query(ge=1, le=MAX_DIMENSION)],
    ascii: bool = False,
    page: Annotated[int, Query(ge=1, le=BOARD_MAX)] = 1,
) -> Response:
    """A PNG of one page (``page``, from 1) as the LED board shows it."""
    png = board_preview.render_page_png(text, cols, rows, ascii, page)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/areas/{code}/board-models", response_model=list[BoardModelOut])
def area_board_models(code: str, user: CurrentUser, session: SessionDep, tree: AreaTreeDep) -> list[BoardModelOut]:
    """The distinct geometries of enrolled boards in the area's subtree (with how many boards)."""
    ensure_in_scope(user, tree, code)
    return [BoardModelOut(cols=m.cols, rows=m.rows, ascii=m.ascii, devices=m.devices)
            for m in board_preview.board_models(session, tree, code)]


@router.post("/text/convert", response_model=ConvertOut)
def convert_text(body: ConvertIn, user: CurrentUser) -> ConvertOut:
    """Detect text pasted in the legacy TCVN3 (ABC) or VNI encodings and convert it to Unicode."""
    result = legacy_text.convert(body.text)
    return ConvertOut(text=result.text, encoding=result.encoding)
