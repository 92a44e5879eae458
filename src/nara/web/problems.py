"""Errors at the edge, written once: RFC 9457 problem details for JSON, a friendly Swedish page for HTML, and
their description in the OpenAPI document. Domain code raises :class:`nara.core.errors.NaraError`; the handlers
installed here answer it. A user never sees a stack trace."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from nara.core.errors import NaraError
from nara.core.i18n import t
from nara.web.deps import LoginRequired
from nara.web.render import error_page
from nara.web.sessions import clear_session_cookie

log = logging.getLogger("nara")

PROBLEM_JSON = "application/problem+json"
LOGIN_PATH = "/logga-in"
LOGOUT_PATH = "/logga-ut"
_STANDARD_MEMBERS = frozenset({"type", "title", "status", "detail", "instance"})
_STATUS_KEYS = {404: "error.not_found", 405: "error.method", 401: "auth.required", 403: "auth.forbidden"}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "required": ["type", "title", "status"],
}
DENIAL_MEMBERS: dict[str, Any] = {
    "reason": {"type": "string", "description": "Varför åtkomsten nekades (kod)"},
    "emergency_possible": {"type": "boolean", "description": "Nödåtkomst kan öppna uppgifterna"},
    "blocked": {"type": "array", "items": {"type": "string"},
                "description": "Att spärrad information finns och vem som spärrade den"},
}


def problem_doc(description: str, *, headers: dict[str, Any] | None = None, **members: Any) -> dict[str, Any]:
    """How one error answer is described in the OpenAPI document: a problem with any extra ``members``."""
    schema = PROBLEM_SCHEMA if not members else {
        **PROBLEM_SCHEMA, "properties": {**PROBLEM_SCHEMA["properties"], **members}}
    doc: dict[str, Any] = {"description": description, "content": {PROBLEM_JSON: {"schema": schema}}}
    if headers:
        doc["headers"] = headers
    return doc


UNAUTHENTICATED = {401: problem_doc("Inte inloggad, eller sessionen har gått ut")}
FORBIDDEN = {403: problem_doc("Ingen behörighet")}
INVALID = {422: problem_doc("Ogiltiga uppgifter")}
ERRORS: dict[int | str, dict[str, Any]] = {
    **UNAUTHENTICATED,
    403: problem_doc("Åtkomst nekad av åtkomstreglerna (loggat)", **DENIAL_MEMBERS),
    404: problem_doc("Finns inte"),
    409: problem_doc("Redan gjort (t.ex. redan återkallat eller hävt)"),
    **INVALID,
}
"""The answers every route over person data may give."""


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path in ("/healthz", "/openapi.json"):
        return True
    accept = request.headers.get("accept", "")
    return "json" in accept and "html" not in accept


def problem(status: int, code: str, detail: str, request: Request | None = None, *, instance: str = "",
            **extra: Any) -> JSONResponse:
    """An RFC 9457 problem details response; ``type`` is a stable URN per error code. The standard members
    cannot be overridden by ``extra``."""
    body = {
        "type": f"urn:nara:problem:{code}",
        "title": detail,
        "status": status,
        "detail": detail,
        "instance": request.url.path if request is not None else instance,
        **{k: v for k, v in extra.items() if k not in _STANDARD_MEMBERS},
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def error_response(request: Request, status: int, code: str, detail: str, *,
                   headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """A problem for an API client, a friendly page for a browser."""
    response = problem(status, code, detail, request, **extra) if wants_json(request) else error_page(
        request, status, detail)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def login_redirect(request: Request, exc: LoginRequired) -> RedirectResponse:
    query = "?till=" + quote(exc.back_to, safe="/")
    if exc.expired:
        query += "&orsak=inaktiv"
    response = RedirectResponse(LOGIN_PATH + query, status_code=303)
    if exc.expired:  # the cookie is worth nothing now; say why once, then forget it
        clear_session_cookie(response, request)
    return response


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NaraError)
    async def _nara_error(request: Request, exc: NaraError) -> Response:
        return error_response(request, exc.status, exc.code, exc.message, headers=exc.headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "type": e.get("type", "")} for e in exc.errors()
        ]
        return error_response(request, 422, "validation-failed", t("error.validation"), errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        key = _STATUS_KEYS.get(exc.status_code)
        detail = t(key) if key else str(exc.detail)
        return error_response(request, exc.status_code, f"http-{exc.status_code}", detail,
                              headers=dict(exc.headers or {}))

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        return login_redirect(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal", t("error.internal"))

