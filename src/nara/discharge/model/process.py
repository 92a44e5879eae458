"""Utskrivningsprocessen enligt lag (2017:612): one inpatient episode as a pure state machine (DOMAIN §4).

A process is its history: a list of :class:`Event` (each with an aware time ``at``). :func:`replay` folds the
history into a :class:`ProcessState` and refuses a history the process cannot have had (:class:`InvalidTransition`);
the service layer calls :func:`apply` before it stores a new event. :func:`status` answers the worklist's question
— what is due, when, soon due, overdue, and which messages each receiving unit has not acknowledged — from the
history, an :class:`~nara.discharge.model.agreement.Agreement` and ``now``. Nothing here reads a clock or a database.

The phases and what moves between them (:class:`ProcessPhase`; ``_ALLOWED`` lists where every event may happen,
the other events keep the phase)::

    ADMITTED                 ──AdmissionNoticeSent──▶ NOTIFIED
    ADMITTED, NOTIFIED       ──ReadyForDischarge────▶ READY      (from ADMITTED: no inskrivningsmeddelande yet)
    READY                    ──NoLongerReady────────▶ NOTIFIED   (ADMITTED if no inskrivningsmeddelande was sent)
    ADMITTED, NOTIFIED, READY ──Discharged──────────▶ DISCHARGED (COMPLETED if the patient was already informed)
    DISCHARGED               ──PatientInformed──────▶ COMPLETED
    ADMITTED, NOTIFIED, READY ──Cancelled───────────▶ CANCELLED
    ADMITTED, NOTIFIED, READY ──Interrupted─────────▶ INTERRUPTED (died, transferred)

The law's steps in order (DOMAIN §4), and the events that record them:

1. admission (:class:`Admitted`); a later judgement that the patient may need interventions after discharge
   (:class:`NeedsAssessed`) moves the 24-hour clock of the inskrivningsmeddelande to that judgement;
2. inskrivningsmeddelande with the estimated discharge date (:class:`AdmissionNoticeSent`), sent to the receivers
   the service found in the directory (the person's vårdcentral via listing; the home municipality's hemsjukvård,
   hemtjänst, biståndshandläggning — :class:`Receiver`); later receivers: :class:`ReceiversAdded`; a changed
   estimate is notified as a message of its own (:class:`DischargeEstimateRevised`);
3. planning documentation (:class:`PlanningDocumented`, where the agreement has that step);
4. a fast vårdkontakt in outpatient care appointed (:class:`CareContactAppointed`);
5. utskrivningsklar notice (:class:`ReadyForDischarge`); the patient may become ill again
   (:class:`NoLongerReady`: back to not ready, which stops the payment days, nara.discharge.model.payment);
6. SIP kallelse (:class:`SipInvitationSent`, with the SIP's time) when both region and municipality interventions
   are needed — by default when the receivers include both principals; :class:`SipNeedAssessed` overrides that
   (e.g. the person does not consent, DOMAIN §3);
7. information transfer (:class:`InformationTransferred`);
8. discharge (:class:`Discharged`), and the patient told who the fast vårdkontakt is and when the SIP is
   (:class:`PatientInformed`, patientlagen 3 kap. 2 b §).

Every message (an event with ``message_id`` and ``to``) goes to receiving units that each acknowledge it
(:class:`Acknowledged`, kvittens per message per unit; a repeated kvittens keeps the first). A message may only go
to units that are receivers of the process. Events must come in time order.

Decisions beyond the letter of the law: the first completion of a repeatable step (planning documentation,
kallelse, information transfer, appointing the fast vårdkontakt) is the one measured against its deadline; a
process can be discharged without a utskrivningsklar notice (then no SIP deadline and no payment arises); the
inskrivningsmeddelande can still be sent late while the patient is utskrivningsklar (payment then counts from it,
nara.discharge.model.payment).
"""


