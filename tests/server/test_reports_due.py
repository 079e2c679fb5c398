"""The report tells due from pending from missed (issue 14): airings not started at ``as_of`` are
``upcoming``, started ones whose log may still arrive (end + grace ahead) are ``pending``; neither
is missed nor in the compliance denominator. Revoked speakers stop counting from revocation."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, delete
from sqlmodel import Session, col

from playlists.model import LOCAL_TZ
from server.db import get_engine
from server.models.asrun import AsRun
from server.models.devices import Device
from server.services import areas as area_service
from server.settings import Settings
from tests.server.test_reports import SPEAKERS, Seeded, insert, local, record, report, seed_month

DAY = date(2025, 7, 2)
GRACE = timedelta(minutes=15)


@pytest.fixture
def today(any_settings: Settings) -> Iterator[tuple[Engine, Seeded]]:
    """The June world, with 2 July's logs removed (only what the test adds has arrived)."""
    engine = get_engine(any_settings.db_url)
    ids = seed_month(engine)
    with Session(engine) as session:
        session.execute(delete(AsRun).where(col(AsRun.planned_start) >= local(DAY, 0)))
        session.commit()
    insert(engine, record("loa-a1", SPEAKERS["loa-a1"], ids.b1, local(DAY, 6), category="health", priority="normal"))
    yield engine, ids
    area_service.invalidate(engine)


def _totals(engine: Engine, hh: int, mm: int) -> dict[str, object]:
    rep = report(engine, period=(DAY, DAY), now=local(DAY, hh, mm), grace=GRACE)
    t = rep["totals"]
    return {k: t[k] for k in ("planned", "played", "missed", "upcoming", "pending", "compliance")}


def test_started_without_log_is_pending_within_grace_and_later_ones_upcoming(today: tuple[Engine, Seeded]) -> None:
    engine, _ids = today
    # 06:05: four speakers had the 06:00 item; one log arrived, three may still come; 17:00 not due.
    assert _totals(engine, 6, 5) == {"planned": 4, "played": 1, "missed": 0, "upcoming": 4, "pending": 3,
                                     "compliance": 100.0}
    # 06:16:01 is past 06:01 + 15 min: the three silent speakers are missed now.
    assert _totals(engine, 6, 30) == {"planned": 4, "played": 1, "missed": 3, "upcoming": 4, "pending": 0,
                                      "compliance": 25.0}
    # Before anything started: everything upcoming, nothing missed, compliance unknown.
    assert _totals(engine, 5, 0) == {"planned": 0, "played": 0, "missed": 0, "upcoming": 8, "pending": 0,
                                     "compliance": None}


def test_upcoming_and_pending_appear_in_rows_csv_and_xlsx(today: tuple[Engine, Seeded]) -> None:
    engine, _ids = today
    rep = report(engine, period=(DAY, DAY), now=local(DAY, 6, 5), grace=GRACE)
    device = {r["device_id"]: r for r in rep["rows"] if r["group"] == "device"}
    assert (device["loa-a2"]["pending"], device["loa-a2"]["upcoming"], device["loa-a2"]["missed"]) == (1, 1, 0)
    from server.services.reports_export import render

    csv_text = render(rep, "csv", None).decode("utf-8-sig")
    header = csv_text.splitlines()[0]
    assert "Chưa đến giờ phát" in header and "Chờ nhật ký" in header
    total = dict(zip(header.split(","), csv_text.splitlines()[1].split(","), strict=True))
    assert (total["Chưa đến giờ phát"], total["Chờ nhật ký"]) == ("4", "3")
    from openpyxl import load_workbook

    summary = load_workbook(io.BytesIO(render(rep, "xlsx", LOCAL_TZ)))["Tổng hợp"]
    heads = [c.value for c in summary[8]]
    last = [c.value for c in summary[summary.max_row]]
    assert last[heads.index("Chưa đến giờ phát")] == 4 and last[heads.index("Chờ nhật ký")] == 3


def test_revoked_speaker_stops_counting_from_revocation(today: tuple[Engine, Seeded]) -> None:
    engine, _ids = today
    with Session(engine) as session:
        loa = session.get(Device, "loa-a2")
        assert loa is not None
        loa.revoked_at = local(DAY, 12)
        session.commit()
    totals = _totals(engine, 6, 30)
    assert (totals["planned"], totals["upcoming"]) == (4, 3)  # its 17:00 airing is no longer expected
