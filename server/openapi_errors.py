"""Make ``/openapi.json`` describe the errors the server really answers (clients are generated from it).

Domain errors (``server.errors``) are ``{"detail": {"code", "message"}}``; FastAPI only declares
its own 422 body. For every operation this adds the domain error responses it can produce, read
from the operation FastAPI generated rather than a hand-kept list per route:

* 401/403: the operation has a security requirement (bearer token or a device's Basic auth), or
  is enrolment (admin token or enrolment token);
* 404: it authenticates, or it has path parameters (ids, area codes: unknown, or out of scope);
* 409: it authenticates and changes state (POST/PUT/PATCH/DELETE: stale versions, workflow states);
* 400/413: it takes a body (unreadable; too large: every body is bounded, ``server.body_limit``);
* 422: FastAPI's validation body *or* a domain error (a value valid in form but not in meaning);
* 429: login (``too_many_attempts``, with ``Retry-After``).

Plus what a few routes answer besides JSON: ranges of audio (206/416), the manifest's 304.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

DOMAIN_ERROR = "DomainError"
_DOMAIN_SCHEMA: dict[str, Any] = {
    "title": DOMAIN_ERROR,
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {
            "code": {"type": "string", "description": "stable snake_case code"},
            "message": {"type": "string", "description": "Vietnamese sentence for the officer"},
        },
    }},
}
_DESCRIPTIONS = {
    "400": "Không đọc được nội dung yêu cầu",
    "401": "Chưa đăng nhập hoặc phiên không hợp lệ", "403": "Không có quyền (vai trò hoặc địa bàn)",
    "404": "Không tìm thấy", "409": "Xung đột trạng thái hoặc phiên bản", "413": "Dữ liệu gửi lên quá lớn",
    "422": "Dữ liệu không hợp lệ", "429": "Quá nhiều lần thử; xem Retry-After",
}
_ALSO_AUTHENTICATED = {("post", "/api/v1/devices")}  # its Bearer token is checked by hand (enrolment)
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_BODIES = {"POST", "PUT", "PATCH"}
_EXTRA: dict[tuple[str, str], dict[str, Any]] = {
    ("get", "/media/{name}"): {"206": {"description": "Partial Content", "content": {"audio/mpeg": {}}},
                               "416": {"description": "Range Not Satisfiable"}},
    ("get", "/api/v1/bulletins/{bulletin_id}/audio"): {
        "206": {"description": "Partial Content", "content": {"audio/mpeg": {}}},
        "416": {"description": "Range Not Satisfiable"}},
    ("get", "/api/v1/devices/{device_id}/manifest"): {"304": {"description": "Not Modified (ETag)"}},
}


def error_codes(method: str, path: str, operation: dict[str, Any]) -> list[str]:
    """The domain error statuses an operation can answer (see the module docstring)."""
    authenticated = bool(operation.get("security")) or (method, path) in _ALSO_AUTHENTICATED
    places = {p.get("in") for p in operation.get("parameters", [])}
    writes = method.upper() in _WRITES
    codes = {"401", "403", "404"} if authenticated else ({"404"} if "path" in places else set())
    if authenticated and writes:
        codes.add("409")
    if method.upper() in _BODIES:
        codes |= {"400", "413"}  # 400: a body that is not JSON/form at all
    if authenticated or places or method.upper() in _BODIES:
        codes.add("422")
    if path == "/api/v1/auth/token":
        codes |= {"401", "429"}
    return sorted(codes)


def _error_response(code: str, existing: dict[str, Any] | None) -> dict[str, Any]:
    domain = {"$ref": f"#/components/schemas/{DOMAIN_ERROR}"}
    schema: dict[str, Any] = domain
    if code == "422":  # FastAPI's validation body stays as it is; a domain 422 is the other form
        schema = {"anyOf": [{"$ref": "#/components/schemas/HTTPValidationError"}, domain]}
    response: dict[str, Any] = {"description": _DESCRIPTIONS[code], "content": {"application/json": {"schema": schema}}}
    if code == "429":
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "giây"}}
    if existing and existing.get("description") not in (None, "Validation Error"):
        response["description"] = existing["description"]
    return response


def install_error_docs(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components[DOMAIN_ERROR] = _DOMAIN_SCHEMA
        components.setdefault("HTTPValidationError", _http_validation_error())
        components.setdefault("ValidationError", _validation_error())
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for code in error_codes(method, path, operation):
                    responses[code] = _error_response(code, responses.get(code))
                responses.update(_EXTRA.get((method, path), {}))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _validation_error() -> dict[str, Any]:
    return {"title": "ValidationError", "type": "object", "required": ["loc", "msg", "type"], "properties": {
        "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
        "msg": {"type": "string"}, "type": {"type": "string"}}}


def _http_validation_error() -> dict[str, Any]:
    return {"title": "HTTPValidationError", "type": "object", "properties": {
        "detail": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}}}}
