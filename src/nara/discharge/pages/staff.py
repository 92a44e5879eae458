"""Staff pages of the discharge process, lag (2017:612) om samverkan vid utskrivning (DOMAIN §4):
"Utskrivningar" (the unit's live worklist), the process page with its forms, and the payment report page.

HTTP in, a call to nara.discharge.service, a page out. Every read and write goes through the service, which asks
the access policy and logs; a denial shows the access pages' denial page (why, spärrar, nödåtkomst where it would
open the data). The forms offered are the service's ``ProcessView.actions`` for the reader's unit; the service
decides again on every post.

Live: the worklist and the process page each hold a region with ``data-live-src`` — an HTML
fragment of this module (``/utskrivning/lista``, ``/utskrivning/<id>/status``) — that nara/web/static/live.js
reloads when the server pushes a change for the user's unit (the service announces every change to the units
concerned, nara.live). Nobody polls; a fragment is read through the policy like the page, and answers 401 (not a
redirect to the log-in page) when the session has ended, so live.js reloads the whole page instead of pasting the
log-in form into the list.

A form that fails comes back with what was typed and Swedish messages (an error summary linking to each field); a
step the process cannot take now (409), or another party's step (403), comes back with the service's message. The
personnummer of a person to admit is posted, never put in a URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from nara.access.service import AccessDenied, denial_page
from nara.core.actor import Actor, Role
from nara.core.clock import Clock, Period, day_text, local_today
from nara.core.errors import Conflict, Forbidden, NaraError, NotFound, ValidationFailed
from nara.core.i18n import SV, t
from nara.core.ids import parse_id
from nara.directory.model import UnitKind
from nara.directory.service import person_by_identifier
from nara.discharge import service
from nara.discharge.model import InterruptionReason
from nara.discharge.pages import support
from nara.discharge.service import Outlets, ProcessView
from nara.web.deps import IdPath, page_actor
from nara.web.forms import FormReader, Posted
from nara.web.outcome import Outcome, attempt, download
from nara.web.render import render

router = APIRouter(include_in_schema=False)

Staff = Annotated[Actor, Depends(page_actor(Role.STAFF))]
WORKLIST_PATH = "/utskrivning"
PAYMENT_PATH = "/utskrivning/betalningsansvar"
_NO_STORE = {"Cache-Control": "no-store"}
_MESSAGE_ID = r"m[0-9]{1,12}"


FragmentStaff = Annotated[Actor, Depends(support.fragment_reader(Role.STAFF))]


def page(request: Request, template: str, **ctx: Any) -> Response:
    """Render with the discharge pages' helpers: times in Swedish local time, due times relative to now."""
    return render(request, template, relative=support.relative, deadline=support.deadline, due_stamp=support.due_stamp,
                  party_text=support.party_text, profession=service.profession_label,
                  role_labels=role_labels, access_text=access_text, kronor=support.kronor, **ctx)


def role_labels(roles: list[str]) -> str:
    return ", ".join(t(f"discharge.role.{r}").lower() for r in roles)


def access_text(reason: str) -> str:
    """Why a process in the worklist cannot be opened (the worklist gives only the reason code)."""
    key = f"dischargepage.access.{reason}"
    return t(key) if key in SV else t("dischargepage.access.other")


def saved_notice(code: str) -> str | None:
    key = f"dischargepage.saved.{code}"
    return t(key) if code and key in SV else None


def denied(request: Request, actor: Actor, exc: AccessDenied, person_id: int | None) -> Response:
    """The access pages' denial page: why, the spärrar that exist, and nödåtkomst where it would open the data
    (it leads to the person's page)."""
    return render(request, "person_denied.html", status_code=403, title=t("person.denied.title"),
                  back_to=f"/personer/{person_id}" if person_id else WORKLIST_PATH,
                  **denial_page(exc, actor, person_id))


def _process_person(request: Request, process_id: int) -> int | None:
    """Whose process it is, for the denial page only (its nödåtkomst form needs the person)."""
    with request.app.state.db.transaction() as s:
        return service.process_person(s, process_id)


def outlets(request: Request) -> Outlets:
    """Where a change is told: the application's live broker (the open worklists) and notifier."""
    return service.outlets_of(request.app.state)


Call = Callable[[Session, Clock, Outlets], ProcessView]


