"""HTTP security for every response and every form post: security headers, cookies and CSRF.

Both middlewares are plain ASGI (no BaseHTTPMiddleware), so they see streaming responses and the body of a
form post exactly once.
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nara.core.i18n import t
from nara.web.edge import FORM_URLENCODED, MULTIPART_FORM, HttpMiddleware, media_type
from nara.web.render import error_page
from nara.web.sessions import cookie_options, cookies_secure, session_cookie_name, sessions_of

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
        "payment=(), usb=()"
    ),
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
_RAW_HEADERS = [(name.lower().encode(), value.encode())
                for name, value in {**SECURITY_HEADERS, "Cache-Control": "no-store"}.items()]
HSTS = "max-age=63072000; includeSubDomains"
STATIC_VERSIONED = "public, max-age=31536000, immutable"
STATIC_PREFIX = "/static/"

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LOGIN_CSRF_COOKIE = "nara_login_csrf"
SECURE_LOGIN_CSRF_COOKIE = "__Host-nara_login_csrf"
MAX_FORM_BYTES = 2 * 1024 * 1024
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class SecurityHeadersMiddleware(HttpMiddleware):
    """Adds the security headers to every response, API and error responses included.

    Installed outside Starlette's ServerErrorMiddleware (see nara.web.setup), so even the 500 answer
    carries them. Pages and API answers hold personal data: ``no-store``. Versioned static assets
    (``?v=<hash>``) are cached for good; unversioned ones are revalidated.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        https = scope.get("scheme") == "https"
        versioned = b"v=" in scope.get("query_string", b"")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Raw header pairs, each added unless the response set it (every response passes here).
                raw = list(message.get("headers", ()))
                present = {name.lower() for name, _value in raw}
                static = path.startswith(STATIC_PREFIX)
                if static:
                    raw = [(n, v) for n, v in raw if n.lower() != b"cache-control"]
                    raw.append((b"cache-control", (STATIC_VERSIONED if versioned else "no-cache").encode()))
                raw += [(n, v) for n, v in _RAW_HEADERS if n not in present and not (static and n == b"cache-control")]
                if https and b"strict-transport-security" not in present:
                    raw.append((b"strict-transport-security", HSTS.encode()))
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --- cookies --------------------------------------------------------------------------------------------


def login_csrf_cookie_name(request: Request) -> str:
    return SECURE_LOGIN_CSRF_COOKIE if cookies_secure(request) else LOGIN_CSRF_COOKIE


def login_csrf_token(request: Request) -> str:
    """The pre-session CSRF token for the log-in form: the one in the cookie, or a new one."""
    token = request.cookies.get(login_csrf_cookie_name(request))
    if token and 20 <= len(token) <= 100:
        return token
    return secrets.token_urlsafe(32)


def set_login_csrf_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(login_csrf_cookie_name(request), token, **cookie_options(request))


def clear_login_csrf_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(login_csrf_cookie_name(request), **cookie_options(request))


# --- CSRF -----------------------------------------------------------------------------------------------


def csrf_ok(request: Request) -> bool:
    """What the CSRF middleware decided for this request (False when it did not run)."""
    return bool(request.scope.get("state", {}).get("csrf_ok", False))


def had_live_session(request: Request) -> bool:
    return bool(request.scope.get("state", {}).get("csrf_live_session", False))


class TooLarge(Exception):
    pass


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            raise TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _form_token(scope: Scope, body: bytes) -> str | None:
    content_type = media_type(scope.get("headers", []))  # case-insensitive, as the route's form parser reads it
    if content_type == FORM_URLENCODED:
        values = parse_qs(body.decode("latin-1"), keep_blank_values=True).get(CSRF_FIELD)
        return values[0] if values else None
    if content_type == MULTIPART_FORM:
        try:
            form = await Request(scope, _replay(body)).form()
        except Exception:  # a malformed body carries no token; the post is refused, not a 500
            return None
        try:
            value = form.get(CSRF_FIELD)
            return value if isinstance(value, str) else None
        finally:
            await form.close()
    return None


class CsrfMiddleware(HttpMiddleware):
    """Synchronizer-token check on every unsafe request to a page (everything outside /api and /static).

    The token comes from the form field ``csrf_token`` (or the X-CSRF-Token header) and must equal the
    session's token; without a live session, the pre-session token of the log-in form (cookie). A
    cross-site request (Sec-Fetch-Site, Origin) fails whatever it carries. The result is left in
    ``request.state.csrf_ok``; paths in ``self_handling`` get the request anyway and answer themselves
    (the log-in form re-renders with what the user typed), all other failures get a friendly 403 page.
    """

    def __init__(self, app: ASGIApp, self_handling: frozenset[str] = frozenset()) -> None:
        super().__init__(app)
        self.self_handling = self_handling

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["method"] in _SAFE_METHODS
            or path.startswith("/api/")
            or path.startswith(STATIC_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            body = await _read_body(receive)
        except TooLarge:
            response = await run_in_threadpool(_error, request, 413, "web.error.too_large")
            await response(scope, receive, send)
            return
        given = request.headers.get(CSRF_HEADER) or await _form_token(scope, body)
        live_token = await self._session_csrf(request)
        # With a live session only its own token counts; the log-in cookie is for those without one.
        expected = live_token or request.cookies.get(login_csrf_cookie_name(request))
        ok = (
            not _cross_site(request)
            and bool(given)
            and bool(expected)
            and secrets.compare_digest(str(given).encode(), str(expected).encode())
        )
        state = scope.setdefault("state", {})
        state["csrf_ok"] = ok
        state["csrf_live_session"] = live_token is not None
        if not ok and path not in self.self_handling:
            # A session cookie without a live session: the session ran out, say so rather than "expired form".
            ended = live_token is None and request.cookies.get(session_cookie_name(request)) is not None
            status, key = (401, "auth.session_expired") if ended else (403, "auth.csrf")
            response = await run_in_threadpool(_error, request, status, key)
            await response(scope, receive, send)
            return
        await self.app(scope, _replay(body), send)

    @staticmethod
    async def _session_csrf(request: Request) -> str | None:
        token = request.cookies.get(session_cookie_name(request))
        if not token:
            return None
        return await run_in_threadpool(sessions_of(request).csrf_token, token)


def _cross_site(request: Request) -> bool:
    site = request.headers.get("sec-fetch-site")
    if site in ("cross-site", "same-site"):
        return True
    origin = request.headers.get("origin")
    # Referrer-Policy no-referrer makes browsers send "Origin: null" on same-origin posts; the token decides.
    if origin and origin != "null":
        return origin != f"{request.url.scheme}://{request.headers.get('host', '')}"
    return False


def _error(request: Request, status: int, key: str) -> Response:
    """The friendly page (it may ask the database, so callers run it in a worker thread)."""
    return error_page(request, status, t(key))
