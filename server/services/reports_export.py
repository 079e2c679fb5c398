"""The airtime report as CSV and as the XLSX an official hands in (built whole, in memory).

CSV: UTF-8 with a BOM (Excel reads Vietnamese correctly), one header row in Vietnamese (the same
labels as the XLSX; column order is stable), then a ``total`` row and one row per report row;
every row repeats the period and ``as_of``.
XLSX: sheets "Tổng hợp" (totals per commune), "Chi tiết" (every row), "Theo ngày" and
"Mất kết nối"; Vietnamese headers, dates as real dates shown dd/mm/yyyy, numbers as numbers.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from server.errors import Invalid
from server.models.bulletins import CATEGORY_LABELS_VI

MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

METRICS = ("planned", "played", "interrupted", "missed", "failed", "upcoming", "pending")
REASONS = ("offline", "media_failed", "preempted", "expired")
CSV_COLUMNS = (
    "group", "code", "name", "area_level", "area_code", "retired", "successor_code", "category", "priority",
    *METRICS, *REASONS, "airtime_seconds", "compliance", "uptime_seconds", "outage_seconds", "outages", "uptime",
    "report_area", "from", "to", "as_of",
)

GROUP_VI = {"area": "Địa bàn", "device": "Thiết bị", "bulletin": "Bản tin", "category": "Lĩnh vực",
            "priority": "Mức ưu tiên"}
LEVEL_VI = {"province": "Tỉnh", "district": "Huyện", "commune": "Xã", "hamlet": "Thôn"}
PRIORITY_VI = {"normal": "Thường", "priority": "Ưu tiên", "emergency": "Khẩn cấp"}
KIND_VI = {"speaker": "Cụm loa", "board": "Bảng điện tử"}
METRIC_HEADERS = ("Số lượt đến giờ phát", "Phát đạt", "Bị ngắt", "Bỏ lỡ", "Lỗi", "Chưa đến giờ phát",
                  "Chờ nhật ký")
REASON_HEADERS = ("Do mất kết nối", "Do lỗi tệp âm thanh", "Do nhường tin khẩn cấp", "Do hết hiệu lực")
AIRTIME_HEADER, COMPLIANCE_HEADER = "Thời lượng phát (giây)", "Tỷ lệ phát đạt (%)"
UPTIME_HEADERS = ("Thời gian hoạt động (giây)", "Thời gian mất kết nối (giây)", "Số lần mất kết nối",
                  "Tỷ lệ hoạt động (%)")
# CSV headers in Vietnamese like the XLSX (one per CSV_COLUMNS entry); JSON keeps the machine keys.
CSV_HEADERS = (
    "Nhóm", "Mã", "Tên", "Cấp / loại", "Thuộc địa bàn", "Đã sáp nhập", "Sáp nhập vào", "Lĩnh vực", "Mức ưu tiên",
    *METRIC_HEADERS, *REASON_HEADERS, AIRTIME_HEADER, COMPLIANCE_HEADER, *UPTIME_HEADERS,
    "Địa bàn báo cáo", "Từ ngày", "Đến ngày", "Số liệu tính đến",
)
DATE_FMT, DATETIME_FMT, INT_FMT, SECONDS_FMT, PERCENT_FMT = "dd/mm/yyyy", "dd/mm/yyyy hh:mm", "#,##0", "#,##0.0", "0.00"
_BOLD, _HEAD_FILL = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")


# -- CSV -------------------------------------------------------------------------------------------
def _identity(row: dict[str, Any]) -> dict[str, Any]:
    group = row["group"]
    if group == "area":
        return {"code": row["code"], "name": row["name"], "area_level": row["area_level"],
                "retired": row["retired"], "successor_code": row["successor_code"]}
    if group == "device":
        return {"code": row["device_id"], "name": row["name"], "area_code": row["area_code"],
                "area_level": row["device_kind"]}
    if group == "bulletin":
        return {"code": row["bulletin_id"], "name": row["title"], "category": row["category"],
                "priority": row["priority"]}
    if group == "category":
        return {"code": row["category"], "name": row["label"], "category": row["category"]}
    return {"code": row["priority"], "name": PRIORITY_VI.get(row["priority"], row["priority"]),
            "priority": row["priority"]}


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def to_csv(report: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writerow(dict(zip(CSV_COLUMNS, CSV_HEADERS, strict=True)))
    common = {"report_area": report["area"], "from": report["from"], "to": report["to"], "as_of": report["as_of"]}
    total = {"group": "total", "code": report["area"], "name": report["area_name"], **report["totals"]}
    for row in [total, *report["rows"]]:
        flat = {**row, **(_identity(row) if row["group"] != "total" else {}), **row.get("reasons", {}), **common}
        writer.writerow({k: _csv_value(flat.get(k)) for k in CSV_COLUMNS})
    return out.getvalue().encode("utf-8-sig")


# -- XLSX ------------------------------------------------------------------------------------------
def _metrics(m: dict[str, Any], *, reasons: bool = False) -> list[Any]:
    values: list[Any] = [m[k] for k in METRICS]
    if reasons:
        values += [m["reasons"][r] for r in REASONS]
    return [*values, m["airtime_seconds"], m["compliance"]]


def _header(ws: Worksheet, row: int, headers: list[str]) -> None:
    for col, title in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=col, value=title)
        cell.font, cell.fill = _BOLD, _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def _put(ws: Worksheet, row: int, values: list[Any], formats: dict[int, str], bold: bool = False) -> None:
    for col, value in enumerate(values, start=1):
        if value is None or value == "":
            continue  # no empty cells: a province-year detail sheet has ~600k
        cell = ws.cell(row=row, column=col, value=value)
        if col in formats:
            cell.number_format = formats[col]
        if bold:
            cell.font = _BOLD


def _widths(ws: Worksheet, widths: list[int]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _number_formats(first: int, count_cols: int) -> dict[int, str]:
    """Counts from column ``first``, then airtime seconds and compliance percent."""
    formats = {first + i: INT_FMT for i in range(count_cols)}
    formats[first + count_cols], formats[first + count_cols + 1] = SECONDS_FMT, PERCENT_FMT
    return formats


def _local(iso: str, tz: ZoneInfo) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(tz).replace(tzinfo=None)


def _summary(ws: Worksheet, report: dict[str, Any], tz: ZoneInfo) -> None:
    ws.title = "Tổng hợp"
    ws["A1"] = "BÁO CÁO KẾT QUẢ PHÁT THANH CƠ SỞ"
    ws["A1"].font = Font(bold=True, size=14)
    meta: list[tuple[str, Any, str | None]] = [
        ("Địa bàn", f"{report['area_name']} ({report['area']})", None),
        ("Từ ngày", date.fromisoformat(report["from"]), DATE_FMT),
        ("Đến ngày", date.fromisoformat(report["to"]), DATE_FMT),
        ("Số liệu tính đến", _local(report["as_of"], tz), DATETIME_FMT),
        ("Người lập", report.get("generated_by") or "", None),
    ]
    for i, (label, value, fmt) in enumerate(meta, start=2):
        ws.cell(row=i, column=1, value=label).font = _BOLD
        cell = ws.cell(row=i, column=2, value=value)
        if fmt:
            cell.number_format = fmt
            cell.alignment = Alignment(horizontal="left")
    head = 8
    _header(ws, head, ["STT", "Mã xã", "Tên xã", "Ghi chú", *METRIC_HEADERS, AIRTIME_HEADER, COMPLIANCE_HEADER])
    areas = [r for r in report["rows"] if r["group"] == "area"]
    communes = [r for r in areas if r["area_level"] == "commune"] or areas[:1]
    formats = _number_formats(5, len(METRICS))
    row, number = head + 1, 0
    for r in communes:
        note = ""
        if r["retired"]:
            note = f"Đã sáp nhập vào {r['successor_code']}; số liệu đã gồm trong xã đó"
        else:
            number += 1
        _put(ws, row, [number if not r["retired"] else None, r["code"], r["name"], note, *_metrics(r)], formats)
        if r["retired"]:
            for col in range(1, 7 + len(METRICS)):
                ws.cell(row=row, column=col).font = Font(italic=True)
        row += 1
    _put(ws, row, [None, None, "Tổng cộng", None, *_metrics(report["totals"])], formats, bold=True)
    _widths(ws, [6, 14, 32, 34, 14, 11, 11, 11, 11, 16, 14])


def _detail(ws: Worksheet, report: dict[str, Any]) -> None:
    headers = ["Nhóm", "Mã", "Tên", "Cấp / loại", "Thuộc địa bàn", "Lĩnh vực", "Mức ưu tiên", *METRIC_HEADERS,
               *REASON_HEADERS, AIRTIME_HEADER, COMPLIANCE_HEADER, *UPTIME_HEADERS]
    _header(ws, 1, headers)
    up = 8 + len(METRICS) + len(REASONS) + 2  # first uptime column
    formats = {**_number_formats(8, len(METRICS) + len(REASONS)), up: SECONDS_FMT, up + 1: SECONDS_FMT,
               up + 2: INT_FMT, up + 3: PERCENT_FMT}
    for i, row in enumerate(report["rows"], start=2):
        ident = _identity(row)
        kind = row.get("area_level") if row["group"] == "area" else row.get("device_kind")
        category = row.get("category")
        values = [
            GROUP_VI[row["group"]], ident["code"], ident["name"], LEVEL_VI.get(kind or "", KIND_VI.get(kind or "", "")),
            row.get("area_code") if row["group"] == "device" else row.get("parent_code"),
            CATEGORY_LABELS_VI.get(category, category) if category else None,
            PRIORITY_VI.get(row.get("priority") or "", row.get("priority")),
            *_metrics(row, reasons=True),
            row.get("uptime_seconds"), row.get("outage_seconds"), row.get("outages"), row.get("uptime"),
        ]
        _put(ws, i, values, formats)
    _widths(ws, [12, 14, 34, 12, 14, 20, 12, 14, 10, 10, 10, 10, 12, 12, 14, 12, 16, 14, 16, 16, 12, 12])


def _days(ws: Worksheet, report: dict[str, Any]) -> None:
    _header(ws, 1, ["Ngày", *METRIC_HEADERS, AIRTIME_HEADER, COMPLIANCE_HEADER])
    formats = {1: DATE_FMT, **_number_formats(2, len(METRICS))}
    for i, point in enumerate(report.get("days", []), start=2):
        _put(ws, i, [date.fromisoformat(point["date"]), *_metrics(point)], formats)
    _widths(ws, [13, 14, 11, 11, 11, 11, 16, 14])


def _outages(ws: Worksheet, report: dict[str, Any], tz: ZoneInfo) -> None:
    _header(ws, 1, ["Thiết bị", "Địa bàn", "Bắt đầu", "Kết thúc", "Số giây trong kỳ"])
    formats = {3: DATETIME_FMT, 4: DATETIME_FMT, 5: SECONDS_FMT}
    for i, o in enumerate(report.get("outages", []), start=2):
        ended = _local(o["ended_at"], tz) if o["ended_at"] else None
        _put(ws, i, [o["device_id"], o["area_code"], _local(o["started_at"], tz), ended, o["seconds"]], formats)
    _widths(ws, [20, 14, 18, 18, 16])


def to_xlsx(report: dict[str, Any], tz: ZoneInfo) -> bytes:
    wb = Workbook()
    _summary(wb.active, report, tz)
    _detail(wb.create_sheet("Chi tiết"), report)
    _days(wb.create_sheet("Theo ngày"), report)
    _outages(wb.create_sheet("Mất kết nối"), report, tz)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def check_format(fmt: str) -> str:
    if fmt not in MEDIA_TYPES:
        raise Invalid(f"Định dạng '{fmt}' không được hỗ trợ; chọn json, csv hoặc xlsx.", code="bad_format")
    return fmt


def render(report: dict[str, Any], fmt: str, tz: ZoneInfo) -> bytes:
    """The whole file (JSON, CSV or XLSX) as bytes."""
    if fmt == "csv":
        return to_csv(report)
    if fmt == "xlsx":
        return to_xlsx(report, tz)
    return json.dumps(report, ensure_ascii=False).encode("utf-8")
