"""The steps of the process as use cases, lag (2017:612) (DOMAIN §4): opening, the messages, utskrivningsklar,
discharge, cancelling and interrupting, kvittens."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from sqlalchemy.orm import Session

from nara.access import service as access
from nara.access.model import InformationCategory, RelationshipKind, starting_relationship
from nara.access.service import conclude, evaluate
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Purpose, Role
from nara.core.clock import Clock, local_date, local_today
from nara.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from nara.directory import service as directory
from nara.directory.service import active_assignments
from nara.discharge import store
from nara.discharge.model import (
    LAW_DEFAULT_REGION,
    Acknowledged,
    AdmissionNoticeSent,
    Admitted,
    Cancelled,
    CareContactAppointed,
    CareType,
    Discharged,
    DischargeEstimateRevised,
    Event,
    InformationTransferred,
    Interrupted,
    InterruptionReason,
    NeedsAssessed,
    NoLongerReady,
    PatientInformed,
    PlanningDocumented,
    ProcessPhase,
    ProcessState,
    ReadyForDischarge,
    Receiver,
    ReceiversAdded,
    SipNeedAssessed,
    agreement_in_force,
    replay,
)
from nara.discharge.service.common import (
    ASSIGN,
    BACKDATE_LIMIT,
    WARD_KINDS,
    authorize_write,
    checked_note,
    decoded_events,
    is_outpatient,
    is_ward,
    load_process,
    receiver_row_of,
    require,
    source_ref,
)
from nara.discharge.service.reading import process_view
from nara.discharge.service.receivers import receivers_for
from nara.discharge.service.recording import NewEvent, Outlets, record_events
from nara.discharge.service.results import ProcessView
from nara.discharge.store import DischargeProcessRow, DischargeReceiverRow


def _check_past(at: datetime, now: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValidationFailed("error.validation")
    if at > now:
        raise ValidationFailed("discharge.time.future")
    if at < now - BACKDATE_LIMIT:
        raise ValidationFailed("discharge.time.too_early", days=BACKDATE_LIMIT.days)
    return at

def change_process(session: Session, actor: Actor, clock: Clock, process_id: int, outlets: Outlets,
            rule: Callable[[DischargeProcessRow, list[DischargeReceiverRow]], None],
            build: Callable[[DischargeProcessRow, list[DischargeReceiverRow], ProcessState], Sequence[NewEvent]],
            ) -> ProcessView:
    """The frame of every write: lock the process, WRITE through the policy (one entry), the step's own rule
    (``rule`` raises Forbidden), build the events from the current state, record them, return the view."""
    row = load_process(session, process_id, lock=True)
    receivers = store.receivers_of(session, [row.id])[row.id]
    decision = authorize_write(session, actor, clock, row, receivers)
    rule(row, receivers)
    history = decoded_events(store.events_of(session, [row.id])[row.id])
    new = build(row, receivers, replay(history))
    record_events(session, actor, clock, row, history, new, receivers, outlets)
    return process_view(session, actor, clock, row, receivers, decision)

def _ward_rule(actor: Actor) -> Callable[[DischargeProcessRow, list[DischargeReceiverRow]], None]:
    return lambda row, _receivers: require(is_ward(actor, row), "discharge.ward_only")

def outpatient_rule(actor: Actor) -> Callable[[DischargeProcessRow, list[DischargeReceiverRow]], None]:
    return lambda _row, receivers: require(is_outpatient(actor, receivers), "discharge.outpatient_only")

def _all_receivers(state: ProcessState) -> tuple[str, ...]:
    return tuple(state.receivers)

def _message_to_all(session: Session, actor: Actor, clock: Clock, process_id: int, outlets: Outlets, *,
                    message: Callable[..., Event], now: datetime, note: str | None, **fields: object) -> ProcessView:
    """A ward step that is one message, sent at ``now`` to every receiver of the process, with the ward's note."""
    return change_process(session, actor, clock, process_id, outlets, _ward_rule(actor), lambda _row, _r, state: [
        NewEvent(message(at=now, message_id=ASSIGN, to=_all_receivers(state), **fields), checked_note(note))])