def write(request: Request, call: Call) -> tuple[Outcome, NaraError | None, ProcessView | None]:
    """Run one step in a unit of work: (outcome, the error, the process as it is now)."""
    return attempt(request, lambda s, clock: call(s, clock, outlets(request)), denied=AccessDenied,
                   not_found="discharge.not_found", refused=(ValidationFailed, Conflict, Forbidden))


# --- the worklist ---------------------------------------------------------------------------------------------------


def _list_context(request: Request, actor: Actor) -> dict[str, Any]:
    state = request.app.state
    with state.db.transaction() as s:
        items = service.worklist(s, actor, state.clock)
        assert actor.unit_id is not None  # the service refuses staff without a unit
        pending = service.unacknowledged(s, actor.unit_id, [i.process_id for i in items if i.access is None])
    return {"items": items, "pending": pending, "now": state.clock.now()}


@router.get(WORKLIST_PATH)
def worklist_page(request: Request, actor: Staff, klart: str = "") -> Response:
    return _worklist(request, actor, notice=saved_notice(klart))


def _worklist(request: Request, actor: Actor, *, notice: str | None = None, error: str | None = None,
              form: FormReader | None = None, status_code: int = 200) -> Response:
    return page(request, "discharge_worklist.html", title=t("dischargepage.worklist.title"), notice=notice,
                error=error, values=form.values if form else {}, errors=form.errors if form else {},
                is_ward=actor.unit_kind == UnitKind.VARDAVDELNING.value, status_code=status_code,
                **_list_context(request, actor))


@router.get(WORKLIST_PATH + "/lista")
def worklist_fragment(request: Request, actor: FragmentStaff) -> Response:
    """The worklist's items alone, for live.js."""
    return page(request, "discharge_worklist_items.html", headers=_NO_STORE, **_list_context(request, actor))


@router.post(WORKLIST_PATH + "/ny")
def open_process(request: Request, actor: Staff, data: Posted) -> Response:
    """The ward admits a person found by personnummer (a form post: the number stays out of URLs and logs); with
    an estimated discharge date the inskrivningsmeddelande goes at once. The service asks the policy (CREATE, the
    ward starting its own care relationship) and logs."""
    form = FormReader(data)
    identifier = form.text("identifier", required="dischargeform.identifier_required", short=True)
    estimate = form.day("estimated_discharge")
    if not form.ok or identifier is None:
        return _worklist(request, actor, form=form, status_code=422)
    state = request.app.state
    try:
        with state.db.transaction() as s:
            person_id = person_by_identifier(s, identifier, local_today(state.clock)).id
    except NaraError as exc:
        form.errors["identifier"] = exc.message
        return _worklist(request, actor, form=form, status_code=exc.status)
    outcome, error, view = write(request, lambda s, clock, o: service.open_process(
        s, actor, clock, person_id=person_id, estimated_discharge=estimate, outlets=o))
    if outcome == Outcome.DENIED:
        assert isinstance(error, AccessDenied)
        return denied(request, actor, error, person_id)
    if error is not None or view is None:
        return _worklist(request, actor, form=form, error=error.message if error else None,
                         status_code=error.status if error else 500)
    saved = "inskriven-meddelad" if estimate is not None else "inskriven"
    return RedirectResponse(f"{WORKLIST_PATH}/{view.id}?klart={saved}", status_code=303)


# --- betalningsansvar (before /utskrivning/{process_id}: these paths are more specific) -----------------------------


def _payment_choices(request: Request, actor: Actor) -> tuple[list[tuple[str, str]], str | None]:
    with request.app.state.db.transaction() as s:
        return service.payment_municipalities(s, actor), service.own_municipality(s, actor)


def _read_payment_query(form: FormReader, codes: list[str]) -> tuple[str | None, Period | None]:
    municipality = form.choice("kommun", codes, required="dischargepay.municipality_required")
    month: Period | None = None
    raw = form.raw("manad")
    try:
        month = Period.parse(raw)
    except ValueError:
        form.fail("manad", "dischargepay.month_invalid")
    return municipality, month


