"""Staff pages of the Patientkontrakt (DOMAIN §2, §5): "Mina personer och planer" (the worklist), a person's plans
and creating one, the plan page and its print, and the history with a readable difference (the notifications page is
:mod:`nara.plans.pages.notifications`)."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from nara.access.model import InformationCategory
from nara.access.service import AccessDenied, authorize
from nara.audit.model import AuditAction
from nara.core.actor import Actor, purpose_of
from nara.core.clock import day_text, local_today
from nara.core.errors import NaraError, ValidationFailed
from nara.core.i18n import t
from nara.directory import service as directory
from nara.plans import service
from nara.plans.model import AcknowledgeNote, AddGoal, PlanKind, PlanStatus, SetPlanStatus
from nara.plans.pages.choices import denial_text, person_is_synthetic, person_name
from nara.plans.pages.common import (
    WORKLIST_PATH,
    Outcome,
    Staff,
    conflict_info,
    denied,
    denied_plan,
    element_id_of,
    notifier_of,
    saved_notice,
    saved_or_again,
    version_of,
    write,
)
from nara.plans.pages.names import initial_changes, names_for, readable
from nara.plans.pages.plan_page import read_page
from nara.web.deps import IdPath
from nara.web.forms import FormReader, Posted
from nara.web.render import render

router = APIRouter(include_in_schema=False)


# --- the worklist: "Mina personer och planer" ----------------------------------------------------------------------


@router.get(WORKLIST_PATH)
def worklist_page(request: Request, actor: Staff, klart: str = "") -> Response:
    return worklist_view(request, actor, notice=saved_notice(klart))


def worklist_view(request: Request, actor: Actor, *, notice: str | None = None, errors: dict[str, str] | None = None,
              identifier: str = "", conflict: bool = False, status_code: int = 200) -> Response:
    state = request.app.state
    with state.db.transaction() as s:
        items = service.worklist(s, actor, state.clock)
        unread = service.unread_count(s, actor)
    return render(request, "plan_worklist.html", title=t("planpage.worklist.title"), items=items, unread=unread,
                notice=notice, errors=errors or {}, values={"identifier": identifier}, conflict=conflict,
                reason=denial_text,
                status_code=status_code)


@router.post(WORKLIST_PATH + "/sok")
def find_person(request: Request, actor: Staff, data: Posted) -> Response:
    """Open a person's plans by personnummer (a form post: the number stays out of URLs and logs); the search is
    asked of the policy and logged, as on the access pages."""
    identifier = data.get("identifier", "")[:40]
    state = request.app.state
    try:
        with state.db.transaction() as s:
            person_id = directory.person_by_identifier(s, identifier, local_today(state.clock)).id
    except NaraError as exc:
        return worklist_view(request, actor, errors={"identifier": exc.message}, identifier=identifier,
                         status_code=exc.status)
    try:
        authorize(state.db, actor, person_id, InformationCategory.GRUNDUPPGIFTER, AuditAction.SEARCH,
                  purpose_of(actor), state.clock)
    except AccessDenied as exc:
        return denied(request, actor, exc, person_id)
    return RedirectResponse(f"/personer/{person_id}/planer", status_code=303)


# --- a person's plans, and creating one ---------------------------------------------------------------------------


@router.get("/personer/{person_id}/planer")
def person_plans(request: Request, person_id: IdPath, actor: Staff) -> Response:
    return _person_plans(request, actor, person_id)


def _person_plans(request: Request, actor: Actor, person_id: int, *, form: FormReader | None = None,
                  error: str | None = None, status_code: int = 200) -> Response:
    state = request.app.state
    try:
        with state.db.transaction() as s:
            plans = service.plans_for_person(s, actor, state.clock, person_id)
            name = person_name(s, person_id)
            synthetic = person_is_synthetic(s, person_id)
    except AccessDenied as exc:
        return denied(request, actor, exc, person_id)
    has_contract = any(p.kind is PlanKind.PATIENTKONTRAKT and p.status == PlanStatus.AKTIV.value for p in plans)
    values = form.values if form else {"kind": PlanKind.SIP.value if has_contract else PlanKind.PATIENTKONTRAKT.value,
                                       "own_words": "ja"}
    return render(request, "plan_person.html", title=t("planpage.person.title", name=name), person_id=person_id,
                name=name, synthetic=synthetic, plans=plans, has_contract=has_contract, values=values,
                errors=form.errors if form else {}, error=error, status_code=status_code)


@router.post("/personer/{person_id}/planer")
def create_plan(request: Request, person_id: IdPath, actor: Staff, data: Posted) -> Response:
    form = FormReader(data)
    kind = form.choice("kind", [k.value for k in PlanKind], required="planform.kind_required")
    goal = form.text("goal")
    own_words = form.flag("own_words")
    if not form.ok:
        return _person_plans(request, actor, person_id, form=form, status_code=422)
    ops = [AddGoal(op="add_goal", text=goal, own_words=own_words)] if goal else []
    assert kind is not None
    outcome, error, view = write(request, actor, 0, 0, ops, lambda s, clock: service.create_plan(
        s, actor, clock, person_id=person_id, kind=kind, operations=ops, notifier=notifier_of(request)))
    if outcome == Outcome.DENIED:
        assert isinstance(error, AccessDenied)
        return denied(request, actor, error, person_id)
    existing = error.extra.get("plan_id") if error is not None and kind == PlanKind.SIP.value else None
    if existing:  # one SIP per person (DOMAIN §3): the open one is used instead of a second
        return RedirectResponse(f"/planer/{existing}?sparat=sip-finns", status_code=303)
    if error is not None:
        return _person_plans(request, actor, person_id, form=form, error=error.message, status_code=error.status)
    return RedirectResponse(f"/planer/{view.id}?sparat=skapad", status_code=303)


# --- the plan page --------------------------------------------------------------------------------------------------


@router.get("/planer/{plan_id}")
def plan_view(request: Request, plan_id: IdPath, actor: Staff, sparat: str = "") -> Response:
    return plan_view_response(request, actor, plan_id, notice=saved_notice(sparat))


def plan_view_response(request: Request, actor: Actor, plan_id: int, *, notice: str | None = None,
                       error: str | None = None, base: int | None = None, status_code: int = 200,
                       **context: object) -> Response:
    """The staff plan page; ``context`` adds to it (e.g. a rejected approval form's values and errors)."""
    state = request.app.state
    try:
        with state.db.transaction() as s:
            plan = read_page(s, actor, state.clock, plan_id)
            conflict = conflict_info(s, actor, request, plan, base)
    except AccessDenied as exc:
        return denied_plan(request, actor, exc, plan_id)
    return render(request, "plan_view.html", title=t("planpage.plan.title", kind=plan.kind_label,
                                                   name=plan.person_name),
                p=plan, notice=notice, error=error, conflict=conflict, status_code=status_code, **context)


@router.get("/planer/{plan_id}/utskrift")
def print_page(request: Request, plan_id: IdPath, actor: Staff) -> Response:
    """The written plan, for paper: what the actor may see of it, the withheld pieces named (logged as PRINT)."""
    state = request.app.state
    try:
        with state.db.transaction() as s:
            plan = read_page(s, actor, state.clock, plan_id, action=AuditAction.PRINT)
    except AccessDenied as exc:
        return denied_plan(request, actor, exc, plan_id)
    return render(request, "plan_print.html", title=t("minplan.print.title"), p=plan,
                printed=day_text(local_today(state.clock)), back=f"/planer/{plan_id}",
                back_label=t("planpage.print.back"))


def _plan_write(request: Request, actor: Actor, plan_id: int, data: dict[str, str], ops: list[Any],
                saved: str) -> Response:
    """A write posted from the plan page itself (acknowledge a note, end or reopen the plan)."""
    base = version_of(data.get("version", ""))
    return saved_or_again(request, actor, plan_id, base, ops, to=f"/planer/{plan_id}?sparat={saved}",
                          again=partial(plan_view_response, request, actor, plan_id))


@router.post("/planer/{plan_id}/anteckningar/{element_id}/sedd")
def acknowledge_note(request: Request, plan_id: IdPath, element_id: str, actor: Staff, data: Posted) -> Response:
    """The team has seen the person's note ("det här vill jag ta upp")."""
    return _plan_write(request, actor, plan_id, data, [AcknowledgeNote(op="acknowledge_note",
                                                                        id=element_id_of(element_id))], "sedd")


@router.post("/planer/{plan_id}/status")
def plan_status(request: Request, plan_id: IdPath, actor: Staff, data: Posted) -> Response:
    """End a Patientkontrakt, or reopen it."""
    status = data.get("status", "")
    if status not in (PlanStatus.AKTIV.value, PlanStatus.AVSLUTAD.value):
        raise ValidationFailed("planform.choose_from_list")
    return _plan_write(request, actor, plan_id, data, [SetPlanStatus(op="set_plan_status", status=status)], status)


# --- history and the readable difference ------------------------------------------------------------------------


def _heading(s: Session, plan_id: int) -> tuple[str, str]:
    kind, person_id = service.plan_kind_and_person(s, plan_id)
    return t(f"planpage.kind.{kind}"), person_name(s, person_id)


@router.get("/planer/{plan_id}/historik")
def history_page(request: Request, plan_id: IdPath, actor: Staff) -> Response:
    state = request.app.state
    try:
        with state.db.transaction() as s:
            versions = service.history(s, actor, state.clock, plan_id)
            kind, name = _heading(s, plan_id)
    except AccessDenied as exc:
        return denied_plan(request, actor, exc, plan_id)
    return render(request, "plan_history.html", title=t("planpage.history.title", kind=kind, name=name),
                plan_id=plan_id, kind=kind, name=name, versions=versions)


@router.get("/planer/{plan_id}/historik/jamfor")
def compare_page(request: Request, plan_id: IdPath, actor: Staff,
                 fran: Annotated[int, Query(ge=1, le=2**31 - 1)] = 1,
                 till: Annotated[int, Query(ge=1, le=2**31 - 1)] = 1) -> Response:
    """What changed from version ``fran`` to ``till``, in Swedish, with units and staff named."""
    state = request.app.state
    try:
        with state.db.transaction() as s:
            difference = service.diff(s, actor, state.clock, plan_id, fran, till)
            changes = readable(difference.changes, names_for(s, difference.changes))
            kind, name = _heading(s, plan_id)
    except AccessDenied as exc:
        return denied_plan(request, actor, exc, plan_id)
    return render(request, "plan_diff.html", title=t("planpage.diff.title", old=fran, new=till), plan_id=plan_id,
                kind=kind, name=name, old=fran, new=till, changes=changes, version=None,
                withheld=difference.withheld)


@router.get("/planer/{plan_id}/historik/{version}")
def version_page(request: Request, plan_id: IdPath, version: IdPath, actor: Staff) -> Response:
    """One version: who changed what and when, and the change from the version before it."""
    state = request.app.state
    try:
        with state.db.transaction() as s:
            shown = service.read_version(s, actor, state.clock, plan_id, version)  # with its change: one decision
            if version > 1:
                changes = readable(shown.changes, names_for(s, shown.changes))
            else:
                changes = initial_changes(shown.document)
            kind, name = _heading(s, plan_id)
    except AccessDenied as exc:
        return denied_plan(request, actor, exc, plan_id)
    return render(request, "plan_diff.html", title=t("planpage.version.title", version=version), plan_id=plan_id,
                kind=kind, name=name, old=max(version - 1, 1), new=version, changes=changes, version=shown,
                withheld=shown.withheld)