def open_process(session: Session, actor: Actor, clock: Clock, *, person_id: int, admitted_at: datetime | None = None,
                 estimated_discharge: date | None = None, receiver_unit_ids: Sequence[int] | None = None,
                 note: str | None = None, care: CareType | str = CareType.SOMATIC,
                 outlets: Outlets = Outlets()) -> ProcessView:
    """Admission of the person to the actor's ward (a unit of kind vårdavdelning), now or ``admitted_at`` (at most
    BACKDATE_LIMIT ago). One CREATE entry, as the ward starting its own care relationship with a new patient
    (nara.access.model.starting_relationship), then the ward's ADMISSION relationship. The agreement in force at
    admission for the home municipality's region is fixed on the process. With ``estimated_discharge`` the
    inskrivningsmeddelande goes at once (:func:`send_admission_notice`), to ``receiver_unit_ids`` or to the
    receivers found in the directory. ``care``: somatic or psychiatric inpatient care (an agreement may give them
    different free days before the municipality pays, DOMAIN §4)."""
    if actor.role is not Role.STAFF or actor.unit_id is None or actor.provider_id is None:
        raise Forbidden("discharge.staff_only")
    try:
        care = CareType(care)
    except ValueError:
        raise ValidationFailed("error.validation") from None
    require(actor.unit_kind in WARD_KINDS, "discharge.ward_only")
    now = clock.now()
    admitted_at = _check_past(admitted_at or now, now)
    decision, attempt = evaluate(session, actor, person_id, InformationCategory.UTSKRIVNING, AuditAction.CREATE,
                                 Purpose.VARD, clock, owner_provider_id=actor.provider_id,
                                 resource=("discharge", None))
    decision = conclude(session, attempt, starting_relationship(decision, actor, actor.unit_id))
    person = directory.person(session, person_id)
    if person is None:  # the policy knew the person; a race at most
        raise NotFound("person.not_found")
    municipality = person.kommun_code or ""
    region = directory.region_code(session, municipality) or LAW_DEFAULT_REGION
    agreement = agreement_in_force(region, admitted_at)
    row = DischargeProcessRow(
        person_id=person_id, provider_id=actor.provider_id, ward_unit_id=actor.unit_id,
        home_municipality=municipality, region_code=region, agreement_key=agreement.key,
        phase=ProcessPhase.ADMITTED.value, admitted_at=admitted_at, version=0, alerted_steps="", created_at=now,
        created_by=actor.account_id, updated_at=now)
    session.add(row)
    session.flush()
    access.start_care_relationship(session, actor, clock, person_id=person_id, kind=RelationshipKind.ADMISSION,
                                   unit_id=actor.unit_id, source_ref=source_ref(row.id))
    new = [NewEvent(Admitted(at=admitted_at, home_municipality=municipality, hospital_unit=str(actor.unit_id),
                         care=care))]
    receivers: list[DischargeReceiverRow] = []
    if estimated_discharge is not None:
        new.append(_notice(session, row, receiver_unit_ids, estimated_discharge, now, note))
    record_events(session, actor, clock, row, [], new, receivers, outlets)
    return process_view(session, actor, clock, row, receivers, decision)

def _notice(session: Session, row: DischargeProcessRow, receiver_unit_ids: Sequence[int] | None,
            estimated_discharge: date, now: datetime, note: str | None) -> NewEvent:
    found = receivers_for(session, row, receiver_unit_ids, local_date(now))
    receivers = tuple(Receiver(str(unit.id), role) for unit, role in found)
    return NewEvent(AdmissionNoticeSent(at=now, message_id=ASSIGN, receivers=receivers,
                                    estimated_discharge=estimated_discharge), checked_note(note))

def send_admission_notice(session: Session, actor: Actor, clock: Clock, process_id: int, *,
                          estimated_discharge: date, receiver_unit_ids: Sequence[int] | None = None,
                          note: str | None = None, outlets: Outlets = Outlets()) -> ProcessView:
    """Inskrivningsmeddelande (DOMAIN §4: within 24 hours of admission or of the later judgement) with the
    estimated discharge date, to ``receiver_unit_ids`` or to the receivers found in the directory
    (:func:`find_receivers`); each becomes a receiver with an ADMISSION care relationship. The ward only."""
    now = clock.now()
    return change_process(session, actor, clock, process_id, outlets, _ward_rule(actor),
                   lambda row, _r, _s: [_notice(session, row, receiver_unit_ids, estimated_discharge, now, note)])

def record_needs_assessed(session: Session, actor: Actor, clock: Clock, process_id: int, *,
                          outlets: Outlets = Outlets()) -> ProcessView:
    """The doctor's judgement after admission that the patient may need interventions after discharge: the 24
    hours of the inskrivningsmeddelande count from now (DOMAIN §4). The ward only."""
    now = clock.now()
    return change_process(session, actor, clock, process_id, outlets, _ward_rule(actor),
                   lambda _row, _r, _s: [NewEvent(NeedsAssessed(at=now))])

