"""The one module of FastAPI dependencies for the HTTP edge: the database, the clock, the settings, who is
acting (API token or page session) and why, and ids from the path or the query. Every part's ``api`` and
``pages`` take them from here.

Dependencies that do no I/O are ``async def``: FastAPI runs a plain ``def`` dependency in the thread pool, and
each such hop cost a request about 0.3 ms (bench/bench_plan_read.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from nara.core.actor import Actor, Purpose, Role, SessionKind, purpose_of
from nara.core.clock import Clock
from nara.core.db import Database
from nara.core.errors import Forbidden
from nara.core.ids import ID_MAX
from nara.core.settings import Settings
from nara.web.sessions import optional_actor, remember, request_token, resolve, session_cookie_name, sessions_of


async def get_db(request: Request) -> Database:
    return request.app.state.db


async def get_clock(request: Request) -> Clock:
    return request.app.state.clock


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


Db = Annotated[Database, Depends(get_db)]
Clk = Annotated[Clock, Depends(get_clock)]
Conf = Annotated[Settings, Depends(get_settings)]
IdPath = Annotated[int, Path(ge=1, le=ID_MAX, description="Id")]
IdQuery = Annotated[int | None, Query(ge=1, le=ID_MAX)]

bearer_scheme = HTTPBearer(
    auto_error=False, scheme_name="bearer", description="Token från POST /api/auth/token."
)


async def current_actor(
    request: Request, _credentials: HTTPAuthorizationCredentials | None = Security(bearer_scheme)
) -> Actor:
    """The authenticated actor; raises Unauthenticated("auth.required") (401).

    An API token this process resolved moments ago is answered from memory on the event loop; anything else is
    looked up in the database, in the thread pool. ``_credentials`` is only there so the OpenAPI description
    shows the bearer scheme; the token is read from the request itself."""
    cached = getattr(request.state, "resolved_session", None)
    if cached is None:
        token, kind = request_token(request)
        if kind is SessionKind.API:
            cached = sessions_of(request).cached(token)
            if cached is not None:
                remember(request, cached)
    if cached is not None:
        return cached.actor
    return (await run_in_threadpool(resolve, request)).actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


async def require_staff(actor: CurrentActor) -> Actor:
    """A staff member acting for one of their units (403 without an active assignment)."""
    if not actor.is_staff or actor.unit_id is None:
        raise Forbidden("auth.forbidden")
    return actor


StaffActor = Annotated[Actor, Depends(require_staff)]


def require_role(*roles: Role) -> Callable[..., object]:
    """A dependency that lets only the given roles through: ``Depends(require_role(Role.LEADER))``."""
    allowed = frozenset(roles)

    async def dependency(actor: CurrentActor) -> Actor:
        if actor.role not in allowed:
            raise Forbidden("auth.forbidden")
        return actor

    dependency.__name__ = "require_role_" + "_".join(sorted(r.value for r in allowed))
    return dependency


async def actor_purpose(actor: CurrentActor) -> Purpose:
    """Why the actor reads (ändamål, DOMAIN.md §5): the resident their own data, everyone else for care."""
    return purpose_of(actor)


ActorPurpose = Annotated[Purpose, Depends(actor_purpose)]


class LoginRequired(Exception):
    """A page needs a logged-in user: answered with a redirect to the log-in page (nara.web.problems)."""

    def __init__(self, back_to: str, expired: bool) -> None:
        super().__init__(back_to)
        self.back_to = back_to
        self.expired = expired


def page_actor(*roles: Role) -> Callable[[Request], Actor]:
    """A page dependency: the actor if it has one of ``roles``; a redirect to log in if nobody is logged in
    (with a note when the session ran out); 403 for another role."""
    allowed = frozenset(roles)

    def dependency(request: Request) -> Actor:
        actor = optional_actor(request)
        if actor is None:
            expired = request.cookies.get(session_cookie_name(request)) is not None
            raise LoginRequired(request.url.path, expired)
        if actor.role not in allowed:
            raise Forbidden("auth.forbidden")
        return actor

    return dependency
