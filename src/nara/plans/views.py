"""Staff pages of the Patientkontrakt and SIP (DOMAIN §2–3, §5): "Mina personer och planer" (the
worklist), a person's plans, the plan page, forms for goals, activities, self-care, the care team and agreed times,
the history with a readable difference, and the guided SIP flow. Also the notifications page (staff and residents).

HTTP in, a call to nara.plans.service, a page out. Every read and write goes through the service, which asks the
access policy and logs; a denial shows the access pages' denial page (why, spärrar that exist, nödåtkomst where it
would open the plan). Pages show change links only where the policy would allow the change (one's own provider's
record, or the status of an activity one's unit is responsible for), and the policy decides again on every post.

Concurrency: every form carries the plan version it was based on. When the service answers that the
plan has moved on (PreconditionFailed), the form comes back with "Någon annan har ändrat planen", what changed
since that version, what is saved now beside what the user typed (kept in the form), and the current version in its
hidden field: saving again is a deliberate act, nothing is silently overwritten.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from nara.access.api import purpose_of
from nara.access.audit import AuditAction
from nara.access.guard import AccessDenied, authorize, blocked_notices, emergency_offers
from nara.access.model import InformationCategory
from nara.auth.model import Actor, Role
from nara.core.clock import STOCKHOLM, local_today
from nara.core.errors import Conflict, Forbidden, NaraError, NotFound, PreconditionFailed, ValidationFailed
from nara.core.i18n import t
from nara.directory.service import person_by_identifier
from nara.plans import notify, service, store
from nara.plans import page_support as support
from nara.plans.model import (
    AcknowledgeNote,
    ActivityStatus,
    AddActivity,
    AddFollowUp,
    AddGoal,
    AddIntervention,
    AddOtherMeasure,
    AddSelfCare,
    AddTeamMember,
    AddTime,
    ConsentGivenBy,
    InviteUnit,
    MeetingMode,
    PlanKind,
    PlanStatus,
    Remove,
    Responsible,
    ResponsibleKind,
    Section,
    SelfCareKind,
    SetActivityStatus,
    SetMeeting,
    SetNoOtherMeasures,
    SetOverallResponsibility,
    SetPlanStatus,
    SetRelatives,
    SetSipConsent,
    SipIncomplete,
    SipPhase,
    TeamRole,
    TimeStatus,
    UpdateActivity,
    UpdateGoal,
    UpdateIntervention,
    UpdateSelfCare,
    UpdateTeamMember,
    UpdateTime,
)
from nara.plans.notify import Notifier
from nara.plans.page_support import Choices, FormReader, PlanPage
from nara.plans.service import PlanView
from nara.web.deps import IdPath, page_actor
from nara.web.render import render

router = APIRouter(include_in_schema=False)

Staff = Annotated[Actor, Depends(page_actor(Role.STAFF))]
Reader = Annotated[Actor, Depends(page_actor(Role.STAFF, Role.RESIDENT))]
WORKLIST_PATH = "/planer"
_ELEMENT_ID = re.compile(r"[a-z]{1,2}[0-9]{1,9}")
NOTIFICATIONS_PATH = "/meddelanden"


async def posted(request: Request) -> dict[str, str]:
    """The posted form's text fields (the CSRF middleware has checked the token and capped the size)."""
    form = await request.form()
    try:
        return {key: value for key, value in form.multi_items() if isinstance(value, str)}
    finally:
        await form.close()


Posted = Annotated[dict[str, str], Depends(posted)]


def page(request: Request, template: str, **ctx: Any) -> Response:
    """Render with the plan pages' date helpers."""
    return render(request, template, day=support.day_text, when=support.time_text, stamp=support.stamp_text,
                  local=support.stamp_text, **ctx)


def notifier_of(request: Request) -> Notifier:
    return getattr(request.app.state, "notifier", None) or service.DEFAULT_NOTIFIER


def denied(request: Request, actor: Actor, exc: AccessDenied, person_id: int | None) -> Response:
    """The access pages' denial page: why, the spärrar that exist, and nödåtkomst where it would open the
    data (it leads back to the person's plans)."""
    decision = exc.decision
    return render(request, "person_denied.html", status_code=403, title=t("person.denied.title"),
                  message=exc.message, notices=blocked_notices(decision), person_id=person_id or 0,
                  back_to=f"/personer/{person_id}/planer" if person_id else WORKLIST_PATH,
                  error=None, local=support.stamp_text,
                  **(emergency_offers(decision, actor) if person_id else {}))


