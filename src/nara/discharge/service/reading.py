"""Reading processes: the process view, the unit's worklist, a person's processes and the resident's own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from nara.access.model import Decision, InformationCategory
from nara.access.service import AccessDenied, authorize, blocked_notices
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Purpose, Role
from nara.core.clock import Clock, local_today
from nara.core.errors import Forbidden
from nara.core.i18n import t
from nara.directory import service as directory
from nara.discharge import store
from nara.discharge.model import (
    STEP_PARTY,
    Agreement,
    Party,
    PatientInformed,
    ProcessPhase,
    ProcessState,
    ProcessStatus,
    ReceiverRole,
    Step,
    StepState,
    replay,
    status,
)
from nara.discharge.service.common import (
    ENDED_PHASES,
    PENDING,
    WORKLIST_LIMIT,
    agreement_of,
    authorize_read,
    care_contact_of,
    decoded_events,
    identifier_text,
    is_ward,
    load_process,
    purpose_of,
    receiver_out,
    receiver_row_of,
    unit_outs,
)
from nara.discharge.service.receivers import find_receivers
from nara.discharge.service.results import (
    AckOut,
    EventOut,
    MessageOut,
    PersonOut,
    ProcessSummary,
    ProcessView,
    ResidentProcessView,
    StepOut,
    WorkItem,
)
from nara.discharge.store import DischargeProcessRow, DischargeReceiverRow


def read_process(session: Session, actor: Actor, clock: Clock, process_id: int) -> ProcessView:
    """The process as a party sees it (module docstring on whose record), or the resident their own. One READ
    entry. Raises NotFound, AccessDenied."""
    row = load_process(session, process_id)
    receivers = store.receivers_of(session, [row.id])[row.id]
    decision = authorize_read(session, actor, clock, row, receivers)
    return process_view(session, actor, clock, row, receivers, decision)

def may_open_process(session: Session, actor: Actor, clock: Clock, process_id: int) -> bool:
    """Whether ``actor`` may open the process's page — staff the process page (as :func:`read_process` decides),
    the resident Min utskrivning when it is their own — for a link to it (a notification, nara.plans). One SEARCH
    entry, allowed or denied; False for a process that does not exist."""
    row = store.processes(session, [process_id]).get(process_id)
    if row is None:
        return False
    try:
        if actor.role is Role.RESIDENT:
            if row.person_id != actor.person_id:
                return False
            authorize(session, actor, row.person_id, InformationCategory.UTSKRIVNING, AuditAction.SEARCH,
                      Purpose.EGEN_INSYN, clock, owner_provider_id=row.provider_id, resource=("discharge", row.id))
        else:
            authorize_read(session, actor, clock, row, store.receivers_of(session, [row.id])[row.id],
                           AuditAction.SEARCH)
    except AccessDenied:
        return False
    return True

def _my_roles(actor: Actor, row: DischargeProcessRow, receivers: Sequence[DischargeReceiverRow]) -> list[str]:
    roles = ["ward"] if actor.role is Role.STAFF and is_ward(actor, row) else []
    mine = receiver_row_of(actor, receivers) if actor.role is Role.STAFF else None
    if mine is not None:
        roles.append(mine.role)
    return roles

def _mine(step: Step, roles: Sequence[str]) -> bool:
    party = STEP_PARTY[step]
    if party is Party.WARD:
        return "ward" in roles
    return any(r in (ReceiverRole.VARDCENTRAL.value, ReceiverRole.OTHER_OUTPATIENT.value) for r in roles)

def _step_out(s: Any, agreement: Agreement, roles: Sequence[str]) -> StepOut:
    rule = agreement.rule(s.step)
    return StepOut(step=s.step, label=t(f"discharge.step.{s.step}"), state=s.state,
                   state_label=t(f"discharge.state.{s.state}"), party=s.party, due_at=s.due_at,
                   last_day=s.deadline.last_day if s.deadline else None,
                   provisional=bool(s.deadline and s.deadline.provisional), done_at=s.done_at,
                   basis=rule.basis if rule else None, mine=_mine(s.step, roles))

def _actions(roles: Sequence[str], state: ProcessState, unacknowledged_mine: Sequence[str]) -> list[str]:
    """What the reader's unit may register now, named as the API's step routes, for pages to offer. (The service
    still checks each: this is a guide, not the rule.)"""
    phase = state.phase
    admitted = phase in (ProcessPhase.ADMITTED, ProcessPhase.NOTIFIED, ProcessPhase.READY)
    stopped = phase in (ProcessPhase.CANCELLED, ProcessPhase.INTERRUPTED)
    outpatient = any(r in (ReceiverRole.VARDCENTRAL.value, ReceiverRole.OTHER_OUTPATIENT.value) for r in roles)
    actions: list[str] = []
    if "ward" in roles and admitted:
        if state.admission_notice_at is None:
            actions.append("admission-notice")
            if phase is ProcessPhase.ADMITTED and state.needs_assessed_at is None:
                actions.append("needs-assessed")
        else:
            actions += ["estimate", "planning"]
        actions += ["receivers", "not-ready" if phase is ProcessPhase.READY else "ready", "discharge", "cancel",
                    "interrupt"]
    if "ward" in roles and not stopped:
        if state.receivers and state.information_transferred_at is None:
            actions.append("information-transfer")
        if state.patient_informed_at is None:
            actions.append("patient-informed")
    if outpatient and not stopped:
        actions.append("care-contact")
        if state.ready_periods and phase is not ProcessPhase.ADMITTED:
            actions.append("sip-invitation")
    if ("ward" in roles or outpatient) and not stopped:
        actions.append("sip-need")
    if unacknowledged_mine:
        actions.append("acknowledge")
    return actions

def process_view(session: Session, actor: Actor, clock: Clock, row: DischargeProcessRow,
          receivers: Sequence[DischargeReceiverRow], decision: Decision) -> ProcessView:
    now = clock.now()
    event_rows = store.events_of(session, [row.id])[row.id]
    events = decoded_events(event_rows)
    agreement = agreement_of(row)
    state = replay(events)
    view = status(events, agreement, max(now, state.last_event_at or now))
    person = directory.person(session, row.person_id)
    assert person is not None
    by_message = {r.message_id: r for r in event_rows if r.message_id is not None}
    unit_ids = {row.ward_unit_id} | {r.unit_id for r in receivers} | {r.unit_id for r in event_rows if r.unit_id}
    proposed: list[tuple[Any, ReceiverRole]] = []
    if state.admission_notice_at is None and state.phase not in ENDED_PHASES and actor.role is Role.STAFF:
        proposed = find_receivers(session, row.person_id, local_today(clock))
        unit_ids |= {u.id for u, _ in proposed}
    units = unit_outs(session, unit_ids)
    escalated = {(u.message_id, u.unit_id) for u in view.unacknowledged if u.escalated}
    roles = _my_roles(actor, row, receivers)
    mine = [u.message_id for u in view.unacknowledged if actor.unit_id is not None and u.unit_id == str(actor.unit_id)]
    messages = []
    for message in state.messages.values():
        source = by_message.get(message.message_id)
        event = store.decode_event(source.kind, source.at, source.data) if source else None
        messages.append(MessageOut(
            id=message.message_id, kind=message.kind, label=t(f"discharge.kind.{message.kind}"),
            sent_at=message.sent_at, from_unit_id=source.unit_id if source else None,
            from_unit_name=units[source.unit_id].name if source and source.unit_id in units else None,
            author_name=source.author_name if source else "", note=source.note if source else None,
            estimated_discharge=getattr(event, "estimated_discharge", None), sip_at=getattr(event, "sip_at", None),
            receipts=[AckOut(unit_id=int(u), unit_name=units[int(u)].name if int(u) in units else u,
                             acknowledged_at=message.acknowledged.get(u),
                             escalated=(message.message_id, u) in escalated)
                      for u in message.to]))
    hide = decision.hide_address or (person.protected_identity and actor.person_id != person.id)
    return ProcessView(
        id=row.id, version=row.version,
        person=PersonOut(id=person.id, name=person.full_name, identifier_display=identifier_text(person),
                         address=None if hide else person.address, address_hidden=hide, synthetic=person.synthetic),
        ward=units[row.ward_unit_id], phase=state.phase, phase_label=t(f"discharge.phase.{state.phase}"),
        agreement_key=agreement.key, agreement_name=agreement.name, home_municipality=row.home_municipality,
        admitted_at=state.admitted_at, needs_assessed_at=state.needs_assessed_at,
        estimated_discharge=state.estimated_discharge, estimates=[d for _, d in state.estimates],
        receivers=[receiver_out(units[r.unit_id], ReceiverRole(r.role), r.added_at) for r in receivers],
        proposed_receivers=[receiver_out(units[u.id], role) for u, role in proposed],
        steps=[_step_out(s, agreement, roles) for s in view.steps], messages=messages, unacknowledged_mine=mine,
        escalated=view.escalated, sip_needed=state.sip_needed, care_contact=care_contact_of(session, row),
        sip_plan_id=row.sip_plan_id, sip_at=state.sip_at, ready_at=state.current_ready_notice_at,
        discharged_at=state.discharged_at, patient_informed_at=state.patient_informed_at, ended_at=state.ended_at,
        closed_at=row.closed_at, interruption=state.interruption,
        events=[EventOut(seq=r.seq, kind=r.kind, label=t(f"discharge.event.{r.kind}"), at=r.at,
                         recorded_at=r.recorded_at, author_name=r.author_name, unit_id=r.unit_id,
                         unit_name=units[r.unit_id].name if r.unit_id in units else None, message_id=r.message_id,
                         note=r.note) for r in event_rows],
        my_roles=roles, actions=_actions(roles, state, mine) if actor.role is Role.STAFF else [],
        blocked=blocked_notices(decision), via_emergency=decision.via_emergency,
    )

def worklist(session: Session, actor: Actor, clock: Clock, limit: int = WORKLIST_LIMIT) -> list[WorkItem]:
    """The actor's unit's processes that are not closed — as the ward or as a receiver — with what is due, soon
    due and overdue (the steps it must do marked ``mine``), its messages without kvittens, and escalation
    (a missed deadline, a kvittens waited for too long). Escalated first, then by the next due time. Found
    through indexed columns, histories loaded in one query; each process shown is one SEARCH entry (a denied one
    too, and then only its id and the reason are given). Staff acting for a unit only (Forbidden otherwise)."""
    if actor.role is not Role.STAFF or actor.unit_id is None:
        raise Forbidden("discharge.staff_only")
    now = clock.now()
    rows = store.open_processes_of_unit(session, actor.unit_id, min(limit, WORKLIST_LIMIT))
    ids = [r.id for r in rows]
    all_receivers = store.receivers_of(session, ids)
    histories = store.events_of(session, ids)
    shown: list[tuple[DischargeProcessRow, ProcessStatus, list[str], ProcessState]] = []
    items: list[WorkItem] = []
    for row in rows:
        receivers = all_receivers[row.id]
        try:
            authorize_read(session, actor, clock, row, receivers, AuditAction.SEARCH)
        except AccessDenied as exc:
            items.append(WorkItem(process_id=row.id, access=exc.decision.reason.value))
            continue
        events = decoded_events(histories[row.id])
        state = replay(events)
        shown.append((row, status(events, agreement_of(row), max(now, state.last_event_at or now)),
                      _my_roles(actor, row, receivers), state))
    persons = directory.persons(session, {row.person_id for row, *_ in shown})
    wards = unit_outs(session, {row.ward_unit_id for row, *_ in shown})
    me = str(actor.unit_id)
    for row, view, roles, state in shown:
        agreement = agreement_of(row)
        due = [_step_out(s, agreement, roles) for s in view.steps if s.state in PENDING]
        due.sort(key=lambda s: (s.due_at is None, s.due_at))
        person = persons[row.person_id]
        mine_due = [s for s in due if s.mine]
        items.append(WorkItem(
            process_id=row.id, access=None, roles=roles, person_id=person.id, person_name=person.full_name,
            identifier_display=identifier_text(person), phase=view.phase,
            phase_label=t(f"discharge.phase.{view.phase}"), ward_name=wards[row.ward_unit_id].name,
            admitted_at=row.admitted_at,
            estimated_discharge=view.estimated_discharge, due=due,
            next_due=(mine_due or due or [None])[0], overdue=sum(1 for s in due if s.state is StepState.OVERDUE),
            soon_due=sum(1 for s in due if s.state is StepState.SOON_DUE),
            unacknowledged_mine=sum(1 for u in view.unacknowledged if u.unit_id == me),
            awaiting_receipts=len(view.unacknowledged) if "ward" in roles else 0,
            escalated=view.escalated, sip_at=state.sip_at, updated_at=row.updated_at, version=row.version))
    items.sort(key=lambda i: (i.access is not None, not i.escalated,
                              i.next_due is None or i.next_due.due_at is None,
                              i.next_due.due_at if i.next_due and i.next_due.due_at else now, i.process_id))
    return items

def pending_acknowledgements(session: Session, actor: Actor) -> int:
    """How many messages the actor's unit has not acknowledged (a badge). A count only: no person data, no entry."""
    if actor.role is not Role.STAFF or actor.unit_id is None:
        return 0
    return store.pending_acks_count(session, actor.unit_id)

