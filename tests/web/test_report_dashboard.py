"""The airtime dashboard shows the same figures as the JSON report and the XLSX its button
downloads (a month of hand-computed airings from tests.server.test_reports); presets and scope."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from server.app import create_app
from server.runtime import Runtime, build_runtime
from server.services import areas as area_service
from server.settings import Settings
from server.web.report_period import preset_period
from tests.factories import add_users
from tests.server.test_reports import NOW, seed_month
from tests.web.http import console_sign_in


@pytest.fixture
def dashboard(settings: Settings) -> Iterator[tuple[TestClient, Runtime]]:
    runtime = build_runtime(settings)
    seed_month(runtime.engine)
    add_users(runtime.engine, [("tinh.kiemtra", "auditor", "P01"), ("hai.kiemtra", "auditor", "W002")])
    runtime.clock = lambda: NOW
    with TestClient(create_app(runtime, start_runtime=False)) as client:
        yield client, runtime
    area_service.invalidate(runtime.engine)
    runtime.engine.dispose()


def _figure(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]+)<', html)
    assert found, element_id
    return found.group(1).strip()


def test_page_totals_equal_json_and_xlsx(dashboard: tuple[TestClient, Runtime]) -> None:
    client, _ = dashboard
    console_sign_in(client, "tinh.kiemtra")
    page = client.get("/bao-cao", params={"dia_ban": "P01", "ky": "tuy-chon", "tu": "01/06/2025",
                                          "den": "30/06/2025"})
    assert page.status_code == 200 and "<svg" in page.text
    report = client.get("/api/v1/reports/airtime", params={"area": "P01", "from": "2025-06-01",
                                                           "to": "2025-06-30"}).json()
    totals = report["totals"]
    assert _figure(page.text, "tong-ke-hoach") == str(totals["planned"]) == "250"
    assert _figure(page.text, "tong-da-phat") == str(totals["played"])
    assert _figure(page.text, "tong-so-phut") == f"{totals['airtime_seconds'] / 60:.1f}"
    assert _figure(page.text, "tong-ty-le") == f"{totals['compliance']:.2f} %"
    xlsx_url = re.search(r'href="(/api/v1/reports/airtime\?[^"]*format=xlsx)"', page.text)
    assert xlsx_url
    xlsx = client.get(xlsx_url.group(1).replace("&amp;", "&"))
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert totals["planned"] in cells and totals["played"] in cells and totals["airtime_seconds"] in cells
    # Drill down: each commune row links to the same period for that commune, each bulletin to
    # its individual airings (what each device aired, with outcome and reason).
    assert "/bao-cao?dia_ban=W001&amp;ky=tuy-chon" in page.text
    airings = re.search(r'href="(/api/v1/airings\?[^"]*)"', page.text)
    assert airings
    rows = client.get(airings.group(1).replace("&amp;", "&"))
    assert rows.status_code == 200 and rows.headers["content-type"].startswith("text/csv")
    assert len(rows.text.strip().splitlines()) > 1


def test_scope_presets_and_bad_dates(dashboard: tuple[TestClient, Runtime]) -> None:
    client, _ = dashboard
    console_sign_in(client, "hai.kiemtra")
    outside = client.get("/bao-cao", params={"dia_ban": "W001"})
    assert outside.status_code == 200 and "tong-ke-hoach" not in outside.text and "error-summary" in outside.text
    bad = client.get("/bao-cao", params={"ky": "tuy-chon", "tu": "31/02/2025", "den": "01/03/2025"})
    assert "ngày/tháng/năm" in bad.text
    assert preset_period("nam-bao-cao", date(2025, 7, 3)) == (date(2024, 12, 1), date(2025, 7, 3))
    assert preset_period("nam-bao-cao", date(2025, 12, 5)) == (date(2025, 12, 1), date(2025, 12, 5))
    assert preset_period("quy", date(2025, 11, 20)) == (date(2025, 10, 1), date(2025, 11, 20))
    assert preset_period("quy", date(2025, 3, 31)) == (date(2025, 1, 1), date(2025, 3, 31))
    assert preset_period("tu-dau-nam", date(2025, 7, 3)) == (date(2025, 1, 1), date(2025, 7, 3))


def test_compliance_over_time_equals_the_json_series_per_day(dashboard: tuple[TestClient, Runtime]) -> None:
    client, _ = dashboard
    console_sign_in(client, "tinh.kiemtra")
    page = client.get("/bao-cao", params={"dia_ban": "P01", "ky": "tuy-chon", "tu": "01/06/2025",
                                          "den": "30/06/2025"}).text
    series = client.get("/api/v1/reports/airtime/series", params={"area": "P01", "from": "2025-06-01",
                                                                  "to": "2025-06-30", "by": "day"}).json()
    expected = {p["date"]: f"{p['compliance']:.2f} %" for p in series["points"] if p["compliance"] is not None}
    assert expected and len(set(expected.values())) > 1  # the seeded month has days of differing compliance
    table = dict(re.findall(r'<tr data-ngay="([\d-]+)">.*?<td class="ty-le">([^<]+)</td>', page))
    assert table == expected
    chart = page.split('aria-label="Tỷ lệ phát đúng mỗi ngày (%)"', 1)[1].split("</svg>", 1)[0]
    dots = re.findall(r"<circle [^>]*><title>(\d\d)/(\d\d): ([\d.]+ %)</title>", chart)
    assert {f"2025-{m}-{d}": v for d, m, v in dots} == expected


def test_drill_down_from_a_commune_to_its_devices_and_a_device_to_its_airings(
    dashboard: tuple[TestClient, Runtime],
) -> None:
    client, _ = dashboard
    console_sign_in(client, "tinh.kiemtra")
    period = {"ky": "tuy-chon", "tu": "01/06/2025", "den": "30/06/2025"}
    province = client.get("/bao-cao", params={"dia_ban": "P01", **period}).text
    commune_link = re.search(r'<a href="(/bao-cao\?dia_ban=W001&[^"]+)">Xã Một</a>', province)
    assert commune_link
    commune = client.get(commune_link.group(1).replace("&amp;", "&")).text
    report = client.get("/api/v1/reports/airtime", params={"area": "W001", "from": "2025-06-01",
                                                           "to": "2025-06-30"}).json()
    devices = {r["device_id"]: r for r in report["rows"] if r["group"] == "device"}
    links = re.findall(r'<a href="(/bao-cao/thiet-bi/([^"?]+)\?[^"]+)">', commune)
    assert {device for _, device in links} == set(devices) and len(devices) > 1
    url, device = next((u, d) for u, d in links if devices[d]["planned"] > 0)
    page = client.get(url.replace("&amp;", "&"))
    assert page.status_code == 200
    api = client.get("/api/v1/airings", params={"device": device, "from": "2025-06-01", "to": "2025-06-30",
                                                 "limit": 100}).json()
    statuses = re.findall(r'<tr data-status="(\w+)">', page.text)
    assert statuses == [i["status"] for i in api["items"]] and statuses
    assert ("Trang sau" in page.text) == (api["next_cursor"] is not None)


def test_device_airings_are_refused_outside_the_scope(dashboard: tuple[TestClient, Runtime]) -> None:
    client, _ = dashboard
    console_sign_in(client, "hai.kiemtra")
    assert client.get("/bao-cao/thiet-bi/loa-a1", params={"tu": "2025-06-01", "den": "2025-06-30"}).status_code == 403
    assert client.get("/bao-cao/thiet-bi/khong-co").status_code == 404
    bad = client.get("/bao-cao/thiet-bi/loa-b1", params={"tu": "2025-13-01"})
    assert bad.status_code == 200 and "không hợp lệ" in bad.text and 'id="luot-phat"' not in bad.text


def test_device_airings_page_through_the_cursor_and_refuse_a_forged_one(
    dashboard: tuple[TestClient, Runtime], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from server.web.routes import report_devices

    monkeypatch.setattr(report_devices, "PAGE_SIZE", 10)
    client, _ = dashboard
    console_sign_in(client, "tinh.kiemtra")
    period = {"tu": "2025-06-01", "den": "2025-07-02"}
    seen: list[str] = []
    pages = 0
    url: str | None = "/bao-cao/thiet-bi/loa-a1?" + "&".join(f"{k}={v}" for k, v in period.items())
    while url:
        page = client.get(url).text
        pages += 1
        seen += re.findall(r'<tr data-status="(\w+)">', page)
        found = re.search(r'href="([^"]+)">Trang sau', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    api = client.get("/api/v1/airings", params={"device": "loa-a1", "from": "2025-06-01", "to": "2025-07-02",
                                                 "limit": 1000}).json()
    assert seen == [i["status"] for i in api["items"]] and len(seen) == 64 and pages == 7  # 32 days × 2
    forged = client.get("/bao-cao/thiet-bi/loa-a1", params={**period, "sau": "!!không-phải-con-trỏ"})
    assert forged.status_code == 200 and "Con trỏ trang" in forged.text