@router.get(PAYMENT_PATH)
def payment_page(request: Request, actor: Staff, kommun: str = "", manad: str = "") -> Response:
    """Betalningsansvar per municipality and month: the form, and with both chosen the report — totals, the
    agreement used, each patient with the trail of dates, and the downloads. Each patient row is logged."""
    state = request.app.state
    municipalities, own = _payment_choices(request, actor)
    codes = [code for code, _ in municipalities]
    asked = bool(kommun or manad)
    form = FormReader({"kommun": kommun[:20], "manad": manad[:20]} if asked else {
        "kommun": own if own in codes else (codes[0] if codes else ""), "manad": support.default_month(state.clock)})
    ctx: dict[str, Any] = {"municipalities": municipalities, "report": None, "error": None, "query": None}
    status_code = 200
    if asked:
        municipality, month = _read_payment_query(form, codes)
        if not form.ok or municipality is None or month is None:
            status_code = 422
        else:
            try:
                with state.db.transaction() as s:
                    report = service.payment_report(s, actor, state.clock, municipality=municipality,
                                                    month=month).view
            except (Forbidden, ValidationFailed, NotFound, Conflict) as exc:
                # e.g. no amount per day known for the month's year: the page says which and why, and the
                # form stays, so another month can be asked for
                ctx["error"], status_code = exc.message, exc.status
            else:
                ctx["report"] = report
                ctx["query"] = {"kommun": municipality, "manad": str(month)}
                ctx["agreement"] = support.agreement_info(report.agreement_key, report.agreement_name)
    return page(request, "discharge_payment.html", title=t("dischargepay.title"), values=form.values,
                errors=form.errors, status_code=status_code, **ctx)


def _download_query(kommun: str, manad: str) -> tuple[str, Period]:
    """The report a download asks for; whether the actor may have it is the service's to say."""
    if not re.fullmatch(r"[0-9]{4}", kommun):
        raise ValidationFailed("dischargepay.municipality_required")
    try:
        return kommun, Period.parse(manad)
    except ValueError:
        raise ValidationFailed("dischargepay.month_invalid") from None


def _download(file: service.PaymentFile) -> Response:
    return download(file.content, file.media_type, file.filename)


@router.get(PAYMENT_PATH + ".csv")
def payment_csv(request: Request, actor: Staff, kommun: str = "", manad: str = "", tabell: str = "patients",
                ) -> Response:
    """One table of the report as CSV (semicolons, UTF-8 with BOM, as the API's); each patient logged as EXPORT."""
    municipality, month = _download_query(kommun, manad)
    state = request.app.state
    with state.db.transaction() as s:
        return _download(service.payment_csv(s, actor, state.clock, municipality=municipality, month=month,
                                             table=tabell))


@router.get(PAYMENT_PATH + ".xlsx")
def payment_xlsx(request: Request, actor: Staff, kommun: str = "", manad: str = "") -> Response:
    """The report as a workbook; each patient logged as EXPORT."""
    municipality, month = _download_query(kommun, manad)
    state = request.app.state
    with state.db.transaction() as s:
        return _download(service.payment_xlsx(s, actor, state.clock, municipality=municipality, month=month))


# --- the process page -----------------------------------------------------------------------------------------------


def _status_context(request: Request, view: ProcessView) -> dict[str, Any]:
    return {"v": view, "now": request.app.state.clock.now(),
            "earlier_estimates": ", ".join(day_text(d) for d in view.estimates[:-1])}


@router.get(WORKLIST_PATH + "/{process_id}")
def process_page(request: Request, process_id: IdPath, actor: Staff, klart: str = "") -> Response:
    return _process_page(request, actor, process_id, notice=saved_notice(klart))


def _default_values(view: ProcessView) -> dict[str, str]:
    values = {}
    if view.estimated_discharge is not None:
        values["estimate_day"] = view.estimated_discharge.isoformat()
    if view.care_contact is not None:
        values["contact_staff"] = str(view.care_contact.staff_id)
    return values


def _process_page(request: Request, actor: Actor, process_id: int, *, notice: str | None = None,
                  error: str | None = None, form: FormReader | None = None, status_code: int = 200) -> Response:
    state = request.app.state
    try:
        with state.db.transaction() as s:
            view = service.read_process(s, actor, state.clock, process_id)
            staff = service.staff_choices(s, actor.unit_id, local_today(state.clock)) \
                if actor.unit_id is not None and "care-contact" in view.actions else []
            receivers = service.receiver_choices(s, view) if "receivers" in view.actions else []
            municipality = service.municipality_name(s, view.home_municipality)
    except AccessDenied as exc:
        return denied(request, actor, exc, _process_person(request, process_id))
    values = _default_values(view) | (form.values if form else {})
    return page(request, "discharge_process.html", title=t("dischargepage.process.title", name=view.person.name),
                notice=notice, error=error, values=values, errors=form.errors if form else {},
                agreement=support.agreement_info(view.agreement_key, view.agreement_name),
                municipality_name=municipality, staff_options=staff, receiver_options=receivers,
                interruption_options=[(r.value, t(f"discharge.interruption.{r.value}")) for r in InterruptionReason],
                status_code=status_code, **_status_context(request, view))


