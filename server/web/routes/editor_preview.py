"""The editor's live preview (htmx): what the loudspeaker will read, each board model's pages,
the airtime estimate; it also autosaves the form as the officer's server-side draft."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from server.deps import AreaTreeDep, RuntimeDep, SessionDep
from server.errors import LoaError
from server.models.bulletins import BOARD_MAX
from server.services import board_preview, legacy_text
from server.services.airtime_estimate import Estimate, EstimateInput, estimate
from server.services.areas import AreaTree
from server.services.bulletin_fields import GAP_RANGE, LIMITS, MAX_TARGETS
from server.services.spoken import spoken_text
from server.web import bulletin_form as bf
from server.web import draft_guard
from server.web.deps import CsrfChecked, OfficerUser
from server.web.templating import render

router = APIRouter(include_in_schema=False)
# Shown when no board is enrolled in the officer's area yet (the simulator's default size).
SAMPLE_BOARD = board_preview.BoardModel(cols=20, rows=2, ascii=False, devices=0)
MAX_PAGES_SHOWN = 8
# The room check packs a week of each target's slots: past this many targets the preview (on every
# pause in typing) would take seconds, so it lists the room of the first ones only.
MAX_ROOM_TARGETS = 20


def _board_previews(text: str, models: list[board_preview.BoardModel]) -> list[dict]:
    out = []
    for model in models:
        item: dict = {"model": model, "pages": [], "seconds": 0.0, "error": None}
        try:
            rendered = board_preview.render_pages(text, model.cols, model.rows, model.ascii)
        except LoaError as exc:
            item["error"] = exc.message
        else:
            item["seconds"] = sum(rendered.seconds)
            item["page_count"] = len(rendered.pages)
            for number in range(1, min(len(rendered.pages), MAX_PAGES_SHOWN) + 1):
                query = urlencode({"text": text, "cols": model.cols, "rows": model.rows,
                                   "ascii": int(model.ascii), "trang": number})
                item["pages"].append({"number": number, "src": f"/ban-tin/bang.png?{query}",
                                      "lines": rendered.pages[number - 1]})
        out.append(item)
    return out


def _estimate(session: SessionDep, tree: AreaTree, user: OfficerUser, form: bf.BulletinForm,
              now: datetime, words_per_minute: int) -> Estimate | None:
    """The airtime estimate when the form says enough for one (else None: the preview stays quiet)."""
    typed = bf.typed_content(bf.BulletinForm(dict(form.values), list(form.targets)))
    targets = [c for c in dict.fromkeys(form.targets) if c in tree.by_code and tree.is_within(c, user.area_code)]
    if typed is None or not targets or len(targets) > MAX_TARGETS or not form.values["body"].strip():
        return None
    in_range = all(LIMITS[n][0] <= typed[n] <= LIMITS[n][1] for n in LIMITS)
    if not in_range or not GAP_RANGE[0] <= typed["gap_seconds"] <= GAP_RANGE[1]:
        return None
    try:
        return estimate(session, tree, EstimateInput(
            body=form.values["body"], recording_duration_ms=None, reads_per_play=typed["reads_per_play"],
            gap_seconds=typed["gap_seconds"], repeats_per_day=typed["repeats_per_day"],
            targets=targets[:MAX_ROOM_TARGETS],
            valid_from=typed["valid_from"], valid_until=typed["valid_until"],
        ), area_code=user.area_code, now=now, words_per_minute=words_per_minute)
    except LoaError:
        return None


@router.post("/ban-tin/xem-truoc", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def preview(request: Request, user: OfficerUser, session: SessionDep, tree: AreaTreeDep,
                  runtime: RuntimeDep) -> HTMLResponse:
    data = await request.form()
    form = bf.read_form(data)
    key = data.get("draft_key")
    saved_at = None
    if isinstance(key, str) and data.get("autosave") == "1":
        try:
            saved_at = draft_guard.autosave(session, user, key, data.get("form_id"), form.as_draft(), runtime.clock())
        except LoaError:
            session.rollback()  # a draft too large to keep: the preview still answers
    spoken, spoken_error = "", None
    if form.values["body"].strip():
        try:
            spoken = spoken_text(session, form.values["body"], user.area_code)
        except LoaError as exc:
            spoken_error = exc.message
    legacy = {name: legacy_text.detect(form.values[name]) for name in bf.TEXT_INPUTS if form.values[name].strip()}
    legacy = {name: enc for name, enc in legacy.items() if enc != "unicode"}
    models = board_preview.board_models(session, tree, user.area_code) or [SAMPLE_BOARD]
    board_text = form.values["board_text"].strip()
    return render(request, "bulletins/_preview.html", {
        "spoken": spoken, "spoken_error": spoken_error, "legacy": legacy, "labels": bf.LABELS,
        "boards": _board_previews(board_text, models) if board_text else [], "saved_at": saved_at,
        "estimate": _estimate(session, tree, user, form, runtime.clock(), runtime.settings.espeak_rate),
        "room_cut": len(set(form.targets)) > MAX_ROOM_TARGETS, "room_max": MAX_ROOM_TARGETS,
    })


@router.get("/ban-tin/bang.png")
def board_page_png(
    user: OfficerUser,
    text: Annotated[str, Query(max_length=BOARD_MAX)],
    cols: Annotated[int, Query(ge=1, le=512)], rows: Annotated[int, Query(ge=1, le=512)],
    ascii: Annotated[int, Query(ge=0, le=1)] = 0, trang: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> Response:
    png = board_preview.render_page_png(text, cols, rows, bool(ascii), trang)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.post("/ban-tin/chuyen-ma", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def convert_legacy(request: Request, user: OfficerUser) -> HTMLResponse:
    """Text pasted in TCVN3 or VNI becomes Unicode; the converted fields replace the old ones."""
    form = bf.read_form(await request.form())
    for name in bf.TEXT_INPUTS:
        form.values[name] = legacy_text.convert(form.values[name]).text
    return render(request, "bulletins/_text_fields.html", {"v": form.values, "errors": {}, "oob": True})