from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from nara.core.i18n import t
from nara.discharge.model.agreement import Agreement, Anchor, CareType, MessageKind, Step
from nara.discharge.model.deadlines import Deadline, due, swedish_day
from nara.discharge.model.events import (
    AFTER_DISCHARGE,
    ANY_PHASE,
    OPEN_PHASES,
    STEP_PARTY,
    Acknowledged,
    AdmissionNoticeSent,
    Admitted,
    Cancelled,
    CareContactAppointed,
    Discharged,
    DischargeEstimateRevised,
    Event,
    InformationTransferred,
    Interrupted,
    InterruptionReason,
    InvalidTransition,
    NeedsAssessed,
    NoLongerReady,
    Party,
    PatientInformed,
    PeriodEnd,
    PlanningDocumented,
    Principal,
    ProcessPhase,
    ReadyForDischarge,
    Receiver,
    ReceiversAdded,
    SipInvitationSent,
    SipNeedAssessed,
)

_MESSAGE_KINDS: dict[type[Event], MessageKind] = {
    AdmissionNoticeSent: MessageKind.ADMISSION_NOTICE,
    DischargeEstimateRevised: MessageKind.DISCHARGE_ESTIMATE,
    PlanningDocumented: MessageKind.PLANNING_DOCUMENTATION,
    ReadyForDischarge: MessageKind.READY_NOTICE,
    NoLongerReady: MessageKind.NOT_READY_NOTICE,
    SipInvitationSent: MessageKind.SIP_INVITATION,
    InformationTransferred: MessageKind.INFORMATION_TRANSFER,
    Cancelled: MessageKind.CANCELLATION,
    Interrupted: MessageKind.INTERRUPTION,
}

# In which phases each event may happen (module docstring).
_ALLOWED: dict[type[Event], frozenset[ProcessPhase]] = {
    NeedsAssessed: frozenset({ProcessPhase.ADMITTED}),
    ReceiversAdded: OPEN_PHASES,
    AdmissionNoticeSent: OPEN_PHASES,  # once only; late (while utskrivningsklar) is allowed
    DischargeEstimateRevised: frozenset({ProcessPhase.NOTIFIED, ProcessPhase.READY}),
    PlanningDocumented: frozenset({ProcessPhase.NOTIFIED, ProcessPhase.READY}),
    CareContactAppointed: OPEN_PHASES | AFTER_DISCHARGE,
    ReadyForDischarge: frozenset({ProcessPhase.ADMITTED, ProcessPhase.NOTIFIED}),
    NoLongerReady: frozenset({ProcessPhase.READY}),
    SipNeedAssessed: OPEN_PHASES | AFTER_DISCHARGE,
    SipInvitationSent: frozenset({ProcessPhase.NOTIFIED, ProcessPhase.READY}) | AFTER_DISCHARGE,
    InformationTransferred: OPEN_PHASES | AFTER_DISCHARGE,
    Discharged: OPEN_PHASES,
    PatientInformed: OPEN_PHASES | AFTER_DISCHARGE,
    Cancelled: OPEN_PHASES,
    Interrupted: OPEN_PHASES,
    Acknowledged: ANY_PHASE,
}


# --- state ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class SentMessage:
    message_id: str
    kind: MessageKind
    sent_at: datetime
    to: tuple[str, ...]
    acknowledged: dict[str, datetime] = field(default_factory=dict)  # unit id → time of its kvittens


@dataclass(slots=True)
class ReadyPeriod:
    """One stretch as utskrivningsklar, from a notice until not ready, discharge, cancellation or interruption."""

    notice_at: datetime
    message_id: str
    judged_at: datetime | None = None  # the doctor's judgement, when recorded apart from the notice
    ended_at: datetime | None = None
    ended_by: PeriodEnd | None = None