@router.get(WORKLIST_PATH + "/{process_id}/status")
def process_fragment(request: Request, process_id: IdPath, actor: FragmentStaff) -> Response:
    """The changing part of the process page alone, for live.js (one READ entry, as the page)."""
    state = request.app.state
    with state.db.transaction() as s:
        view = service.read_process(s, actor, state.clock, process_id)
    return page(request, "discharge_process_status.html", headers=_NO_STORE, **_status_context(request, view))


# --- the steps ------------------------------------------------------------------------------------------------------

# A step's reader turns the posted form into a call of the service, or None when the form has mistakes (noted in
# the form). ``field`` is where a ValidationFailed of the service is shown (e.g. a SIP time in the past).
Reader = Callable[[FormReader, Actor, int], Call | None]


def _note(form: FormReader, name: str) -> str | None:
    return form.text(name)


def _notice(form: FormReader, actor: Actor, pid: int) -> Call | None:
    day = form.day("notice_estimate", required="dischargeform.estimate_required")
    note = _note(form, "notice_note")
    if day is None or not form.ok:
        return None
    return lambda s, clock, o: service.send_admission_notice(s, actor, clock, pid, estimated_discharge=day,
                                                             note=note, outlets=o)


def _estimate(form: FormReader, actor: Actor, pid: int) -> Call | None:
    day = form.day("estimate_day", required="dischargeform.estimate_required")
    note = _note(form, "estimate_note")
    if day is None or not form.ok:
        return None
    return lambda s, clock, o: service.revise_estimate(s, actor, clock, pid, estimated_discharge=day, note=note,
                                                       outlets=o)


def _id_choice(form: FormReader, name: str, required: str) -> int | None:
    raw = form.raw(name)
    if not raw:
        form.fail(name, required)
        return None
    chosen = parse_id(raw.strip())
    if chosen is None:
        form.fail(name, "planform.choose_from_list")
    return chosen


def _receivers(form: FormReader, actor: Actor, pid: int) -> Call | None:
    unit = _id_choice(form, "receiver_unit", "dischargeform.unit_required")
    if unit is None:
        return None
    return lambda s, clock, o: service.add_receivers(s, actor, clock, pid, unit_ids=[unit], outlets=o)


def _contact(form: FormReader, actor: Actor, pid: int) -> Call | None:
    staff = _id_choice(form, "contact_staff", "dischargeform.staff_required")
    if staff is None:
        return None
    return lambda s, clock, o: service.appoint_care_contact(s, actor, clock, pid, staff_id=staff, outlets=o)


def _noted(name: str, use_case: Callable[..., ProcessView]) -> Reader:
    """A step whose only field is an optional text to the receivers."""
    def read(form: FormReader, actor: Actor, pid: int) -> Call | None:
        note = _note(form, name)
        if not form.ok:
            return None
        return lambda s, clock, o: use_case(s, actor, clock, pid, note=note, outlets=o)
    return read


def _plain(use_case: Callable[..., ProcessView]) -> Reader:
    """A step without fields: the button says it all."""
    def read(_form: FormReader, actor: Actor, pid: int) -> Call | None:
        return lambda s, clock, o: use_case(s, actor, clock, pid, outlets=o)
    return read


def _sip_need(form: FormReader, actor: Actor, pid: int) -> Call | None:
    needed = form.choice("sip_need", ["ja", "nej"], required="dischargeform.sip_need_required")
    if needed is None:
        return None
    return lambda s, clock, o: service.assess_sip_need(s, actor, clock, pid, needed=needed == "ja", outlets=o)


def _sip(form: FormReader, actor: Actor, pid: int) -> Call | None:
    at = form.moment("sip_day", "sip_clock", required="dischargeform.sip_required")
    place = form.text("sip_place", short=True)
    link = form.video_link("sip_link")
    note = _note(form, "sip_note")
    if at is None or not form.ok:
        return None
    return lambda s, clock, o: service.send_sip_invitation(s, actor, clock, pid, sip_at=at, place=place,
                                                           video_link=link, note=note, outlets=o)


def _discharge(form: FormReader, actor: Actor, pid: int) -> Call | None:
    at = form.moment("discharge_day", "discharge_clock")
    if not form.ok:
        return None
    return lambda s, clock, o: service.discharge(s, actor, clock, pid, discharged_at=at, outlets=o)


