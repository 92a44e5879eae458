"""The shell's pages: log in and out, and a start page per role. HTTP in, a service call, a page out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from nara.auth import service
from nara.auth.deps import optional_actor, session_cookie_name
from nara.auth.model import Actor, Role, SessionKind
from nara.core.db import ID_MAX
from nara.core.errors import Forbidden, NaraError
from nara.core.i18n import t
from nara.web import service as pages
from nara.web.navigation import start_page
from nara.web.render import render
from nara.web.security import (
    clear_login_csrf_cookie,
    clear_session_cookie,
    csrf_ok,
    had_live_session,
    login_csrf_token,
    set_login_csrf_cookie,
    set_session_cookie,
)

router = APIRouter(include_in_schema=False)

LOGIN_PATH = "/logga-in"
LOGOUT_PATH = "/logga-ut"


class LoginRequired(Exception):
    """A page needs a logged-in user: answered with a redirect to the log-in page (see nara.web.setup)."""

    def __init__(self, back_to: str, expired: bool) -> None:
        super().__init__(back_to)
        self.back_to = back_to
        self.expired = expired


def login_redirect(request: Request, exc: LoginRequired) -> RedirectResponse:
    query = "?till=" + quote(exc.back_to, safe="/")
    if exc.expired:
        query += "&orsak=inaktiv"
    response = RedirectResponse(LOGIN_PATH + query, status_code=303)
    if exc.expired:  # the cookie is worth nothing now; say why once, then forget it
        clear_session_cookie(response, request)
    return response


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


def _safe_return_path(raw: str) -> str | None:
    """Only a local path may follow log-in (no open redirect)."""
    if not raw.startswith("/") or raw.startswith("//") or "\\" in raw or len(raw) > 200:
        return None
    if raw.startswith((LOGIN_PATH, LOGOUT_PATH)) or any(ord(c) < 32 for c in raw):
        return None
    return raw


# --- start -----------------------------------------------------------------------------------------------


@router.get("/")
def home(request: Request) -> Response:
    actor = optional_actor(request)
    return RedirectResponse(start_page(actor.role) if actor else LOGIN_PATH, status_code=303)


# --- log in and out --------------------------------------------------------------------------------------


def _login_page(
    request: Request, *, username: str = "", back_to: str = "", error: str | None = None,
    notice: str | None = None, status_code: int = 200, headers: dict[str, str] | None = None,
) -> Response:
    token = login_csrf_token(request)
    request.state.login_csrf = token
    demo_logins = service.demo_accounts(request.app.state.db)
    response = render(
        request, "login.html", status_code=status_code, headers=headers,
        title=(t("web.login.error_title") + ": " if error else "") + t("web.login.title"),
        username=username, back_to=back_to, error=error, notice=notice, demo_logins=demo_logins,
        demo_password=_demo_password() if demo_logins else None,
    )
    set_login_csrf_cookie(response, request, token)
    return response


def _demo_password() -> str:
    from nara.auth.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def rate_limited_login_page(request: Request, message: str) -> Response:
    """The log-in page when its address has failed too often (nara.web.security.LoginRateLimitMiddleware)."""
    return _login_page(request, error=message, status_code=429)


@router.get(LOGIN_PATH)
def login_form(request: Request, till: str = "", orsak: str = "", utloggad: str = "") -> Response:
    actor = optional_actor(request)
    if actor is not None:
        return RedirectResponse(_safe_return_path(till) or start_page(actor.role), status_code=303)
    notice = None
    if orsak == "inaktiv":
        notice = t("auth.session_expired")
    elif utloggad:
        notice = t("web.login.logged_out")
    return _login_page(request, back_to=_safe_return_path(till) or "", notice=notice)


@router.post(LOGIN_PATH)
def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=service.MAX_PASSWORD_LENGTH)] = "",
    till: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    back_to = _safe_return_path(till) or ""
    # The user name is kept on every failure, the password never.
    if not csrf_ok(request):
        actor = optional_actor(request) if had_live_session(request) else None
        if actor is not None:  # already logged in, e.g. in another tab
            return RedirectResponse(back_to or start_page(actor.role), status_code=303)
        return _login_page(request, username=username, back_to=back_to, error=t("auth.csrf"), status_code=403)
    if not username.strip() or not password:
        return _login_page(request, username=username, back_to=back_to, error=t("web.login.missing"),
                           status_code=400)
    state = request.app.state
    try:
        issued = service.log_in(state.db, state.settings, state.clock, username, password, SessionKind.WEB)
    except service.AccountLocked as exc:
        return _login_page(request, username=username, back_to=back_to, error=exc.message, status_code=429,
                           headers=exc.headers)
    except NaraError as exc:
        return _login_page(request, username=username, back_to=back_to, error=exc.message,
                           status_code=exc.status)
    response = RedirectResponse(back_to or start_page(issued.role), status_code=303)
    set_session_cookie(response, request, issued.token)
    clear_login_csrf_cookie(response, request)
    return response


@router.post(LOGOUT_PATH)
def logout(request: Request) -> Response:
    """Log out. With a live session the CSRF token must match (a forged post gets a page with a real
    log-out button); a session that has already ended needs no protection, so it just goes."""
    if not csrf_ok(request) and had_live_session(request):
        optional_actor(request)
        return render(request, "logout_confirm.html", status_code=403, title=t("web.error.title.403"),
                      message=t("auth.csrf"))
    state = request.app.state
    service.log_out(state.db, state.clock, request.cookies.get(session_cookie_name(request)))
    response = RedirectResponse(LOGIN_PATH + "?utloggad=1", status_code=303)
    clear_session_cookie(response, request)
    return response


# --- start pages per role --------------------------------------------------------------------------------


@router.get("/min-sida")
def resident_home(request: Request, actor: Annotated[Actor, Depends(page_actor(Role.RESIDENT))]) -> Response:
    state = request.app.state
    overview = pages.resident_overview(state.db, state.clock, actor)
    return render(request, "resident_home.html", title=t("web.resident.title"), overview=overview)


@router.get("/arbetsyta")
def staff_home(
    request: Request, actor: Annotated[Actor, Depends(page_actor(Role.STAFF))], bytt: str = ""
) -> Response:
    state = request.app.state
    overview = pages.staff_overview(state.db, state.clock, actor)
    notice = t("web.staff.switched", unit=overview.unit_name) if bytt and overview.unit_name else None
    coming_key = f"web.staff.coming.{overview.unit_kind}"
    return render(
        request, "staff_home.html", title=t("web.staff.title"), overview=overview, notice=notice,
        coming_key=coming_key if overview.unit_kind in _COMING_KINDS else "web.staff.coming.other",
    )


_COMING_KINDS = frozenset({"vardcentral", "vardavdelning", "hemsjukvard", "socialtjanst"})


@router.post("/arbetsyta/enhet")
def staff_switch_unit(
    request: Request, actor: Annotated[Actor, Depends(page_actor(Role.STAFF))],
    unit_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    if not (unit_id.isascii() and unit_id.isdigit()) or int(unit_id) > ID_MAX:
        raise Forbidden("auth.unit_not_assigned")
    state = request.app.state
    service.switch_unit(state.db, state.clock, actor, int(unit_id))
    return RedirectResponse("/arbetsyta?bytt=1", status_code=303)


# /uppfoljning (the leaders' dashboard) is served by nara.dashboard.views.
# /logguppfoljning (log follow-up) is served by nara.access.review_views.