@dataclass(slots=True)
class ProcessState:
    """What the history says about the process. Built by :func:`replay`; treat it as read-only."""

    phase: ProcessPhase
    admitted_at: datetime
    home_municipality: str
    hospital_unit: str
    care: CareType = CareType.SOMATIC
    needs_assessed_at: datetime | None = None
    receivers: dict[str, Receiver] = field(default_factory=dict)
    messages: dict[str, SentMessage] = field(default_factory=dict)
    estimated_discharge: date | None = None
    estimates: list[tuple[datetime, date]] = field(default_factory=list)  # every estimate with when it was sent
    admission_notice_at: datetime | None = None
    planning_documented_at: datetime | None = None
    care_contact_appointed_at: datetime | None = None  # the first appointment
    care_contact: tuple[str, str] | None = None  # (unit id, staff ref) of the current fast vårdkontakt
    ready_periods: list[ReadyPeriod] = field(default_factory=list)
    sip_needed_assessment: bool | None = None
    sip_invitation_at: datetime | None = None
    sip_at: datetime | None = None
    information_transferred_at: datetime | None = None
    discharged_at: datetime | None = None
    patient_informed_at: datetime | None = None
    cancelled_at: datetime | None = None
    interrupted_at: datetime | None = None
    interruption: InterruptionReason | None = None
    last_event_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.phase in OPEN_PHASES

    @property
    def ended_at(self) -> datetime | None:
        """When the stay ended: discharge, cancellation or interruption."""
        return self.discharged_at or self.cancelled_at or self.interrupted_at

    @property
    def needs_judged_at(self) -> datetime:
        """What the inskrivningsmeddelande's 24 hours count from (DOMAIN §4)."""
        return self.needs_assessed_at or self.admitted_at

    @property
    def current_ready_notice_at(self) -> datetime | None:
        """The notice of the latest period as utskrivningsklar, unless the patient has since become not ready."""
        if not self.ready_periods:
            return None
        latest = self.ready_periods[-1]
        return None if latest.ended_by is PeriodEnd.NOT_READY else latest.notice_at

    @property
    def sip_needed(self) -> bool:
        """Both region and municipality interventions needed (DOMAIN §4), unless assessed otherwise."""
        if self.sip_needed_assessment is not None:
            return self.sip_needed_assessment
        principals = {r.principal for r in self.receivers.values()}
        return principals == {Principal.REGION, Principal.MUNICIPALITY}

    def received_by(self, kind: MessageKind, principal: Principal) -> datetime | None:
        """When a message of ``kind`` first went to a unit of ``principal``; None if never."""
        times = [m.sent_at for m in self.messages.values()
                 if m.kind is kind and any(self.receivers[u].principal is principal for u in m.to)]
        return min(times) if times else None


def _refuse(event: Event, state: ProcessState | None) -> InvalidTransition:
    phase = t(f"discharge.phase.{state.phase}") if state else "—"
    return InvalidTransition("discharge.transition.invalid", event=t(f"discharge.event.{event.name}"), phase=phase)


def _check_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("event times must be timezone-aware")


def _record_message(state: ProcessState, event: Event, message_id: str | None, to: tuple[str, ...]) -> None:
    if message_id is None:
        return
    if message_id in state.messages:
        raise InvalidTransition("discharge.message.duplicate", message=message_id)
    if not to:
        raise InvalidTransition("discharge.receiver.none")
    for unit in to:
        if unit not in state.receivers:
            raise InvalidTransition("discharge.receiver.unknown", unit=unit)
    state.messages[message_id] = SentMessage(message_id, _MESSAGE_KINDS[type(event)], event.at, tuple(to))


def _end_ready_period(state: ProcessState, at: datetime, how: PeriodEnd) -> None:
    if state.ready_periods and state.ready_periods[-1].ended_at is None:
        state.ready_periods[-1].ended_at = at
        state.ready_periods[-1].ended_by = how


def _not_ready_phase(state: ProcessState) -> ProcessPhase:
    return ProcessPhase.NOTIFIED if state.admission_notice_at is not None else ProcessPhase.ADMITTED


