"""``GET /api/v1/airings``: planned airings with what each device reported (JSON, CSV or XLSX),
for every role within its area subtree. Shape and statuses: ``server.services.airings``."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from openpyxl import Workbook

from playlists.model import LOCAL_TZ
from server.deps import AreaTreeDep, AuditUser, RuntimeDep, SessionDep
from server.errors import Invalid
from server.services.airings import COLUMNS, HEADERS_VI, MAX_LIMIT, AiringQuery, airings
from server.services.areas import validate_code
from server.services.devices import get_device
from server.services.reports_export import MEDIA_TYPES, check_format
from server.services.reports_query import bulletin_titles, check_access, parse_period, scope_of

router = APIRouter(prefix="/api/v1", tags=["reports"])


def _csv(items: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS_VI)
    for item in items:
        writer.writerow(["" if item[c] is None else item[c] for c in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def _xlsx(items: list[dict[str, Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Lượt phát"
    ws.append(list(HEADERS_VI))
    for item in items:
        ws.append([item[c] for c in COLUMNS])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@router.get("/airings")
def list_airings(
    user: AuditUser, runtime: RuntimeDep, session: SessionDep, tree: AreaTreeDep,
    area: Annotated[str | None, Query(description="mã địa bàn (mặc định: địa bàn của tài khoản)")] = None,
    device: Annotated[str | None, Query(max_length=64)] = None,
    bulletin: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    from_: Annotated[str | None, Query(alias="from", description="YYYY-MM-DD, mặc định hôm nay")] = None,
    to: Annotated[str | None, Query(description="YYYY-MM-DD, mặc định bằng from")] = None,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    format_: Annotated[str, Query(alias="format", description="json, csv hoặc xlsx")] = "json",
) -> Response:
    """When did device X air bulletin Y: each planned airing and the device's report."""
    fmt = check_format(format_)
    today = runtime.clock().astimezone(LOCAL_TZ).date().isoformat()
    start, end = parse_period(from_ or to or today, to or from_ or today)
    root = validate_code(area) if area else user.area_code
    device_id = None
    if device is not None:
        dev = get_device(session, device)
        if area is None:
            root = dev.area_code
        elif dev.area_code not in scope_of(tree, root).codes:
            raise Invalid(f"Thiết bị {device} không thuộc địa bàn {root}.", code="device_not_in_area")
        device_id = dev.id
    check_access(tree, user.area_code, root)
    query = AiringQuery(scope_of(tree, root).codes, start, end, device_id, bulletin, cursor, limit)
    items, next_cursor = airings(runtime.engine, query, runtime.clock(), runtime.settings.asrun_grace)
    titles = bulletin_titles(session, {i["bulletin_id"] for i in items})
    for item in items:
        item["title"] = titles.get(item["bulletin_id"])
    headers = {"X-Next-Cursor": next_cursor} if next_cursor else {}
    if fmt == "json":
        return JSONResponse({"area": root, "device": device_id, "bulletin": bulletin, "from": start.isoformat(),
                             "to": end.isoformat(), "items": items, "next_cursor": next_cursor}, headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="airings_{root}_{start}_{end}.{fmt}"'
    return Response(_csv(items) if fmt == "csv" else _xlsx(items), media_type=MEDIA_TYPES[fmt], headers=headers)
