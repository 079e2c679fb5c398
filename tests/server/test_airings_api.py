"""``GET /api/v1/airings`` over the hand-computed June world of test_reports: each planned
airing with the device's report, paged by cursor, within the caller's scope, and in agreement
with the airtime report."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

from tests.server.test_reports_api import Api, any_api, api  # noqa: F401  (fixtures)

JUNE = {"from": "2025-06-01", "to": "2025-06-30"}


def _all_pages(client: Api, who: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        extra = {"cursor": cursor} if cursor else {}
        r = client.get(who, "/api/v1/airings", **params, **extra)
        assert r.status_code == 200, r.text
        body = r.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def test_pages_cover_every_planned_airing_once_and_agree_with_the_report(any_api: Api) -> None:  # noqa: F811
    items = _all_pages(any_api, "tinh.kiemtra", area="W001", limit=37, **JUNE)
    keys = [(i["planned_start"], i["device_id"], i["bulletin_id"]) for i in items]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)  # in time order across pages
    assert len(keys) == len(set(keys)) == 130  # W001's planned airings in June (the report says 130)
    status = Counter(i["status"] for i in items)
    report = any_api.get("tinh.kiemtra", area="W001", **JUNE).json()
    w001 = next(r for r in report["rows"] if r["group"] == "area" and r["code"] == "W001")
    assert (status["played"], status["interrupted"], status["missed"], status["failed"]) == (
        w001["played"], w001["interrupted"], w001["missed"], w001["failed"])


def test_when_did_device_x_air_bulletin_y(api: Api) -> None:  # noqa: F811
    day = {"from": "2025-06-10", "to": "2025-06-10"}
    items = _all_pages(api, "mot.kiemtra", device="loa-a1", **day)
    assert [i["planned_start"] for i in items] == ["2025-06-09T23:00:00Z", "2025-06-10T10:00:00Z"]
    late = items[1]  # E2: the device said played, 5 s late: interrupted by the shared rule
    assert (late["status"], late["reported_outcome"], late["actual_start"]) == (
        "interrupted", "played", "2025-06-10T10:00:05Z")
    one = _all_pages(api, "mot.kiemtra", device="loa-a1", bulletin=late["bulletin_id"], **day)
    assert one == [late]
    gone = _all_pages(api, "mot.kiemtra", device="loa-a1", **{"from": "2025-06-05", "to": "2025-06-05"})
    assert (gone[0]["status"], gone[0]["reason"], gone[0]["actual_start"]) == ("missed", "offline", None)


def test_scope_limits_and_exports(api: Api) -> None:  # noqa: F811
    assert api.get("mot.kiemtra", "/api/v1/airings", area="W002", **JUNE).status_code == 403
    assert api.get("mot.kiemtra", "/api/v1/airings", device="loa-b1", **JUNE).status_code == 403
    assert api.get(None, "/api/v1/airings", **JUNE).status_code == 401
    assert api.get("mot.kiemtra", "/api/v1/airings", limit=1001, **JUNE).status_code == 422
    bad = api.get("mot.kiemtra", "/api/v1/airings", cursor="!!", **JUNE)
    assert bad.status_code == 422 and bad.json()["detail"]["code"] == "bad_cursor"
    r = api.get("mot.kiemtra", "/api/v1/airings", format="csv", limit=5, **JUNE)
    assert r.status_code == 200 and r.headers["x-next-cursor"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Giờ phát theo kế hoạch", "Địa bàn", "Thiết bị"] and len(rows) == 6
    x = api.get("mot.kiemtra", "/api/v1/airings", format="xlsx", limit=5, **JUNE)
    assert x.status_code == 200 and x.content[:2] == b"PK"
