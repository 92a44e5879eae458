"""The guided SIP flow (DOMAIN §3): invitations, consent, närstående, the meeting, interventions, other measures,
overall responsibility, phases and fastställande, follow-up, and the invited unit's answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from nara.access.service import AccessDenied
from nara.core.actor import Actor
from nara.core.errors import NotFound, ValidationFailed
from nara.core.i18n import t
from nara.plans import service
from nara.plans.model import (
    AddFollowUp,
    AddIntervention,
    AddOtherMeasure,
    ApproveSip,
    ConsentGivenBy,
    InviteUnit,
    Remove,
    SetMeeting,
    SetNoOtherMeasures,
    SetOverallResponsibility,
    SetRelatives,
    SetSipConsent,
    SipIncomplete,
    SipPhase,
    UpdateIntervention,
)
from nara.plans.pages.choices import Choices, form_choices
from nara.plans.pages.common import (
    WORKLIST_PATH,
    Outcome,
    Staff,
    checked_ops,
    conflict_info,
    denied_plan,
    element_id_of,
    notifier_of,
    saved_notice,
    version_of,
    write,
)
from nara.plans.pages.plan_page import PlanPage, read_page
from nara.plans.pages.sip_sections import CHECKBOXES, SECTIONS, read_section, section_values
from nara.plans.pages.staff import worklist_view
from nara.web.deps import IdPath
from nara.web.forms import FormReader, Posted
from nara.web.render import render

router = APIRouter(include_in_schema=False)


SIP_STEPS = ("inbjudan", "samtycke", "narstaende", "mote", "insats", "insats-huvudman", "andra", "inga-andra",
             "overgripande", "ta-bort", "fas", "faststall", "ombud", "uppfoljning", "svar")


@router.get("/planer/{plan_id}/sip")
def sip_page(request: Request, plan_id: IdPath, actor: Staff, sparat: str = "") -> Response:
    return _sip_page(request, actor, plan_id, notice=saved_notice(sparat))


def _sip_page(request: Request, actor: Actor, plan_id: int, *, notice: str | None = None,
              form: FormReader | None = None, error: str | None = None, missing: list[str] | None = None,
              base: int | None = None, status_code: int = 200, section: str | None = None) -> Response:
    """The SIP as one document, its sections in order, each editable in place; ``section``: the one whose form
    comes back open, with what was typed (``form``) and what to fix."""
    state = request.app.state
    try:
        with state.db.transaction() as s:
            plan = read_page(s, actor, state.clock, plan_id)
            choices = form_choices(s, actor, state.clock, plan.view)
            conflict = conflict_info(s, actor, request, plan, base)
    except AccessDenied as exc:
        return denied_plan(request, actor, exc, plan_id)
    if plan.doc.sip is None:
        raise ValidationFailed("plans.sip_only")
    sip = plan.doc.sip
    values = section_values(sip)
    if form is not None:
        values = {k: v for k, v in values.items() if not k.startswith(CHECKBOXES)} | form.values
    invited = {i.unit_id for i in sip.invitations if i.status.value != "avbojd"}
    phase_index = list(SipPhase).index(sip.phase)
    return render(request, "plan_sip.html", title=t("planpage.sip.title", name=plan.person_name), p=plan, sip=sip,
                phases=list(SipPhase), phase_index=phase_index, values=values,
                errors=form.errors if form else {}, choices=choices, conflict=conflict, error=error,
                missing=missing, notice=notice, invitable=[u for u in choices.units if u.id not in invited
                                                           and u.id != actor.unit_id],
                meeting_units=_meeting_units(plan), open_section=section,
                next_phase=_neighbour(sip.phase, 1), previous_phase=_neighbour(sip.phase, -1),
                status_code=status_code)


def _meeting_units(plan: PlanPage) -> list[int]:
    """The units whose attendance at the SIP meeting is recorded: the plan's own and those invited (not declined)."""
    assert plan.doc.sip is not None
    invited = [i.unit_id for i in plan.doc.sip.invitations if i.status.value != "avbojd"]
    return list(dict.fromkeys([plan.view.owner_unit_id, *invited]))


