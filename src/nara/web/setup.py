"""Install the web kit on the app: static files, security headers, CSRF and the error answers (problem details
for JSON, friendly pages for HTML, a redirect to log in for pages that need it)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from nara.web.edge import RejectNulMiddleware
from nara.web.problems import LOGIN_PATH, LOGOUT_PATH, install_error_handlers
from nara.web.render import STATIC_DIR
from nara.web.security import CsrfMiddleware, SecurityHeadersMiddleware


def install(app: FastAPI, *, inside_headers: Callable[[ASGIApp], ASGIApp] | None = None) -> None:
    """``inside_headers`` wraps the whole stack right inside the security headers (the log-in rate limit, so its
    429 answers carry them)."""
    install_error_handlers(app)
    app.add_middleware(RejectNulMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # The log-in and log-out forms answer a failed CSRF check themselves (keeping what the user typed).
    app.add_middleware(CsrfMiddleware, self_handling=frozenset({LOGIN_PATH, LOGOUT_PATH}))
    inner = inside_headers or (lambda app_: app_)
    _install_outermost(app, lambda stack: SecurityHeadersMiddleware(inner(stack)))


def _install_outermost(app: FastAPI, middleware: Callable[[ASGIApp], ASGIApp]) -> None:
    """Wrap the whole middleware stack, Starlette's ServerErrorMiddleware included: add_middleware would
    put it inside, and the 500 answer would go out without security headers."""
    build = app.build_middleware_stack

    def build_wrapped() -> ASGIApp:
        return middleware(build())

    app.build_middleware_stack = build_wrapped  # type: ignore[method-assign]