def apply(state: ProcessState | None, event: Event) -> ProcessState:
    """The state after ``event``; raises :class:`InvalidTransition` if the event cannot happen now. ``state`` is
    None before the first event. The given state is changed in place and returned (replay owns it)."""
    _check_aware(event.at)
    if state is None:
        if not isinstance(event, Admitted):
            raise InvalidTransition("discharge.event.first_must_be_admission")
        return ProcessState(phase=ProcessPhase.ADMITTED, admitted_at=event.at,
                            home_municipality=event.home_municipality, hospital_unit=event.hospital_unit,
                            care=CareType(event.care), last_event_at=event.at)
    if isinstance(event, Admitted):
        raise _refuse(event, state)
    if state.last_event_at is not None and event.at < state.last_event_at:
        raise InvalidTransition("discharge.event.out_of_order")
    if state.phase not in _ALLOWED[type(event)]:
        raise _refuse(event, state)
    state.last_event_at = event.at

    match event:
        case NeedsAssessed():
            if state.needs_assessed_at is None:
                state.needs_assessed_at = event.at
        case ReceiversAdded():
            for receiver in event.receivers:
                state.receivers[receiver.unit_id] = receiver
        case AdmissionNoticeSent():
            if state.admission_notice_at is not None:
                raise InvalidTransition("discharge.event.twice", event=t("discharge.event.admission_notice_sent"))
            if event.estimated_discharge < swedish_day(state.admitted_at):
                raise InvalidTransition("discharge.estimate.before_admission")
            for receiver in event.receivers:
                state.receivers[receiver.unit_id] = receiver
            _record_message(state, event, event.message_id, event.to)
            state.admission_notice_at = event.at
            state.estimated_discharge = event.estimated_discharge
            state.estimates.append((event.at, event.estimated_discharge))
            if state.phase is ProcessPhase.ADMITTED:
                state.phase = ProcessPhase.NOTIFIED
        case DischargeEstimateRevised():
            if event.estimated_discharge < swedish_day(state.admitted_at):
                raise InvalidTransition("discharge.estimate.before_admission")
            _record_message(state, event, event.message_id, event.to)
            state.estimated_discharge = event.estimated_discharge
            state.estimates.append((event.at, event.estimated_discharge))
        case PlanningDocumented():
            _record_message(state, event, event.message_id, event.to)
            state.planning_documented_at = state.planning_documented_at or event.at
        case CareContactAppointed():
            state.care_contact_appointed_at = state.care_contact_appointed_at or event.at
            state.care_contact = (event.unit_id, event.staff_ref)
        case ReadyForDischarge():
            if event.judged_at is not None:
                _check_aware(event.judged_at)
                if event.judged_at > event.at or event.judged_at < state.admitted_at:
                    raise InvalidTransition("discharge.ready.judged_at_invalid")
            _record_message(state, event, event.message_id, event.to)
            state.ready_periods.append(ReadyPeriod(notice_at=event.at, message_id=event.message_id,
                                                   judged_at=event.judged_at))
            state.phase = ProcessPhase.READY
        case NoLongerReady():
            _record_message(state, event, event.message_id, event.to)
            _end_ready_period(state, event.at, PeriodEnd.NOT_READY)
            state.phase = _not_ready_phase(state)
        case SipNeedAssessed():
            state.sip_needed_assessment = event.needed
        case SipInvitationSent():
            if not state.ready_periods:
                raise _refuse(event, state)
            _record_message(state, event, event.message_id, event.to)
            state.sip_invitation_at = state.sip_invitation_at or event.at
            state.sip_at = event.sip_at
        case InformationTransferred():
            _record_message(state, event, event.message_id, event.to)
            state.information_transferred_at = state.information_transferred_at or event.at
        case Discharged():
            _end_ready_period(state, event.at, PeriodEnd.DISCHARGED)
            state.discharged_at = event.at
            state.phase = ProcessPhase.COMPLETED if state.patient_informed_at else ProcessPhase.DISCHARGED
        case PatientInformed():
            if state.patient_informed_at is not None:
                raise InvalidTransition("discharge.event.twice", event=t("discharge.event.patient_informed"))
            state.patient_informed_at = event.at
            if state.phase is ProcessPhase.DISCHARGED:
                state.phase = ProcessPhase.COMPLETED
        case Cancelled():
            _record_message(state, event, event.message_id, event.to)
            _end_ready_period(state, event.at, PeriodEnd.CANCELLED)
            state.cancelled_at = event.at
            state.phase = ProcessPhase.CANCELLED
        case Interrupted():
            _record_message(state, event, event.message_id, event.to)
            how = PeriodEnd.DIED if event.reason is InterruptionReason.DIED else PeriodEnd.TRANSFERRED
            _end_ready_period(state, event.at, how)
            state.interrupted_at = event.at
            state.interruption = event.reason
            state.phase = ProcessPhase.INTERRUPTED
        case Acknowledged():
            message = state.messages.get(event.message_id)
            if message is None:
                raise InvalidTransition("discharge.ack.unknown_message", message=event.message_id)
            if event.unit_id not in message.to:
                raise InvalidTransition("discharge.ack.not_addressee", unit=event.unit_id)
            message.acknowledged.setdefault(event.unit_id, event.at)
        case _:  # pragma: no cover - every event type is matched above
            raise TypeError(f"unknown event {event!r}")
    return state


