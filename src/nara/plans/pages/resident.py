"""The resident's "Min plan" (DOMAIN §2): my goals, what I do, what my network does, what care
does, my contacts and how to reach them, my agreed times and the next step — on a phone first. I can add my own
activities and notes ("det här vill jag ta upp"), mark self-care and my own activities done, and ask to move or
cancel a time; a print view is the written plan.

HTTP in, a call to nara.plans.service, a page out. Reading my plan is an access like any other: the service asks
the policy (purpose egen insyn) and logs it. What the person may change is the model's rule
(nara.plans.model.resident_may); forms carry the version they were based on, and a plan that changed meanwhile is
shown with the person's input kept.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from nara.core.actor import Actor, Role, subject_of
from nara.core.clock import day_text, local_today
from nara.core.errors import NotFound
from nara.core.i18n import t
from nara.plans import service
from nara.plans.model import (
    ActivityStatus,
    AddActivity,
    AddNote,
    ApproveSip,
    MarkSelfCareDone,
    PlanKind,
    PlanStatus,
    RequestTimeChange,
    Responsible,
    ResponsibleKind,
    SetActivityStatus,
    TimeRequestKind,
    TimeStatus,
)
from nara.plans.pages.common import checked_ops, conflict_info, element_id_of, saved_or_again, version_of
from nara.plans.pages.plan_page import read_page
from nara.plans.service import PlanSummary
from nara.web.deps import IdPath, page_actor
from nara.web.forms import FormReader, Posted
from nara.web.render import render

router = APIRouter(include_in_schema=False)

Resident = Annotated[Actor, Depends(page_actor(Role.RESIDENT))]
PLAN_PATH = "/min-sida/plan"

_SAVED = frozenset({"aktivitet", "anteckning", "gjort", "klar", "onskemal", "godkand"})


def _notice(code: str) -> str | None:
    return t(f"minplan.saved.{code}") if code in _SAVED else None


def _person(actor: Actor) -> int:
    """Whose plan: the person a proxy acts for (the policy decides whether their grant covers it), else mine."""
    person_id = subject_of(actor)
    if person_id is None:
        raise NotFound("minplan.no_person")
    return person_id


def _main_plan(plans: list[PlanSummary]) -> PlanSummary:
    """The plan Min plan opens with: the active Patientkontrakt, else the latest SIP or plan."""
    active = [p for p in plans if p.kind is PlanKind.PATIENTKONTRAKT and p.status == PlanStatus.AKTIV.value]
    return active[0] if active else max(plans, key=lambda p: p.updated_at)


@router.get(PLAN_PATH)
def my_plan(request: Request, actor: Resident, sparat: str = "") -> Response:
    return _my_plan(request, actor, None, notice=_notice(sparat))


@router.get(PLAN_PATH + "/{plan_id}")
def one_plan(request: Request, plan_id: IdPath, actor: Resident, sparat: str = "") -> Response:
    return _my_plan(request, actor, plan_id, notice=_notice(sparat))


def _my_plan(request: Request, actor: Actor, plan_id: int | None, *, notice: str | None = None,
             form: FormReader | None = None, error: str | None = None, base: int | None = None,
             template: str = "min_plan.html", status_code: int = 200) -> Response:
    state = request.app.state
    person_id = _person(actor)
    with state.db.transaction() as s:
        plans = service.plans_for_person(s, actor, state.clock, person_id)
        unread = service.unread_count(s, actor)
        if not plans:
            return render(request, "min_plan.html", title=t("minplan.title"), p=None, plans=[], unread=unread,
                        notice=notice, values={}, errors={}, error=None, conflict=None)
        chosen = _main_plan(plans).id if plan_id is None else plan_id
        if chosen not in {p.id for p in plans}:
            raise NotFound("plans.not_found")
        plan = read_page(s, actor, state.clock, chosen)
        conflict = conflict_info(s, actor, request, plan, base)
    others = [p for p in plans if p.id != chosen]
    return render(request, template, title=t("minplan.title") if template == "min_plan.html"
                else t("minplan.print.title"), p=plan, plans=others, unread=unread, notice=notice,
                values=form.values if form else {}, errors=form.errors if form else {}, error=error,
                conflict=conflict, printed=day_text(local_today(state.clock)), status_code=status_code,
                back=f"{PLAN_PATH}/{chosen}", back_label=t("minplan.print.back"))


@router.get(PLAN_PATH + "/{plan_id}/utskrift")
def print_view(request: Request, plan_id: IdPath, actor: Resident) -> Response:
    """The written plan: everything in it, for paper (the page's print styles leave out the menus)."""
    return _my_plan(request, actor, plan_id, template="plan_print.html")


def _save(request: Request, actor: Actor, plan_id: int, form: FormReader, ops: list[Any], saved: str) -> Response:
    """One change by the person; on a problem, Min plan again with what they typed kept."""
    if not form.ok:
        return _my_plan(request, actor, plan_id, form=form, status_code=422)
    base = version_of(form.raw("version"))
    return saved_or_again(request, actor, plan_id, base, ops, denial_page=False,
                          to=f"{PLAN_PATH}/{plan_id}?sparat={saved}#{_anchor(saved)}",
                          again=partial(_my_plan, request, actor, plan_id, form=form))


def _anchor(saved: str) -> str:
    return {"aktivitet": "jag-gor", "klar": "jag-gor", "anteckning": "ta-upp", "gjort": "egenvard",
            "onskemal": "tider", "godkand": "sip"}.get(saved, "innehall")


@router.post(PLAN_PATH + "/{plan_id}/aktiviteter")
def add_activity(request: Request, plan_id: IdPath, actor: Resident, data: Posted) -> Response:
    """Something I do myself, added to my plan."""
    form = FormReader(data)
    text = form.text("act_text", required="minplan.form.activity_required")
    recurrence = form.text("act_recurrence", short=True)
    due = form.day("act_due")
    ops = checked_ops(form, lambda: [AddActivity(op="add_activity", text=text, due=due, recurrence=recurrence,
                                          responsible=Responsible(kind=ResponsibleKind.PERSON))])
    return _save(request, actor, plan_id, form, ops, "aktivitet")


@router.post(PLAN_PATH + "/{plan_id}/aktiviteter/{element_id}/klar")
def activity_done(request: Request, plan_id: IdPath, element_id: str, actor: Resident, data: Posted) -> Response:
    """An activity I am responsible for is done."""
    form = FormReader(data)
    ops = [SetActivityStatus(op="set_activity_status", id=element_id_of(element_id), status=ActivityStatus.KLAR)]
    return _save(request, actor, plan_id, form, ops, "klar")


@router.post(PLAN_PATH + "/{plan_id}/godkann")
def approve(request: Request, plan_id: IdPath, actor: Resident, data: Posted) -> Response:
    """I approve my SIP as it reads now (DOMAIN §3: made together with me); it is fastställd when every party has."""
    form = FormReader(data)
    return _save(request, actor, plan_id, form, [ApproveSip(op="approve_sip")], "godkand")


@router.post(PLAN_PATH + "/{plan_id}/anteckningar")
def add_note(request: Request, plan_id: IdPath, actor: Resident, data: Posted) -> Response:
    """"Det här vill jag ta upp": the team sees it and marks it seen."""
    form = FormReader(data)
    text = form.text("note_text", required="minplan.form.note_required")
    ops = checked_ops(form, lambda: [AddNote(op="add_note", text=text)])
    return _save(request, actor, plan_id, form, ops, "anteckning")


@router.post(PLAN_PATH + "/{plan_id}/egenvard/{element_id}/gjort")
def self_care_done(request: Request, plan_id: IdPath, element_id: str, actor: Resident, data: Posted) -> Response:
    form = FormReader(data)
    return _save(request, actor, plan_id, form, [MarkSelfCareDone(op="mark_self_care_done",
                                                                  id=element_id_of(element_id))], "gjort")


def _time_page(request: Request, actor: Actor, plan_id: int, element_id: str, *, form: FormReader | None = None,
               error: str | None = None, base: int | None = None, status_code: int = 200) -> Response:
    state = request.app.state
    _person(actor)
    with state.db.transaction() as s:
        plan = read_page(s, actor, state.clock, plan_id)
        booked = next((b for b in plan.view.document.times if b.id == element_id), None)
        conflict = conflict_info(s, actor, request, plan, base, booked, element_id)
    if booked is None:
        raise NotFound("plans.element_not_found", id=element_id)
    values = form.values if form else {"kind": TimeRequestKind.FLYTTA.value}
    return render(request, "min_plan_time.html", title=t("minplan.time.title"), p=plan, booked=booked,
                values=values, errors=form.errors if form else {}, error=error, conflict=conflict,
                bookable=booked.status is TimeStatus.BOKAD, status_code=status_code)


@router.get(PLAN_PATH + "/{plan_id}/tider/{element_id}")
def time_form(request: Request, plan_id: IdPath, element_id: str, actor: Resident) -> Response:
    return _time_page(request, actor, plan_id, element_id_of(element_id))


@router.post(PLAN_PATH + "/{plan_id}/tider/{element_id}")
def ask_about_time(request: Request, plan_id: IdPath, element_id: str, actor: Resident, data: Posted) -> Response:
    element_id = element_id_of(element_id)
    form = FormReader(data)
    kind = form.choice("kind", [k.value for k in TimeRequestKind], required="minplan.form.time_kind_required")
    text = form.text("text")
    ops = checked_ops(form, lambda: [RequestTimeChange(op="request_time_change", id=element_id, kind=kind, text=text)])
    if not form.ok:
        return _time_page(request, actor, plan_id, element_id, form=form, status_code=422)
    base = version_of(form.raw("version"))
    return saved_or_again(request, actor, plan_id, base, ops, denial_page=False,
                          to=f"{PLAN_PATH}/{plan_id}?sparat=onskemal#tider",
                          again=partial(_time_page, request, actor, plan_id, element_id, form=form))

