"""Rendering pages: one Jinja2 environment (autoescape on), ``render`` and the friendly ``error_page``."""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from nara.core.actor import Actor
from nara.core.clock import day_iso, day_text, local_minute
from nara.core.i18n import SV, t
from nara.web.navigation import nav_for
from nara.web.sessions import is_api_request, optional_actor, sessions_of

log = logging.getLogger("nara.web")

WEB_DIR = Path(str(resources.files("nara.web")))
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"


@lru_cache(maxsize=256)
def static_url(name: str) -> str:
    """/static/<name>?v=<content hash>: browsers may cache it for good, a change gives a new URL."""
    path = (STATIC_DIR / name).resolve()
    if STATIC_DIR.resolve() not in path.parents or not path.is_file():
        raise ValueError(f"no static file {name!r}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"/static/{quote(name)}?v={digest}"


def label(prefix: str, value: object) -> str:
    """A Swedish label for an enum value (``label('web.profession', 'lakare')``); the value itself if none."""
    if value is None:
        return ""
    return SV.get(f"{prefix}.{value}", str(value))


@pass_context
def csrf_field(context: Context) -> Markup:
    """The hidden CSRF field every form that posts carries: ``{{ csrf_field() }}``."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(escape(context["csrf_token"]))


COMPACT_TIMES = {"when": local_minute, "day": day_iso}
"""For pages of lists and logs: a date alone as ``2026-11-22`` instead of the long Swedish form the ``day`` global
gives (``tisdag 22 november 2026``). A time is written the one way everywhere (``22 nov 2026 14:05``): ``when``
is the same here as in the globals."""

_loader = FileSystemLoader([TEMPLATES_DIR])


def add_templates(directory: Path) -> None:
    """A part's own ``templates/`` folder, registered by the composition (nara.parts); the kit's own
    (layout, macros, error page) come first. Template names are unique across the house."""
    if str(directory) not in _loader.searchpath:
        _loader.searchpath.append(str(directory))


def _make_environment() -> Environment:
    env = Environment(
        loader=_loader,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # ``when``, ``stamp`` and ``local`` are one formatter under the names the templates grew up with
    env.globals.update(t=t, static_url=static_url, label=label, csrf_field=csrf_field,
                       day=day_text, when=local_minute, stamp=local_minute, local=local_minute)
    return env


templates = _make_environment()


def _demo_mode(request: Request, *, may_query: bool = True) -> bool:
    """Show the demo banner while demo accounts exist; when the database cannot be asked, unless in
    production."""
    state = request.app.state
    if may_query:
        try:
            return sessions_of(request).demo_accounts_exist()
        except Exception:
            log.warning("could not check for demo accounts", exc_info=True)
    return state.settings.environment != "production"


def _csrf_token(request: Request) -> str:
    resolved = getattr(request.state, "resolved_session", None)
    if resolved is not None:
        return resolved.csrf_token
    return getattr(request.state, "login_csrf", "")


def page_context(request: Request, *, may_query: bool = True, **ctx: Any) -> dict[str, Any]:
    actor: Actor | None = getattr(request.state, "actor", None)
    base: dict[str, Any] = {
        "request": request,
        "actor": actor,
        "csrf_token": _csrf_token(request),
        "nav": nav_for(actor, request.url.path),
        "demo": _demo_mode(request, may_query=may_query),
        "title": None,
    }
    base.update(ctx)
    return base


def render(
    request: Request, template: str, *, status_code: int = 200, headers: dict[str, str] | None = None,
    **ctx: Any,
) -> HTMLResponse:
    """Render ``template`` with the shell's context (actor, navigation, CSRF token, demo banner)."""
    html = templates.get_template(template).render(page_context(request, **ctx))
    return HTMLResponse(html, status_code=status_code, headers=headers)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """A friendly Swedish error page, never with internals. It must not fail itself: if rendering does,
    a minimal page is sent instead."""
    title_key = f"web.error.title.{status}"
    title = t(title_key) if title_key in SV else t("web.error.title.other")
    try:
        server_error = status >= 500
        if not server_error and getattr(request.state, "actor", None) is None:
            _try_resolve_actor(request)
        login_url = None
        if status == 401:
            login_url = "/logga-in"
            if request.method == "GET" and not request.url.path.startswith("/logga"):
                login_url += "?till=" + quote(request.url.path, safe="/")
        return render(
            request, "error.html", status_code=status, title=title, heading=title, message=message,
            login_url=login_url, may_query=not server_error,
        )
    except Exception:
        log.exception("error page failed to render")
        body = (
            '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Nära</title></head>'
            f'<body><main><h1>{_escape(title)}</h1><p>{_escape(message)}</p>'
            '<p><a href="/">Till startsidan</a></p></main></body></html>'
        )
        return HTMLResponse(body, status_code=status)


def _try_resolve_actor(request: Request) -> None:
    if is_api_request(request):
        return
    try:
        optional_actor(request)
    except Exception:
        log.warning("could not resolve the session for an error page", exc_info=True)


def _escape(text: str) -> str:
    return str(escape(text))