def processes_for_person(session: Session, actor: Actor, clock: Clock, person_id: int) -> list[ProcessSummary]:
    """The person's processes the actor may see, newest first, one READ entry each (one SEARCH entry of the
    person's grunduppgifter when there is none). Raises the first denial when the actor may see none."""
    rows = store.processes_of_person(session, person_id)
    if not rows:
        authorize(session, actor, person_id, InformationCategory.GRUNDUPPGIFTER, AuditAction.SEARCH,
                  purpose_of(actor), clock, resource=("discharge", None))
        return []
    all_receivers = store.receivers_of(session, [r.id for r in rows])
    wards = unit_outs(session, {r.ward_unit_id for r in rows})
    shown: list[ProcessSummary] = []
    denial: AccessDenied | None = None
    for row in rows:
        try:
            authorize_read(session, actor, clock, row, all_receivers[row.id])
        except AccessDenied as exc:
            denial = denial or exc
            continue
        phase = ProcessPhase(row.phase)
        shown.append(ProcessSummary(id=row.id, phase=phase, phase_label=t(f"discharge.phase.{phase}"),
                                    ward_name=wards[row.ward_unit_id].name, admitted_at=row.admitted_at,
                                    estimated_discharge=row.estimated_discharge, discharged_at=row.discharged_at,
                                    closed_at=row.closed_at))
    if not shown and denial is not None:
        raise denial
    return shown

