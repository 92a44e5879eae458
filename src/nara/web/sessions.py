"""Who a request comes from, as the web kit sees it: the token it carries, the cookies that hold it, and the
session behind it. The kit knows no part: the log-in part (nara.auth) provides the :class:`Sessions` the
composition puts on ``app.state.sessions``.

/api takes a bearer token (Authorization: Bearer …); pages take the session cookie. The API never accepts
the cookie, so a page cannot be tricked into calling the API with the user's session (no CSRF there).
"""

from __future__ import annotations

from typing import Any, Protocol

from fastapi import Request
from starlette.responses import Response

from nara.core.actor import Actor, SessionKind
from nara.core.errors import Unauthenticated

SESSION_COOKIE = "nara_session"
SECURE_SESSION_COOKIE = "__Host-nara_session"  # __Host-: Secure, Path=/, no Domain — only over https


class Resolved(Protocol):
    """A live session: who acts, and the CSRF token its forms carry."""

    @property
    def actor(self) -> Actor: ...

    @property
    def csrf_token(self) -> str: ...


class Sessions(Protocol):
    """What the kit asks of the log-in part (installed as ``app.state.sessions``)."""

    def resolve(self, token: str, kind: SessionKind, *, touch: bool) -> Resolved:
        """The session behind ``token``; raises Unauthenticated (401) when there is none or it ran out."""
        ...

    def cached(self, token: str | None) -> Resolved | None:
        """An API token resolved moments ago by this process, from memory (no I/O: runs on the event loop)."""
        ...

    def csrf_token(self, token: str | None) -> str | None:
        """The CSRF token of a live browser session, without touching it."""
        ...

    def demo_accounts_exist(self) -> bool:
        """Whether demo accounts exist (every page then says it is a demo)."""
        ...


def is_api_request(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def cookies_secure(request: Request) -> bool:
    return bool(request.app.state.settings.secure_cookies) or request.url.scheme == "https"


def session_cookie_name(request: Request) -> str:
    return SECURE_SESSION_COOKIE if cookies_secure(request) else SESSION_COOKIE


def cookie_options(request: Request) -> dict[str, Any]:
    """Every cookie of ours: whole site, https-only where https is used, out of scripts' reach, same-site."""
    return {"path": "/", "secure": cookies_secure(request), "httponly": True, "samesite": "lax"}


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(session_cookie_name(request), token, **cookie_options(request))


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(session_cookie_name(request), **cookie_options(request))


def request_token(request: Request) -> tuple[str | None, SessionKind]:
    """The raw token a request carries and the kind of session it must belong to."""
    if is_api_request(request):
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        return (value.strip() or None) if scheme.lower() == "bearer" else None, SessionKind.API
    return request.cookies.get(session_cookie_name(request)), SessionKind.WEB


def sessions_of(request: Request) -> Sessions:
    return request.app.state.sessions


def resolve(request: Request, *, touch: bool = True) -> Resolved:
    """Resolve the request's session once per request (cached on request.state); ``touch`` False leaves the
    idle timer alone (live streams). Raises Unauthenticated("auth.required") without a token."""
    cached = getattr(request.state, "resolved_session", None)
    if cached is not None:
        return cached
    token, kind = request_token(request)
    if token is None:
        raise Unauthenticated("auth.required", headers={"WWW-Authenticate": 'Bearer realm="nara"'})
    resolved = sessions_of(request).resolve(token, kind, touch=touch)
    remember(request, resolved)
    return resolved


def remember(request: Request, resolved: Resolved) -> None:
    request.state.resolved_session = resolved
    request.state.actor = resolved.actor


def optional_actor(request: Request) -> Actor | None:
    """The actor, or None when nobody (or an expired session) is logged in."""
    try:
        return resolve(request).actor
    except Unauthenticated:
        return None