@router.post("/planer/{plan_id}/sip/avsnitt/{section}")
def sip_section(request: Request, plan_id: IdPath, section: str, actor: Staff, data: Posted) -> Response:
    """One section of the SIP saved from its in-place form: the fields become the operations needed, applied as
    one change (one new version, based on the version the form was made from)."""
    if section not in SECTIONS:
        raise NotFound("error.not_found")
    form = FormReader(data)
    base = version_of(form.raw("version"))
    state = request.app.state
    try:
        with state.db.transaction() as s:
            plan = read_page(s, actor, state.clock, plan_id)
            choices = form_choices(s, actor, state.clock, None, plan_units=service.plan_unit_ids(s, plan_id))
    except AccessDenied as exc:
        return denied_plan(request, actor, exc, plan_id)
    if plan.doc.sip is None:
        raise ValidationFailed("plans.sip_only")
    ops = read_section(section, form, plan.doc.sip, choices, _meeting_units(plan))
    if form.ok and not ops:
        form.fail("form", "planform.sip.nothing_changed")
    if not form.ok:
        return _sip_page(request, actor, plan_id, form=form, section=section, status_code=422)
    outcome, error, _ = write(request, actor, plan_id, base, ops)
    if outcome == Outcome.DENIED:
        assert isinstance(error, AccessDenied)
        return denied_plan(request, actor, error, plan_id)
    if outcome == Outcome.STALE:
        return _sip_page(request, actor, plan_id, form=form, base=base, section=section, status_code=409)
    if error is not None:
        return _sip_page(request, actor, plan_id, form=form, error=error.message, section=section,
                         status_code=error.status)
    return RedirectResponse(f"/planer/{plan_id}/sip?sparat=sip#avsnitt-{section}", status_code=303)


def _neighbour(phase: SipPhase, step: int) -> SipPhase | None:
    """The phase one step forward or back in the lifecycle (nara.plans.model.check_transition); none from
    avslutad, and closing has a button of its own."""
    order = list(SipPhase)
    at = order.index(phase) + step
    if phase is SipPhase.AVSLUTAD or not 0 <= at < len(order) or order[at] is SipPhase.AVSLUTAD:
        return None
    return order[at]


def _principal(form: FormReader, choices: Choices, name: str, *, required: str | None = None) -> int | None:
    chosen = form.choice(name, [str(p) for p, _ in choices.principals], required=required)
    return int(chosen) if chosen else None


def _read_sip_step(step: str, form: FormReader, choices: Choices) -> list[Any]:
    """The operations one SIP form posts (the model checks each again)."""
    if step == "inbjudan":
        unit = form.choice("inv_unit", [str(u.id) for u in choices.units], required="planform.sip.unit_required")
        return checked_ops(form, lambda: [InviteUnit(op="invite_unit", unit_id=int(unit or 0))])
    if step == "samtycke":
        given = form.choice("consent_given", ["ja", "nej"], required="planform.sip.consent_required")
        by = form.choice("consent_by", [g.value for g in ConsentGivenBy]) or ConsentGivenBy.PERSONEN.value
        representative = form.text("consent_rep", short=True)
        if by == ConsentGivenBy.FORETRADARE.value and not representative:
            form.fail("consent_rep", "plans.sip.representative_required")
        return checked_ops(form, lambda: [SetSipConsent(op="set_sip_consent", given=given == "ja", given_by=by,
                                                 representative=representative)])
    if step == "narstaende":
        participate = form.choice("rel_participate", ["ja", "nej"])
        note = form.text("rel_note")
        return checked_ops(form, lambda: [SetRelatives(op="set_relatives", participate=None if participate is None
                                                else participate == "ja", note=note)])
    if step == "mote":
        start = form.moment("meet_day", "meet_clock", required="planform.sip.meeting_required")
        place = form.text("meet_place", short=True)
        link = form.video_link("meet_link")
        return checked_ops(form, lambda: [SetMeeting(op="set_meeting", start=start, place=place, video_link=link)])
    if step == "insats":
        text = form.text("int_text", required="planform.sip.intervention_required")
        principal = _principal(form, choices, "int_principal")
        unit = form.choice("int_unit", [str(u.id) for u in choices.units])
        return checked_ops(form, lambda: [AddIntervention(
            op="add_intervention", text=text, principal_provider_id=principal, unit_id=int(unit) if unit else None)])
    if step == "insats-huvudman":
        element = element_id_of(form.raw("element"))
        principal = _principal(form, choices, f"principal_{element}", required="planform.sip.principal_required")
        return checked_ops(form, lambda: [UpdateIntervention(op="update_intervention", id=element,
                                                      principal_provider_id=principal)])
    if step == "andra":
        text = form.text("other_text", required="planform.sip.other_required")
        by_whom = form.text("other_by", required="planform.sip.other_by_required", short=True)
        return checked_ops(form, lambda: [AddOtherMeasure(op="add_other_measure", text=text, by_whom=by_whom)])
    if step == "inga-andra":
        return [SetNoOtherMeasures(op="set_no_other_measures", none=form.flag("none"))]
    if step == "overgripande":
        principal = _principal(form, choices, "overall_principal", required="planform.sip.principal_required")
        return checked_ops(form, lambda: [SetOverallResponsibility(op="set_overall_responsibility",
                                                            principal_provider_id=principal)])
    if step == "ombud":  # the person's ombud approved the plan; staff record it (DOMAIN §3)
        representative = form.text("representative", required="planform.sip.ombud_required", short=True)
        return checked_ops(form, lambda: [ApproveSip(op="approve_sip", representative=representative)])
    if step == "ta-bort":
        section = form.choice("section", ["invitations", "interventions", "other_measures"],
                              required="planform.choose_from_list")
        element = element_id_of(form.raw("element"))
        return checked_ops(form, lambda: [Remove(op="remove", section=section, id=element)])
    assert step == "uppfoljning"
    on = form.day("fu_on", required="planform.sip.follow_up_day_required")
    outcome = form.text("fu_outcome", required="planform.sip.follow_up_outcome_required")
    return checked_ops(form, lambda: [AddFollowUp(op="add_follow_up", on=on, outcome=outcome)])