def replay(events: Iterable[Event]) -> ProcessState:
    """Fold a process's history into its state; raises :class:`InvalidTransition` for an impossible history."""
    state: ProcessState | None = None
    for event in events:
        state = apply(state, event)
    if state is None:
        raise InvalidTransition("discharge.event.first_must_be_admission")
    return state


# --- the worklist view ---------------------------------------------------------------------------------------


class StepState(StrEnum):
    WAITING = "waiting"  # what it counts from has not happened (e.g. no utskrivningsklar notice yet)
    OPEN = "open"  # due later
    SOON_DUE = "soon_due"  # due within the agreement's soon-due time
    OVERDUE = "overdue"  # due time passed, not done
    DONE = "done"  # done on time (or done with no deadline)
    DONE_LATE = "done_late"  # done after its due time
    NOT_REQUIRED = "not_required"  # the agreement sets no such step, or it does not apply to this process
    STOPPED = "stopped"  # the process was cancelled or interrupted before it was done


@dataclass(frozen=True, slots=True)
class StepStatus:
    step: Step
    state: StepState
    party: Party
    deadline: Deadline | None
    done_at: datetime | None

    @property
    def due_at(self) -> datetime | None:
        return self.deadline.due_at if self.deadline else None


@dataclass(frozen=True, slots=True)
class Unacknowledged:
    """A message a receiving unit has not acknowledged; ``escalated`` once older than the agreement allows."""

    message_id: str
    kind: MessageKind
    unit_id: str
    sent_at: datetime
    escalated: bool


@dataclass(frozen=True, slots=True)
class ProcessStatus:
    """The worklist view of one process at ``now`` (see :func:`status`)."""

    now: datetime
    agreement_key: str
    phase: ProcessPhase
    estimated_discharge: date | None
    sip_needed: bool
    steps: tuple[StepStatus, ...]
    unacknowledged: tuple[Unacknowledged, ...]

    def step(self, step: Step) -> StepStatus:
        for s in self.steps:
            if s.step is step:
                return s
        raise KeyError(step)

    @property
    def overdue(self) -> tuple[StepStatus, ...]:
        return tuple(s for s in self.steps if s.state is StepState.OVERDUE)

    @property
    def soon_due(self) -> tuple[StepStatus, ...]:
        return tuple(s for s in self.steps if s.state is StepState.SOON_DUE)

    @property
    def next_due(self) -> StepStatus | None:
        """The pending step with the earliest due time."""
        pending = [s for s in self.steps if s.state in (StepState.OPEN, StepState.SOON_DUE, StepState.OVERDUE)]
        return min(pending, key=lambda s: s.deadline.due_at) if pending else None  # type: ignore[union-attr]

    def unacknowledged_by(self, unit_id: str) -> tuple[Unacknowledged, ...]:
        return tuple(u for u in self.unacknowledged if u.unit_id == unit_id)

    def by_receiver(self) -> dict[str, tuple[Unacknowledged, ...]]:
        units = sorted({u.unit_id for u in self.unacknowledged})
        return {unit: self.unacknowledged_by(unit) for unit in units}

    @property
    def escalated(self) -> bool:
        """Visibly escalated on a worklist: a missed deadline or a kvittens waited for too long (DOMAIN §4)."""
        return bool(self.overdue) or any(u.escalated for u in self.unacknowledged)