def denied_plan(request: Request, actor: Actor, exc: AccessDenied, plan_id: int) -> Response:
    with request.app.state.db.transaction() as s:
        person_id = support.plan_person(s, plan_id)
    return denied(request, actor, exc, person_id)


_SAVED = frozenset({"skapad", "mal", "aktivitet", "status", "egenvard", "team", "tid", "borttagen", "sedd",
                    "avslutad", "aktiv", "sip", "fas", "faststalld", "svar-ja", "svar-nej"})


def saved_notice(code: str) -> str | None:
    return t(f"planpage.saved.{code}") if code in _SAVED else None


@dataclass(frozen=True, slots=True)
class ConflictInfo:
    """What the stale-write page shows: the version the form was based on, the current one, what changed in
    between, and the element as it is saved now (empty when it was removed)."""

    base_version: int
    current_version: int
    changes: list[support.Change]
    current_values: list[tuple[str, str]]
    removed: bool = False


def conflict_info(s: Session, actor: Actor, request: Request, view: PlanView, plan: PlanPage, base: int,
                  element: Any = None, element_id: str | None = None) -> ConflictInfo:
    changes: list[support.Change] = []
    if 1 <= base < view.version:
        difference = service.diff(s, actor, request.app.state.clock, view.id, base, view.version)
        changes = support.readable(difference.changes, support.names_for(s, difference.changes))
    return ConflictInfo(base, view.version, changes, support.element_values(element, plan),
                        removed=element_id is not None and element is None)


class Outcome:
    SAVED = "saved"
    DENIED = "denied"
    STALE = "stale"
    FAILED = "failed"


def write(request: Request, actor: Actor, plan_id: int, base: int, ops: Sequence[Any],
          call: Callable[..., Any] | None = None) -> tuple[str, NaraError | None, Any]:
    """Run one write use case in a unit of work: (outcome, the error, what the service returned)."""
    state = request.app.state
    try:
        with state.db.transaction() as s:
            if call is None:
                result = service.change_plan(s, actor, state.clock, plan_id, base, ops, notifier_of(request))
            else:
                result = call(s, state.clock)
    except AccessDenied as exc:
        return Outcome.DENIED, exc, None
    except PreconditionFailed as exc:
        return Outcome.STALE, exc, None
    except NotFound as exc:
        if exc.key == "plans.not_found":
            raise
        return Outcome.FAILED, exc, None
    except (ValidationFailed, Conflict) as exc:
        return Outcome.FAILED, exc, None
    return Outcome.SAVED, None, result


def checked_ops(form: FormReader, build: Callable[[], list[Any]]) -> list[Any]:
    """Operations built from already checked values; a value the model still refuses is a form error."""
    if not form.ok:
        return []
    try:
        return build()
    except (ValidationError, ValueError):
        form.fail("form", "planform.invalid")
        return []


# --- the worklist: "Mina personer och planer" ----------------------------------------------------------------------


@router.get(WORKLIST_PATH)
def worklist_page(request: Request, actor: Staff, klart: str = "") -> Response:
    return _worklist(request, actor, notice=saved_notice(klart))


def _worklist(request: Request, actor: Actor, *, notice: str | None = None, errors: dict[str, str] | None = None,
              identifier: str = "", conflict: bool = False, status_code: int = 200) -> Response:
    state = request.app.state
    with state.db.transaction() as s:
        items = service.worklist(s, actor, state.clock)
        unread = len(notify.my_notifications(s, actor, unread_only=True))
    return page(request, "plan_worklist.html", title=t("planpage.worklist.title"), items=items, unread=unread,
                notice=notice, errors=errors or {}, values={"identifier": identifier}, conflict=conflict,
                reason=support.denial_text,
                status_code=status_code)


