"""Domain errors: a stable code, a Vietnamese message for officers, an HTTP status.

One handler (``install_handlers``) maps them to ``{"detail": {"code", "message"}}``.
"""

from __future__ import annotations

from typing import Any


class LoaError(Exception):
    status_code = 400
    code = "bad_request"
    default_message = "Yêu cầu không hợp lệ."

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        self.message = message or self.default_message
        if code:
            self.code = code
        self.headers = headers
        self.extra = extra
        super().__init__(self.message)

    def detail(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.extra}


class Unauthorized(LoaError):
    status_code = 401
    code = "not_authenticated"
    default_message = "Bạn cần đăng nhập."


class Forbidden(LoaError):
    status_code = 403
    code = "forbidden"
    default_message = "Bạn không có quyền thực hiện thao tác này."


class NotFound(LoaError):
    status_code = 404
    code = "not_found"
    default_message = "Không tìm thấy."


class Conflict(LoaError):
    status_code = 409
    code = "conflict"
    default_message = "Dữ liệu đã thay đổi hoặc trạng thái không cho phép thao tác này."


class TooLarge(LoaError):
    status_code = 413
    code = "too_large"
    default_message = "Dữ liệu gửi lên quá lớn."


class TooManyAttempts(LoaError):
    status_code = 429
    code = "too_many_attempts"
    default_message = "Quá nhiều yêu cầu. Vui lòng thử lại sau."


class Invalid(LoaError):
    status_code = 422
    code = "invalid"
    default_message = "Dữ liệu không hợp lệ."


class ConfigError(LoaError):
    """A setting is wrong; the message names the setting and the fix."""

    code = "config"


DATABASE_RETRY_AFTER_S = 5
DATABASE_UNAVAILABLE = "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít phút."


def install_handlers(app: Any) -> None:
    from fastapi import Request
    from fastapi.responses import JSONResponse
    from sqlalchemy.exc import DBAPIError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout
    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(LoaError)
    async def _loa_error(_request: Request, exc: LoaError) -> JSONResponse:
        return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail()}, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        """Framework errors (unreadable body, unknown path, wrong method) in the domain shape too."""
        detail = exc.detail if isinstance(exc.detail, dict) else {
            "code": _HTTP_CODES.get(exc.status_code, "http_error"),
            "message": _HTTP_MESSAGES.get(exc.status_code, "Yêu cầu không được chấp nhận."),
        }
        return JSONResponse(status_code=exc.status_code, content={"detail": detail}, headers=exc.headers)

    async def _database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
        # The database is away (restart, failover, network): a clear, retryable answer, never a 500.
        # Devices keep what was not acknowledged and send it again; the pool reconnects by itself.
        if isinstance(exc, DBAPIError) and not isinstance(exc, OperationalError) and not exc.connection_invalidated:
            raise exc  # a real error (a bug), not an outage
        return JSONResponse(
            status_code=503, headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)},
            content={"detail": {"code": "database_unavailable", "message": DATABASE_UNAVAILABLE}},
        )

    for kind in (OperationalError, DBAPIError, PoolTimeout):
        app.add_exception_handler(kind, _database_unavailable)


_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}
_HTTP_MESSAGES = {
    400: "Không đọc được nội dung yêu cầu (JSON hoặc biểu mẫu không hợp lệ).",
    404: "Không tìm thấy.",
    405: "Phương thức không được hỗ trợ cho địa chỉ này.",
}
