"""Demo broadcast schedule: the province's morning and evening sessions, and — every time a
demo data dir is served — a one-off session starting within 30 seconds, so a first-time user
running `loa sim` sees devices play at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, select

from server.models.schedule import Slot

if TYPE_CHECKING:
    from server.services.demo import DemoReport

DEMO_PROVINCE_CODE = "P19"
WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA"
STARTUP_LEAD = timedelta(seconds=20)
STARTUP_SESSION_S = 15 * 60
STARTUP_NAME = "Phiên phát thử (demo)"


def seed_slots(session: Session, report: DemoReport, data_dir: Path) -> None:
    if session.exec(select(Slot).where(Slot.area_code == DEMO_PROVINCE_CODE)).first() is not None:
        return
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    for name, start in (("Phiên sáng", "06:00"), ("Phiên chiều", "17:00")):
        session.add(Slot(area_code=DEMO_PROVINCE_CODE, name=name, start_local=start, duration_s=1800,
                         rrule=WEEKDAYS, dtstart=today, template=[]))
    report.notes.append("Lịch phát mẫu: 06:00 và 17:00 (30 phút), thứ Hai đến thứ Bảy, toàn tỉnh.")


def add_startup_session(engine: Engine, now: datetime, tz: Any) -> str:
    """A 15-minute one-off session for the whole demo province, starting ~20 s from now."""
    start = (now + STARTUP_LEAD).astimezone(tz).replace(microsecond=0)
    with Session(engine) as session:
        session.add(Slot(
            area_code=DEMO_PROVINCE_CODE, name=STARTUP_NAME, start_local=start.strftime("%H:%M:%S"),
            duration_s=STARTUP_SESSION_S, rrule=None, dtstart=start.date(), template=[],
        ))
        session.commit()
    return start.strftime("%H:%M:%S")
