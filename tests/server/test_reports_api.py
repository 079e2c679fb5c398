"""`GET /api/v1/reports/airtime` (JSON, CSV, XLSX), chart data, scope, bad input, audit and the CLI,
over the hand-computed June of ``test_reports``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from server.app import create_app
from server.cli import main
from server.models.audit import AuditEvent
from server.runtime import Runtime, build_runtime
from server.services import areas as area_service
from server.services import reports_export
from server.settings import Settings
from tests.factories import add_users, bearer
from tests.server.test_reports import NOW, figures, seed_month

JUNE_TOTALS = (250, 240, 3, 6, 1, 14866.0, 96.0)
PERIOD = {"from": "2025-06-01", "to": "2025-06-30"}
USERS = [("tinh.kiemtra", "auditor", "P01"), ("mot.kiemtra", "auditor", "W001"),
         ("hai.kiemtra", "auditor", "W002"), ("mot.canbo", "officer", "W001")]


@dataclass
class Api:
    client: TestClient
    runtime: Runtime
    headers: dict[str, dict[str, str]]

    def get(self, who: str | None, path: str = "/api/v1/reports/airtime", **params: Any) -> Any:
        return self.client.get(path, params=params, headers=self.headers[who] if who else {})

    def events(self) -> list[AuditEvent]:
        with Session(self.runtime.engine) as s:
            return list(s.exec(select(AuditEvent).where(AuditEvent.action == "report_generated")
                                .order_by(col(AuditEvent.seq))).all())


def _api(settings: Settings) -> Iterator[Api]:
    runtime = build_runtime(settings)
    seed_month(runtime.engine)
    users = add_users(runtime.engine, USERS)
    headers = {name: bearer(runtime, user) for name, user in users.items()}  # real clock: tokens stay valid
    runtime.clock = lambda: NOW
    with TestClient(create_app(runtime, start_runtime=False), raise_server_exceptions=False) as client:
        yield Api(client, runtime, headers)
    area_service.invalidate(runtime.engine)
    runtime.engine.dispose()


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    yield from _api(settings)


@pytest.fixture
def any_api(any_settings: Settings) -> Iterator[Api]:
    yield from _api(any_settings)


def _xlsx_metrics(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(row[4:9]) + tuple(row[11:13])  # counts, then airtime and compliance (after upcoming, pending)


def test_json_csv_and_xlsx_carry_the_same_hand_computed_figures(any_api: Api) -> None:
    r = any_api.get("tinh.kiemtra", area="P01", **PERIOD)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    report = r.json()
    assert figures(report["totals"]) == JUNE_TOTALS
    assert report["generated_by"] == "tinh.kiemtra" and report["as_of"] == "2025-07-03T03:00:00Z"

    r = any_api.get("tinh.kiemtra", area="P01", format="csv", **PERIOD)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="airtime_P01_2025-06-01_2025-06-30.csv"'
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert tuple(table[0]) == reports_export.CSV_HEADERS and table[0][:3] == ["Nhóm", "Mã", "Tên"]
    lines = [dict(zip(reports_export.CSV_COLUMNS, row, strict=True)) for row in table[1:]]
    assert len(lines) == 1 + len(report["rows"])
    total = lines[0]
    assert (total["group"], total["code"], total["as_of"]) == ("total", "P01", "2025-07-03T03:00:00Z")
    assert [total[k] for k in ("planned", "played", "interrupted", "missed", "failed", "airtime_seconds",
                               "compliance", "offline", "preempted", "upcoming", "pending")] == [
        "250", "240", "3", "6", "1", "14866.0", "96.0", "5", "1", "0", "0"]
    by_code = {(line["group"], line["code"]): line for line in lines}
    assert by_code[("area", "W003")]["retired"] == "true" and by_code[("area", "W003")]["name"] == "Xã Ba"
    assert by_code[("area", "W001")]["compliance"] == "96.15"
    assert by_code[("device", "bang-a")]["compliance"] == "" and by_code[("device", "bang-a")]["uptime"] == "96.67"

    r = any_api.get("tinh.kiemtra", area="P01", format="xlsx", **PERIOD)
    assert r.status_code == 200 and r.headers["content-type"] == reports_export.MEDIA_TYPES["xlsx"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Tổng hợp", "Chi tiết", "Theo ngày", "Mất kết nối"]
    summary = wb["Tổng hợp"]
    assert summary["B3"].value == datetime(2025, 6, 1) and summary["B3"].number_format == "dd/mm/yyyy"
    assert summary["B4"].value == datetime(2025, 6, 30) and summary["B5"].value == datetime(2025, 7, 3, 10, 0)
    assert summary["B6"].value == "tinh.kiemtra"
    assert summary.column_dimensions["C"].width == 32
    assert [c.value for c in summary[8]][:5] == ["STT", "Mã xã", "Tên xã", "Ghi chú", "Số lượt đến giờ phát"]
    rows = [tuple(c.value for c in row) for row in summary.iter_rows(min_row=9)]
    assert [r[1] for r in rows[:3]] == ["W001", "W002", "W003"]
    assert _xlsx_metrics(rows[0]) == (130, 125, 2, 3, 0, 7727.0, 96.15)
    assert rows[2][3].startswith("Đã sáp nhập vào W002")
    assert rows[-1][2] == "Tổng cộng" and _xlsx_metrics(rows[-1]) == JUNE_TOTALS
    assert all(isinstance(v, int | float) for v in _xlsx_metrics(rows[-1]))
    detail = wb["Chi tiết"]
    assert detail.max_row == 1 + len(report["rows"])
    assert detail["A1"].value == "Nhóm" and detail["A2"].value == "Địa bàn" and detail["H2"].value == 250
    days = wb["Theo ngày"]
    assert days.max_row == 31 and days["A2"].value == datetime(2025, 6, 1) and days["A2"].number_format == "dd/mm/yyyy"
    assert sum(days.cell(row=i, column=2).value for i in range(2, 32)) == 250
    outages = wb["Mất kết nối"]
    assert outages.max_row == 4 and outages["C2"].number_format == "dd/mm/yyyy hh:mm"


def test_every_report_is_audited_with_who_when_and_what(api: Api) -> None:
    assert api.get("mot.kiemtra", area="W001", **PERIOD).status_code == 200
    assert api.get("mot.kiemtra", area="W001", format="xlsx", **PERIOD).status_code == 200
    events = api.events()
    assert [(e.actor, e.subject, e.details["format"]) for e in events] == [
        ("mot.kiemtra", "report:airtime:W001", "json"), ("mot.kiemtra", "report:airtime:W001", "xlsx")]
    details = events[0].details
    assert (details["area"], details["from"], details["to"], details["as_of"]) == (
        "W001", "2025-06-01", "2025-06-30", "2025-07-03T03:00:00Z")
    assert details["totals"]["planned"] == 130


def test_scope_every_role_reads_only_its_subtree(api: Api) -> None:
    forbidden = api.get("mot.kiemtra", area="P01", **PERIOD)
    assert forbidden.status_code == 403 and forbidden.json()["detail"]["code"] == "out_of_scope"
    own = api.get("mot.kiemtra", **PERIOD)  # the area defaults to the user's own
    assert own.status_code == 200 and own.json()["area"] == "W001"
    assert figures(own.json()["totals"]) == (130, 125, 2, 3, 0, 7727.0, 96.15)
    assert api.get("mot.canbo", area="W001-T02", **PERIOD).status_code == 200  # officers read their subtree
    # A commune merged into W002 is part of W002's subtree; not of W001's.
    assert api.get("hai.kiemtra", area="W003", **PERIOD).status_code == 200
    assert api.get("mot.kiemtra", area="W003", **PERIOD).status_code == 403
    assert api.get("mot.kiemtra", "/api/v1/reports/airtime/series", area="W002", **PERIOD).status_code == 403
    assert api.get("mot.kiemtra", "/api/v1/reports/airtime/by-commune", area="P01", **PERIOD).status_code == 403
    assert api.get(None, area="W001", **PERIOD).status_code == 401
    assert [e.actor for e in api.events()] == ["mot.kiemtra", "mot.canbo", "hai.kiemtra"]


@pytest.mark.parametrize(("params", "status", "code"), [
    ({"from": "2025-06-01"}, 422, "period_required"),
    ({"to": "2025-06-30"}, 422, "period_required"),
    ({"from": "2025-06-30", "to": "2025-06-01"}, 422, "period_inverted"),
    ({"from": "2024-06-01", "to": "2025-07-06"}, 422, "period_too_long"),
    ({"from": "2025-6-1", "to": "2025-06-30"}, 422, "bad_date"),
    ({"from": "2025-02-30", "to": "2025-03-01"}, 422, "bad_date"),
    ({**PERIOD, "area": "NOPE"}, 404, "area_not_found"),
    ({**PERIOD, "area": "x y"}, 422, "bad_area_code"),
    ({**PERIOD, "format": "pdf"}, 422, "bad_format"),
])
def test_bad_input_is_a_clear_4xx(api: Api, params: dict[str, str], status: int, code: str) -> None:
    r = api.get("tinh.kiemtra", **params)
    assert r.status_code == status, r.text
    assert r.json()["detail"]["code"] == code and r.json()["detail"]["message"]
    assert api.events() == []


def test_longest_period_is_accepted(api: Api) -> None:
    assert api.get("tinh.kiemtra", **{"from": "2024-06-27", "to": "2025-07-31"}).status_code == 200  # 400 days


def test_a_failing_export_is_a_500_never_a_partial_file(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(report: dict[str, Any], tz: Any) -> bytes:
        raise RuntimeError("disk full")

    monkeypatch.setattr(reports_export, "to_xlsx", broken)
    r = api.get("tinh.kiemtra", format="xlsx", **PERIOD)
    assert r.status_code == 500 and not r.content.startswith(b"PK")
    assert api.events() == []  # nothing was handed out, so nothing is recorded


def test_chart_data_per_day_and_per_commune(api: Api) -> None:
    series = api.get("tinh.kiemtra", "/api/v1/reports/airtime/series", **PERIOD).json()
    assert series["as_of"] == "2025-07-03T03:00:00Z" and len(series["points"]) == 30
    assert figures(series["points"][14]) == (8, 6, 0, 1, 1, 480.0, 75.0)  # 15 June
    monthly = api.get("tinh.kiemtra", "/api/v1/reports/airtime/series", by="month", **PERIOD).json()
    assert [figures(p) for p in monthly["points"]] == [JUNE_TOTALS]
    bad = api.get("tinh.kiemtra", "/api/v1/reports/airtime/series", by="week", **PERIOD)
    assert bad.status_code == 422 and bad.json()["detail"]["code"] == "bad_series_step"
    communes = api.get("tinh.kiemtra", "/api/v1/reports/airtime/by-commune", **PERIOD).json()
    assert figures(communes["totals"]) == JUNE_TOTALS
    assert [(c["code"], c["retired"], c["played"]) for c in communes["communes"]] == [
        ("W001", False, 125), ("W002", False, 115), ("W003", True, 59)]
    assert api.events() == []  # chart data is not a generated report


def test_cli_writes_json_csv_and_xlsx_and_audits(api: Api, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    data_dir, out = str(api.runtime.settings.data_dir), tmp_path / "out"
    out.mkdir()
    base = ["--data-dir", data_dir, "report", "airtime", "--area", "W001", "--from", "2025-06-01", "--to", "2025-06-30"]
    assert main(base) == 0
    printed = json.loads(capsys.readouterr().out)
    assert figures(printed["totals"]) == (130, 125, 2, 3, 0, 7727.0, 96.15)
    assert printed["generated_by"].endswith("(dòng lệnh)")
    assert main([*base, "--format", "xlsx", "-o", str(out / "bc.xlsx")]) == 0
    summary = load_workbook(out / "bc.xlsx")["Tổng hợp"]
    rows = [tuple(c.value for c in row) for row in summary.iter_rows(min_row=9)]
    assert rows[-1][2] == "Tổng cộng" and _xlsx_metrics(rows[-1]) == (130, 125, 2, 3, 0, 7727.0, 96.15)
    assert main([*base, "--format", "csv", "-o", str(out / "bc.csv")]) == 0
    assert (out / "bc.csv").read_bytes().startswith("\ufeffNhóm,Mã,Tên".encode())
    assert sorted(p.name for p in out.iterdir()) == ["bc.csv", "bc.xlsx"]  # no temp files left
    events = api.events()
    assert [(e.actor, e.details["via"], e.details["format"]) for e in events] == [
        ("", "cli", "json"), ("", "cli", "xlsx"), ("", "cli", "csv")]
    assert main(["--data-dir", data_dir, "report", "airtime", "--area", "W001", "--from", "2025-06-30",
                 "--to", "2025-06-01"]) == 2
    assert "Ngày kết thúc" in capsys.readouterr().err
