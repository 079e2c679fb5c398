"""Swagger UI for the API, served from vendored files so /docs works on a commune server without internet."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url="/openapi.json", title="Loa — tài liệu API",
        swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url="/static/swagger-ui/swagger-ui.css",
        swagger_favicon_url="/static/swagger-ui/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None},  # the default validator is another host
    )
    # FastAPI's page has no lang attribute; the console promises Vietnamese pages.
    body = bytes(page.body).decode().replace("<html>", '<html lang="vi">', 1)
    return HTMLResponse(body)
