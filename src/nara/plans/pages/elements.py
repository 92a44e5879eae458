"""Staff forms for a plan's elements (DOMAIN §2): goals, activities, self-care, the care team and agreed times, each
on a page of its own; and the status of an activity, documented by the unit responsible for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.access.service import AccessDenied
from nara.core.actor import Actor
from nara.core.errors import Forbidden, NotFound
from nara.core.i18n import t
from nara.plans import service
from nara.plans.model import (
    ActivityStatus,
    AddActivity,
    AddGoal,
    AddSelfCare,
    AddTeamMember,
    AddTime,
    MeetingMode,
    Remove,
    Responsible,
    ResponsibleKind,
    Section,
    SelfCareKind,
    SetActivityStatus,
    TeamRole,
    TimeStatus,
    UpdateActivity,
    UpdateGoal,
    UpdateSelfCare,
    UpdateTeamMember,
    UpdateTime,
)
from nara.plans.pages.choices import Choices, form_choices
from nara.plans.pages.common import (
    Staff,
    checked_ops,
    conflict_info,
    day_and_clock,
    denied_plan,
    element_id_of,
    saved_or_again,
    version_of,
)
from nara.plans.pages.plan_page import PlanPage, read_page
from nara.plans.service import PlanView
from nara.web.deps import IdPath
from nara.web.forms import FormReader, Posted
from nara.web.render import render

router = APIRouter(include_in_schema=False)


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
    day, clock = day_and_clock(booked.start)
    return {"day": day, "clock": clock, "with_whom": booked.with_whom,
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
            plan = read_page(s, actor, state.clock, plan_id)
            choices = form_choices(s, actor, state.clock, plan.view)
            element = _find(plan.view, spec.section, element_id) if element_id else None
            conflict = conflict_info(s, actor, request, plan, base, element, element_id)
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
    return render(request, spec.template, title=t(title_key), p=plan, spec=spec, element=element,
                element_id=element_id, values=values, errors=form.errors if form else {}, choices=choices,
                conflict=conflict, error=error, status_code=status_code)


def _element_post(request: Request, actor: Actor, plan_id: int, spec: ElementForm, element_id: str | None,
                  data: dict[str, str]) -> Response:
    form = FormReader(data)
    base = version_of(form.raw("version"))
    if element_id is not None and form.raw("action") == "ta-bort":
        ops: list[Any] = [Remove(op="remove", section=spec.section, id=element_id)]
        saved = "borttagen"
    else:
        state = request.app.state
        with state.db.transaction() as s:
            choices = form_choices(s, actor, state.clock, None, plan_units=service.plan_unit_ids(s, plan_id))
        ops = spec.read(form, choices, element_id)
        saved = spec.saved
        if not form.ok:
            return _element_page(request, actor, plan_id, spec, element_id, form=form, status_code=422)
    return saved_or_again(request, actor, plan_id, base, ops, to=f"/planer/{plan_id}?sparat={saved}",
                          again=partial(_element_page, request, actor, plan_id, spec, element_id, form=form))


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
            plan = read_page(s, actor, state.clock, plan_id)
            activity = _find(plan.view, Section.ACTIVITIES, element_id)
            conflict = conflict_info(s, actor, request, plan, base, activity, element_id)
    except AccessDenied as exc:
        return denied_plan(request, actor, exc, plan_id)
    if activity is None and conflict is None:
        raise NotFound("plans.element_not_found", id=element_id)
    if activity is not None and conflict is None and not plan.may_set_status(activity):
        raise Forbidden("planpage.not_yours")
    values = form.values if form else {"status": activity.status.value, "note": activity.note or ""}
    return render(request, "plan_status_form.html", title=t("planpage.status.title"), p=plan, activity=activity,
                element_id=element_id, values=values, errors=form.errors if form else {}, conflict=conflict,
                error=error, statuses=list(ActivityStatus), status_code=status_code)


@router.get("/planer/{plan_id}/aktiviteter/{element_id}/status")
def status_form(request: Request, plan_id: IdPath, element_id: str, actor: Staff) -> Response:
    return _status_page(request, actor, plan_id, element_id_of(element_id))


@router.post("/planer/{plan_id}/aktiviteter/{element_id}/status")
def set_status(request: Request, plan_id: IdPath, element_id: str, actor: Staff, data: Posted) -> Response:
    element_id = element_id_of(element_id)
    form = FormReader(data)
    base = version_of(form.raw("version"))
    status = form.choice("status", [s.value for s in ActivityStatus], required="planform.status.required")
    note = form.text("note")
    ops = checked_ops(form, lambda: [SetActivityStatus(op="set_activity_status", id=element_id, status=status,
                                                       note=note)])
    if not form.ok:
        return _status_page(request, actor, plan_id, element_id, form=form, status_code=422)
    return saved_or_again(request, actor, plan_id, base, ops, to=f"/planer/{plan_id}?sparat=status",
                          again=partial(_status_page, request, actor, plan_id, element_id, form=form))


for _spec in FORMS.values():
    _register(_spec)