@router.post("/planer/{plan_id}/sip/{step}")
def sip_step(request: Request, plan_id: IdPath, step: str, actor: Staff, data: Posted) -> Response:
    if step not in SIP_STEPS:
        raise NotFound("error.not_found")
    form = FormReader(data)
    base = version_of(form.raw("version"))
    notifier = notifier_of(request)
    if step == "svar":
        return _answer(request, actor, plan_id, form, base)
    call: Callable[..., Any] | None = None  # one of the SIP use cases below, or change_plan (None)
    ops: list[Any] = []
    if step == "fas":
        to = form.choice("to", [p.value for p in SipPhase], required="planform.choose_from_list")
        if to is None:
            return _sip_page(request, actor, plan_id, form=form, status_code=422)

        def call(s: Session, clock: Any) -> Any:
            return service.transition_sip(s, actor, clock, plan_id, base, to, notifier)
    elif step == "faststall":
        def call(s: Session, clock: Any) -> Any:
            return service.finalise_sip(s, actor, clock, plan_id, base, notifier)
    else:
        state = request.app.state
        with state.db.transaction() as s:
            choices = form_choices(s, actor, state.clock, None, plan_units=service.plan_unit_ids(s, plan_id))
        ops = _read_sip_step(step, form, choices)
        if not form.ok:
            return _sip_page(request, actor, plan_id, form=form, status_code=422,
                             section="ombud" if step == "ombud" else None)
    outcome, error, view = write(request, actor, plan_id, base, ops, call)
    if outcome == Outcome.DENIED:
        assert isinstance(error, AccessDenied)
        return denied_plan(request, actor, error, plan_id)
    section = "ombud" if step == "ombud" else None  # the one step form the page still shows
    if outcome == Outcome.STALE:
        return _sip_page(request, actor, plan_id, form=form, base=base, status_code=409, section=section)
    if isinstance(error, SipIncomplete):
        return _sip_page(request, actor, plan_id, form=form, error=error.message,
                         missing=[m.message for m in error.missing], status_code=error.status)
    if error is not None:
        return _sip_page(request, actor, plan_id, form=form, error=error.message, status_code=error.status,
                         section=section)
    saved = {"fas": "fas", "faststall": "faststalld", "ombud": "faststalld"}.get(step, "sip")
    if saved == "faststalld" and not all(a.approved for a in view.approvals):
        saved = "godkand"  # recorded; fastställd when every party has approved (DOMAIN §3)
    return RedirectResponse(f"/planer/{plan_id}/sip?sparat={saved}", status_code=303)


def _answer(request: Request, actor: Actor, plan_id: int, form: FormReader, base: int) -> Response:
    """The invited unit accepts or declines the SIP invitation (from the worklist, without reading the plan)."""
    accept = form.raw("accept") == "ja"
    outcome, error, _ = write(request, actor, plan_id, base, [], lambda s, clock: service.answer_invitation(
        s, actor, clock, plan_id, base, accept, notifier_of(request)))
    if outcome == Outcome.DENIED:
        assert isinstance(error, AccessDenied)
        return denied_plan(request, actor, error, plan_id)
    if outcome == Outcome.STALE:
        return worklist_view(request, actor, conflict=True, status_code=409)
    if error is not None:
        raise error
    if accept:
        return RedirectResponse(f"/planer/{plan_id}?sparat=svar-ja", status_code=303)
    return RedirectResponse(f"{WORKLIST_PATH}?klart=svar-nej", status_code=303)
