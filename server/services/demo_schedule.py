"""Demo broadcast schedule: the province's morning and evening sessions, and — every time a
demo data dir is served — a one-off session starting within 30 seconds (replacing the previous
one and that day's regular sessions), so a first-time user running `loa sim` hears devices play
at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from server.models.schedule import Holiday, Slot

if TYPE_CHECKING:
    from server.services.demo import DemoReport

DEMO_PROVINCE_CODE = "P19"
WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA"
STARTUP_LEAD = timedelta(seconds=20)
STARTUP_SESSION_S = 15 * 60
STARTUP_NAME = "Phiên phát thử (demo)"
STARTUP_HOLIDAY_NOTE = "demo: hôm nay chỉ có phiên phát thử"


def seed_slots(session: Session, report: DemoReport, data_dir: Path) -> None:
    if session.exec(select(Slot).where(Slot.area_code == DEMO_PROVINCE_CODE)).first() is not None:
        return
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    for name, start in (("Phiên sáng", "06:00"), ("Phiên chiều", "17:00")):
        session.add(Slot(area_code=DEMO_PROVINCE_CODE, name=name, start_local=start, duration_s=1800,
                         rrule=WEEKDAYS, dtstart=today, template=[]))
    report.notes.append("Lịch phát mẫu: 06:00 và 17:00 (30 phút), thứ Hai đến thứ Bảy, toàn tỉnh.")


def add_startup_session(engine: Engine, now: datetime, tz: Any) -> str:
    """A 15-minute one-off session for the whole demo province, starting ~20 s from now.

    It *replaces* the previous start's session (the same row moves; piled-up rows from older
    versions are disabled), so restarts never stack sessions into ``slot_overlap``. The day's
    regular demo sessions give way to it (a demo holiday for today, also replaced each start):
    bulletins are spread over the day's sessions, and on a weekday the earliest (already past)
    session would otherwise take the plays — so a newcomer hears every demo bulletin within the
    first minutes, whatever the weekday.
    """
    start = (now + STARTUP_LEAD).astimezone(tz).replace(microsecond=0)
    with Session(engine) as session:
        old = session.exec(select(Slot).where(Slot.area_code == DEMO_PROVINCE_CODE, Slot.name == STARTUP_NAME,
                                              col(Slot.rrule).is_(None)).order_by(col(Slot.id))).all()
        at, day = start.strftime("%H:%M:%S"), start.date()
        slot = old[0] if old else Slot(area_code=DEMO_PROVINCE_CODE, name=STARTUP_NAME, start_local=at,
                                       duration_s=STARTUP_SESSION_S, rrule=None, dtstart=day, template=[])
        slot.start_local, slot.dtstart, slot.duration_s, slot.enabled = at, day, STARTUP_SESSION_S, True
        session.add(slot)
        for stale in old[1:]:
            stale.enabled = False
            session.add(stale)
        for holiday in session.exec(select(Holiday).where(Holiday.area_code == DEMO_PROVINCE_CODE,
                                                          Holiday.note == STARTUP_HOLIDAY_NOTE)).all():
            session.delete(holiday)
        session.add(Holiday(area_code=DEMO_PROVINCE_CODE, date=start.date(), slot_name=None,
                            note=STARTUP_HOLIDAY_NOTE))
        session.commit()
    return start.strftime("%H:%M:%S")