def my_processes(session: Session, actor: Actor, clock: Clock) -> list[ResidentProcessView]:
    """The resident's own discharges, newest first: the ward, the dates, who the fast vårdkontakt is and when the
    SIP is. One READ entry per process (one SEARCH entry when there is none). Residents only."""
    if actor.role is not Role.RESIDENT or actor.person_id is None:
        raise Forbidden("auth.forbidden")
    rows = store.processes_of_person(session, actor.person_id)
    if not rows:
        authorize(session, actor, actor.person_id, InformationCategory.GRUNDUPPGIFTER, AuditAction.SEARCH,
                  Purpose.EGEN_INSYN, clock, resource=("discharge", None))
        return []
    wards = unit_outs(session, {r.ward_unit_id for r in rows})
    out = []
    for row in rows:
        authorize(session, actor, row.person_id, InformationCategory.UTSKRIVNING, AuditAction.READ,
                  Purpose.EGEN_INSYN, clock, owner_provider_id=row.provider_id, resource=("discharge", row.id))
        phase = ProcessPhase(row.phase)
        patient_informed = store.first_event_at(session, row.id, PatientInformed.name)
        out.append(ResidentProcessView(
            id=row.id, ward=wards[row.ward_unit_id], phase=phase, phase_label=t(f"discharge.phase.{phase}"),
            admitted_at=row.admitted_at, estimated_discharge=row.estimated_discharge,
            discharged_at=row.discharged_at, care_contact=care_contact_of(session, row), sip_at=row.sip_at,
            sip_plan_id=row.sip_plan_id, patient_informed_at=patient_informed))
    return out