def _done_at(state: ProcessState, step: Step) -> datetime | None:
    return {
        Step.ADMISSION_NOTICE: state.admission_notice_at,
        Step.PLANNING_DOCUMENTATION: state.planning_documented_at,
        Step.CARE_CONTACT: state.care_contact_appointed_at,
        Step.SIP_INVITATION: state.sip_invitation_at,
        Step.INFORMATION_TRANSFER: state.information_transferred_at,
        Step.PATIENT_INFORMED: state.patient_informed_at,
    }[step]


def _step_status(state: ProcessState, agreement: Agreement, step: Step, now: datetime) -> StepStatus:
    party = STEP_PARTY[step]
    done_at = _done_at(state, step)
    rule = agreement.rule(step)
    anchors: dict[Anchor, datetime] = {Anchor.ADMISSION: state.needs_judged_at}
    if state.admission_notice_at is not None:
        anchors[Anchor.ADMISSION_NOTICE] = state.admission_notice_at
    if (ready_at := state.current_ready_notice_at) is not None:
        anchors[Anchor.READY_NOTICE] = ready_at
    deadline = None
    if rule is not None:
        deadline = due(rule, anchors=anchors, discharged_at=state.discharged_at,
                       estimated_discharge=state.estimated_discharge)
    if done_at is not None:
        late = deadline is not None and not deadline.met_by(done_at)
        return StepStatus(step, StepState.DONE_LATE if late else StepState.DONE, party, deadline, done_at)
    if rule is None or (step is Step.SIP_INVITATION and not state.sip_needed):
        return StepStatus(step, StepState.NOT_REQUIRED, party, None, None)
    if state.phase in (ProcessPhase.CANCELLED, ProcessPhase.INTERRUPTED):
        return StepStatus(step, StepState.STOPPED, party, None, None)
    if deadline is None:
        # Nothing to count from yet; once discharged it will never come (e.g. no utskrivningsklar notice).
        ended = state.phase in AFTER_DISCHARGE
        return StepStatus(step, StepState.NOT_REQUIRED if ended else StepState.WAITING, party, None, None)
    if deadline.overdue_at(now):
        return StepStatus(step, StepState.OVERDUE, party, deadline, None)
    if now >= deadline.due_at - rule.soon_due:
        return StepStatus(step, StepState.SOON_DUE, party, deadline, None)
    return StepStatus(step, StepState.OPEN, party, deadline, None)


def status(process_events: Sequence[Event], agreement: Agreement, now: datetime) -> ProcessStatus:
    """The worklist view of a process at ``now`` under ``agreement`` (the one in force at admission, see
    nara.discharge.model.agreement): per step what is due and when, soon due, overdue, done (late); and every message a
    receiving unit has not acknowledged. Only events at or before ``now`` count, so the view at an earlier moment
    can be recomputed from the same history."""
    _check_aware(now)
    state = replay(e for e in process_events if e.at <= now)
    steps = tuple(_step_status(state, agreement, step, now) for step in Step)
    waiting: list[Unacknowledged] = []
    for message in sorted(state.messages.values(), key=lambda m: (m.sent_at, m.message_id)):
        for unit in message.to:
            if unit not in message.acknowledged:
                escalated = now - message.sent_at >= agreement.ack_escalation
                waiting.append(Unacknowledged(message.message_id, message.kind, unit, message.sent_at, escalated))
    return ProcessStatus(now=now, agreement_key=agreement.key, phase=state.phase,
                         estimated_discharge=state.estimated_discharge, sip_needed=state.sip_needed, steps=steps,
                         unacknowledged=tuple(waiting))

