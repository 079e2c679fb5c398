"""Demo mode: each `loa serve` start replaces the previous startup session (issue 14: restarts
piled them up and new slots failed with slot_overlap), and on a weekday the startup session is
the day's only one, so every demo bulletin airs in it within the first minutes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from playlists.model import LOCAL_TZ
from server.models.schedule import Holiday, Slot
from server.scheduling.inputs import load_inputs
from server.services import areas as area_service
from server.services.areas import load_tree
from server.services.demo_schedule import DEMO_PROVINCE_CODE, STARTUP_NAME, WEEKDAYS, add_startup_session
from server.services.preview import day_preview
from tests.factories import add_area

MONDAY = date(2026, 12, 7)


def _seed(engine: Engine) -> None:
    with Session(engine) as session:
        add_area(session, DEMO_PROVINCE_CODE, "province", None, "Tỉnh demo")
        add_area(session, "W1", "commune", DEMO_PROVINCE_CODE, "Xã demo")
        for name, start in (("Phiên sáng", "06:00"), ("Phiên chiều", "17:00")):
            session.add(Slot(area_code=DEMO_PROVINCE_CODE, name=name, start_local=start, duration_s=1800,
                             rrule=WEEKDAYS, dtstart=MONDAY - timedelta(days=7), template=[]))
        session.commit()
    area_service.invalidate(engine)


def test_restarts_replace_the_startup_session_and_it_is_the_days_only_session(engine: Engine) -> None:
    _seed(engine)
    first = datetime.combine(MONDAY, time(9, 0), tzinfo=LOCAL_TZ).astimezone(UTC)
    for minutes in (0, 5, 10):  # three restarts, minutes apart: sessions would overlap if stacked
        at = add_startup_session(engine, first + timedelta(minutes=minutes), LOCAL_TZ)
    assert at == "09:10:20"
    with Session(engine) as session:
        startup = session.exec(select(Slot).where(Slot.name == STARTUP_NAME)).all()
        holidays = session.exec(select(Holiday)).all()
    assert [(s.start_local, s.dtstart, s.enabled) for s in startup] == [("09:10:20", MONDAY, True)]
    assert [(h.area_code, h.date, h.slot_name) for h in holidays] == [(DEMO_PROVINCE_CODE, MONDAY, None)]
    with Session(engine) as session:
        loaded = load_inputs(session, load_tree(engine), first, 1)
    preview = day_preview(loaded, "W1", MONDAY)
    assert [(s["name"], s["start_local"]) for s in preview["slots"]] == [(STARTUP_NAME, "09:10:20")]
    with Session(engine) as session:  # the next day the regular sessions are back
        loaded = load_inputs(session, load_tree(engine), first + timedelta(days=1), 1)
    tuesday = day_preview(loaded, "W1", MONDAY + timedelta(days=1))
    assert [s["name"] for s in tuesday["slots"]] == ["Phiên sáng", "Phiên chiều"]
