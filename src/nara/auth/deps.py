"""FastAPI dependencies that say who is acting: ``current_actor``, ``require_staff``, ``require_role``.

/api takes a bearer token (Authorization: Bearer …); pages take the session cookie. The API never accepts
the cookie, so a page cannot be tricked into calling the API with the user's session (no CSRF there).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from nara.auth import service
from nara.auth.model import Actor, Role, SessionKind
from nara.core.errors import Forbidden, Unauthenticated

SESSION_COOKIE = "nara_session"
SECURE_SESSION_COOKIE = "__Host-nara_session"  # __Host-: Secure, Path=/, no Domain — only over https

bearer_scheme = HTTPBearer(
    auto_error=False, scheme_name="bearer", description="Token från POST /api/auth/token."
)


def is_api_request(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def cookies_secure(request: Request) -> bool:
    return bool(request.app.state.settings.secure_cookies) or request.url.scheme == "https"


def session_cookie_name(request: Request) -> str:
    return SECURE_SESSION_COOKIE if cookies_secure(request) else SESSION_COOKIE


def request_token(request: Request) -> tuple[str | None, SessionKind]:
    """The raw token a request carries and the kind of session it must belong to."""
    if is_api_request(request):
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        return (value.strip() or None) if scheme.lower() == "bearer" else None, SessionKind.API
    return request.cookies.get(session_cookie_name(request)), SessionKind.WEB


def resolve(request: Request, *, touch: bool = True) -> service.ResolvedSession:
    """Resolve the request's session once per request (cached on request.state); ``touch`` False leaves the
    idle timer alone (live streams)."""
    cached = getattr(request.state, "resolved_session", None)
    if cached is not None:
        return cached
    token, kind = request_token(request)
    if token is None:
        raise service.AuthRequired("auth.required")
    app = request.app
    resolved = service.resolve_session(app.state.db, app.state.settings, app.state.clock, token, kind,
                                       touch=touch)
    request.state.resolved_session = resolved
    request.state.actor = resolved.actor
    return resolved


async def current_actor(
    request: Request, _credentials: HTTPAuthorizationCredentials | None = Security(bearer_scheme)
) -> Actor:
    """The authenticated actor; raises Unauthenticated("auth.required") (401).

    An API token this process resolved moments ago is answered from memory on the event loop
    (nara.auth.service._TokenCache); anything else is looked up in the database, in the thread pool.
    ``_credentials`` is only there so the OpenAPI description shows the bearer scheme; the token is read
    from the request itself (``resolve(request)`` works outside FastAPI's injection too).
    """
    cached = getattr(request.state, "resolved_session", None)
    if cached is None:
        token, kind = request_token(request)
        if kind is SessionKind.API:
            app = request.app
            cached = service.cached_api_session(app.state.db, app.state.clock, token)
            if cached is not None:
                request.state.resolved_session = cached
                request.state.actor = cached.actor
    if cached is not None:
        return cached.actor
    return (await run_in_threadpool(resolve, request)).actor


def optional_actor(request: Request) -> Actor | None:
    """The actor, or None when nobody (or an expired session) is logged in."""
    try:
        return resolve(request).actor
    except Unauthenticated:
        return None


async def require_staff(actor: Actor = Depends(current_actor)) -> Actor:
    """A staff member acting for one of their units (403 without an active assignment)."""
    if not actor.is_staff or actor.unit_id is None:
        raise Forbidden("auth.forbidden")
    return actor


def require_role(*roles: Role) -> Callable[..., Actor]:
    """A dependency that lets only the given roles through: ``Depends(require_role(Role.LEADER))``."""
    allowed = frozenset(roles)

    async def dependency(actor: Actor = Depends(current_actor)) -> Actor:
        if actor.role not in allowed:
            raise Forbidden("auth.forbidden")
        return actor

    dependency.__name__ = "require_role_" + "_".join(sorted(r.value for r in allowed))
    return dependency
