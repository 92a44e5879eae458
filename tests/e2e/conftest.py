"""End-to-end fixtures: a live Nära server (uvicorn in a thread, SQLite seeded with Örebro län and the demo
personas), headless Chromium through Playwright, and ``check_axe`` for accessibility.

Chromium is Debian's (/usr/bin/chromium); Playwright never downloads a browser here. Without it the browser
tests skip with a reason, except in CI (CI set), where they fail so nothing is silently left out.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn

from nara.app import create_app
from nara.auth.demo import DemoLogin, create_demo_personas
from nara.core.clock import SystemClock
from nara.core.db import Database
from nara.core.settings import Settings
from nara.directory.model import load_region
from nara.directory.service import seed_region
from nara.tables import metadata

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = os.environ.get("NARA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
IN_CI = bool(os.environ.get("CI"))
PHONE = {"width": 390, "height": 844}


@dataclass
class LiveServer:
    url: str
    logins: dict[str, DemoLogin]
    database: Database = field(repr=False)


@contextmanager
def serve(app, logins, database, name: str = "nara-live-server") -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    """Serve ``app`` with uvicorn in a thread on a free port for as long as the block lasts."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, server_header=False,
                                           timeout_graceful_shutdown=3))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the live server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", logins=logins, database=database)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        database.dispose()


@contextmanager
def own_server(tmp_path_factory: pytest.TempPathFactory, name: str,
               arrange: Callable[[Database, SystemClock], None] | None = None,
               **settings: object) -> Iterator[LiveServer]:
    """A live server on a fresh SQLite database with Örebro län and the demo personas; ``arrange(database, clock)``
    adds what a test module needs before it serves; ``settings`` change the application's settings."""
    data_dir: Path = tmp_path_factory.mktemp(name)
    database = Database(f"sqlite:///{data_dir / 'nara.db'}")
    metadata.create_all(database.engine)
    clock = SystemClock()
    with database.transaction() as s:
        seed_region(s, load_region("orebro"))
    logins = {login.username: login for login in create_demo_personas(database, clock)}
    app = create_app(Settings(data_dir=data_dir, **settings), database=database, clock=clock)
    if arrange is not None:
        arrange(database, clock)
    with serve(app, logins, database, name=f"nara-{name}-server") as live:
        yield live


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with own_server(tmp_path_factory, "e2e") as live:
        yield live


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _open_page(browser, live_server: LiveServer, viewport: dict[str, int] | None):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="sv-SE", viewport=viewport or {
        "width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []

    def on_console(msg) -> None:  # type: ignore[no-untyped-def]
        # A CSP violation (an inline style or script that slipped in) shows up as a console error. Error
        # statuses of the page itself (401, 403, 404 pages) are intended; sub-resources are checked below.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            problems.append(f"console {msg.type}: {msg.text}")

    def on_response(response) -> None:  # type: ignore[no-untyped-def]
        if response.request.resource_type != "document" and response.status >= 400:
            problems.append(f"{response.status} for {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    return context, page, problems


def _checked_page(browser, live_server: LiveServer, viewport):  # type: ignore[no-untyped-def]
    context, pg, problems = _open_page(browser, live_server, viewport)
    try:
        yield pg
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(browser, live_server: LiveServer):  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) at desktop size; fails the test on console errors."""
    yield from _checked_page(browser, live_server, None)


@pytest.fixture
def phone_page(browser, live_server: LiveServer):  # type: ignore[no-untyped-def]
    """As ``page``, at a phone's viewport (390×844)."""
    yield from _checked_page(browser, live_server, PHONE)


def check_axe(page) -> None:  # type: ignore[no-untyped-def]
    """Run axe-core on the page and fail with a readable list when there is any violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    if not violations:
        return
    lines = [f"axe found {len(violations)} violation(s) on {page.url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} — {v.get('helpUrl', '')}")
        for node in v["nodes"][:5]:
            target = ", ".join(map(str, node.get("target", [])))
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"    at {target}: {summary}")
    pytest.fail("\n".join(lines), pytrace=False)


@pytest.fixture
def other_browsers(browser, live_server: LiveServer):  # type: ignore[no-untyped-def]
    """More people at their own computers (browser contexts of their own, desktop or ``viewport``); console
    errors fail the test."""
    opened: list[tuple[object, list[str]]] = []

    def open_one(viewport: dict[str, int] | None = None) -> Page:
        context, pg, problems = _open_page(browser, live_server, viewport)
        opened.append((context, problems))
        return pg

    yield open_one
    for context, _ in opened:
        context.close()  # type: ignore[attr-defined]
    problems = [p for _, found in opened for p in found]
    assert not problems, "\n".join(problems)
