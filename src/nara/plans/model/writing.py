"""Applying operations (DOMAIN §2–3, §5): :func:`apply_operation` returns a new document (a stored version never
changes), and :func:`write_owner` says whose record an operation writes — what the access policy is asked about."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pydantic import BaseModel

from nara.core.errors import Conflict, NotFound, ValidationFailed
from nara.plans.model.document import (
    Activity,
    AgreedTime,
    Approval,
    ConsentGivenBy,
    FollowUp,
    Goal,
    Intervention,
    Invitation,
    InvitationStatus,
    Meeting,
    MeetingMode,
    Note,
    OtherMeasure,
    ParticipantKind,
    PlanDocument,
    Recorded,
    ResponsibleKind,
    SelfCareItem,
    SipConsent,
    SipPhase,
    TeamMember,
    TimeRequest,
    TimeRequestKind,
    TimeStatus,
    with_sip,
)
from nara.plans.model.operations import (
    SIP_OPERATIONS,
    SIP_SECTIONS,
    AcknowledgeNote,
    AddActivity,
    AddFollowUp,
    AddGoal,
    AddIntervention,
    AddMeeting,
    AddNote,
    AddOtherMeasure,
    AddSelfCare,
    AddTeamMember,
    AddTime,
    AnswerInvitation,
    ApproveSip,
    Author,
    InviteUnit,
    MarkSelfCareDone,
    OperationBase,
    Remove,
    RequestTimeChange,
    Section,
    SetActivityStatus,
    SetMeeting,
    SetNoOtherMeasures,
    SetOverallResponsibility,
    SetPlanStatus,
    SetRelatives,
    SetSipConsent,
    UpdateActivity,
    UpdateGoal,
    UpdateIntervention,
    UpdateSelfCare,
    UpdateTeamMember,
    UpdateTime,
)
from nara.plans.model.sip import APPROVABLE, SipIncomplete, missing_approvals, missing_for_finalising, parties

MAX_ELEMENTS = 200  # per section of one plan: a plan is read by a person, not a register
MAX_DONE_MARKS = 400  # self-care "done" marks kept per item (about a year of daily marks)


# --- who writes whose record -------------------------------------------------------------------------------------


SECTIONS: dict[Section, Callable[[PlanDocument], Sequence[Any]]] = {
    Section.GOALS: lambda d: d.goals,
    Section.ACTIVITIES: lambda d: d.activities,
    Section.SELF_CARE: lambda d: d.self_care,
    Section.TEAM: lambda d: d.team,
    Section.TIMES: lambda d: d.times,
    Section.NOTES: lambda d: d.notes,
    Section.INVITATIONS: lambda d: d.sip.invitations if d.sip else (),
    Section.INTERVENTIONS: lambda d: d.sip.interventions if d.sip else (),
    Section.OTHER_MEASURES: lambda d: d.sip.other_measures if d.sip else (),
    Section.FOLLOW_UPS: lambda d: d.sip.follow_ups if d.sip else (),
}
_UPDATE_SECTION: dict[type[OperationBase], Section] = {
    UpdateGoal: Section.GOALS, UpdateActivity: Section.ACTIVITIES, SetActivityStatus: Section.ACTIVITIES,
    UpdateSelfCare: Section.SELF_CARE, MarkSelfCareDone: Section.SELF_CARE, UpdateTeamMember: Section.TEAM,
    UpdateTime: Section.TIMES, RequestTimeChange: Section.TIMES, AcknowledgeNote: Section.NOTES,
    AnswerInvitation: Section.INVITATIONS, UpdateIntervention: Section.INTERVENTIONS,
}


def find_element(doc: PlanDocument, section: Section, element_id: str) -> Any | None:
    return next((e for e in SECTIONS[section](doc) if e.id == element_id), None)


def target_of(op: OperationBase) -> tuple[Section, str] | None:
    if isinstance(op, Remove):
        return op.section, op.id
    section = _UPDATE_SECTION.get(type(op))
    return (section, op.id) if section is not None else None  # type: ignore[attr-defined]


def resident_may(op: OperationBase, doc: PlanDocument) -> bool:
    """What the person may do in their own plan (Min plan): add their own activities and notes, mark
    self-care done, ask to move or cancel a time, and change or remove what they added themselves."""
    if isinstance(op, (AddNote, RequestTimeChange, MarkSelfCareDone)):
        return True
    if isinstance(op, ApproveSip):
        return not op.representative  # the person approves their SIP themself (DOMAIN §3)
    if isinstance(op, AddActivity):
        return op.responsible.kind is ResponsibleKind.PERSON
    if isinstance(op, (UpdateActivity, SetActivityStatus, Remove)):
        target = target_of(op)
        element = find_element(doc, *target) if target else None
        if element is None:
            return True  # answered with "not found" once the access is logged
        if isinstance(op, UpdateActivity) and op.responsible is not None \
                and op.responsible.kind is not ResponsibleKind.PERSON:
            return False
        own = element.recorded.by_person
        return own or (isinstance(op, SetActivityStatus)
                       and element.responsible.kind is ResponsibleKind.PERSON)
    return False


def write_owner(op: OperationBase, doc: PlanDocument, author: Author, plan_provider_id: int) -> int:
    """The care provider whose record ``op`` writes, for the access policy (module docstring; DOMAIN §5).

    New elements, answers and acknowledgements are recorded as the author's. Changing an element writes the record
    of the provider that recorded it — what the person recorded belongs to the plan's provider — except that the
    unit responsible for an activity documents its status in its own record."""
    if author.by_person or author.provider_id is None:
        return plan_provider_id
    target = target_of(op)
    if target is None or isinstance(op, (AcknowledgeNote, AnswerInvitation)):
        if isinstance(op, (SetNoOtherMeasures, SetOverallResponsibility, SetSipConsent, SetRelatives, SetMeeting,
                           SetPlanStatus)):
            return _singleton_owner(op, doc, author, plan_provider_id)
        return author.provider_id
    element = find_element(doc, *target)
    if element is None:
        return author.provider_id  # "not found" is answered after the access is logged
    if isinstance(op, SetActivityStatus) and element.responsible.unit_id is not None \
            and element.responsible.unit_id == author.unit_id:
        return author.provider_id
    return element.recorded.provider_id if element.recorded.provider_id is not None else plan_provider_id


def _singleton_owner(op: OperationBase, doc: PlanDocument, author: Author, plan_provider_id: int) -> int:
    """Plan-wide facts (status, SIP consent, meeting, parts 3 and 4) are the plan's provider's record, and anyone
    may state them the first time; changing them afterwards writes the record of whoever stated them."""
    assert author.provider_id is not None
    sip = doc.sip
    previous: Recorded | None
    if isinstance(op, SetPlanStatus):
        return plan_provider_id
    if sip is None:
        return author.provider_id
    previous = {
        SetNoOtherMeasures: sip.no_other_measures, SetOverallResponsibility: sip.overall_recorded,
        SetSipConsent: sip.consent.recorded if sip.consent else None,
        SetMeeting: sip.meeting.recorded if sip.meeting else None,
    }.get(type(op))
    if previous is None or previous.provider_id is None:
        return author.provider_id
    return previous.provider_id


# --- applying operations -------------------------------------------------------------------------------------------


def apply_operations(doc: PlanDocument, ops: Iterable[OperationBase], author: Author) -> PlanDocument:
    for op in ops:
        doc = apply_operation(doc, op, author)
    return doc


def apply_operation(doc: PlanDocument, op: OperationBase, author: Author) -> PlanDocument:
    """``doc`` changed by ``op``, as a new document. Raises NotFound (no such element), ValidationFailed (the
    change does not fit the plan) or Conflict (e.g. a SIP that is closed)."""
    if isinstance(op, SIP_OPERATIONS):
        if doc.sip is None:
            raise ValidationFailed("plans.sip_only")
        if doc.sip.phase is SipPhase.AVSLUTAD:
            raise Conflict("plans.sip_closed")
    handler = _HANDLERS[type(op)]
    new = handler(doc, op, author)
    if new.sip is not None and new.sip.approvals and reopens(op):
        new = with_sip(new, approvals=(), approvals_reopened=author.recorded())
    return new


_REOPENING: tuple[type[OperationBase], ...] = (
    AddGoal, UpdateGoal, AddActivity, UpdateActivity, SetSipConsent, AddIntervention, UpdateIntervention,
    AddOtherMeasure, SetNoOtherMeasures, SetOverallResponsibility)
_REOPENING_SECTIONS = frozenset({Section.GOALS, Section.ACTIVITIES, Section.INTERVENTIONS, Section.OTHER_MEASURES})


def reopens(op: OperationBase) -> bool:
    """Whether ``op`` changes what the SIP states — its goals, interventions and who is responsible for them, the
    measures of others, the overall responsibility, the consent — so that the parties' approvals no longer hold
    and every party approves again (DOMAIN §3). Statuses, meetings, answers, notes and follow-ups do not."""
    return isinstance(op, _REOPENING) or (isinstance(op, Remove) and op.section in _REOPENING_SECTIONS)


def _next_id(doc: PlanDocument, prefix: str) -> tuple[PlanDocument, str]:
    seq = doc.seq + 1
    return doc.model_copy(update={"seq": seq}), f"{prefix}{seq}"


def _append(doc: PlanDocument, section: Section, element: Any) -> PlanDocument:
    items = SECTIONS[section](doc)
    if len(items) >= MAX_ELEMENTS:
        raise ValidationFailed("plans.too_many", limit=MAX_ELEMENTS)
    return _replace_section(doc, section, (*items, element))


def _replace_section(doc: PlanDocument, section: Section, items: tuple[Any, ...]) -> PlanDocument:
    if section in SIP_SECTIONS:
        assert doc.sip is not None
        return doc.model_copy(update={"sip": doc.sip.model_copy(update={section.value: items})})
    return doc.model_copy(update={section.value: items})


def _element(doc: PlanDocument, section: Section, element_id: str) -> Any:
    element = find_element(doc, section, element_id)
    if element is None:
        raise NotFound("plans.element_not_found", id=element_id)
    return element


def _put(doc: PlanDocument, section: Section, element: Any) -> PlanDocument:
    items = tuple(element if e.id == element.id else e for e in SECTIONS[section](doc))
    return _replace_section(doc, section, items)


def _changed(element: Any, op: OperationBase, skip: frozenset[str] = frozenset()) -> Any:
    """``element`` with the fields ``op`` sets (those present in the request), validated again as a whole."""
    changes = {k: getattr(op, k) for k in op.model_fields_set if k not in {"op", "id", *skip}}
    if not changes:
        return element
    data = element.model_dump()
    data.update({k: v.model_dump() if isinstance(v, BaseModel) else v for k, v in changes.items()})
    try:
        return type(element).model_validate(data)
    except ValueError:
        raise ValidationFailed("error.validation") from None


def _add_goal(doc: PlanDocument, op: AddGoal, a: Author) -> PlanDocument:
    doc, gid = _next_id(doc, "g")
    return _append(doc, Section.GOALS, Goal(id=gid, text=op.text, own_words=op.own_words, follow_up=op.follow_up,
                                             recorded=a.recorded()))


def _add_activity(doc: PlanDocument, op: AddActivity, a: Author) -> PlanDocument:
    doc, aid = _next_id(doc, "a")
    return _append(doc, Section.ACTIVITIES, Activity(
        id=aid, text=op.text, responsible=op.responsible, status=op.status, due=op.due, recurrence=op.recurrence,
        recorded=a.recorded()))


def _set_activity_status(doc: PlanDocument, op: SetActivityStatus, a: Author) -> PlanDocument:
    activity = _element(doc, Section.ACTIVITIES, op.id)
    return _put(doc, Section.ACTIVITIES, activity.model_copy(update={
        "status": op.status, "note": op.note if "note" in op.model_fields_set else activity.note,
        "status_recorded": a.recorded()}))


def _add_self_care(doc: PlanDocument, op: AddSelfCare, a: Author) -> PlanDocument:
    doc, sid = _next_id(doc, "e")
    return _append(doc, Section.SELF_CARE, SelfCareItem(id=sid, kind=op.kind, text=op.text, recorded=a.recorded()))


def _mark_done(doc: PlanDocument, op: MarkSelfCareDone, a: Author) -> PlanDocument:
    item = _element(doc, Section.SELF_CARE, op.id)
    done = (*item.done, a.at)[-MAX_DONE_MARKS:]
    return _put(doc, Section.SELF_CARE, item.model_copy(update={"done": done}))


def _add_team_member(doc: PlanDocument, op: AddTeamMember, a: Author) -> PlanDocument:
    doc, tid = _next_id(doc, "t")
    return _append(doc, Section.TEAM, TeamMember(
        id=tid, role=op.role, staff_id=op.staff_id, name=op.name, unit_id=op.unit_id, phone=op.phone,
        reach=op.reach, recorded=a.recorded()))


def _update_team_member(doc: PlanDocument, op: UpdateTeamMember, a: Author) -> PlanDocument:
    member = _changed(_element(doc, Section.TEAM, op.id), op)
    if member.staff_id is None and not member.name:
        raise ValidationFailed("plans.team.name_required")
    return _put(doc, Section.TEAM, member)


def _check_time(mode: MeetingMode, place: str | None, video_link: str | None) -> None:
    if mode is MeetingMode.VIDEO and not video_link:
        raise ValidationFailed("plans.time.video_link_required")
    if mode is MeetingMode.BESOK and not place:
        raise ValidationFailed("plans.time.place_required")


def _add_time(doc: PlanDocument, op: AddTime, a: Author) -> PlanDocument:
    _check_time(op.mode, op.place, op.video_link)
    doc, oid = _next_id(doc, "o")
    return _append(doc, Section.TIMES, AgreedTime(
        id=oid, start=op.start, with_whom=op.with_whom, mode=op.mode, place=op.place, video_link=op.video_link,
        purpose=op.purpose, recorded=a.recorded()))


def _update_time(doc: PlanDocument, op: UpdateTime, a: Author) -> PlanDocument:
    old = _element(doc, Section.TIMES, op.id)
    new = _changed(old, op)
    _check_time(new.mode, new.place, new.video_link)
    updates: dict[str, Any] = {}
    moved = new.start != old.start
    if moved:
        updates["moved_from"] = old.start
    request = new.request
    # Moving answers a request to move; cancelling answers either request.
    if request is not None and request.handled_at is None and (
            (moved and request.kind is TimeRequestKind.FLYTTA) or new.status is TimeStatus.INSTALLD):
        updates["request"] = request.model_copy(update={"handled_at": a.at})
    return _put(doc, Section.TIMES, new.model_copy(update=updates) if updates else new)


def _request_time_change(doc: PlanDocument, op: RequestTimeChange, a: Author) -> PlanDocument:
    booked = _element(doc, Section.TIMES, op.id)
    if booked.status is not TimeStatus.BOKAD:
        raise Conflict("plans.time.not_booked")
    return _put(doc, Section.TIMES, booked.model_copy(update={
        "request": TimeRequest(kind=op.kind, text=op.text, at=a.at)}))


def _add_note(doc: PlanDocument, op: AddNote, a: Author) -> PlanDocument:
    doc, nid = _next_id(doc, "n")
    return _append(doc, Section.NOTES, Note(id=nid, text=op.text, recorded=a.recorded()))


def _acknowledge_note(doc: PlanDocument, op: AcknowledgeNote, a: Author) -> PlanDocument:
    note = _element(doc, Section.NOTES, op.id)
    if note.acknowledged is not None:
        return doc
    return _put(doc, Section.NOTES, note.model_copy(update={"acknowledged": a.recorded()}))


def _update(section: Section) -> Callable[[PlanDocument, Any, Author], PlanDocument]:
    def handler(doc: PlanDocument, op: Any, a: Author) -> PlanDocument:
        return _put(doc, section, _changed(_element(doc, section, op.id), op))

    return handler


def _remove(doc: PlanDocument, op: Remove, a: Author) -> PlanDocument:
    if op.section in SIP_SECTIONS and doc.sip is None:
        raise NotFound("plans.element_not_found", id=op.id)
    _element(doc, op.section, op.id)
    return _replace_section(doc, op.section, tuple(e for e in SECTIONS[op.section](doc) if e.id != op.id))


def _set_plan_status(doc: PlanDocument, op: SetPlanStatus, a: Author) -> PlanDocument:
    if doc.sip is not None:
        raise ValidationFailed("plans.status_is_phase")
    return doc.model_copy(update={"status": op.status})


def _invite(doc: PlanDocument, op: InviteUnit, a: Author) -> PlanDocument:
    assert doc.sip is not None
    if any(i.unit_id == op.unit_id and i.status is not InvitationStatus.AVBOJD for i in doc.sip.invitations):
        raise Conflict("plans.sip.already_invited")
    doc, iid = _next_id(doc, "i")
    return _append(doc, Section.INVITATIONS, Invitation(id=iid, unit_id=op.unit_id, recorded=a.recorded()))


def _answer(doc: PlanDocument, op: AnswerInvitation, a: Author) -> PlanDocument:
    invitation = _element(doc, Section.INVITATIONS, op.id)
    if invitation.unit_id != a.unit_id:
        raise ValidationFailed("plans.sip.answer_own_unit")
    status = InvitationStatus.ACCEPTERAD if op.accept else InvitationStatus.AVBOJD
    return _put(doc, Section.INVITATIONS, invitation.model_copy(update={"status": status, "answered": a.recorded()}))


def _set_consent(doc: PlanDocument, op: SetSipConsent, a: Author) -> PlanDocument:
    if op.given_by is ConsentGivenBy.FORETRADARE and not op.representative:
        raise ValidationFailed("plans.sip.representative_required")
    return with_sip(doc, consent=SipConsent(given=op.given, given_by=op.given_by, representative=op.representative,
                                         recorded=a.recorded()))


def _set_relatives(doc: PlanDocument, op: SetRelatives, a: Author) -> PlanDocument:
    return with_sip(doc, relatives_participate=op.participate, relatives_note=op.note)


_MEETING_RECORD = ("participants", "attended_units", "minutes")


def _set_meeting(doc: PlanDocument, op: SetMeeting, a: Author) -> PlanDocument:
    """The latest meeting set: its time, place and link as given; the invited, the attendance and the minutes as
    given, or as they were when left out. Who recorded the attendance and minutes is kept with them."""
    assert doc.sip is not None
    old = doc.sip.meeting
    record: dict[str, Any] = {k: getattr(old, k) for k in _MEETING_RECORD} if old is not None else {}
    for name in _MEETING_RECORD:
        if name in op.model_fields_set:
            value = getattr(op, name)
            record[name] = value if value is not None or name == "minutes" else ()
    where = (op.start, op.place, op.video_link)
    same_place = old is not None and (old.start, old.place, old.video_link) == where
    meeting = Meeting(start=op.start, place=op.place, video_link=op.video_link,
                      recorded=old.recorded if same_place and old is not None else a.recorded(),
                      held=old.held if old is not None else None, **_checked_participants(record))
    if _held_part(meeting) != (_held_part(old) if old is not None else _held_part(None)):
        meeting = meeting.model_copy(update={"held": a.recorded() if any(_held_part(meeting)) else None})
    if meeting.held is not None and meeting.start > a.at:
        raise ValidationFailed("plans.sip.meeting_not_held")  # attendance and minutes come after the meeting
    return with_sip(doc, meeting=meeting)


def _checked_participants(record: dict[str, Any]) -> dict[str, Any]:
    participants = tuple(record.get("participants", ()))
    if sum(1 for p in participants if p.kind is ParticipantKind.PERSONEN) > 1:
        raise ValidationFailed("plans.sip.person_once")
    return {**record, "attended_units": tuple(dict.fromkeys(record.get("attended_units", ())))}


def _held_part(meeting: Meeting | None) -> tuple[Any, ...]:
    """What was recorded after the meeting: who took part, and the minutes."""
    if meeting is None:
        return ((), (), None)
    return (tuple((p.kind, p.name, p.attended) for p in meeting.participants if p.attended is not None),
            meeting.attended_units,
            meeting.minutes)


def _add_meeting(doc: PlanDocument, op: AddMeeting, a: Author) -> PlanDocument:
    assert doc.sip is not None
    earlier = doc.sip.meetings
    if len(earlier) >= MAX_ELEMENTS:
        raise ValidationFailed("plans.too_many", limit=MAX_ELEMENTS)
    if any(p.attended is not None for p in op.participants):
        raise ValidationFailed("plans.sip.meeting_not_held")
    return with_sip(doc, earlier_meetings=earlier, meeting=Meeting(
        start=op.start, place=op.place, video_link=op.video_link,
        **_checked_participants({"participants": op.participants}), recorded=a.recorded()))


def _approve(doc: PlanDocument, op: ApproveSip, a: Author) -> PlanDocument:
    """The author's party approves the plan as it reads now (see nara.plans.model.sip.parties); when that was the
    last approval missing, the SIP is fastställd: from the plan phase into follow-up, or — after a change reopened
    approval — fastställd again where it stands."""
    sip = doc.sip
    assert sip is not None
    if sip.phase not in APPROVABLE:
        raise Conflict("plans.sip.approve_phase")
    missing = missing_for_finalising(doc)
    if missing:
        raise SipIncomplete(missing)
    if a.by_person and op.representative:
        raise ValidationFailed("plans.sip.representative_by_staff")
    party = None if a.by_person or op.representative else a.provider_id
    if party not in parties(doc):
        raise ValidationFailed("plans.sip.not_a_party")
    approval = Approval(provider_id=party, name=(a.name or "-")[:200], role=(a.role or None) and a.role[:200],
                        representative=op.representative, recorded=a.recorded())
    new = with_sip(doc, approvals=(*(x for x in sip.approvals if x.provider_id != party), approval))
    if missing_approvals(new):
        return new
    if sip.phase is SipPhase.PLAN:
        return with_sip(new, phase=SipPhase.UPPFOLJNING, established=a.recorded())
    return with_sip(new, established=a.recorded())


def _add_intervention(doc: PlanDocument, op: AddIntervention, a: Author) -> PlanDocument:
    doc, sid = _next_id(doc, "s")
    return _append(doc, Section.INTERVENTIONS, Intervention(
        id=sid, text=op.text, principal_provider_id=op.principal_provider_id, unit_id=op.unit_id,
        recorded=a.recorded()))


def _add_other_measure(doc: PlanDocument, op: AddOtherMeasure, a: Author) -> PlanDocument:
    doc, mid = _next_id(doc, "m")
    return _append(doc, Section.OTHER_MEASURES, OtherMeasure(id=mid, text=op.text, by_whom=op.by_whom,
                                                             recorded=a.recorded()))


def _set_no_other_measures(doc: PlanDocument, op: SetNoOtherMeasures, a: Author) -> PlanDocument:
    return with_sip(doc, no_other_measures=a.recorded() if op.none else None)


def _set_overall(doc: PlanDocument, op: SetOverallResponsibility, a: Author) -> PlanDocument:
    return with_sip(doc, overall_principal_provider_id=op.principal_provider_id,
                overall_recorded=a.recorded() if op.principal_provider_id is not None else None)


def _add_follow_up(doc: PlanDocument, op: AddFollowUp, a: Author) -> PlanDocument:
    assert doc.sip is not None
    if doc.sip.established is None:
        raise Conflict("plans.sip.follow_up_before_established")
    doc, fid = _next_id(doc, "f")
    return _append(doc, Section.FOLLOW_UPS, FollowUp(id=fid, on=op.on, outcome=op.outcome, recorded=a.recorded()))


_HANDLERS: dict[type[OperationBase], Callable[[PlanDocument, Any, Author], PlanDocument]] = {
    AddGoal: _add_goal, UpdateGoal: _update(Section.GOALS), AddActivity: _add_activity,
    UpdateActivity: _update(Section.ACTIVITIES), SetActivityStatus: _set_activity_status,
    AddSelfCare: _add_self_care, UpdateSelfCare: _update(Section.SELF_CARE), MarkSelfCareDone: _mark_done,
    AddTeamMember: _add_team_member, UpdateTeamMember: _update_team_member, AddTime: _add_time,
    UpdateTime: _update_time, RequestTimeChange: _request_time_change, AddNote: _add_note,
    AcknowledgeNote: _acknowledge_note, Remove: _remove, SetPlanStatus: _set_plan_status, InviteUnit: _invite,
    AnswerInvitation: _answer, SetSipConsent: _set_consent, SetRelatives: _set_relatives,
    SetMeeting: _set_meeting, AddIntervention: _add_intervention, UpdateIntervention: _update(Section.INTERVENTIONS),
    AddOtherMeasure: _add_other_measure, SetNoOtherMeasures: _set_no_other_measures,
    SetOverallResponsibility: _set_overall, AddFollowUp: _add_follow_up, AddMeeting: _add_meeting,
    ApproveSip: _approve,
}
