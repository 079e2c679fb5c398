"""Schedule pages (`/lich-phat`), officers and approvers: what plays where on a day (the preview
service, with its overflow and skip reasons), a week at a glance, and the slots of an area
(officers create them; inherited slots and relays are shown read-only)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from playlists.model import LOCAL_TZ
from server.deps import AreaTreeDep, RuntimeDep, SessionDep, ensure_in_scope
from server.models.users import User
from server.routes.preview import preview
from server.services.areas import AreaTree
from server.web.deps import console_roles
from server.web.templating import render
from server.web.viewmodels.schedule import monday_of, read_date, week_summary, with_titles
from server.web.views import area_choices, area_path

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Query(max_length=64)]  # codes, dates and hashes in the query string
SchedulePage = Annotated[User, Depends(console_roles("officer", "approver"))]
WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
MAX_DAYS_AWAY = 800  # a bounded date: the schedule two years either side of today


def parse_day(text: str, today: date) -> tuple[date, str | None]:
    """The requested local date, or today with a Vietnamese message when it cannot be read."""
    if not text:
        return today, None
    day = read_date(text[:20])
    if day is None:
        return today, "Ngày không hợp lệ (nhập theo dạng ngày/tháng/năm); đang hiển thị hôm nay."
    if abs((day - today).days) > MAX_DAYS_AWAY:
        return today, "Ngày quá xa; đang hiển thị hôm nay."
    return day, None


def _area(user: User, tree: AreaTree, code: str) -> str:
    code = code or user.area_code
    ensure_in_scope(user, tree, code)
    return code


def _common(user: User, tree: AreaTree, code: str, day: date) -> dict[str, object]:
    return {"areas": area_choices(tree, user.area_code), "area": code, "area_path": area_path(tree, code),
            "day": day, "weekday": WEEKDAY_NAMES[day.weekday()], "weekdays": WEEKDAY_NAMES}


@router.get("/lich-phat")
def day_view(request: Request, user: SchedulePage, session: SessionDep, runtime: RuntimeDep, tree: AreaTreeDep,
             dia_ban: Short = "", ngay: Short = "") -> Response:
    today = runtime.clock().astimezone(LOCAL_TZ).date()
    day, problem = parse_day(ngay, today)
    code = _area(user, tree, dia_ban)
    plan = with_titles(session, preview(runtime, session, user, tree, area=code, device=None, date=day))
    return render(request, "lich_phat.html", {
        **_common(user, tree, code, day), "plan": plan, "problem": problem, "today": today,
        "prev": day - timedelta(days=1), "next": day + timedelta(days=1),
    })


@router.get("/lich-phat/tuan")
def week_view(request: Request, user: SchedulePage, session: SessionDep, runtime: RuntimeDep,
              tree: AreaTreeDep, dia_ban: Short = "", ngay: Short = "") -> Response:
    now: datetime = runtime.clock()
    today = now.astimezone(LOCAL_TZ).date()
    day, problem = parse_day(ngay, today)
    code = _area(user, tree, dia_ban)
    monday = monday_of(day)
    return render(request, "lich_tuan.html", {
        **_common(user, tree, code, day), "problem": problem, "today": today, "monday": monday,
        "week": week_summary(session, tree, code, monday, now),
        "prev": monday - timedelta(days=7), "next": monday + timedelta(days=7),
    })