def revise_estimate(session: Session, actor: Actor, clock: Clock, process_id: int, *, estimated_discharge: date,
                    note: str | None = None, outlets: Outlets = Outlets()) -> ProcessView:
    """A changed estimated discharge date, notified to every receiver "as soon as possible" (DOMAIN §4); due
    times that rest on it move. The ward only."""
    return _message_to_all(session, actor, clock, process_id, outlets, message=DischargeEstimateRevised,
                           now=clock.now(), note=note, estimated_discharge=estimated_discharge)

def add_receivers(session: Session, actor: Actor, clock: Clock, process_id: int, *, unit_ids: Sequence[int],
                  outlets: Outlets = Outlets()) -> ProcessView:
    """More receiving units (e.g. psychiatric outpatient care, a SäBo); each gets an ADMISSION care relationship
    and the messages from now on. The ward only."""
    now = clock.now()

    def build(row: DischargeProcessRow, receivers: list[DischargeReceiverRow], _state: ProcessState) -> list[NewEvent]:
        found = receivers_for(session, row, unit_ids, local_date(now))
        existing = {r.unit_id for r in receivers}
        for unit, _role in found:
            if unit.id in existing:
                raise Conflict("discharge.receiver.already", unit=unit.name)
        return [NewEvent(ReceiversAdded(at=now, receivers=tuple(Receiver(str(u.id), role) for u, role in found)))]

    return change_process(session, actor, clock, process_id, outlets, _ward_rule(actor), build)

def document_planning(session: Session, actor: Actor, clock: Clock, process_id: int, *, note: str | None = None,
                      outlets: Outlets = Outlets()) -> ProcessView:
    """Planeringsunderlag to every receiver (a deadline only where the agreement sets one). The ward only."""
    return _message_to_all(session, actor, clock, process_id, outlets, message=PlanningDocumented, now=clock.now(),
                           note=note)

def appoint_care_contact(session: Session, actor: Actor, clock: Clock, process_id: int, *, staff_id: int,
                         outlets: Outlets = Outlets()) -> ProcessView:
    """The head of the outpatient unit appoints a fast vårdkontakt before discharge (DOMAIN §4, §6): a staff
    member of the actor's unit, which must be a region receiver of the process (the vårdcentral). A later
    appointment replaces the person; the first one is measured against the deadline."""
    now = clock.now()

    def build(_row: DischargeProcessRow, _r: list[DischargeReceiverRow], _s: ProcessState) -> list[NewEvent]:
        staff = directory.staff_member(session, staff_id)
        if staff is None or all(a.unit_id != actor.unit_id for a in active_assignments(session, staff_id,
                                                                                     local_today(clock))):
            raise ValidationFailed("discharge.care_contact.not_staff")
        return [NewEvent(CareContactAppointed(at=now, unit_id=str(actor.unit_id), staff_ref=str(staff.id)))]

    return change_process(session, actor, clock, process_id, outlets, outpatient_rule(actor), build)

def mark_ready(session: Session, actor: Actor, clock: Clock, process_id: int, *, note: str | None = None,
               judged_at: datetime | None = None, outlets: Outlets = Outlets()) -> ProcessView:
    """Utskrivningsklar (DOMAIN §4): the treating doctor's judgement, made at ``judged_at`` (earlier today or
    before; default now), and the ward's underrättelse of it to every receiver (the municipality and outpatient
    care), sent now — the notice's time, from the clock and never backdated, is what the SIP kallelse's 3 calendar
    days and the payment days count from. The ward only."""
    now = clock.now()
    judged = _check_past(judged_at, now) if judged_at is not None else None
    return _message_to_all(session, actor, clock, process_id, outlets, message=ReadyForDischarge, now=now, note=note,
                           judged_at=judged)

def mark_not_ready(session: Session, actor: Actor, clock: Clock, process_id: int, *, note: str | None = None,
                   outlets: Outlets = Outlets()) -> ProcessView:
    """The patient became ill again and is no longer utskrivningsklar: the payment days stop. The ward only."""
    return _message_to_all(session, actor, clock, process_id, outlets, message=NoLongerReady, now=clock.now(),
                           note=note)

def assess_sip_need(session: Session, actor: Actor, clock: Clock, process_id: int, *, needed: bool,
                    outlets: Outlets = Outlets()) -> ProcessView:
    """Whether a SIP is needed, overriding the default (both principals among the receivers), e.g. when the
    person does not consent (DOMAIN §3). The ward or the outpatient receiver."""
    now = clock.now()

    def rule(row: DischargeProcessRow, receivers: list[DischargeReceiverRow]) -> None:
        require(is_ward(actor, row) or is_outpatient(actor, receivers), "discharge.ward_only")

    return change_process(session, actor, clock, process_id, outlets, rule,
                   lambda _row, _r, _s: [NewEvent(SipNeedAssessed(at=now, needed=needed))])

