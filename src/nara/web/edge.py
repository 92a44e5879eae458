"""Guards at the HTTP edge that apply to every route, before any route sees the request."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nara.core.i18n import t

# A NUL character as a raw byte or a JSON escape, or percent-encoded in a query or a form. No Swedish care text
# holds one, and PostgreSQL text cannot store it: rejected here, once, instead of failing deep in a write (a 500).
_NUL = re.compile(rb"\x00|\\u0000", re.IGNORECASE)
_NUL_ENCODED = re.compile(rb"\x00|%00")
MAX_INSPECTED_BODY = 10 * 1024 * 1024
FORM_URLENCODED = "application/x-www-form-urlencoded"
MULTIPART_FORM = "multipart/form-data"


def media_type(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The request's media type without parameters, lower case: ``Application/X-WWW-Form-Urlencoded;
    charset=UTF-8`` is ``application/x-www-form-urlencoded``. Type and subtype are case-insensitive (RFC 9110
    §8.3.1), so every check of a Content-Type compares this, never the raw header."""
    for name, value in headers:
        if name.lower() == b"content-type":
            return value.decode("latin-1").split(";", 1)[0].strip().lower()
    return ""


class HttpMiddleware:
    """A plain ASGI middleware (no BaseHTTPMiddleware: it sees streaming responses and a form's body once) that
    lets everything but HTTP through untouched and hands HTTP requests to :meth:`handle`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


class RejectNulMiddleware(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _NUL_ENCODED.search(scope.get("query_string", b"")) or "\x00" in scope.get("path", ""):
            await _reject(scope, send)
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            chunks.append(chunk)
            size += len(chunk)
            if not message.get("more_body", False) or size > MAX_INSPECTED_BODY:
                break
        body = b"".join(chunks)
        # A form is percent-decoded by the route: there %00 is the NUL. Elsewhere (JSON, multipart) the raw byte
        # or the JSON escape is.
        form = media_type(scope.get("headers", [])) == FORM_URLENCODED
        if (_NUL_ENCODED if form else _NUL).search(body):
            await _reject(scope, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _reject(scope: Scope, send: Send) -> None:
    detail = t("input.nul")
    payload = json.dumps({"type": "urn:nara:problem:invalid-character", "title": detail, "status": 422,
                          "detail": detail, "instance": scope.get("path", "")}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 422,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