def _interrupt(form: FormReader, actor: Actor, pid: int) -> Call | None:
    reason = form.choice("interrupt_reason", [r.value for r in InterruptionReason],
                         required="dischargeform.reason_required")
    note = _note(form, "interrupt_note")
    if reason is None or not form.ok:
        return None
    return lambda s, clock, o: service.interrupt(s, actor, clock, pid, reason=reason, note=note, outlets=o)


# slug → (reader, the saved notice, the field a ValidationFailed of the service belongs to)
STEPS: dict[str, tuple[Reader, str, str | None]] = {
    "inskrivningsmeddelande": (_notice, "inskrivningsmeddelande", "notice_estimate"),
    "behov": (_plain(service.record_needs_assessed), "behov", None),
    "berakning": (_estimate, "berakning", "estimate_day"),
    "mottagare": (_receivers, "mottagare", "receiver_unit"),
    "planering": (_noted("planning_note", service.document_planning), "planering", "planning_note"),
    "fast-vardkontakt": (_contact, "fast-vardkontakt", "contact_staff"),
    "utskrivningsklar": (_noted("ready_note", service.mark_ready), "utskrivningsklar", "ready_note"),
    "inte-utskrivningsklar": (_noted("not_ready_note", service.mark_not_ready), "inte-utskrivningsklar",
                              "not_ready_note"),
    "sip-behov": (_sip_need, "sip-behov", None),
    "sip-kallelse": (_sip, "sip-kallelse", "sip_day"),
    "informationsoverforing": (_noted("transfer_note", service.transfer_information), "informationsoverforing",
                               "transfer_note"),
    "utskriven": (_discharge, "utskriven", "discharge_day"),
    "informerad": (_plain(service.inform_patient), "informerad", None),
    "makulera": (_noted("cancel_note", service.cancel), "makulerad", "cancel_note"),
    "avbryt": (_interrupt, "avbruten", "interrupt_reason"),
    "kvittera": (_plain(service.acknowledge_all), "kvitterat", None),
}


def _run_step(request: Request, actor: Actor, process_id: int, form: FormReader, call: Call | None, saved: str,
              field: str | None) -> Response:
    from_list = form.raw("fran") == "lista"
    if call is None:
        return _process_page(request, actor, process_id, form=form, status_code=422)
    outcome, error, _view = write(request, call)
    if outcome == Outcome.DENIED:
        assert isinstance(error, AccessDenied)
        return denied(request, actor, error, _process_person(request, process_id))
    if error is not None:
        if from_list:
            return _worklist(request, actor, error=error.message, status_code=error.status)
        if isinstance(error, ValidationFailed) and field is not None:
            form.errors[field] = error.message
            return _process_page(request, actor, process_id, form=form, status_code=error.status)
        return _process_page(request, actor, process_id, form=form, error=error.message, status_code=error.status)
    if saved == "sip-kallelse" and _view is not None \
            and sum(m.kind.value == "sip_invitation" for m in _view.messages) > 1:
        saved = "sip-mote"  # a later kallelse: a meeting added to the person's one SIP (DOMAIN §3)
    if from_list:
        return RedirectResponse(f"{WORKLIST_PATH}?klart={saved}", status_code=303)
    return RedirectResponse(f"{WORKLIST_PATH}/{process_id}?klart={saved}", status_code=303)


@router.post(WORKLIST_PATH + "/{process_id}/kvittera/{message_id}")
def acknowledge(request: Request, process_id: IdPath, message_id: str, actor: Staff, data: Posted) -> Response:
    """Kvittens of one message (from the worklist or the process page)."""
    if not re.fullmatch(_MESSAGE_ID, message_id):
        raise NotFound("discharge.message.unknown", message=message_id[:16])
    form = FormReader(data)
    return _run_step(request, actor, process_id, form, lambda s, clock, o: service.acknowledge(
        s, actor, clock, process_id, message_id, outlets=o), "kvitterat", None)


@router.post(WORKLIST_PATH + "/{process_id}/{step}")
def process_step(request: Request, process_id: IdPath, step: str, actor: Staff, data: Posted) -> Response:
    if step not in STEPS:
        raise NotFound("error.not_found")
    reader, saved, field = STEPS[step]
    form = FormReader(data)
    return _run_step(request, actor, process_id, form, reader(form, actor, process_id), saved, field)
