"""Airtime audit reports and chart data, for every role over its own area subtree.

``GET /api/v1/reports/airtime?area=&from=&to=&format=json|csv|xlsx`` (audited as
``report_generated``), ``GET /api/v1/reports/airtime/series?area=&from=&to=&by=day|month`` and
``GET /api/v1/reports/airtime/by-commune?area=&from=&to=`` (chart data, not audited).
Files are built whole in memory before the response starts: an error is never a 200 with half a file.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from playlists.model import LOCAL_TZ
from server.deps import AreaTreeDep, AuditUser, RuntimeDep, SessionDep
from server.errors import Invalid
from server.models.users import User
from server.services import audit
from server.services.areas import AreaTree, validate_code
from server.services.reports import airtime_by_commune, airtime_report, airtime_series, audit_details
from server.services.reports_export import MEDIA_TYPES, check_format, render
from server.services.reports_query import check_access, parse_period

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

AreaQuery = Annotated[str | None, Query(description="mã địa bàn (mặc định: địa bàn của tài khoản)")]
FromQuery = Annotated[str | None, Query(alias="from", description="ngày bắt đầu, YYYY-MM-DD (tính cả ngày này)")]
ToQuery = Annotated[str | None, Query(description="ngày kết thúc, YYYY-MM-DD (tính cả ngày này)")]


def _root(user: User, tree: AreaTree, area: str | None) -> str:
    root = validate_code(area) if area else user.area_code
    check_access(tree, user.area_code, root)
    return root


@router.get("/airtime")
def airtime(
    user: AuditUser, runtime: RuntimeDep, session: SessionDep, tree: AreaTreeDep, area: AreaQuery = None,
    from_: FromQuery = None, to: ToQuery = None,
    format_: Annotated[str, Query(alias="format", description="json, csv hoặc xlsx")] = "json",
) -> Response:
    """Scheduled vs played, airtime and device uptime over the subtree and inclusive local period."""
    root = _root(user, tree, area)
    start, end = parse_period(from_, to)
    fmt = check_format(format_)
    report = airtime_report(runtime.engine, tree, LOCAL_TZ, root, start, end, runtime.clock(), days=fmt == "xlsx",
                            grace=runtime.settings.asrun_grace)
    report["generated_by"] = user.username
    body = render(report, fmt, LOCAL_TZ)
    audit.record(session, user, "report_generated", f"report:airtime:{root}", audit_details(report, fmt))
    session.commit()
    headers = {}
    if fmt != "json":
        headers["Content-Disposition"] = f'attachment; filename="airtime_{root}_{start}_{end}.{fmt}"'
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


@router.get("/airtime/series")
def airtime_per_day(
    user: AuditUser, runtime: RuntimeDep, tree: AreaTreeDep, area: AreaQuery = None,
    from_: FromQuery = None, to: ToQuery = None,
    by: Annotated[str, Query(description="day hoặc month")] = "day",
) -> JSONResponse:
    """Compliance and airtime per day (or month): the "compliance over time" chart."""
    root = _root(user, tree, area)
    start, end = parse_period(from_, to)
    if by not in ("day", "month"):
        raise Invalid("Tham số by chỉ nhận 'day' hoặc 'month'.", code="bad_series_step")
    data = airtime_series(runtime.engine, tree, LOCAL_TZ, root, start, end, runtime.clock(), by)
    return JSONResponse(data)


@router.get("/airtime/by-commune")
def airtime_per_commune(
    user: AuditUser, runtime: RuntimeDep, tree: AreaTreeDep, area: AreaQuery = None,
    from_: FromQuery = None, to: ToQuery = None,
) -> JSONResponse:
    """Totals per commune of the subtree: the "airtime per commune" chart."""
    root = _root(user, tree, area)
    start, end = parse_period(from_, to)
    return JSONResponse(airtime_by_commune(runtime.engine, tree, LOCAL_TZ, root, start, end,
                                           runtime.clock()))
