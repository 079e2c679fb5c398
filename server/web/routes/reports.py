"""Airtime dashboard (auditors and every staff role over its own subtree): the period presets of
the reporting deadlines, totals, charts per day and per category (server-side SVG), tables per
commune/category/priority/bulletin, and CSV/XLSX buttons that download the same report from
``/api/v1/reports/airtime`` (the same ``services.reports.airtime_report`` call)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from playlists.model import LOCAL_TZ
from server.deps import AreaTreeDep, RuntimeDep
from server.errors import LoaError
from server.models.users import User
from server.services.reports import airtime_report
from server.services.reports_query import MAX_DAYS, check_access
from server.web.deps import console_roles
from server.web.report_period import PRESETS, parse_local_date, preset_period
from server.web.svg_charts import bar_chart, percent_line_chart
from server.web.templating import render

router = APIRouter(include_in_schema=False)
MAX_DEVICE_ROWS = 200  # a province has thousands: drill down through a commune to see them all
ReportUser = Annotated[User, Depends(console_roles("auditor", "approver", "admin", "officer"))]


def _areas(tree: Any, root: str) -> list[tuple[str, str]]:
    return [(c, ", ".join(tree.get(a).name for a in tree.ancestors(c)[:-1] or [c]))
            for c in tree.descendants(root) if tree.get(c).level in ("province", "district", "commune")][:4000]


def _days_chart(days: list[dict[str, Any]]) -> Any:
    points = [(f"{d['date'][8:10]}/{d['date'][5:7]}", round(d["airtime_seconds"] / 60, 1)) for d in days]
    every = max(1, len(points) // 12)
    return bar_chart(points, "Số phút phát thanh mỗi ngày", "phút", tick_every=every)


def _compliance_chart(days: list[dict[str, Any]]) -> Any:
    points = [(f"{d['date'][8:10]}/{d['date'][5:7]}", d["compliance"]) for d in days]
    return percent_line_chart(points, "Tỷ lệ phát đúng mỗi ngày (%)", tick_every=max(1, len(points) // 12))


@router.get("/bao-cao")
def dashboard(request: Request, user: ReportUser, runtime: RuntimeDep, tree: AreaTreeDep,
              dia_ban: str = "", ky: str = "nam-bao-cao", tu: str = "", den: str = "") -> HTMLResponse:
    today = runtime.clock().astimezone(LOCAL_TZ).date()
    ky = ky if ky in PRESETS else "nam-bao-cao"
    error = None
    start, end = preset_period(ky, today)
    if ky == "tuy-chon":
        typed = parse_local_date(tu[:20]), parse_local_date(den[:20])
        if typed[0] is None or typed[1] is None or typed[1] < typed[0] or (typed[1] - typed[0]).days >= MAX_DAYS:
            error = f"Nhập ngày bắt đầu và kết thúc dạng ngày/tháng/năm, tối đa {MAX_DAYS} ngày."
        else:
            start, end = typed[0], typed[1]
    root = dia_ban[:64] or user.area_code
    report: dict[str, Any] | None = None
    try:
        check_access(tree, user.area_code, root)
        report = airtime_report(runtime.engine, tree, LOCAL_TZ, root, start, end, runtime.clock(), days=True,
                                grace=runtime.settings.asrun_grace)
    except LoaError as exc:
        error, report = exc.message, None
    context: dict[str, Any] = {
        "presets": PRESETS, "ky": ky, "start": start, "end": end, "root": root, "error": error,
        "areas": _areas(tree, user.area_code), "report": report, "tu": tu[:20], "den": den[:20],
    }
    if report is not None:
        rows = report["rows"]
        context["communes"] = [r for r in rows if r["group"] == "area" and r["code"] != root]
        context["categories"] = [r for r in rows if r["group"] == "category"]
        context["priorities"] = [r for r in rows if r["group"] == "priority"]
        devices = [r for r in rows if r["group"] == "device"]
        context["devices"], context["device_total"] = devices[:MAX_DEVICE_ROWS], len(devices)
        context["device_query"] = urlencode({"tu": start.isoformat(), "den": end.isoformat()})
        context["bulletins"] = [r for r in rows if r["group"] == "bulletin"][:200]
        context["bulletin_counts"] = {c["category"]: sum(1 for b in rows if b["group"] == "bulletin"
                                                         and b["category"] == c["category"]) for c in rows
                                      if c["group"] == "category"}
        context["day_chart"] = _days_chart(report.get("days", []))
        context["compliance_chart"] = _compliance_chart(report.get("days", []))
        context["compliance_days"] = [d for d in report.get("days", []) if d["compliance"] is not None]
        context["category_chart"] = bar_chart(
            [(c["label"], round(c["airtime_seconds"] / 60, 1)) for c in context["categories"]],
            "Số phút phát thanh theo lĩnh vực", "phút")
        query = {"area": root, "from": start.isoformat(), "to": end.isoformat()}
        context["csv_url"] = "/api/v1/reports/airtime?" + urlencode({**query, "format": "csv"})
        context["xlsx_url"] = "/api/v1/reports/airtime?" + urlencode({**query, "format": "xlsx"})
    return render(request, "reports/dashboard.html", context)

