"""The FastAPI application: wiring only. Entry points translate HTTP to a service call and back."""

from __future__ import annotations

import gc
import logging
from functools import partial

import anyio.to_thread
from fastapi import FastAPI

from nara import __version__
from nara.auth.service import AccountSessions
from nara.core.clock import Clock, SystemClock
from nara.core.db import Database
from nara.core.settings import Settings, get_settings
from nara.parts import load_catalogue
from nara.web import setup as web_setup

log = logging.getLogger("nara")


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
    load_catalogue()
    app.state.sessions = AccountSessions(database, settings, app.state.clock)  # who a request comes from
    from nara.live.service import Broker
    from nara.outreach.service import OutreachNotifier, install_sender
    from nara.plans.service import InAppNotifier

    # in-app notifications, and to the person also e-mail or SMS as they chose (nara.outreach)
    app.state.notifier = OutreachNotifier(InAppNotifier())
    from nara.discharge.service import may_open_process

    app.state.process_check = may_open_process  # a notification links to a discharge process the reader may open
    app.state.live = Broker(database)  # server push; on PostgreSQL across processes (LISTEN/NOTIFY)
    app.router.on_shutdown.append(app.state.live.close)
    app.router.on_startup.append(partial(tune_runtime, settings.worker_threads))

    from nara.auth.service import check_production_ready

    check_production_ready(database, settings)  # production refuses to start while demo accounts exist
    from nara.audit.service import install_checkpointer

    # Signed checkpoints of the audit log every few minutes, outside the database; production needs the key.
    install_checkpointer(app, database, settings, app.state.clock)
    # The outbox of e-mail and SMS notices, sent in the background while a channel is configured (nara.outreach).
    app.state.outreach_sender = install_sender(app, database, settings, app.state.clock)

    from nara.access import api as access_api
    from nara.access import pages as access_pages
    from nara.auth import api as auth_api
    from nara.auth import pages as auth_pages
    from nara.dashboard import pages as dashboard_pages
    from nara.directory import api as directory_api
    from nara.discharge import api as discharge_api
    from nara.discharge import pages as discharge_pages
    from nara.home import pages as home_pages
    from nara.live import api as live_api
    from nara.measurements import api as measurements_api
    from nara.measurements import pages as measurements_pages
    from nara.medicines import api as medicines_api
    from nara.medicines import pages as medicines_pages
    from nara.messaging import api as messaging_api
    from nara.messaging import pages as messaging_pages
    from nara.outreach import pages as outreach_pages
    from nara.plans import api as plans_api
    from nara.plans import pages as plans_pages
    from nara.review import api as review_api
    from nara.review import pages as review_pages

    app.include_router(directory_api.health_router)
    app.include_router(live_api.router)  # /api/live (token) and /live (page session)
    for api_router in (plans_api.router, discharge_api.router, auth_api.router, directory_api.router,
                       access_api.router, access_api.me_router, access_api.lookup_router, review_api.router,
                       medicines_api.router, messaging_api.router):
        app.include_router(api_router, prefix="/api")
    app.include_router(measurements_api.router, prefix="/api")  # mätvärden (nara.measurements)
    # static assets, security headers, CSRF and the error answers; the log-in rate limit right inside the headers
    web_setup.install(app, inside_headers=auth_pages.LoginRateLimitMiddleware)
    for page_router in (
        auth_pages.router, home_pages.router,  # log in and out, the start pages
        *access_pages.routers, review_pages.router,  # a person's access, the resident's own, log follow-up
        plans_pages.router,  # Patientkontrakt, SIP, Min plan
        dashboard_pages.router,  # /uppfoljning: the leaders' dashboard (Uppföljningsmodell)
        discharge_pages.router,  # utskrivning, lag (2017:612); Min utskrivning
        measurements_pages.router,  # mätvärden: Mina mätvärden and the team's charts
        messaging_pages.router,  # säkra meddelanden: Mina meddelanden and the unit's Inkorg
        medicines_pages.router,  # läkemedel: a person's list, the läkemedelsberättelse, Mina läkemedel
        outreach_pages.router,  # /min-sida/aviseringar, calendar files of agreed times
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
