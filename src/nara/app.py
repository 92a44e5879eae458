"""The FastAPI application: wiring only. Entry points translate HTTP to a service call and back."""

from __future__ import annotations

import gc
import logging
from functools import partial
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from nara import __version__
from nara.core.clock import Clock, SystemClock
from nara.core.db import Database
from nara.core.edge import RejectNulMiddleware
from nara.core.errors import NaraError
from nara.core.i18n import t
from nara.core.settings import Settings, get_settings

log = logging.getLogger("nara")

PROBLEM_JSON = "application/problem+json"
_STANDARD_MEMBERS = frozenset({"type", "title", "status", "detail", "instance"})
_STATUS_KEYS = {404: "error.not_found", 405: "error.method", 401: "auth.required", 403: "auth.forbidden"}


def create_app(
    settings: Settings | None = None, *, database: Database | None = None, clock: Clock | None = None
) -> FastAPI:
    settings = settings or get_settings()
    if database is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        database = Database(settings.effective_database_url, pool_size=2 * settings.worker_threads)
    app = FastAPI(
        title="Nära API",
        version=__version__,
        description="Öppen plattform för nära vård. Alla fel besvaras som RFC 9457 problem details.",
        openapi_url="/openapi.json",
        docs_url=None,  # the hosted docs UI would load assets from another host
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.clock = clock or SystemClock()
    from nara.live.broker import Broker
    from nara.plans.notify import InAppNotifier

    app.state.notifier = InAppNotifier()  # in-app notifications; e-mail or SMS can plug in here (nara.plans.notify)
    app.state.live = Broker(database)  # server push; on PostgreSQL across processes (LISTEN/NOTIFY)
    app.router.on_shutdown.append(app.state.live.close)
    app.router.on_startup.append(partial(tune_runtime, settings.worker_threads))

    from nara.auth.service import check_production_ready

    check_production_ready(database, settings)  # production refuses to start while demo accounts exist
    from nara.access.checkpoint_service import install_checkpointer

    # Signed checkpoints of the audit log every few minutes, outside the database; production needs the key.
    install_checkpointer(app, database, settings, app.state.clock)

    _install_error_handlers(app)
    app.add_middleware(RejectNulMiddleware)

    from nara.access import api as access_api
    from nara.access import resident_views, review_api, review_views, roles_views
    from nara.access import views as access_views
    from nara.auth import api as auth_api
    from nara.dashboard import views as dashboard_views
    from nara.directory import api as directory_api
    from nara.discharge import api as discharge_api
    from nara.discharge import resident_views as discharge_resident_views
    from nara.discharge import views as discharge_views
    from nara.live import api as live_api
    from nara.plans import api as plans_api
    from nara.plans import resident_views as plan_resident_views
    from nara.plans import views as plan_views
    from nara.web import setup as web_setup

    app.include_router(directory_api.health_router)
    app.include_router(live_api.router)  # /api/live (token) and /live (page session)
    for api_router in (plans_api.router, discharge_api.router, auth_api.router, directory_api.router,
                       access_api.router, review_api.router):
        app.include_router(api_router, prefix="/api")
    web_setup.install(app)  # pages, static assets, security headers, session middleware
    for page_router in (
        access_views.router, resident_views.router, review_views.router, roles_views.router,
        plan_views.router, plan_resident_views.router,  # Patientkontrakt, SIP, Min plan
        dashboard_views.router,  # /uppfoljning: the leaders' dashboard (Uppföljningsmodell)
        discharge_views.router, discharge_resident_views.router,  # utskrivning, lag (2017:612); Min utskrivning
    ):
        app.include_router(page_router)
    return app


async def tune_runtime(threads: int) -> None:
    """Once the process has started:

    - routes and dependencies that are plain functions (they use the database through sync SQLAlchemy) run in
      AnyIO's thread pool; it gets ``threads`` threads instead of its 40 (Settings.worker_threads);
    - everything loaded so far (the app, SQLAlchemy, pydantic, the indicator libraries: some 200 000 objects) is
      moved out of the garbage collector's sight with ``gc.freeze()``. It lives as long as the process, and a
      full collection that walks it takes over 100 ms, a pause every request waiting then shares
      (bench/bench_plan_read.py). Collections still find cycles among objects made after this."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = threads
    gc.collect()
    gc.freeze()


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path in ("/healthz", "/openapi.json"):
        return True
    accept = request.headers.get("accept", "")
    return "json" in accept and "html" not in accept


def problem(status: int, code: str, detail: str, request: Request, **extra: Any) -> JSONResponse:
    """An RFC 9457 problem details response; ``type`` is a stable URN per error code."""
    body = {
        "type": f"urn:nara:problem:{code}",
        "title": detail,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _error_response(request: Request, status: int, code: str, detail: str, **extra: Any) -> Response:
    if wants_json(request):
        return problem(status, code, detail, request, **extra)
    from nara.web.render import error_page

    return error_page(request, status, detail)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NaraError)
    async def _nara_error(request: Request, exc: NaraError) -> Response:
        # Extra problem members an error carries, e.g. why access was denied and whether nödåtkomst would
        # open it (nara.access.api.explained_denials); the standard members cannot be overridden.
        extra = {k: v for k, v in (getattr(exc, "extra", None) or {}).items() if k not in _STANDARD_MEMBERS}
        response = _error_response(request, exc.status, exc.code, exc.message, **extra)
        for name, value in getattr(exc, "headers", {}).items():  # Retry-After, WWW-Authenticate
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "type": e.get("type", "")} for e in exc.errors()
        ]
        return _error_response(request, 422, "validation-failed", t("error.validation"), errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        key = _STATUS_KEYS.get(exc.status_code)
        detail = t(key) if key else str(exc.detail)
        response = _error_response(request, exc.status_code, f"http-{exc.status_code}", detail)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error_response(request, 500, "internal", t("error.internal"))
