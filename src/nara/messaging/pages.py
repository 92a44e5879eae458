"""The messaging pages (Swedish, phone first): the person's "Mina meddelanden" under /min-sida/meddelanden (list,
thread, new) and the staff's "Inkorg" at /inkorg (the unit's threads with their age, a thread page where one takes,
answers and closes, a new thread to another unit about a discharge or a plan). The inbox list and the "Redo att ta
emot" list are also live fragments (``/inkorg/lista``, ``/inkorg/redo``) that nara/web/static/live.js reloads when
a post is announced; the discharge worklist shows the latter. A rejected form keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from nara.access.service import AccessDenied, denial_page
from nara.core.actor import Actor, Role
from nara.core.clock import Clock
from nara.core.errors import Forbidden, NaraError, NotFound, Unauthenticated, ValidationFailed
from nara.core.i18n import t
from nara.core.ids import parse_id
from nara.messaging import service
from nara.messaging.model import PostKind, Source
from nara.web.deps import IdPath, page_actor
from nara.web.forms import FormReader, Posted
from nara.web.outcome import Outcome, attempt
from nara.web.render import render
from nara.web.sessions import optional_actor

MINE = "/min-sida/meddelanden"
INBOX = "/inkorg"
_NO_STORE = {"Cache-Control": "no-store"}
_SAVED = ("taken", "answered", "closed", "ready", "started")

router = APIRouter(include_in_schema=False)
Resident = Annotated[Actor, Depends(page_actor(Role.RESIDENT))]
Staff = Annotated[Actor, Depends(page_actor(Role.STAFF))]


def _fragment_staff(request: Request) -> Actor:
    """A live fragment's reader: 401 (not a redirect) when the session has ended, so live.js reloads the page."""
    actor = optional_actor(request)
    if actor is None:
        raise Unauthenticated("auth.required")
    if actor.role is not Role.STAFF:
        raise Forbidden("auth.forbidden")
    return actor


FragmentStaff = Annotated[Actor, Depends(_fragment_staff)]


def _notice(code: str) -> str | None:
    return t(f"thread.saved.{code}") if code in _SAVED else None


def _denied(request: Request, actor: Actor, exc: AccessDenied, back_to: str) -> Response:
    return render(request, "person_denied.html", status_code=403, title=t("person.denied.title"), back_to=back_to,
                  **denial_page(exc, actor, None))


def _write(request: Request, call: Callable[[Session, Clock, service.Outlets], Any]
           ) -> tuple[Outcome, NaraError | None, Any]:
    outlets = service.outlets_of(request.app.state)
    return attempt(request, lambda s, clock: call(s, clock, outlets), denied=AccessDenied,
                   not_found="messaging.not_found", refused=(ValidationFailed, Forbidden))


# --- the person: Mina meddelanden ---------------------------------------------------------------------------------


@router.get(MINE)
def my_messages(request: Request, actor: Resident, klart: str = "") -> Response:
    state = request.app.state
    with state.db.transaction() as s:
        threads = service.my_threads(s, actor, state.clock)
    return render(request, "messages_mine.html", title=t("mymessages.title"), threads=threads,
                  notice=_notice(klart))


