"""Reporting periods an auditor picks on the dashboard: the province's report year
(01/12 of the previous year – 30/11, matching the "results before 01/12" deadlines), the current
quarter, the year to date, or dates typed as dd/mm/yyyy."""

from __future__ import annotations

from datetime import date, datetime, timedelta

PRESETS = {
    "nam-bao-cao": "Năm báo cáo (01/12 – 30/11)",
    "quy": "Quý này",
    "tu-dau-nam": "Từ đầu năm đến nay",
    "tuy-chon": "Tự chọn ngày",
}


def preset_period(name: str, today: date) -> tuple[date, date]:
    if name == "quy":
        first_month = 3 * ((today.month - 1) // 3) + 1
        start = date(today.year, first_month, 1)
        end = date(today.year + (first_month == 10), (first_month + 3 - 1) % 12 + 1, 1) - timedelta(days=1)
        return start, min(end, today)
    if name == "tu-dau-nam":
        return date(today.year, 1, 1), today
    # The report year that contains today: from 01/12 of the year before to 30/11.
    year = today.year + 1 if today.month == 12 else today.year
    return date(year - 1, 12, 1), min(date(year, 11, 30), today)


def parse_local_date(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None