def transfer_information(session: Session, actor: Actor, clock: Clock, process_id: int, *, note: str | None = None,
                         outlets: Outlets = Outlets()) -> ProcessView:
    """Informationsöverföring: what the receivers need, no later than the day of discharge (DOMAIN §4). The ward
    only."""
    return _message_to_all(session, actor, clock, process_id, outlets, message=InformationTransferred,
                           now=clock.now(), note=note)

def discharge(session: Session, actor: Actor, clock: Clock, process_id: int, *, discharged_at: datetime | None = None,
              outlets: Outlets = Outlets()) -> ProcessView:
    """Utskrivning, now or at ``discharged_at`` (not before the last event). The receivers are told in the app.
    The ward only."""
    now = clock.now()
    at = _check_past(discharged_at or now, now)
    return change_process(session, actor, clock, process_id, outlets, _ward_rule(actor),
                   lambda _row, _r, _s: [NewEvent(Discharged(at=at))])

def inform_patient(session: Session, actor: Actor, clock: Clock, process_id: int, *,
                   outlets: Outlets = Outlets()) -> ProcessView:
    """The patient was told who the fast vårdkontakt is and when the SIP is (patientlagen 3 kap. 2 b §); the
    resident also gets it in their own notifications. The ward only."""
    now = clock.now()
    return change_process(session, actor, clock, process_id, outlets, _ward_rule(actor),
                   lambda _row, _r, _s: [NewEvent(PatientInformed(at=now))])

def cancel(session: Session, actor: Actor, clock: Clock, process_id: int, *, note: str | None = None,
           outlets: Outlets = Outlets()) -> ProcessView:
    """Makulera the process (e.g. registered in error, no interventions needed after all); the receivers get a
    message to acknowledge. Never pays. The ward only."""
    now = clock.now()

    def build(_row: DischargeProcessRow, _r: list[DischargeReceiverRow], state: ProcessState) -> list[NewEvent]:
        to = _all_receivers(state)
        return [NewEvent(Cancelled(at=now, message_id=ASSIGN if to else None, to=to), checked_note(note))]

    return change_process(session, actor, clock, process_id, outlets, _ward_rule(actor), build)

def interrupt(session: Session, actor: Actor, clock: Clock, process_id: int, *, reason: InterruptionReason | str,
              note: str | None = None, outlets: Outlets = Outlets()) -> ProcessView:
    """Avbryt: the patient died or was transferred to other inpatient care; the receivers get a message to
    acknowledge; the payment days stop. The ward only."""
    now = clock.now()
    why = InterruptionReason(reason)

    def build(_row: DischargeProcessRow, _r: list[DischargeReceiverRow], state: ProcessState) -> list[NewEvent]:
        to = _all_receivers(state)
        return [NewEvent(Interrupted(at=now, reason=why, message_id=ASSIGN if to else None, to=to), checked_note(note))]

    return change_process(session, actor, clock, process_id, outlets, _ward_rule(actor), build)

def acknowledge(session: Session, actor: Actor, clock: Clock, process_id: int, message_id: str, *,
                outlets: Outlets = Outlets()) -> ProcessView:
    """Kvittens: the actor's unit has received ``message_id``. A repeated kvittens keeps the first. The
    receiving units only."""
    now = clock.now()

    def build(_row: DischargeProcessRow, _r: list[DischargeReceiverRow], state: ProcessState) -> list[NewEvent]:
        if message_id not in state.messages:
            raise NotFound("discharge.message.unknown", message=message_id)
        return [NewEvent(Acknowledged(at=now, message_id=message_id, unit_id=str(actor.unit_id)))]

    return change_process(session, actor, clock, process_id, outlets,
                   lambda _row, receivers: require(receiver_row_of(actor, receivers) is not None,
                                                    "discharge.receiver_only"), build)

def acknowledge_all(session: Session, actor: Actor, clock: Clock, process_id: int, *,
                    outlets: Outlets = Outlets()) -> ProcessView:
    """Kvittens of every message the actor's unit has not yet acknowledged in the process (one write)."""
    now = clock.now()

    def build(_row: DischargeProcessRow, _r: list[DischargeReceiverRow], state: ProcessState) -> list[NewEvent]:
        mine = [m.message_id for m in state.messages.values()
                if str(actor.unit_id) in m.to and str(actor.unit_id) not in m.acknowledged]
        if not mine:
            raise Conflict("discharge.nothing_to_acknowledge")
        return [NewEvent(Acknowledged(at=now, message_id=m, unit_id=str(actor.unit_id))) for m in mine]

    return change_process(session, actor, clock, process_id, outlets,
                   lambda _row, receivers: require(receiver_row_of(actor, receivers) is not None,
                                                    "discharge.receiver_only"), build)

