"""Jinja2 environment of the console: Vietnamese date filters, labels, and the page context."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from playlists.model import LOCAL_TZ
from server.web import labels
from server.web.nav import links_for

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def _local(value: datetime) -> datetime:
    return value.astimezone(LOCAL_TZ) if value.tzinfo else value


def ngay(value: date | datetime | None) -> str:
    """dd/mm/yyyy in Vietnam's time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    return value.strftime("%d/%m/%Y")


def gio(value: datetime | None) -> str:
    """24-hour HH:MM in Vietnam's time zone."""
    return _local(value).strftime("%H:%M") if value is not None else ""


def ngay_gio(value: datetime | None) -> str:
    return f"{gio(value)} {ngay(value)}" if value is not None else ""


def thoi_luong(seconds: float | None) -> str:
    """A duration as officers say it: "1 phút 05 giây", "45 giây", "1 giờ 02 phút"."""
    if seconds is None:
        return ""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} giờ {minutes:02d} phút"
    return f"{minutes} phút {secs:02d} giây" if minutes else f"{secs} giây"


def html_datetime(value: datetime | None) -> str:
    """The value of an <input type="datetime-local">, in Vietnam's time zone."""
    return _local(value).strftime("%Y-%m-%dT%H:%M") if value is not None else ""


def route_paths(request: Request) -> set[str]:
    paths: set[str] = request.app.state.console_paths
    return paths


templates.env.filters.update(
    ngay=ngay, gio=gio, ngay_gio=ngay_gio, html_datetime=html_datetime, thoi_luong=thoi_luong,
    muc_uu_tien=labels.priority_label, trang_thai=labels.status_label,
    loai_tin=labels.category_label, vai_tro=labels.role_label, giong_doc=labels.voice_label,
    ket_qua_phat=labels.airing_label, ly_do=labels.reason_label,
)
templates.env.globals.update(
    PRIORITY_LABELS=labels.PRIORITY_LABELS, STATUS_LABELS=labels.STATUS_LABELS,
    CATEGORY_LABELS=labels.CATEGORY_LABELS,
)


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    """A page with the signed-in user, their navigation and the CSRF token (set by the deps)."""
    user = getattr(request.state, "console_user", None)
    ctx: dict[str, Any] = {
        "user": user,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "nav": links_for(user.role, route_paths(request)) if user is not None else [],
        "current_path": request.url.path,
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)