@router.post(WORKLIST_PATH + "/sok")
def find_person(request: Request, actor: Staff, data: Posted) -> Response:
    """Open a person's plans by personnummer (a form post: the number stays out of URLs and logs); the search is
    asked of the policy and logged, as on the access pages."""
    identifier = data.get("identifier", "")[:40]
    state = request.app.state
    try:
        with state.db.transaction() as s:
            person_id = person_by_identifier(s, identifier, local_today(state.clock)).id
    except NaraError as exc:
        return _worklist(request, actor, errors={"identifier": exc.message}, identifier=identifier,
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
            name = support.person_name(s, person_id)
            synthetic = support.person_is_synthetic(s, person_id)
    except AccessDenied as exc:
        return denied(request, actor, exc, person_id)
    has_contract = any(p.kind is PlanKind.PATIENTKONTRAKT and p.status == PlanStatus.AKTIV.value for p in plans)
    values = form.values if form else {"kind": PlanKind.SIP.value if has_contract else PlanKind.PATIENTKONTRAKT.value,
                                       "own_words": "ja"}
    return page(request, "plan_person.html", title=t("planpage.person.title", name=name), person_id=person_id,
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
    if error is not None:
        return _person_plans(request, actor, person_id, form=form, error=error.message, status_code=error.status)
    return RedirectResponse(f"/planer/{view.id}?sparat=skapad", status_code=303)


# --- the plan page --------------------------------------------------------------------------------------------------


@router.get("/planer/{plan_id}")
def plan_view(request: Request, plan_id: IdPath, actor: Staff, sparat: str = "") -> Response:
    return _plan_view(request, actor, plan_id, notice=saved_notice(sparat))


def _plan_view(request: Request, actor: Actor, plan_id: int, *, notice: str | None = None, error: str | None = None,
               base: int | None = None, status_code: int = 200) -> Response:
    state = request.app.state
    try:
        with state.db.transaction() as s:
            view = service.read_plan(s, actor, state.clock, plan_id)
            plan = support.plan_page(s, actor, state.clock, view)
            conflict = conflict_info(s, actor, request, view, plan, base) if base is not None else None
    except AccessDenied as exc:
        return denied_plan(request, actor, exc, plan_id)
    return page(request, "plan_view.html", title=t("planpage.plan.title", kind=plan.kind_label,
                                                   name=plan.person_name),
                p=plan, notice=notice, error=error, conflict=conflict, status_code=status_code)


@router.get("/planer/{plan_id}/utskrift")
def print_page(request: Request, plan_id: IdPath, actor: Staff) -> Response:
    """The written plan, for paper: what the actor may see of it, the withheld pieces named (logged as PRINT)."""
    state = request.app.state
    try:
        with state.db.transaction() as s:
            view = service.read_plan(s, actor, state.clock, plan_id, action=AuditAction.PRINT)
            plan = support.plan_page(s, actor, state.clock, view)
    except AccessDenied as exc:
        return denied_plan(request, actor, exc, plan_id)
    return page(request, "plan_print.html", title=t("minplan.print.title"), p=plan,
                printed=support.day_text(local_today(state.clock)), back=f"/planer/{plan_id}",
                back_label=t("planpage.print.back"))


def _plan_write(request: Request, actor: Actor, plan_id: int, data: dict[str, str], ops: list[Any],
                saved: str) -> Response:
    """A write posted from the plan page itself (acknowledge a note, end or reopen the plan)."""
    base = support.version_of(data.get("version", ""))
    outcome, error, _ = write(request, actor, plan_id, base, ops)
    if outcome == Outcome.DENIED:
        assert isinstance(error, AccessDenied)
        return denied_plan(request, actor, error, plan_id)
    if outcome == Outcome.STALE:
        return _plan_view(request, actor, plan_id, base=base, status_code=409)
    if error is not None:
        return _plan_view(request, actor, plan_id, error=error.message, status_code=error.status)
    return RedirectResponse(f"/planer/{plan_id}?sparat={saved}", status_code=303)


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


def element_id_of(raw: str) -> str:
    """An element id from a URL or a form, as the model writes them ("g1", "a12"): anything else is not found."""
    if not _ELEMENT_ID.fullmatch(raw):
        raise NotFound("plans.element_not_found", id=raw[:20])
    return raw


# --- history and the readable difference ------------------------------------------------------------------------


def _heading(s: Session, plan_id: int) -> tuple[str, str]:
    row = s.get(store.PlanRow, plan_id)
    if row is None:
        raise NotFound("plans.not_found")
    return t(f"planpage.kind.{row.kind}"), support.person_name(s, row.person_id)


@router.get("/planer/{plan_id}/historik")
def history_page(request: Request, plan_id: IdPath, actor: Staff) -> Response:
    state = request.app.state
    try:
        with state.db.transaction() as s:
            versions = service.history(s, actor, state.clock, plan_id)
            kind, name = _heading(s, plan_id)
    except AccessDenied as exc:
        return denied_plan(request, actor, exc, plan_id)
    return page(request, "plan_history.html", title=t("planpage.history.title", kind=kind, name=name),
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
            changes = support.readable(difference.changes, support.names_for(s, difference.changes))
            kind, name = _heading(s, plan_id)
    except AccessDenied as exc:
        return denied_plan(request, actor, exc, plan_id)
    return page(request, "plan_diff.html", title=t("planpage.diff.title", old=fran, new=till), plan_id=plan_id,
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
                changes = support.readable(shown.changes, support.names_for(s, shown.changes))
            else:
                changes = support.initial_changes(shown.document)
            kind, name = _heading(s, plan_id)
    except AccessDenied as exc:
        return denied_plan(request, actor, exc, plan_id)
    return page(request, "plan_diff.html", title=t("planpage.version.title", version=version), plan_id=plan_id,
                kind=kind, name=name, old=max(version - 1, 1), new=version, changes=changes, version=shown,
                withheld=shown.withheld)


# --- forms for the plan's elements --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ElementForm:
    """One kind of element the staff add and edit on a page of its own."""

    slug: str  # in the URL: /planer/{id}/{slug}/ny, /planer/{id}/{slug}/{element_id}
    section: Section
    template: str
    saved: str
    read: Callable[[FormReader, Choices, str | None], list[Any]]
    values: Callable[[Any, PlanPage], dict[str, str]]
    defaults: dict[str, str]


def _read_goal(form: FormReader, choices: Choices, element_id: str | None) -> list[Any]:
    text = form.text("text", required="planform.goal.text_required")
    follow_up = form.text("follow_up")
    own_words = form.flag("own_words")
    achieved = form.flag("achieved")
    if element_id is None:
        return checked_ops(form, lambda: [AddGoal(op="add_goal", text=text, own_words=own_words, follow_up=follow_up)])
    return checked_ops(form, lambda: [UpdateGoal(op="update_goal", id=element_id, text=text, own_words=own_words,
                                          follow_up=follow_up, achieved=achieved)])


def _goal_values(goal: Any, plan: PlanPage) -> dict[str, str]:
    return {"text": goal.text, "follow_up": goal.follow_up or "", "own_words": "ja" if goal.own_words else "",
            "achieved": "ja" if goal.achieved else ""}


def responsible_of(form: FormReader, choices: Choices, field: str = "responsible",
                   name_field: str = "responsible_name") -> Responsible | None:
    """Who carries out an activity: the person, a named närstående or other actor, or a unit in the list."""
    options = ["person", "narstaende", "other", *(f"unit:{u.id}" for u in choices.units)]
    who = form.choice(field, options, required="planform.activity.responsible_required")
    name = form.text(name_field, short=True)
    if who in ("narstaende", "other") and not name:
        form.fail(name_field, "planform.activity.name_required")
    if who is None or not form.ok:
        return None
    if who.startswith("unit:"):
        unit = choices.unit(int(who[5:]))
        assert unit is not None
        return Responsible(kind=unit.responsible_kind, unit_id=unit.id)
    return Responsible(kind=ResponsibleKind(who), name=name if who != "person" else None)


def _read_activity(form: FormReader, choices: Choices, element_id: str | None) -> list[Any]:
    text = form.text("text", required="planform.activity.text_required")
    responsible = responsible_of(form, choices)
    due = form.day("due")
    recurrence = form.text("recurrence", short=True)
    if element_id is None:
        return checked_ops(form, lambda: [AddActivity(op="add_activity", text=text, responsible=responsible, due=due,
                                               recurrence=recurrence)])
    return checked_ops(form, lambda: [UpdateActivity(op="update_activity", id=element_id, text=text,
                                              responsible=responsible, due=due, recurrence=recurrence)])


def _activity_values(activity: Any, plan: PlanPage) -> dict[str, str]:
    who = activity.responsible
    chosen = f"unit:{who.unit_id}" if who.unit_id is not None else who.kind.value
    return {"text": activity.text, "responsible": chosen, "responsible_name": who.name or "",
            "due": activity.due.isoformat() if activity.due else "", "recurrence": activity.recurrence or ""}


def _read_self_care(form: FormReader, choices: Choices, element_id: str | None) -> list[Any]:
    kind = form.choice("kind", [k.value for k in SelfCareKind], required="planform.self_care.kind_required")
    text = form.text("text", required="planform.self_care.text_required")
    if element_id is None:
        return checked_ops(form, lambda: [AddSelfCare(op="add_self_care", kind=kind, text=text)])
    return checked_ops(form, lambda: [UpdateSelfCare(op="update_self_care", id=element_id, kind=kind, text=text)])


def _self_care_values(item: Any, plan: PlanPage) -> dict[str, str]:
    return {"kind": item.kind.value, "text": item.text}


def _read_team(form: FormReader, choices: Choices, element_id: str | None) -> list[Any]:
    role = form.choice("role", [r.value for r in TeamRole], required="planform.team.role_required")
    member = form.choice("member", [m.value for m in choices.staff])
    name = form.text("name", short=True)
    unit = form.choice("unit", [str(u.id) for u in choices.units])
    phone = form.phone("phone")
    reach = form.text("reach")
    if member is None and name is None and "member" not in form.errors:
        form.fail("member", "planform.team.who_required")
    chosen = choices.staff_member(member) if member else None
    staff_id = chosen.staff_id if chosen else None
    unit_id = int(unit) if unit else (chosen.unit_id if chosen else None)
    fields = {"role": role, "staff_id": staff_id, "name": name, "unit_id": unit_id, "phone": phone, "reach": reach}
    if element_id is None:
        return checked_ops(form, lambda: [AddTeamMember(op="add_team_member", **fields)])
    return checked_ops(form, lambda: [UpdateTeamMember(op="update_team_member", id=element_id, **fields)])


def _team_values(member: Any, plan: PlanPage) -> dict[str, str]:
    return {"role": member.role.value,
            "member": f"{member.staff_id}:{member.unit_id}" if member.staff_id and member.unit_id else "",
            "name": member.name or "", "unit": str(member.unit_id) if member.unit_id else "",
            "phone": member.phone or "", "reach": member.reach or ""}


def read_meeting_mode(form: FormReader) -> tuple[str | None, str | None, str | None]:
    """How a time is held, and the place or link that way needs (nara.plans.model checks it again)."""
    mode = form.choice("mode", [m.value for m in MeetingMode], required="planform.time.mode_required")
    place = form.text("place", short=True)
    link = form.video_link("video_link")
    if mode == MeetingMode.BESOK.value and not place and "place" not in form.errors:
        form.fail("place", "plans.time.place_required")
    if mode == MeetingMode.VIDEO.value and not link and "video_link" not in form.errors:
        form.fail("video_link", "plans.time.video_link_required")
    return mode, place, link


def _read_time(form: FormReader, choices: Choices, element_id: str | None) -> list[Any]:
    start = form.moment("day", "clock", required="planform.time.when_required")
    with_whom = form.text("with_whom", required="planform.time.with_whom_required", short=True)
    mode, place, link = read_meeting_mode(form)
    purpose = form.text("purpose", required="planform.time.purpose_required")
    if element_id is None:
        return checked_ops(form, lambda: [AddTime(op="add_time", start=start, with_whom=with_whom, mode=mode,
                                                  place=place, video_link=link, purpose=purpose)])
    status = form.choice("status", [s.value for s in TimeStatus], required="planform.time.status_required")
    return checked_ops(form, lambda: [UpdateTime(op="update_time", id=element_id, start=start, with_whom=with_whom,
                                          mode=mode, place=place, video_link=link, purpose=purpose, status=status)])


def _time_values(booked: Any, plan: PlanPage) -> dict[str, str]:
    local = booked.start.astimezone(STOCKHOLM)
    return {"day": local.date().isoformat(), "clock": local.strftime("%H:%M"), "with_whom": booked.with_whom,
            "mode": booked.mode.value, "place": booked.place or "", "video_link": booked.video_link or "",
            "purpose": booked.purpose, "status": booked.status.value}


FORMS: dict[str, ElementForm] = {spec.slug: spec for spec in (
    ElementForm("mal", Section.GOALS, "plan_goal_form.html", "mal", _read_goal, _goal_values, {}),
    ElementForm("aktiviteter", Section.ACTIVITIES, "plan_activity_form.html", "aktivitet", _read_activity,
                _activity_values, {}),
    ElementForm("egenvard", Section.SELF_CARE, "plan_self_care_form.html", "egenvard", _read_self_care,
                _self_care_values, {"kind": SelfCareKind.GOR_SJALV.value}),
    ElementForm("team", Section.TEAM, "plan_team_form.html", "team", _read_team, _team_values, {}),
    ElementForm("tider", Section.TIMES, "plan_time_form.html", "tid", _read_time, _time_values,
                {"mode": MeetingMode.BESOK.value}),
)}


def _find(view: PlanView, section: Section, element_id: str) -> Any:
    items = getattr(view.document, section.value, ())
    return next((e for e in items if e.id == element_id), None)


def _element_page(request: Request, actor: Actor, plan_id: int, spec: ElementForm, element_id: str | None,
                  *, form: FormReader | None = None, error: str | None = None, base: int | None = None,
                  status_code: int = 200) -> Response:
    state = request.app.state
    try:
        with state.db.transaction() as s:
            view = service.read_plan(s, actor, state.clock, plan_id)
            plan = support.plan_page(s, actor, state.clock, view)
            choices = support.form_choices(s, actor, state.clock, view)
            element = _find(view, spec.section, element_id) if element_id else None
            conflict = conflict_info(s, actor, request, view, plan, base, element, element_id) \
                if base is not None else None
    except AccessDenied as exc:
        return denied_plan(request, actor, exc, plan_id)
    if element_id is not None and element is None and conflict is None:
        raise NotFound("plans.element_not_found", id=element_id)
    if element is not None and conflict is None and not plan.may_edit(element):
        raise Forbidden("planpage.not_yours")
    if form is not None:
        values = form.values
    elif element is not None:
        values = spec.values(element, plan)
    else:
        values = dict(spec.defaults)
    title_key = f"planpage.form.{spec.slug}.{'edit' if element_id else 'new'}"
    return page(request, spec.template, title=t(title_key), p=plan, spec=spec, element=element,
                element_id=element_id, values=values, errors=form.errors if form else {}, choices=choices,
                conflict=conflict, error=error, status_code=status_code)


def _element_post(request: Request, actor: Actor, plan_id: int, spec: ElementForm, element_id: str | None,
                  data: dict[str, str]) -> Response:
    form = FormReader(data)
    base = support.version_of(form.raw("version"))
    if element_id is not None and form.raw("action") == "ta-bort":
        ops: list[Any] = [Remove(op="remove", section=spec.section, id=element_id)]
        saved = "borttagen"
    else:
        state = request.app.state
        with state.db.transaction() as s:
            choices = support.form_choices(s, actor, state.clock, None, plan_units=support.plan_units(s, plan_id))
        ops = spec.read(form, choices, element_id)
        saved = spec.saved
        if not form.ok:
            return _element_page(request, actor, plan_id, spec, element_id, form=form, status_code=422)
    outcome, error, _ = write(request, actor, plan_id, base, ops)
    if outcome == Outcome.DENIED:
        assert isinstance(error, AccessDenied)
        return denied_plan(request, actor, error, plan_id)
    if outcome == Outcome.STALE:
        return _element_page(request, actor, plan_id, spec, element_id, form=form, base=base, status_code=409)
    if error is not None:
        return _element_page(request, actor, plan_id, spec, element_id, form=form, error=error.message,
                             status_code=error.status)
    return RedirectResponse(f"/planer/{plan_id}?sparat={saved}", status_code=303)


def _register(spec: ElementForm) -> None:
    base = f"/planer/{{plan_id}}/{spec.slug}"

    def new_form(request: Request, plan_id: IdPath, actor: Staff) -> Response:
        return _element_page(request, actor, plan_id, spec, None)

    def add(request: Request, plan_id: IdPath, actor: Staff, data: Posted) -> Response:
        return _element_post(request, actor, plan_id, spec, None, data)

    def edit_form(request: Request, plan_id: IdPath, element_id: str, actor: Staff) -> Response:
        return _element_page(request, actor, plan_id, spec, element_id_of(element_id))

    def change(request: Request, plan_id: IdPath, element_id: str, actor: Staff, data: Posted) -> Response:
        return _element_post(request, actor, plan_id, spec, element_id_of(element_id), data)

    router.add_api_route(base + "/ny", new_form, methods=["GET"])
    router.add_api_route(base + "/ny", add, methods=["POST"])
    router.add_api_route(base + "/{element_id}", edit_form, methods=["GET"])
    router.add_api_route(base + "/{element_id}", change, methods=["POST"])


# --- the status of an activity: documented by the unit responsible for it ---------------------------------------


def _status_page(request: Request, actor: Actor, plan_id: int, element_id: str, *, form: FormReader | None = None,
                 error: str | None = None, base: int | None = None, status_code: int = 200) -> Response:
    state = request.app.state
    try:
        with state.db.transaction() as s:
            view = service.read_plan(s, actor, state.clock, plan_id)
            plan = support.plan_page(s, actor, state.clock, view)
            activity = _find(view, Section.ACTIVITIES, element_id)
            conflict = conflict_info(s, actor, request, view, plan, base, activity, element_id) \
                if base is not None else None
    except AccessDenied as exc:
        return denied_plan(request, actor, exc, plan_id)
    if activity is None and conflict is None:
        raise NotFound("plans.element_not_found", id=element_id)
    if activity is not None and conflict is None and not plan.may_set_status(activity):
        raise Forbidden("planpage.not_yours")
    values = form.values if form else {"status": activity.status.value, "note": activity.note or ""}
    return page(request, "plan_status_form.html", title=t("planpage.status.title"), p=plan, activity=activity,
                element_id=element_id, values=values, errors=form.errors if form else {}, conflict=conflict,
                error=error, statuses=list(ActivityStatus), status_code=status_code)


@router.get("/planer/{plan_id}/aktiviteter/{element_id}/status")
def status_form(request: Request, plan_id: IdPath, element_id: str, actor: Staff) -> Response:
    return _status_page(request, actor, plan_id, element_id_of(element_id))


@router.post("/planer/{plan_id}/aktiviteter/{element_id}/status")
def set_status(request: Request, plan_id: IdPath, element_id: str, actor: Staff, data: Posted) -> Response:
    element_id = element_id_of(element_id)
    form = FormReader(data)
    base = support.version_of(form.raw("version"))
    status = form.choice("status", [s.value for s in ActivityStatus], required="planform.status.required")
    note = form.text("note")
    ops = checked_ops(form, lambda: [SetActivityStatus(op="set_activity_status", id=element_id, status=status,
                                                       note=note)])
    if not form.ok:
        return _status_page(request, actor, plan_id, element_id, form=form, status_code=422)
    outcome, error, _ = write(request, actor, plan_id, base, ops)
    if outcome == Outcome.DENIED:
        assert isinstance(error, AccessDenied)
        return denied_plan(request, actor, error, plan_id)
    if outcome == Outcome.STALE:
        return _status_page(request, actor, plan_id, element_id, form=form, base=base, status_code=409)
    if error is not None:
        return _status_page(request, actor, plan_id, element_id, form=form, error=error.message,
                            status_code=error.status)
    return RedirectResponse(f"/planer/{plan_id}?sparat=status", status_code=303)


# --- the guided SIP flow --------------------------------------------------------------------------------------------


SIP_STEPS = ("inbjudan", "samtycke", "narstaende", "mote", "insats", "insats-huvudman", "andra", "inga-andra",
             "overgripande", "ta-bort", "fas", "faststall", "uppfoljning", "svar")


@router.get("/planer/{plan_id}/sip")
def sip_page(request: Request, plan_id: IdPath, actor: Staff, sparat: str = "") -> Response:
    return _sip_page(request, actor, plan_id, notice=saved_notice(sparat))


def _sip_values(plan: PlanPage) -> dict[str, str]:
    sip = plan.doc.sip
    assert sip is not None
    values: dict[str, str] = {"consent_by": ConsentGivenBy.PERSONEN.value, "meet_mode": ""}
    if sip.consent is not None:
        values |= {"consent_given": "ja" if sip.consent.given else "nej", "consent_by": sip.consent.given_by.value,
                   "consent_rep": sip.consent.representative or ""}
    if sip.relatives_participate is not None:
        values["rel_participate"] = "ja" if sip.relatives_participate else "nej"
    values["rel_note"] = sip.relatives_note or ""
    if sip.meeting is not None:
        local = sip.meeting.start.astimezone(STOCKHOLM)
        values |= {"meet_day": local.date().isoformat(), "meet_clock": local.strftime("%H:%M"),
                   "meet_place": sip.meeting.place or "", "meet_link": sip.meeting.video_link or ""}
    if sip.overall_principal_provider_id is not None:
        values["overall_principal"] = str(sip.overall_principal_provider_id)
    for intervention in sip.interventions:
        if intervention.principal_provider_id is not None:
            values[f"principal_{intervention.id}"] = str(intervention.principal_provider_id)
    return values


def _sip_page(request: Request, actor: Actor, plan_id: int, *, notice: str | None = None,
              form: FormReader | None = None, error: str | None = None, missing: list[str] | None = None,
              base: int | None = None, status_code: int = 200) -> Response:
    state = request.app.state
    try:
        with state.db.transaction() as s:
            view = service.read_plan(s, actor, state.clock, plan_id)
            plan = support.plan_page(s, actor, state.clock, view)
            choices = support.form_choices(s, actor, state.clock, view)
            conflict = conflict_info(s, actor, request, view, plan, base) if base is not None else None
    except AccessDenied as exc:
        return denied_plan(request, actor, exc, plan_id)
    if plan.doc.sip is None:
        raise ValidationFailed("plans.sip_only")
    values = _sip_values(plan) | (form.values if form else {})
    sip = plan.doc.sip
    invited = {i.unit_id for i in sip.invitations if i.status.value != "avbojd"}
    phase_index = list(SipPhase).index(sip.phase)
    return page(request, "plan_sip.html", title=t("planpage.sip.title", name=plan.person_name), p=plan, sip=sip,
                phases=list(SipPhase), phase_index=phase_index, values=values,
                errors=form.errors if form else {}, choices=choices, conflict=conflict, error=error,
                missing=missing, notice=notice, invitable=[u for u in choices.units if u.id not in invited
                                                           and u.id != actor.unit_id],
                next_phase=_neighbour(sip.phase, 1), previous_phase=_neighbour(sip.phase, -1),
                status_code=status_code)


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
    base = support.version_of(form.raw("version"))
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
            choices = support.form_choices(s, actor, state.clock, None, plan_units=support.plan_units(s, plan_id))
        ops = _read_sip_step(step, form, choices)
        if not form.ok:
            return _sip_page(request, actor, plan_id, form=form, status_code=422)
    outcome, error, _ = write(request, actor, plan_id, base, ops, call)
    if outcome == Outcome.DENIED:
        assert isinstance(error, AccessDenied)
        return denied_plan(request, actor, error, plan_id)
    if outcome == Outcome.STALE:
        return _sip_page(request, actor, plan_id, form=form, base=base, status_code=409)
    if isinstance(error, SipIncomplete):
        return _sip_page(request, actor, plan_id, form=form, error=error.message,
                         missing=[m.message for m in error.missing], status_code=error.status)
    if error is not None:
        return _sip_page(request, actor, plan_id, form=form, error=error.message, status_code=error.status)
    saved = {"fas": "fas", "faststall": "faststalld"}.get(step, "sip")
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
        return _worklist(request, actor, conflict=True, status_code=409)
    if error is not None:
        raise error
    if accept:
        return RedirectResponse(f"/planer/{plan_id}?sparat=svar-ja", status_code=303)
    return RedirectResponse(f"{WORKLIST_PATH}?klart=svar-nej", status_code=303)


# --- notifications (staff and residents) --------------------------------------------------------------------------


@router.get(NOTIFICATIONS_PATH)
def notifications_page(request: Request, actor: Reader, klart: str = "") -> Response:
    state = request.app.state
    with state.db.transaction() as s:
        rows = notify.shown_notifications(s, actor, state.clock)  # one access (and audit entry) per person
    plan_path = "/min-sida/plan/" if actor.role is Role.RESIDENT else "/planer/"
    notice = t("planpage.notifications.done") if klart else None
    return page(request, "plan_notifications.html", title=t("planpage.notifications.title"), rows=rows,
                plan_path=plan_path, unread=sum(1 for r in rows if r.read_at is None), notice=notice)


@router.post(NOTIFICATIONS_PATH + "/{notification_id}/last")
def mark_read(request: Request, notification_id: IdPath, actor: Reader) -> Response:
    state = request.app.state
    with state.db.transaction() as s:
        notify.mark_read(s, actor, state.clock, notification_id)
    return RedirectResponse(NOTIFICATIONS_PATH + "?klart=1", status_code=303)


@router.post(NOTIFICATIONS_PATH + "/lasta")
def mark_all_read(request: Request, actor: Reader) -> Response:
    state = request.app.state
    with state.db.transaction() as s:
        for row in notify.my_notifications(s, actor, unread_only=True):
            notify.mark_read(s, actor, state.clock, row.id)
    return RedirectResponse(NOTIFICATIONS_PATH + "?klart=1", status_code=303)


# The element routes last: their paths are the most general under /planer/{plan_id}/.
for _spec in FORMS.values():
    _register(_spec)