def _new_form(request: Request, actor: Actor, *, values: dict[str, str] | None = None,
              errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    state = request.app.state
    with state.db.transaction() as s:
        receivers = service.receivers(s, actor, state.clock)
    values = dict(values or {})
    if receivers.default_unit_id is not None:
        values.setdefault("unit", str(receivers.default_unit_id))
    return render(request, "messages_new.html", title=t("mymessages.new_title"), status_code=status_code,
                  receivers=receivers, unit_options=_options(receivers), values=values, errors=errors or {})


def _options(receivers: service.Receivers) -> list[tuple[str, str]]:
    return [(str(u.id), u.name) for u in receivers.units]


@router.get(MINE + "/ny")
def new_message_form(request: Request, actor: Resident) -> Response:
    return _new_form(request, actor)


@router.post(MINE + "/ny")
def new_message(request: Request, actor: Resident, data: Posted) -> Response:
    form = FormReader(data)
    subject = form.text("subject", required="messaging.subject_required", short=True)
    body = form.text("body", required="messaging.body_required")
    unit_id = form.id("unit")
    if not form.ok:
        return _new_form(request, actor, values=form.values, errors=form.errors, status_code=422)
    outcome, error, row = _write(request, lambda s, clock, o: service.start_thread(
        s, actor, clock, unit_id=unit_id, subject=subject, body=body, outlets=o))
    if outcome is Outcome.DENIED:
        assert isinstance(error, AccessDenied)
        return _denied(request, actor, error, MINE)
    if outcome is not Outcome.SAVED:
        field = "unit" if error and error.key.startswith("messaging.receiver") else "body"
        return _new_form(request, actor, values=form.values, errors={field: error.message if error else ""},
                         status_code=error.status if error else 422)
    return RedirectResponse(f"{MINE}/{row.id}?klart=started", status_code=303)


def _thread_page(request: Request, actor: Actor, thread_id: int, *, base: str, notice: str | None = None,
                 values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                 status_code: int = 200) -> Response:
    state = request.app.state
    back = MINE if actor.role is Role.RESIDENT else INBOX
    try:
        with state.db.transaction() as s:
            view = service.read_thread(s, actor, state.clock, thread_id)
    except AccessDenied as exc:
        return _denied(request, actor, exc, back)
    return render(request, "messages_thread.html", title=view.summary.subject or t("mymessages.title"),
                  v=view, base=base, back=back, notice=notice, values=values or {}, errors=errors or {},
                  resident=actor.role is Role.RESIDENT, status_code=status_code)


@router.get(MINE + "/{thread_id}")
def my_thread(request: Request, thread_id: IdPath, actor: Resident, klart: str = "") -> Response:
    return _thread_page(request, actor, thread_id, base=MINE, notice=_notice(klart))


def _answer(request: Request, actor: Actor, thread_id: int, data: dict[str, str], base: str,
            kind: PostKind = PostKind.MESSAGE) -> Response:
    form = FormReader(data)
    body = t("thread.ready_text") if kind is PostKind.READY and not form.raw("body") else form.text(
        "body", required="messaging.body_required")
    if not form.ok:
        return _thread_page(request, actor, thread_id, base=base, values=form.values, errors=form.errors,
                            status_code=422)
    outcome, error, _post = _write(request, lambda s, clock, o: service.post(
        s, actor, clock, thread_id, body=body, kind=kind, outlets=o))
    if outcome is Outcome.DENIED:
        assert isinstance(error, AccessDenied)
        return _denied(request, actor, error, base)
    if outcome is not Outcome.SAVED:
        return _thread_page(request, actor, thread_id, base=base, values=form.values,
                            errors={"body": error.message if error else ""},
                            status_code=error.status if error else 422)
    code = "ready" if kind is PostKind.READY else "answered"
    return RedirectResponse(f"{base}/{thread_id}?klart={code}", status_code=303)


@router.post(MINE + "/{thread_id}/svar")
def my_answer(request: Request, thread_id: IdPath, actor: Resident, data: Posted) -> Response:
    return _answer(request, actor, thread_id, data, MINE)


# --- staff: Inkorg --------------------------------------------------------------------------------------------------


def _inbox_context(request: Request, actor: Actor, closed: bool) -> dict[str, Any]:
    state = request.app.state
    with state.db.transaction() as s:
        threads = service.inbox(s, actor, state.clock, closed=closed)
    return {"threads": threads, "closed": closed}


@router.get(INBOX)
def inbox_page(request: Request, actor: Staff, avslutade: str = "") -> Response:
    closed = avslutade == "1"
    return render(request, "messages_inbox.html", title=t("inbox.closed_title" if closed else "inbox.title"),
                  **_inbox_context(request, actor, closed))


@router.get(INBOX + "/lista")
def inbox_fragment(request: Request, actor: FragmentStaff) -> Response:
    return render(request, "messages_inbox_items.html", headers=_NO_STORE, **_inbox_context(request, actor, False))


@router.get(INBOX + "/redo")
def ready_fragment(request: Request, actor: FragmentStaff) -> Response:
    """"Redo att ta emot" on the unit's discharges, for the discharge worklist's live region."""
    state = request.app.state
    with state.db.transaction() as s:
        notices = service.ready_notices(s, actor, state.clock)
    return render(request, "messages_ready_items.html", headers=_NO_STORE, notices=notices)


def _source_of(utskrivning: str, plan: str) -> tuple[Source, int] | None:
    if (process_id := parse_id(utskrivning)) is not None:
        return Source.DISCHARGE, process_id
    if (plan_id := parse_id(plan)) is not None:
        return Source.PLAN, plan_id
    return None


def _team_form(request: Request, actor: Actor, source: tuple[Source, int], *, values: dict[str, str] | None = None,
               errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    kinds = [(k.value, t(f"messaging.kind.{k.value}")) for k in PostKind]
    state = request.app.state
    try:
        with state.db.transaction() as s:
            receivers = service.team_receivers(s, actor, state.clock, *source)
    except AccessDenied as exc:
        return _denied(request, actor, exc, INBOX)
    return render(request, "messages_team_new.html", title=t("inbox.new_title"), status_code=status_code,
                  source=source[0].value, source_id=source[1], kinds=kinds, unit_options=_options(receivers),
                  values=values or {"kind": "message"},
                  errors=errors or {})


@router.get(INBOX + "/ny")
def team_form(request: Request, actor: Staff, utskrivning: str = "", plan: str = "") -> Response:
    source = _source_of(utskrivning, plan)
    if source is None:
        raise NotFound("messaging.source_not_found")
    return _team_form(request, actor, source)


@router.post(INBOX + "/ny")
def team_new(request: Request, actor: Staff, data: Posted) -> Response:
    form = FormReader(data)
    source = _source_of(form.raw("utskrivning"), form.raw("plan"))
    if source is None:
        raise NotFound("messaging.source_not_found")
    unit_id = form.id("unit")
    if unit_id is None:
        form.fail("unit", "messaging.receiver_required")
    kind = form.choice("kind", [k.value for k in PostKind], required="form.choose_from_list")
    subject = form.text("subject", required="messaging.subject_required", short=True)
    body = form.text("body", required="messaging.body_required")
    if not form.ok or kind is None:
        return _team_form(request, actor, source, values=form.values, errors=form.errors, status_code=422)
    outcome, error, row = _write(request, lambda s, clock, o: service.start_team_thread(
        s, actor, clock, source=source[0], source_id=source[1], unit_id=unit_id, subject=subject, body=body,
        kind=PostKind(kind), outlets=o))
    if outcome is Outcome.DENIED:
        assert isinstance(error, AccessDenied)
        return _denied(request, actor, error, INBOX)
    if outcome is not Outcome.SAVED:
        key = error.key if error else ""
        field = "unit" if key.startswith("messaging.receiver") else "kind" if "ready" in key or "kind" in key \
            else "body"
        return _team_form(request, actor, source, values=form.values,
                          errors={field: error.message if error else ""}, status_code=error.status if error else 422)
    return RedirectResponse(f"{INBOX}/{row.id}?klart=started", status_code=303)


@router.get(INBOX + "/{thread_id}")
def staff_thread(request: Request, thread_id: IdPath, actor: Staff, klart: str = "") -> Response:
    return _thread_page(request, actor, thread_id, base=INBOX, notice=_notice(klart))


@router.post(INBOX + "/{thread_id}/svar")
def staff_answer(request: Request, thread_id: IdPath, actor: Staff, data: Posted) -> Response:
    return _answer(request, actor, thread_id, data, INBOX)


@router.post(INBOX + "/{thread_id}/redo")
def staff_ready(request: Request, thread_id: IdPath, actor: Staff, data: Posted) -> Response:
    return _answer(request, actor, thread_id, data, INBOX, PostKind.READY)


def _step(request: Request, actor: Actor, thread_id: int, call: Callable[..., Any], code: str) -> Response:
    outcome, error, _row = _write(request, lambda s, clock, o: call(s, actor, clock, thread_id, o))
    if outcome is Outcome.DENIED:
        assert isinstance(error, AccessDenied)
        return _denied(request, actor, error, INBOX)
    if outcome is not Outcome.SAVED:
        return _thread_page(request, actor, thread_id, base=INBOX, errors={"form": error.message if error else ""},
                            status_code=error.status if error else 422)
    return RedirectResponse(f"{INBOX}/{thread_id}?klart={code}", status_code=303)


@router.post(INBOX + "/{thread_id}/ta")
def staff_take(request: Request, thread_id: IdPath, actor: Staff) -> Response:
    return _step(request, actor, thread_id, service.take, "taken")


@router.post(INBOX + "/{thread_id}/avsluta")
def staff_close(request: Request, thread_id: IdPath, actor: Staff) -> Response:
    return _step(request, actor, thread_id, service.close, "closed")
