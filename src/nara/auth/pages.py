"""The log-in part's pages: log in and out, the staff member's choice of unit, and the log-in rate limit per
client address. HTTP in, a service call, a page out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request as StarletteRequest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nara.auth import service
from nara.auth.demo import DEMO_PASSWORD
from nara.core.actor import Actor, Role, SessionKind
from nara.core.errors import Forbidden, NaraError
from nara.core.i18n import t
from nara.core.ids import parse_id
from nara.web.deps import page_actor
from nara.web.edge import HttpMiddleware
from nara.web.navigation import start_page
from nara.web.problems import LOGIN_PATH, LOGOUT_PATH, problem
from nara.web.render import render
from nara.web.security import (
    clear_login_csrf_cookie,
    csrf_ok,
    had_live_session,
    login_csrf_token,
    set_login_csrf_cookie,
)
from nara.web.sessions import clear_session_cookie, optional_actor, session_cookie_name, set_session_cookie

router = APIRouter(include_in_schema=False)


def _safe_return_path(raw: str) -> str | None:
    """Only a local path may follow log-in (no open redirect)."""
    if not raw.startswith("/") or raw.startswith("//") or "\\" in raw or len(raw) > 200:
        return None
    if raw.startswith((LOGIN_PATH, LOGOUT_PATH)) or any(ord(c) < 32 for c in raw):
        return None
    return raw


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
        demo_password=DEMO_PASSWORD if demo_logins else None,
    )
    set_login_csrf_cookie(response, request, token)
    return response


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



# --- the staff member's unit ---------------------------------------------------------------------------


@router.post("/arbetsyta/enhet")
def staff_switch_unit(
    request: Request, actor: Annotated[Actor, Depends(page_actor(Role.STAFF))],
    unit_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    chosen = parse_id(unit_id)
    if chosen is None:
        raise Forbidden("auth.unit_not_assigned")
    state = request.app.state
    service.switch_unit(state.db, state.clock, actor, chosen)
    return RedirectResponse("/arbetsyta?bytt=1", status_code=303)


# --- log-in rate limit per client address ---------------------------------------------------------------

LOGIN_ENDPOINTS = frozenset({"/logga-in", "/api/auth/token"})
_FAILED_LOGIN = frozenset({401, 429})  # wrong user name or password, or a name locked out


class LoginRateLimitMiddleware(HttpMiddleware):
    """Failed log-ins are counted per client address, besides the per-name lock-out (nara.auth.service
    .LoginRateLimiter). Over the limit, a log-in is refused before the password is checked: 429 with Retry-After,
    as a problem for the API and as the log-in page with a Swedish message for the browser. A failure is an
    answer 401 or 429 from either log-in endpoint, so both count alike. The address is the one the server sees
    (behind a proxy, run uvicorn with --proxy-headers and --forwarded-allow-ips so it is the client's)."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)
        self.limiter: service.LoginRateLimiter | None = None

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST" or scope.get("path") not in LOGIN_ENDPOINTS:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        if self.limiter is None:
            self.limiter = service.rate_limiter(state.settings)
        limiter = self.limiter
        client = scope.get("client")
        address = client[0] if client else "unknown"
        retry_after = limiter.retry_after(address, state.clock.now())
        if retry_after is not None:
            response = await run_in_threadpool(_rate_limited, StarletteRequest(scope), retry_after)
            await response(scope, receive, send)
            return

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in _FAILED_LOGIN:
                limiter.failed(address, state.clock.now())
            await send(message)

        await self.app(scope, receive, watch)


def _rate_limited(request: Request, retry_after: int) -> Response:
    refusal = service.TooManyAttempts(retry_after)
    if request.url.path.startswith("/api/"):
        response: Response = problem(refusal.status, refusal.code, refusal.message, request)
    else:
        response = rate_limited_login_page(request, refusal.message)
    response.headers.update(refusal.headers)
    return response
