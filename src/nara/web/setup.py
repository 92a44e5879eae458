"""Install the web shell on the app: static files, pages, security headers, CSRF, auth error answers."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import ASGIApp

from nara.web.render import STATIC_DIR
from nara.web.security import CsrfMiddleware, LoginRateLimitMiddleware, SecurityHeadersMiddleware
from nara.web.views import LOGIN_PATH, LOGOUT_PATH, LoginRequired, login_redirect, router


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(router)
    # The log-in and log-out forms answer a failed CSRF check themselves (keeping what the user typed).
    app.add_middleware(CsrfMiddleware, self_handling=frozenset({LOGIN_PATH, LOGOUT_PATH}))
    # Outermost: the security headers; right inside them the log-in rate limit, so its 429 answers carry them.
    _install_outermost(app, lambda inner: SecurityHeadersMiddleware(LoginRateLimitMiddleware(inner)))

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        return login_redirect(request, exc)


def _install_outermost(app: FastAPI, middleware: Callable[[ASGIApp], ASGIApp]) -> None:
    """Wrap the whole middleware stack, Starlette's ServerErrorMiddleware included: add_middleware would
    put it inside, and the 500 answer would go out without security headers."""
    build = app.build_middleware_stack

    def build_wrapped():  # type: ignore[no-untyped-def]
        return middleware(build())

    app.build_middleware_stack = build_wrapped  # type: ignore[method-assign]
