"""Use cases of the discharge process, lag (2017:612) om samverkan vid utskrivning (DOMAIN §4), on the pure core
(nara.discharge.model.process, .deadlines, .agreement, .payment) and the Patientkontrakt/SIP service (nara.plans).

Every function takes the caller's session (its unit of work), the :class:`~nara.auth.model.Actor` and the injected
:class:`~nara.core.clock.Clock`; the caller commits (``with db.transaction() as s``). Writes also take
:class:`Outlets`: the live ``broker`` (``request.app.state.live``; None announces nothing) and the ``notifier``
(nara.plans.notify; in-app by default).

The process, step by step (function — who):

- :func:`open_process` — the ward (a unit of kind vårdavdelning): admission; with an ``estimated_discharge`` it
  sends the inskrivningsmeddelande at once.
- :func:`record_needs_assessed` — the ward: the later judgement that the patient may need interventions (the
  24 hours of the inskrivningsmeddelande count from here).
- :func:`send_admission_notice` — the ward: inskrivningsmeddelande with the estimated discharge date, to the
  receivers found in the directory (:func:`find_receivers`: the vårdcentral the person is listed at; the home
  municipality's hemsjukvård, hemtjänst and biståndshandläggning; the SäBo where the person lives) or named.
- :func:`revise_estimate`, :func:`add_receivers`, :func:`document_planning` — the ward.
- :func:`appoint_care_contact` — the outpatient receiver (the vårdcentral): a fast vårdkontakt among its staff.
- :func:`mark_ready` / :func:`mark_not_ready` — the ward: utskrivningsklar, or ill again.
- :func:`assess_sip_need` — the ward or the outpatient receiver.
- :func:`send_sip_invitation` — the outpatient receiver: creates the SIP plan through
  :func:`nara.plans.service.create_plan` (``kind="sip"``) with invitations to the other receiving units, the
  meeting and the fast vårdkontakt; the plan's id is on the process (``sip_plan_id``).
- :func:`transfer_information`, :func:`discharge`, :func:`inform_patient` — the ward.
- :func:`cancel` (makulera) and :func:`interrupt` (died, transferred) — the ward; "ill again" is
  :func:`mark_not_ready`.
- :func:`acknowledge` / :func:`acknowledge_all` — a receiving unit gives its kvittens of a message.
- :func:`read_process`, :func:`worklist`, :func:`processes_for_person`, :func:`my_processes` (the resident: who
  the fast vårdkontakt is and when the SIP is), :func:`pending_acknowledgements`.
- :func:`payment_report`, :func:`payment_csv`, :func:`payment_xlsx` — betalningsansvar per municipality and month.
- :func:`sweep_escalations` — a scheduled job: notifies overdue steps and messages without kvittens once.

Deadlines come only from the agreement in force at admission for the home municipality's region
(nara.discharge.model.agreement; its key is stored on the process), never from code. Errors: NotFound (404),
:class:`~nara.access.guard.AccessDenied` and Forbidden (403), InvalidTransition and Conflict (409),
ValidationFailed (422).

**Access (DOMAIN §5).** Every read and write asks :func:`nara.access.guard.authorize` (category UTSKRIVNING,
resource ``("discharge", id)``), one audit entry per call; the worklist logs one SEARCH per process shown, like
the plan worklist. Whose record it is (``owner_provider_id``) follows this decision:

    Lag (2017:612) itself makes the information transfer between the parties lawful: the inskrivningsmeddelande,
    the utskrivningsklar notice, the kallelse and the information transfer are *sent* from one party's record
    and *delivered* into the receiving party's, which then holds its own copy (DOMAIN §4). Sammanhållen
    vård- och omsorgsdokumentation — direct access to another provider's record, which needs the person's
    consent (lag 2022:913, DOMAIN §5) — is not what happens. So the process's history is held by each party's
    care provider: the ward's provider (which recorded the process) and the provider of every receiving unit.

So staff of a party's care provider read the process as *their own provider's* record (owner = their provider):
the policy then asks for a care relationship of their unit — the ADMISSION relationship the process gives the
ward and each receiving unit, or one of the provider's own (a listing, a SäBo residence). Staff of any other
provider read the ward's provider's record and need relationship *and* consent — a unit that is not a party is
denied, and the denial is logged. Each write is recorded in the writer's own provider's record (owner = the
actor's provider); on top of the policy, what the step needs from the unit (the ward registers utskrivningsklar,
the outpatient receiver appoints the fast vårdkontakt, a receiver acknowledges) is checked after the policy and
refused with Forbidden (403). The resident reads their own processes (OWN_DATA); residents never write here.

**Care relationships.** Opening a process starts an ADMISSION relationship for the ward (a unit may start one
of its own, nara.access.model.starting_relationship), and adding receivers (with the inskrivningsmeddelande or
later) starts one for each, all with ``source_ref`` ``discharge:<id>``. They end when the process *closes*: it
has ended (completed: discharged and the patient informed; cancelled; interrupted), no step is still due and
every message has its kvittens — so a receiver can still read and acknowledge a late kallelse or the
cancellation. Those calls log their own entries.

**Live and notifications.** Every change announces ``utskrivning`` with ref ``discharge:<id>`` to the topics
``unit:<id>`` of the ward and every receiver, and separately to ``person:<id>`` (the resident's own stream), so
no topic list names a person to a unit; it is delivered on commit (nara.live). Each message notifies its
receiving units in the app (what kind of message, which process, from which unit — no person data); the
resident is told at :func:`inform_patient` who the fast vårdkontakt is and when the SIP is.

**Betalningsansvar.** Staff acting for a unit of the municipality's care provider or of its region's care
provider (the two parties of the settlement; nara.auth.model.Role.STAFF — roles carry no finer duties today) see
the report; anyone else gets Forbidden without an audit entry (no person data is touched). Each patient row
shown is one audit entry (READ for the JSON report, EXPORT for a download) through the policy as for reading the
process: a row the policy allows names the patient (personnummer and name), a row it denies — typically a
finished process, whose relationships have ended — is shown by process number only (a pseudonym) and the
denial stays in the log. The access policy has no administrative purpose (PDL 2 kap.) for invoicing yet; until
it has, that is how the report is both lawful and complete in its sums.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from nara.access import service as access
from nara.access.model import Decision, InformationCategory, Purpose, Reason, RelationshipKind, starting_relationship
from nara.access.service import AccessDenied, authorize, blocked_notices, conclude, evaluate
from nara.audit.model import AuditAction
from nara.auth.service import resident_account_ids
from nara.core.actor import Actor, Role
from nara.core.clock import STOCKHOLM, Clock, Period, local_minute, local_today
from nara.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from nara.core.i18n import t
from nara.directory import service as directory
from nara.directory.identifiers import IdentifierKind, PersonIdentifier
from nara.directory.model import ProviderKind, UnitKind
from nara.directory.service import active_assignments, current_listing, current_sabo, find_units
from nara.discharge import store
from nara.discharge.model import (
    LAW_DEFAULT_REGION,
    STEP_PARTY,
    Acknowledged,
    AdmissionNoticeSent,
    Admitted,
    Agreement,
    AgreementError,
    AmountUnknown,
    Cancelled,
    CareContactAppointed,
    CareType,
    DischargeCase,
    Discharged,
    DischargeEstimateRevised,
    Event,
    InformationTransferred,
    Interrupted,
    InterruptionReason,
    MessageKind,
    NeedsAssessed,
    NoLongerReady,
    Party,
    PatientInformed,
    PaymentReport,
    PlanningDocumented,
    Principal,
    ProcessPhase,
    ProcessState,
    ProcessStatus,
    ReadyForDischarge,
    Receiver,
    ReceiverRole,
    ReceiversAdded,
    SipInvitationSent,
    SipNeedAssessed,
    Step,
    StepState,
    agreement_for_month,
    agreement_in_force,
    apply,
    default_library,
    payment_export,
    replay,
    status,
)
from nara.discharge.model import payment_report as compute_payment_report
from nara.discharge.store import DischargeAckRow, DischargeEventRow, DischargeProcessRow, DischargeReceiverRow
from nara.live.service import Broker, announce
from nara.plans import service as plans_service
from nara.plans.model import AddTeamMember, InviteUnit, SetMeeting, TeamRole
from nara.plans.service import InAppNotifier, Notification, Notifier

DEFAULT_NOTIFIER: Notifier = InAppNotifier()
WORKLIST_LIMIT = 500
NOTE_MAX_LENGTH = 4000
BACKDATE_LIMIT = timedelta(days=30)  # how far back an admission or a discharge may be registered
SOURCE_PREFIX = "discharge:"
LIVE_KIND = "utskrivning"
ENDED_PHASES = frozenset({ProcessPhase.COMPLETED, ProcessPhase.CANCELLED, ProcessPhase.INTERRUPTED})
PENDING = frozenset({StepState.OPEN, StepState.SOON_DUE, StepState.OVERDUE})
WARD_KINDS = frozenset({UnitKind.VARDAVDELNING.value})
_ASSIGN = ""  # a message id the service assigns when it stores the event ("m<seq>")

# Unit kinds that can receive, and their role (DOMAIN §4: "the units concerned"). A vårdcentral is the
# conductor (VARDCENTRAL) when the person is listed there, other region outpatient care otherwise.
_MUNICIPAL_ROLES = {
    UnitKind.HEMSJUKVARD.value: ReceiverRole.HEMSJUKVARD,
    UnitKind.HEMTJANST.value: ReceiverRole.HEMTJANST,
    UnitKind.SOCIALTJANST.value: ReceiverRole.BISTANDSHANDLAGGNING,
    UnitKind.SABO.value: ReceiverRole.OTHER_MUNICIPAL,
}


# --- what the service returns ----------------------------------------------------------------------------------------


class UnitOut(BaseModel):
    id: int
    name: str
    kind: str
    hospital: str | None = Field(description="Sjukhuset, för en vårdavdelning")
    phone: str | None
    provider_id: int
    provider_name: str


class PersonOut(BaseModel):
    id: int
    name: str
    identifier_display: str
    address: str | None = Field(description="Utelämnas för skyddad identitet och när reglerna säger det")
    address_hidden: bool
    synthetic: bool


class ReceiverOut(BaseModel):
    unit: UnitOut
    role: ReceiverRole
    role_label: str
    principal: Principal
    added_at: datetime | None = None


class CareContactOut(BaseModel):
    """Fast vårdkontakt (DOMAIN §4, §6)."""

    staff_id: int
    name: str
    profession: str
    unit: UnitOut
    appointed_at: datetime | None


class AckOut(BaseModel):
    unit_id: int
    unit_name: str
    acknowledged_at: datetime | None
    escalated: bool = Field(description="Kvittens saknas längre än överenskommelsen tillåter")


class MessageOut(BaseModel):
    id: str
    kind: MessageKind
    label: str
    sent_at: datetime
    from_unit_id: int | None
    from_unit_name: str | None
    author_name: str
    note: str | None
    estimated_discharge: date | None = None
    sip_at: datetime | None = None
    receipts: list[AckOut]


class StepOut(BaseModel):
    step: Step
    label: str
    state: StepState
    state_label: str
    party: Party
    due_at: datetime | None
    last_day: date | None
    provisional: bool = Field(description="Vilar på beräknat utskrivningsdatum och flyttas när det ändras")
    done_at: datetime | None
    basis: str | None = Field(description="Varifrån tidsgränsen kommer (överenskommelsen)")
    mine: bool = Field(False, description="Din enhet ska göra steget")


class EventOut(BaseModel):
    seq: int
    kind: str
    label: str
    at: datetime
    recorded_at: datetime
    author_name: str
    unit_id: int | None
    unit_name: str | None
    message_id: str | None
    note: str | None


class ProcessView(BaseModel):
    """One process as a party sees it: the person, the parties, every step with its due time under the agreement,
    every message with each unit's kvittens, the history with who and when, and what the reader's unit may do."""

    id: int
    version: int
    person: PersonOut
    ward: UnitOut
    phase: ProcessPhase
    phase_label: str
    agreement_key: str
    agreement_name: str
    home_municipality: str
    admitted_at: datetime
    needs_assessed_at: datetime | None
    estimated_discharge: date | None
    estimates: list[date] = Field(description="Varje beräknat utskrivningsdatum som meddelats, i ordning")
    receivers: list[ReceiverOut]
    proposed_receivers: list[ReceiverOut] = Field(
        description="Mottagare från katalogen, innan inskrivningsmeddelandet har skickats")
    steps: list[StepOut]
    messages: list[MessageOut]
    unacknowledged_mine: list[str] = Field(description="Meddelanden som din enhet ska kvittera")
    escalated: bool
    sip_needed: bool
    care_contact: CareContactOut | None
    sip_plan_id: int | None
    sip_at: datetime | None
    ready_at: datetime | None
    discharged_at: datetime | None
    patient_informed_at: datetime | None
    ended_at: datetime | None
    closed_at: datetime | None
    interruption: InterruptionReason | None
    events: list[EventOut]
    my_roles: list[str] = Field(description="Din enhets roll i processen: ward och mottagarroller")
    actions: list[str] = Field(description="Det din enhet kan registrera nu (namnen på API:ets åtgärder)")
    blocked: list[str]
    via_emergency: bool


class WorkItem(BaseModel):
    """One row of a unit's worklist. ``access`` is None when the process could be shown, otherwise the reason
    code of the denial (logged), and only the process id is given."""

    process_id: int
    access: str | None
    roles: list[str] = Field(default_factory=list)
    person_id: int | None = None
    person_name: str | None = None
    identifier_display: str | None = None
    phase: ProcessPhase | None = None
    phase_label: str | None = None
    ward_name: str | None = None
    admitted_at: datetime | None = None
    estimated_discharge: date | None = None
    due: list[StepOut] = Field(default_factory=list, description="Steg som ska göras: att göra, snart försenade, "
                                                                   "försenade")
    next_due: StepOut | None = None
    overdue: int = 0
    soon_due: int = 0
    unacknowledged_mine: int = Field(0, description="Meddelanden din enhet inte har kvitterat")
    awaiting_receipts: int = Field(0, description="Kvittenser som mottagarna inte har gett")
    escalated: bool = False
    sip_at: datetime | None = None
    updated_at: datetime | None = None
    version: int | None = None


class ProcessSummary(BaseModel):
    id: int
    phase: ProcessPhase
    phase_label: str
    ward_name: str
    admitted_at: datetime
    estimated_discharge: date | None
    discharged_at: datetime | None
    closed_at: datetime | None


class ResidentProcessView(BaseModel):
    """What the resident reads about their own discharge: where, when, who the fast vårdkontakt is and when the
    SIP is (patientlagen 3 kap. 2 b §, DOMAIN §4)."""

    id: int
    ward: UnitOut
    phase: ProcessPhase
    phase_label: str
    admitted_at: datetime
    estimated_discharge: date | None
    discharged_at: datetime | None
    care_contact: CareContactOut | None
    sip_at: datetime | None
    sip_plan_id: int | None
    patient_informed_at: datetime | None


class PaymentDayOut(BaseModel):
    day: date
    kind: str
    label: str
    period: int
    kronor: int


class PaymentPatientOut(BaseModel):
    process_id: int
    patient: str = Field(description="Personnummer och namn, eller processnummer när reglerna inte tillåter mer")
    identified: bool
    person_id: int | None
    care: str = Field(description="somatic eller psychiatric (sluten psykiatrisk vård)")
    care_label: str
    pays: bool
    reason: str | None
    reason_label: str | None
    admitted_at: datetime
    admission_notice_received_at: datetime | None
    ready_notices: list[datetime]
    not_ready_at: list[datetime]
    ended_at: datetime | None
    ended_by: str | None
    free_days: int
    counted_days: int
    payable_days: int
    kronor: int
    days: list[PaymentDayOut]


class PaymentMunicipalityOut(BaseModel):
    municipality: str
    name: str
    counted_days: int
    episodes: int
    average: float
    payable_days: int
    kronor: int
    patients: list[PaymentPatientOut]


class PaymentReportView(BaseModel):
    month: str
    month_label: str
    as_of: datetime
    complete: bool = Field(description="Månaden är slut; annars preliminär")
    agreement_key: str
    agreement_name: str
    model: str
    model_label: str
    limit_days: int
    psychiatric_limit_days: int | None = Field(description="Fria dagar i psykiatrisk vård, när de skiljer sig")
    amount_per_day: int = Field(description="Belopp per dag i kronor för månadens år")
    amount_source: str = Field(description="Varifrån beloppet per dag kommer")
    payable_days: int
    kronor: int
    municipalities: list[PaymentMunicipalityOut]


@dataclass(frozen=True, slots=True)
class PaymentResult:
    """The report as computed (for the CSV/XLSX writers) and as shown."""

    report: PaymentReport
    view: PaymentReportView


# --- small helpers ---------------------------------------------------------------------------------------------------


def _purpose(actor: Actor) -> Purpose:
    return Purpose.EGEN_INSYN if actor.role is Role.RESIDENT else Purpose.VARD


def _note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationFailed("discharge.note.too_long", length=NOTE_MAX_LENGTH)
    return text or None


def _source(process_id: int) -> str:
    return f"{SOURCE_PREFIX}{process_id}"


def _agreement(row: DischargeProcessRow) -> Agreement:
    return default_library().get(row.agreement_key)


def _load(session: Session, process_id: int, *, lock: bool = False) -> DischargeProcessRow:
    query = select(DischargeProcessRow).where(DischargeProcessRow.id == process_id)
    if lock:
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None:
        raise NotFound("discharge.not_found")
    return row


def _events(rows: Sequence[DischargeEventRow]) -> list[Event]:
    return [store.decode_event(r.kind, r.at, r.data) for r in rows]


def _unit_outs(session: Session, unit_ids: set[int]) -> dict[int, UnitOut]:
    if not unit_ids:
        return {}
    found = directory.units(session, unit_ids)
    providers = directory.providers(session, {u.provider_id for u in found.values()})
    return {u.id: UnitOut(id=u.id, name=u.name, kind=u.kind, hospital=u.parent_name, phone=u.phone,
                          provider_id=u.provider_id, provider_name=providers[u.provider_id].name)
            for u in found.values() if u.provider_id in providers}


def _identifier(person: Any) -> str:
    return PersonIdentifier(IdentifierKind(person.identifier_kind), person.identifier).display()


def _receiver_out(unit: UnitOut, role: ReceiverRole, added_at: datetime | None = None) -> ReceiverOut:
    return ReceiverOut(unit=unit, role=role, role_label=t(f"discharge.role.{role}"), principal=role.principal,
                       added_at=added_at)


# --- access ----------------------------------------------------------------------------------------------------------


def _party_providers(row: DischargeProcessRow, receivers: Sequence[DischargeReceiverRow]) -> set[int]:
    return {row.provider_id} | {r.provider_id for r in receivers}


def read_owner(actor: Actor, row: DischargeProcessRow, receivers: Sequence[DischargeReceiverRow]) -> int:
    """Whose record ``actor`` reads the process in (module docstring): their own provider's copy when that
    provider is a party of the process, else the ward's provider's record."""
    if actor.role is Role.STAFF and actor.provider_id in _party_providers(row, receivers):
        return actor.provider_id  # type: ignore[return-value]
    return row.provider_id


def _authorize_read(session: Session, actor: Actor, clock: Clock, row: DischargeProcessRow,
                    receivers: Sequence[DischargeReceiverRow], action: AuditAction = AuditAction.READ) -> Decision:
    return authorize(session, actor, row.person_id, InformationCategory.UTSKRIVNING, action, _purpose(actor), clock,
                     owner_provider_id=read_owner(actor, row, receivers), resource=("discharge", row.id),
                     social_scope=_receiver_row(actor, receivers) is not None)


def _authorize_write(session: Session, actor: Actor, clock: Clock, row: DischargeProcessRow,
                     receivers: Sequence[DischargeReceiverRow] = ()) -> Decision:
    """One WRITE in the actor's own provider's record; residents and other roles are refused (logged). What is
    addressed to the actor's unit is in social scope: social services reach that and no more (nara.access.roles)."""
    decision, attempt = evaluate(session, actor, row.person_id, InformationCategory.UTSKRIVNING, AuditAction.WRITE,
                                 _purpose(actor), clock, owner_provider_id=actor.provider_id or row.provider_id,
                                 resource=("discharge", row.id),
                                 social_scope=_receiver_row(actor, receivers) is not None)
    if decision.allowed and actor.role is not Role.STAFF:
        decision = decision.refused(Reason.STAFF_ONLY)
    return conclude(session, attempt, decision)


def _is_ward(actor: Actor, row: DischargeProcessRow) -> bool:
    """A ward of the recording provider acts for the ward (the admitting ward, or one the patient moved to)."""
    return actor.unit_id is not None and (
        actor.unit_id == row.ward_unit_id
        or (actor.unit_kind in WARD_KINDS and actor.provider_id == row.provider_id))


def _receiver_row(actor: Actor, receivers: Sequence[DischargeReceiverRow]) -> DischargeReceiverRow | None:
    return next((r for r in receivers if r.unit_id == actor.unit_id), None)


def _is_outpatient(actor: Actor, receivers: Sequence[DischargeReceiverRow]) -> bool:
    mine = _receiver_row(actor, receivers)
    return mine is not None and ReceiverRole(mine.role).principal is Principal.REGION


def _require(ok: bool, key: str) -> None:
    if not ok:
        raise Forbidden(key)


# --- the directory: who receives -------------------------------------------------------------------------------------


def receiver_role(session: Session, unit: Any, person_id: int, on: date) -> ReceiverRole:
    """The role ``unit`` has as a receiver for the person; ValidationFailed when it cannot receive."""
    if unit.kind in _MUNICIPAL_ROLES:
        return _MUNICIPAL_ROLES[unit.kind]
    if unit.kind == UnitKind.VARDCENTRAL.value:
        listing = current_listing(session, person_id, on)
        return ReceiverRole.VARDCENTRAL if listing is not None and listing.unit_id == unit.id \
            else ReceiverRole.OTHER_OUTPATIENT
    raise ValidationFailed("discharge.receiver.kind", unit=unit.name)


def find_receivers(session: Session, person_id: int, on: date) -> list[tuple[Any, ReceiverRole]]:
    """The units concerned, from the directory (DOMAIN §4): the vårdcentral the person is listed at, the
    municipality's hemsjukvård, hemtjänst and biståndshandläggning (socialtjänst) of the person's
    folkbokföringskommun (the first of each kind by name, a municipal care provider's), and the SäBo the person
    lives at. Not an access check: the callers have made one."""
    person = directory.person(session, person_id)
    found: list[tuple[Any, ReceiverRole]] = []
    listing = current_listing(session, person_id, on)
    if listing is not None:
        found.append((listing.unit, ReceiverRole.VARDCENTRAL))
    if person is not None and person.kommun_code:
        for kind in (UnitKind.HEMSJUKVARD, UnitKind.HEMTJANST, UnitKind.SOCIALTJANST):
            units = [u for u in find_units(session, kind, person.kommun_code)
                     if u.provider.kind == ProviderKind.KOMMUN.value]
            if units:
                found.append((units[0], _MUNICIPAL_ROLES[kind.value]))
    sabo = current_sabo(session, person_id, on)
    if sabo is not None and all(u.id != sabo.unit_id for u, _ in found):
        found.append((sabo.unit, ReceiverRole.OTHER_MUNICIPAL))
    return found


def _receivers_for(session: Session, row: DischargeProcessRow, unit_ids: Sequence[int] | None,
                   today: date) -> list[tuple[Any, ReceiverRole]]:
    if unit_ids is None:
        found = find_receivers(session, row.person_id, today)
        if not found:
            raise ValidationFailed("discharge.no_receivers")
        return found
    out: list[tuple[Any, ReceiverRole]] = []
    for unit_id in dict.fromkeys(unit_ids):
        unit = directory.unit(session, unit_id)
        if unit is None:
            raise NotFound("discharge.receiver.not_found", unit=unit_id)
        out.append((unit, receiver_role(session, unit, row.person_id, today)))
    if not out:
        raise ValidationFailed("discharge.no_receivers")
    return out


# --- recording events ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _New:
    """An event to store, with the text of its message (if any)."""

    event: Event
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Outlets:
    """Where a change is told: the live broker (None: nobody listens) and the notifier."""

    broker: Broker | None = None
    notifier: Notifier = DEFAULT_NOTIFIER


def _assign_ids(new: Sequence[_New], first_seq: int) -> list[_New]:
    out = []
    for offset, item in enumerate(new):
        event = item.event
        if getattr(event, "message_id", None) == _ASSIGN:
            event = dataclasses.replace(event, message_id=f"m{first_seq + offset}")  # type: ignore[type-var]
        out.append(_New(event, item.note))
    return out


def _sent_id(event: Event) -> str | None:
    """The id of the message ``event`` sends (events with addressees); None for the others — an Acknowledged
    names the message it acknowledges, which it does not send."""
    return getattr(event, "message_id", None) if hasattr(event, "to") else None


def _message_to(event: Event) -> tuple[str, ...]:
    return tuple(getattr(event, "to", ())) if _sent_id(event) is not None else ()


def _added_receivers(event: Event) -> tuple[Receiver, ...]:
    if isinstance(event, ReceiversAdded | AdmissionNoticeSent):
        return event.receivers
    return ()


def _record(session: Session, actor: Actor, clock: Clock, row: DischargeProcessRow,
            history: list[Event], new: Sequence[_New], receivers: list[DischargeReceiverRow],
            outlets: Outlets) -> tuple[list[Event], ProcessState]:
    """Validate ``new`` against the history (the pure state machine), store it with who and when, derive the
    row's columns, start and end care relationships, notify and announce. Returns the whole history and state."""
    now = clock.now()
    new = _assign_ids(new, row.version + 1)
    state: ProcessState | None = replay(history) if history else None
    events = list(history)
    for item in new:
        state = apply(state, item.event)
        events.append(item.event)
    assert state is not None
    known = {r.unit_id for r in receivers}
    added_units: list[int] = []
    seq = row.version
    for item in new:
        seq += 1
        event = item.event
        message_id = _sent_id(event)
        session.add(DischargeEventRow(
            process_id=row.id, seq=seq, kind=event.name, at=event.at, data=store.encode_event(event),
            message_id=message_id, note=item.note, recorded_at=now, account_id=actor.account_id,
            author_name=actor.display_name[:200], staff_id=actor.staff_id, staff_hsa_id=actor.staff_hsa_id,
            unit_id=actor.unit_id if actor.role is Role.STAFF else None))
        for receiver in _added_receivers(event):
            unit_id = int(receiver.unit_id)
            if unit_id in known:
                continue
            unit = directory.unit(session, unit_id)
            assert unit is not None  # checked when the receivers were chosen
            receiver_row = DischargeReceiverRow(process_id=row.id, unit_id=unit_id, role=receiver.role.value,
                                                provider_id=unit.provider_id, added_at=event.at)
            session.add(receiver_row)
            receivers.append(receiver_row)
            known.add(unit_id)
            added_units.append(unit_id)
        kind = state.messages[message_id].kind if message_id is not None else None
        for unit in _message_to(event):
            session.add(DischargeAckRow(process_id=row.id, message_id=message_id, unit_id=int(unit),
                                        kind=kind.value if kind else "", sent_at=event.at))
        if isinstance(event, Acknowledged):
            ack = session.get(DischargeAckRow, (row.id, event.message_id, int(event.unit_id)))
            if ack is not None and ack.acknowledged_at is None:
                ack.acknowledged_at, ack.acknowledged_by = event.at, actor.account_id
    row.version = seq
    newly_closed = _derive(row, state, events, now)
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        raise Conflict("discharge.concurrent") from None
    for unit_id in added_units:
        _start_relationship(session, actor, clock, row, unit_id)
    if newly_closed:
        _end_relationships(session, actor, clock, row)
    _tell(session, actor, row, receivers, state, new, now, outlets)
    return events, state


def _derive(row: DischargeProcessRow, state: ProcessState, events: list[Event], now: datetime) -> bool:
    """The row's derived columns from the state; True when the process closed just now (module docstring)."""
    row.phase = state.phase.value
    row.estimated_discharge = state.estimated_discharge
    row.first_ready_at = state.ready_periods[0].notice_at if state.ready_periods else None
    row.ready_at = state.current_ready_notice_at
    row.discharged_at = state.discharged_at
    row.ended_at = state.ended_at
    if state.care_contact is not None:
        row.care_contact_unit_id, row.care_contact_staff_id = int(state.care_contact[0]), int(state.care_contact[1])
    row.care_contact_at = state.care_contact_appointed_at
    row.sip_invited_at = state.sip_invitation_at
    row.sip_at = state.sip_at
    view = status(events, _agreement(row), max(now, state.last_event_at or now))
    pending = [s for s in view.steps if s.state in PENDING and s.deadline is not None]
    row.next_due_at = min((s.deadline.due_at for s in pending), default=None)  # type: ignore[union-attr]
    row.updated_at = now
    closed = state.phase in ENDED_PHASES and not pending and not view.unacknowledged
    if closed and row.closed_at is None:
        row.closed_at = now
        return True
    return False


def _start_relationship(session: Session, actor: Actor, clock: Clock, row: DischargeProcessRow,
                        unit_id: int) -> None:
    if not access.current_relationships(session, row.person_id, _source(row.id), clock.now(), unit_id):
        access.start_care_relationship(session, actor, clock, person_id=row.person_id,
                                       kind=RelationshipKind.ADMISSION, unit_id=unit_id, source_ref=_source(row.id))


def _end_relationships(session: Session, actor: Actor, clock: Clock, row: DischargeProcessRow) -> None:
    """When the process ends, so do the ADMISSION relationships it gave: the acting unit ends its own now (logged);
    another unit's is not ended by someone else (DOMAIN §5) but runs out with its source, after the follow-up
    time the parties still need (nara.access.service.expire_with_source)."""
    now = clock.now()
    for relationship in access.current_relationships(session, row.person_id, _source(row.id), now):
        if relationship.unit_id == actor.unit_id:
            access.end_care_relationship(session, actor, clock, relationship.id)
    access.expire_with_source(session, clock, person_id=row.person_id, source_ref=_source(row.id))


def _tell(session: Session, actor: Actor, row: DischargeProcessRow, receivers: Sequence[DischargeReceiverRow],
          state: ProcessState, new: Sequence[_New], now: datetime, outlets: Outlets) -> None:
    """In-app notifications (no person data to units) and the live announcements."""
    by = actor.unit_name or actor.display_name
    notifier = outlets.notifier
    parties = [row.ward_unit_id, *(r.unit_id for r in receivers)]

    def to_unit(unit_id: int, kind: str, text: str) -> None:
        if unit_id != actor.unit_id:
            notifier.deliver(session, Notification(person_id=row.person_id, kind=kind, text=text, created_at=now,
                                                   plan_id=row.sip_plan_id if kind == "discharge_sip" else None,
                                                   recipient_unit_id=unit_id))

    for item in new:
        event = item.event
        message_id = _sent_id(event)
        if message_id is not None:
            kind = state.messages[message_id].kind
            text = t("discharge.notify.message", what=t(f"discharge.kind.{kind}"), process=row.id, by=by)
            for unit in _message_to(event):
                to_unit(int(unit), "discharge_sip" if kind is MessageKind.SIP_INVITATION else "discharge_message",
                        text)
        elif isinstance(event, CareContactAppointed):
            for unit in parties:
                to_unit(unit, "discharge_changed", t("discharge.notify.care_contact", process=row.id, by=by))
        elif isinstance(event, Discharged):
            for unit in parties:
                to_unit(unit, "discharge_changed", t("discharge.notify.discharged", process=row.id, by=by))
        elif isinstance(event, PatientInformed):
            _tell_resident(session, row, state, now, notifier)
    announce(session, outlets.broker, [f"unit:{u}" for u in dict.fromkeys(parties)], LIVE_KIND, _source(row.id))
    announce(session, outlets.broker, [f"person:{row.person_id}"], LIVE_KIND, _source(row.id))


def _tell_resident(session: Session, row: DischargeProcessRow, state: ProcessState, now: datetime,
                   notifier: Notifier) -> None:
    """Patientlagen 3 kap. 2 b §: who the fast vårdkontakt is and when the SIP is, in the resident's own feed."""
    units = _unit_outs(session, {row.ward_unit_id})
    contact = _care_contact(session, row)
    care_contact = (f"{contact.name}, {contact.unit.name}" + (f", {contact.unit.phone}" if contact.unit.phone else "")
                    if contact else t("discharge.notify.none"))
    sip = local_minute(state.sip_at) if state.sip_at else t("discharge.notify.none")
    text = t("discharge.notify.resident_informed", ward=units[row.ward_unit_id].name, care_contact=care_contact,
             sip=sip)
    for account_id in resident_account_ids(session, row.person_id):
        notifier.deliver(session, Notification(person_id=row.person_id, kind="discharge_informed", text=text,
                                               created_at=now, plan_id=row.sip_plan_id,
                                               recipient_account_id=account_id))


def _care_contact(session: Session, row: DischargeProcessRow) -> CareContactOut | None:
    if row.care_contact_staff_id is None or row.care_contact_unit_id is None:
        return None
    staff = directory.staff_member(session, row.care_contact_staff_id)
    unit = _unit_outs(session, {row.care_contact_unit_id}).get(row.care_contact_unit_id)
    if staff is None or unit is None:
        return None
    return CareContactOut(staff_id=staff.id, name=staff.full_name, profession=staff.profession, unit=unit,
                          appointed_at=row.care_contact_at)


# --- writing ---------------------------------------------------------------------------------------------------------


def _check_past(at: datetime, now: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValidationFailed("error.validation")
    if at > now:
        raise ValidationFailed("discharge.time.future")
    if at < now - BACKDATE_LIMIT:
        raise ValidationFailed("discharge.time.too_early", days=BACKDATE_LIMIT.days)
    return at


def _change(session: Session, actor: Actor, clock: Clock, process_id: int, outlets: Outlets,
            rule: Callable[[DischargeProcessRow, list[DischargeReceiverRow]], None],
            build: Callable[[DischargeProcessRow, list[DischargeReceiverRow], ProcessState], Sequence[_New]],
            ) -> ProcessView:
    """The frame of every write: lock the process, WRITE through the policy (one entry), the step's own rule
    (``rule`` raises Forbidden), build the events from the current state, record them, return the view."""
    row = _load(session, process_id, lock=True)
    receivers = store.receivers_of(session, [row.id])[row.id]
    decision = _authorize_write(session, actor, clock, row, receivers)
    rule(row, receivers)
    history = _events(store.events_of(session, [row.id])[row.id])
    new = build(row, receivers, replay(history))
    _record(session, actor, clock, row, history, new, receivers, outlets)
    return _view(session, actor, clock, row, receivers, decision)


def _ward_rule(actor: Actor) -> Callable[[DischargeProcessRow, list[DischargeReceiverRow]], None]:
    return lambda row, _receivers: _require(_is_ward(actor, row), "discharge.ward_only")


def _outpatient_rule(actor: Actor) -> Callable[[DischargeProcessRow, list[DischargeReceiverRow]], None]:
    return lambda _row, receivers: _require(_is_outpatient(actor, receivers), "discharge.outpatient_only")


def _all_receivers(state: ProcessState) -> tuple[str, ...]:
    return tuple(state.receivers)


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
    _require(actor.unit_kind in WARD_KINDS, "discharge.ward_only")
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
    region = LAW_DEFAULT_REGION
    if municipality:
        found = directory.municipality(session, municipality)
        region = (found.region.code if found is not None else None) or LAW_DEFAULT_REGION
    agreement = agreement_in_force(region, admitted_at)
    row = DischargeProcessRow(
        person_id=person_id, provider_id=actor.provider_id, ward_unit_id=actor.unit_id,
        home_municipality=municipality, region_code=region, agreement_key=agreement.key,
        phase=ProcessPhase.ADMITTED.value, admitted_at=admitted_at, version=0, alerted_steps="", created_at=now,
        created_by=actor.account_id, updated_at=now)
    session.add(row)
    session.flush()
    access.start_care_relationship(session, actor, clock, person_id=person_id, kind=RelationshipKind.ADMISSION,
                                   unit_id=actor.unit_id, source_ref=_source(row.id))
    new = [_New(Admitted(at=admitted_at, home_municipality=municipality, hospital_unit=str(actor.unit_id),
                         care=care))]
    receivers: list[DischargeReceiverRow] = []
    if estimated_discharge is not None:
        new.append(_notice(session, row, receiver_unit_ids, estimated_discharge, now, note))
    _record(session, actor, clock, row, [], new, receivers, outlets)
    return _view(session, actor, clock, row, receivers, decision)


def _notice(session: Session, row: DischargeProcessRow, receiver_unit_ids: Sequence[int] | None,
            estimated_discharge: date, now: datetime, note: str | None) -> _New:
    found = _receivers_for(session, row, receiver_unit_ids, now.astimezone(STOCKHOLM).date())
    receivers = tuple(Receiver(str(unit.id), role) for unit, role in found)
    return _New(AdmissionNoticeSent(at=now, message_id=_ASSIGN, receivers=receivers,
                                    estimated_discharge=estimated_discharge), _note(note))


def send_admission_notice(session: Session, actor: Actor, clock: Clock, process_id: int, *,
                          estimated_discharge: date, receiver_unit_ids: Sequence[int] | None = None,
                          note: str | None = None, outlets: Outlets = Outlets()) -> ProcessView:
    """Inskrivningsmeddelande (DOMAIN §4: within 24 hours of admission or of the later judgement) with the
    estimated discharge date, to ``receiver_unit_ids`` or to the receivers found in the directory
    (:func:`find_receivers`); each becomes a receiver with an ADMISSION care relationship. The ward only."""
    now = clock.now()
    return _change(session, actor, clock, process_id, outlets, _ward_rule(actor),
                   lambda row, _r, _s: [_notice(session, row, receiver_unit_ids, estimated_discharge, now, note)])


def record_needs_assessed(session: Session, actor: Actor, clock: Clock, process_id: int, *,
                          outlets: Outlets = Outlets()) -> ProcessView:
    """The doctor's judgement after admission that the patient may need interventions after discharge: the 24
    hours of the inskrivningsmeddelande count from now (DOMAIN §4). The ward only."""
    now = clock.now()
    return _change(session, actor, clock, process_id, outlets, _ward_rule(actor),
                   lambda _row, _r, _s: [_New(NeedsAssessed(at=now))])


def revise_estimate(session: Session, actor: Actor, clock: Clock, process_id: int, *, estimated_discharge: date,
                    note: str | None = None, outlets: Outlets = Outlets()) -> ProcessView:
    """A changed estimated discharge date, notified to every receiver "as soon as possible" (DOMAIN §4); due
    times that rest on it move. The ward only."""
    now = clock.now()
    return _change(session, actor, clock, process_id, outlets, _ward_rule(actor), lambda _row, _r, state: [
        _New(DischargeEstimateRevised(at=now, message_id=_ASSIGN, to=_all_receivers(state),
                                      estimated_discharge=estimated_discharge), _note(note))])


def add_receivers(session: Session, actor: Actor, clock: Clock, process_id: int, *, unit_ids: Sequence[int],
                  outlets: Outlets = Outlets()) -> ProcessView:
    """More receiving units (e.g. psychiatric outpatient care, a SäBo); each gets an ADMISSION care relationship
    and the messages from now on. The ward only."""
    now = clock.now()

    def build(row: DischargeProcessRow, receivers: list[DischargeReceiverRow], _state: ProcessState) -> list[_New]:
        found = _receivers_for(session, row, unit_ids, now.astimezone(STOCKHOLM).date())
        existing = {r.unit_id for r in receivers}
        for unit, _role in found:
            if unit.id in existing:
                raise Conflict("discharge.receiver.already", unit=unit.name)
        return [_New(ReceiversAdded(at=now, receivers=tuple(Receiver(str(u.id), role) for u, role in found)))]

    return _change(session, actor, clock, process_id, outlets, _ward_rule(actor), build)


def document_planning(session: Session, actor: Actor, clock: Clock, process_id: int, *, note: str | None = None,
                      outlets: Outlets = Outlets()) -> ProcessView:
    """Planeringsunderlag to every receiver (a deadline only where the agreement sets one). The ward only."""
    now = clock.now()
    return _change(session, actor, clock, process_id, outlets, _ward_rule(actor), lambda _row, _r, state: [
        _New(PlanningDocumented(at=now, message_id=_ASSIGN, to=_all_receivers(state)), _note(note))])


def appoint_care_contact(session: Session, actor: Actor, clock: Clock, process_id: int, *, staff_id: int,
                         outlets: Outlets = Outlets()) -> ProcessView:
    """The head of the outpatient unit appoints a fast vårdkontakt before discharge (DOMAIN §4, §6): a staff
    member of the actor's unit, which must be a region receiver of the process (the vårdcentral). A later
    appointment replaces the person; the first one is measured against the deadline."""
    now = clock.now()

    def build(_row: DischargeProcessRow, _r: list[DischargeReceiverRow], _s: ProcessState) -> list[_New]:
        staff = directory.staff_member(session, staff_id)
        if staff is None or all(a.unit_id != actor.unit_id for a in active_assignments(session, staff_id,
                                                                                     local_today(clock))):
            raise ValidationFailed("discharge.care_contact.not_staff")
        return [_New(CareContactAppointed(at=now, unit_id=str(actor.unit_id), staff_ref=str(staff.id)))]

    return _change(session, actor, clock, process_id, outlets, _outpatient_rule(actor), build)


def mark_ready(session: Session, actor: Actor, clock: Clock, process_id: int, *, note: str | None = None,
               judged_at: datetime | None = None, outlets: Outlets = Outlets()) -> ProcessView:
    """Utskrivningsklar (DOMAIN §4): the treating doctor's judgement, made at ``judged_at`` (earlier today or
    before; default now), and the ward's underrättelse of it to every receiver (the municipality and outpatient
    care), sent now — the notice's time, from the clock and never backdated, is what the SIP kallelse's 3 calendar
    days and the payment days count from. The ward only."""
    now = clock.now()
    judged = _check_past(judged_at, now) if judged_at is not None else None
    return _change(session, actor, clock, process_id, outlets, _ward_rule(actor), lambda _row, _r, state: [
        _New(ReadyForDischarge(at=now, message_id=_ASSIGN, to=_all_receivers(state), judged_at=judged),
             _note(note))])


def mark_not_ready(session: Session, actor: Actor, clock: Clock, process_id: int, *, note: str | None = None,
                   outlets: Outlets = Outlets()) -> ProcessView:
    """The patient became ill again and is no longer utskrivningsklar: the payment days stop. The ward only."""
    now = clock.now()
    return _change(session, actor, clock, process_id, outlets, _ward_rule(actor), lambda _row, _r, state: [
        _New(NoLongerReady(at=now, message_id=_ASSIGN, to=_all_receivers(state)), _note(note))])


def assess_sip_need(session: Session, actor: Actor, clock: Clock, process_id: int, *, needed: bool,
                    outlets: Outlets = Outlets()) -> ProcessView:
    """Whether a SIP is needed, overriding the default (both principals among the receivers), e.g. when the
    person does not consent (DOMAIN §3). The ward or the outpatient receiver."""
    now = clock.now()

    def rule(row: DischargeProcessRow, receivers: list[DischargeReceiverRow]) -> None:
        _require(_is_ward(actor, row) or _is_outpatient(actor, receivers), "discharge.ward_only")

    return _change(session, actor, clock, process_id, outlets, rule,
                   lambda _row, _r, _s: [_New(SipNeedAssessed(at=now, needed=needed))])


def send_sip_invitation(session: Session, actor: Actor, clock: Clock, process_id: int, *, sip_at: datetime,
                        place: str | None = None, video_link: str | None = None, note: str | None = None,
                        outlets: Outlets = Outlets()) -> ProcessView:
    """Kallelse till SIP (DOMAIN §3, §4: within 3 calendar days of the utskrivningsklar notice) from the
    outpatient receiver: the SIP plan is created through nara.plans.service.create_plan (kind sip) with an
    invitation to every other receiving unit, the meeting at ``sip_at`` and the fast vårdkontakt in its team; a
    later kallelse moves the meeting of the same plan. The message goes to the other receivers."""
    now = clock.now()
    if sip_at.tzinfo is None:
        raise ValidationFailed("error.validation")
    if sip_at < now:
        raise ValidationFailed("discharge.sip.in_past")

    def build(row: DischargeProcessRow, receivers: list[DischargeReceiverRow], state: ProcessState) -> list[_New]:
        others = [r.unit_id for r in receivers if r.unit_id != actor.unit_id]
        if not others:
            raise ValidationFailed("discharge.sip.no_receivers")
        # The state machine's refusals come before the plan is made (the transaction would roll it back anyway).
        apply(replay(_events(store.events_of(session, [row.id])[row.id])),
              SipInvitationSent(at=now, message_id="check", to=tuple(str(u) for u in others), sip_at=sip_at))
        try:
            meeting = SetMeeting(op="set_meeting", start=sip_at, place=place, video_link=video_link)
            operations: list[Any] = [meeting]
            if row.sip_plan_id is None:
                operations = [*(InviteUnit(op="invite_unit", unit_id=u) for u in others), meeting]
                if row.care_contact_staff_id is not None and row.care_contact_unit_id is not None:
                    operations.append(AddTeamMember(op="add_team_member", role=TeamRole.FAST_VARDKONTAKT,
                                                    staff_id=row.care_contact_staff_id,
                                                    unit_id=row.care_contact_unit_id))
        except PydanticValidationError:
            raise ValidationFailed("discharge.sip.invalid") from None
        if row.sip_plan_id is None:
            plan = plans_service.create_plan(session, actor, clock, person_id=row.person_id, kind="sip",
                                             operations=operations, notifier=outlets.notifier)
            row.sip_plan_id = plan.id
        else:
            version = plans_service.plan_version(session, row.sip_plan_id)
            plans_service.change_plan(session, actor, clock, row.sip_plan_id, version or 0, operations,
                                      outlets.notifier)
        return [_New(SipInvitationSent(at=now, message_id=_ASSIGN, to=tuple(str(u) for u in others),
                                       sip_at=sip_at), _note(note))]

    return _change(session, actor, clock, process_id, outlets, _outpatient_rule(actor), build)


def transfer_information(session: Session, actor: Actor, clock: Clock, process_id: int, *, note: str | None = None,
                         outlets: Outlets = Outlets()) -> ProcessView:
    """Informationsöverföring: what the receivers need, no later than the day of discharge (DOMAIN §4). The ward
    only."""
    now = clock.now()
    return _change(session, actor, clock, process_id, outlets, _ward_rule(actor), lambda _row, _r, state: [
        _New(InformationTransferred(at=now, message_id=_ASSIGN, to=_all_receivers(state)), _note(note))])


def discharge(session: Session, actor: Actor, clock: Clock, process_id: int, *, discharged_at: datetime | None = None,
              outlets: Outlets = Outlets()) -> ProcessView:
    """Utskrivning, now or at ``discharged_at`` (not before the last event). The receivers are told in the app.
    The ward only."""
    now = clock.now()
    at = _check_past(discharged_at or now, now)
    return _change(session, actor, clock, process_id, outlets, _ward_rule(actor),
                   lambda _row, _r, _s: [_New(Discharged(at=at))])


def inform_patient(session: Session, actor: Actor, clock: Clock, process_id: int, *,
                   outlets: Outlets = Outlets()) -> ProcessView:
    """The patient was told who the fast vårdkontakt is and when the SIP is (patientlagen 3 kap. 2 b §); the
    resident also gets it in their own notifications. The ward only."""
    now = clock.now()
    return _change(session, actor, clock, process_id, outlets, _ward_rule(actor),
                   lambda _row, _r, _s: [_New(PatientInformed(at=now))])


def cancel(session: Session, actor: Actor, clock: Clock, process_id: int, *, note: str | None = None,
           outlets: Outlets = Outlets()) -> ProcessView:
    """Makulera the process (e.g. registered in error, no interventions needed after all); the receivers get a
    message to acknowledge. Never pays. The ward only."""
    now = clock.now()

    def build(_row: DischargeProcessRow, _r: list[DischargeReceiverRow], state: ProcessState) -> list[_New]:
        to = _all_receivers(state)
        return [_New(Cancelled(at=now, message_id=_ASSIGN if to else None, to=to), _note(note))]

    return _change(session, actor, clock, process_id, outlets, _ward_rule(actor), build)


def interrupt(session: Session, actor: Actor, clock: Clock, process_id: int, *, reason: InterruptionReason | str,
              note: str | None = None, outlets: Outlets = Outlets()) -> ProcessView:
    """Avbryt: the patient died or was transferred to other inpatient care; the receivers get a message to
    acknowledge; the payment days stop. The ward only."""
    now = clock.now()
    why = InterruptionReason(reason)

    def build(_row: DischargeProcessRow, _r: list[DischargeReceiverRow], state: ProcessState) -> list[_New]:
        to = _all_receivers(state)
        return [_New(Interrupted(at=now, reason=why, message_id=_ASSIGN if to else None, to=to), _note(note))]

    return _change(session, actor, clock, process_id, outlets, _ward_rule(actor), build)


def acknowledge(session: Session, actor: Actor, clock: Clock, process_id: int, message_id: str, *,
                outlets: Outlets = Outlets()) -> ProcessView:
    """Kvittens: the actor's unit has received ``message_id``. A repeated kvittens keeps the first. The
    receiving units only."""
    now = clock.now()

    def build(_row: DischargeProcessRow, _r: list[DischargeReceiverRow], state: ProcessState) -> list[_New]:
        if message_id not in state.messages:
            raise NotFound("discharge.message.unknown", message=message_id)
        return [_New(Acknowledged(at=now, message_id=message_id, unit_id=str(actor.unit_id)))]

    return _change(session, actor, clock, process_id, outlets,
                   lambda _row, receivers: _require(_receiver_row(actor, receivers) is not None,
                                                    "discharge.receiver_only"), build)


def acknowledge_all(session: Session, actor: Actor, clock: Clock, process_id: int, *,
                    outlets: Outlets = Outlets()) -> ProcessView:
    """Kvittens of every message the actor's unit has not yet acknowledged in the process (one write)."""
    now = clock.now()

    def build(_row: DischargeProcessRow, _r: list[DischargeReceiverRow], state: ProcessState) -> list[_New]:
        mine = [m.message_id for m in state.messages.values()
                if str(actor.unit_id) in m.to and str(actor.unit_id) not in m.acknowledged]
        if not mine:
            raise Conflict("discharge.nothing_to_acknowledge")
        return [_New(Acknowledged(at=now, message_id=m, unit_id=str(actor.unit_id))) for m in mine]

    return _change(session, actor, clock, process_id, outlets,
                   lambda _row, receivers: _require(_receiver_row(actor, receivers) is not None,
                                                    "discharge.receiver_only"), build)


# --- reading ---------------------------------------------------------------------------------------------------------


def read_process(session: Session, actor: Actor, clock: Clock, process_id: int) -> ProcessView:
    """The process as a party sees it (module docstring on whose record), or the resident their own. One READ
    entry. Raises NotFound, AccessDenied."""
    row = _load(session, process_id)
    receivers = store.receivers_of(session, [row.id])[row.id]
    decision = _authorize_read(session, actor, clock, row, receivers)
    return _view(session, actor, clock, row, receivers, decision)


def _my_roles(actor: Actor, row: DischargeProcessRow, receivers: Sequence[DischargeReceiverRow]) -> list[str]:
    roles = ["ward"] if actor.role is Role.STAFF and _is_ward(actor, row) else []
    mine = _receiver_row(actor, receivers) if actor.role is Role.STAFF else None
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


def _view(session: Session, actor: Actor, clock: Clock, row: DischargeProcessRow,
          receivers: Sequence[DischargeReceiverRow], decision: Decision) -> ProcessView:
    now = clock.now()
    event_rows = store.events_of(session, [row.id])[row.id]
    events = _events(event_rows)
    agreement = _agreement(row)
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
    units = _unit_outs(session, unit_ids)
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
        person=PersonOut(id=person.id, name=person.full_name, identifier_display=_identifier(person),
                         address=None if hide else person.address, address_hidden=hide, synthetic=person.synthetic),
        ward=units[row.ward_unit_id], phase=state.phase, phase_label=t(f"discharge.phase.{state.phase}"),
        agreement_key=agreement.key, agreement_name=agreement.name, home_municipality=row.home_municipality,
        admitted_at=state.admitted_at, needs_assessed_at=state.needs_assessed_at,
        estimated_discharge=state.estimated_discharge, estimates=[d for _, d in state.estimates],
        receivers=[_receiver_out(units[r.unit_id], ReceiverRole(r.role), r.added_at) for r in receivers],
        proposed_receivers=[_receiver_out(units[u.id], role) for u, role in proposed],
        steps=[_step_out(s, agreement, roles) for s in view.steps], messages=messages, unacknowledged_mine=mine,
        escalated=view.escalated, sip_needed=state.sip_needed, care_contact=_care_contact(session, row),
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
            _authorize_read(session, actor, clock, row, receivers, AuditAction.SEARCH)
        except AccessDenied as exc:
            items.append(WorkItem(process_id=row.id, access=exc.decision.reason.value))
            continue
        events = _events(histories[row.id])
        state = replay(events)
        shown.append((row, status(events, _agreement(row), max(now, state.last_event_at or now)),
                      _my_roles(actor, row, receivers), state))
    persons = directory.persons(session, {row.person_id for row, *_ in shown})
    wards = _unit_outs(session, {row.ward_unit_id for row, *_ in shown})
    me = str(actor.unit_id)
    for row, view, roles, state in shown:
        agreement = _agreement(row)
        due = [_step_out(s, agreement, roles) for s in view.steps if s.state in PENDING]
        due.sort(key=lambda s: (s.due_at is None, s.due_at))
        person = persons[row.person_id]
        mine_due = [s for s in due if s.mine]
        items.append(WorkItem(
            process_id=row.id, access=None, roles=roles, person_id=person.id, person_name=person.full_name,
            identifier_display=_identifier(person), phase=view.phase, phase_label=t(f"discharge.phase.{view.phase}"),
            ward_name=wards[row.ward_unit_id].name, admitted_at=row.admitted_at,
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
                  _purpose(actor), clock, resource=("discharge", None))
        return []
    all_receivers = store.receivers_of(session, [r.id for r in rows])
    wards = _unit_outs(session, {r.ward_unit_id for r in rows})
    shown: list[ProcessSummary] = []
    denial: AccessDenied | None = None
    for row in rows:
        try:
            _authorize_read(session, actor, clock, row, all_receivers[row.id])
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
    wards = _unit_outs(session, {r.ward_unit_id for r in rows})
    out = []
    for row in rows:
        authorize(session, actor, row.person_id, InformationCategory.UTSKRIVNING, AuditAction.READ,
                  Purpose.EGEN_INSYN, clock, owner_provider_id=row.provider_id, resource=("discharge", row.id))
        phase = ProcessPhase(row.phase)
        patient_informed = session.scalar(select(DischargeEventRow.at).where(
            DischargeEventRow.process_id == row.id, DischargeEventRow.kind == PatientInformed.name).limit(1))
        out.append(ResidentProcessView(
            id=row.id, ward=wards[row.ward_unit_id], phase=phase, phase_label=t(f"discharge.phase.{phase}"),
            admitted_at=row.admitted_at, estimated_discharge=row.estimated_discharge,
            discharged_at=row.discharged_at, care_contact=_care_contact(session, row), sip_at=row.sip_at,
            sip_plan_id=row.sip_plan_id, patient_informed_at=patient_informed))
    return out


# --- escalation ------------------------------------------------------------------------------------------------------


def sweep_escalations(session: Session, clock: Clock, *, outlets: Outlets = Outlets(), limit: int = 5000) -> int:
    """Tell, once, about what has escalated since the last sweep: a message without kvittens for longer than the
    agreement's ``escalate_unacknowledged_after_hours`` (the receiving unit and the ward are notified), and a
    step past its due time (the party that must do it). Worklists show escalation at every read anyway; this
    puts it in the notification feed and on the live streams. A scheduled job, run by the platform (no actor,
    no person data in what it writes). Returns the number of notifications."""
    now = clock.now()
    notifier = outlets.notifier
    sent = 0
    ids = store.open_process_ids(session, limit)
    rows = {r.id: r for r in session.scalars(select(DischargeProcessRow).where(DischargeProcessRow.id.in_(ids)))}
    histories = store.events_of(session, ids)
    all_receivers = store.receivers_of(session, ids)
    for process_id in ids:
        row = rows[process_id]
        agreement = _agreement(row)
        touched: set[int] = set()
        acks = session.scalars(select(DischargeAckRow).where(
            DischargeAckRow.process_id == row.id, DischargeAckRow.acknowledged_at.is_(None),
            DischargeAckRow.escalated_at.is_(None), DischargeAckRow.sent_at <= now - agreement.ack_escalation)).all()
        for ack in acks:
            ack.escalated_at = now
            text = t("discharge.notify.escalated_ack", process=row.id, since=local_minute(ack.sent_at))
            for unit in {ack.unit_id, row.ward_unit_id}:
                notifier.deliver(session, Notification(person_id=row.person_id, kind="discharge_escalated",
                                                       text=text, created_at=now, recipient_unit_id=unit))
                touched.add(unit)
                sent += 1
        if row.next_due_at is not None and row.next_due_at < now:
            events = _events(histories[row.id])
            view = status(events, agreement, now)
            alerted = set(filter(None, row.alerted_steps.split(",")))
            outpatient = [r.unit_id for r in all_receivers[row.id]
                          if ReceiverRole(r.role).principal is Principal.REGION]
            for step in view.overdue:
                if step.step.value in alerted:
                    continue
                alerted.add(step.step.value)
                units = [row.ward_unit_id] if step.party is Party.WARD else outpatient
                text = t("discharge.notify.overdue", step=t(f"discharge.step.{step.step}"), process=row.id,
                         due=local_minute(step.due_at) if step.due_at else "")
                for unit in units:
                    notifier.deliver(session, Notification(person_id=row.person_id, kind="discharge_escalated",
                                                           text=text, created_at=now, recipient_unit_id=unit))
                    touched.add(unit)
                    sent += 1
            row.alerted_steps = ",".join(sorted(alerted))
        if touched:
            announce(session, outlets.broker, [f"unit:{u}" for u in sorted(touched)], LIVE_KIND, _source(row.id))
    return sent


# --- betalningsansvar ------------------------------------------------------------------------------------------------


class PaymentAmountUnknown(Conflict):
    """The amount per day of the month's year is not known: the report stops instead of using another year's."""

    code = "amount-unknown"


def _payment_gate(session: Session, actor: Actor, municipality: str) -> Any:
    """Staff of the municipality's care provider or of its region's (module docstring); Forbidden otherwise."""
    found = directory.municipality(session, municipality)
    if found is None:
        raise NotFound("discharge.municipality.not_found", code=municipality)
    if actor.role is not Role.STAFF or actor.provider_id is None or actor.unit_id is None:
        raise Forbidden("discharge.payment.forbidden")
    provider = directory.provider(session, actor.provider_id)
    party = provider is not None and (
        (provider.kind == ProviderKind.KOMMUN.value and provider.municipality_id == found.id)
        or (provider.kind == ProviderKind.REGION.value and provider.region_id == found.region_id))
    if not party:
        raise Forbidden("discharge.payment.forbidden")
    return found


def payment_report(session: Session, actor: Actor, clock: Clock, *, municipality: str, month: Period | str,
                   action: AuditAction = AuditAction.READ) -> PaymentResult:
    """Betalningsansvar of ``municipality`` (SCB kommun code) for ``month`` under the agreement in force on the
    month's first day for the municipality's region, from the stored processes, as they stand now (``as_of`` =
    the clock): per patient with the trail of dates (nara.discharge.model.payment). One audit entry per patient row
    (``action``: READ, or EXPORT for a download); see the module docstring for who may see it and when a row
    names the patient."""
    month = Period.parse(month) if isinstance(month, str) else month
    found = _payment_gate(session, actor, municipality)
    try:
        agreement = agreement_for_month(found.region.code, month)
    except AgreementError:
        raise ValidationFailed("discharge.payment.no_agreement", month=month.label) from None
    as_of = clock.now()
    rows = store.processes_for_payment(session, municipality, month.start, month.end)
    histories = store.events_of(session, [r.id for r in rows])
    cases = {r.id: _events(histories[r.id]) for r in rows}

    def pseudonym(process_id: int) -> str:
        return t("discharge.payment.pseudonym", process=process_id)

    def _compute(ref: Callable[[int], str]) -> PaymentReport:
        try:
            return compute_payment_report([DischargeCase(str(pid), ref(pid), ev) for pid, ev in cases.items()],
                                          agreement, month, as_of, municipalities=[municipality])
        except AmountUnknown as exc:  # never another year's amount (DOMAIN §4)
            raise PaymentAmountUnknown("discharge.payment.amount_unknown", month=month.label, year=exc.year,
                                       agreement=agreement.name) from None

    first = _compute(pseudonym)
    shown = [int(p.process_id) for m in first.municipalities for p in m.patients]
    by_id = {r.id: r for r in rows}
    all_receivers = store.receivers_of(session, shown)
    persons = directory.persons(session, {by_id[i].person_id for i in shown})
    refs: dict[int, str] = {}
    for process_id in shown:
        row = by_id[process_id]
        try:
            _authorize_read(session, actor, clock, row, all_receivers[process_id], action)
        except AccessDenied:
            continue
        person = persons[row.person_id]
        refs[process_id] = f"{_identifier(person)} {person.full_name}"
    report = _compute(lambda pid: refs.get(pid, pseudonym(pid)))
    names = {m.municipality: directory.municipality_name(session, m.municipality) or m.municipality
             for m in report.municipalities}
    return PaymentResult(report, _payment_view(report, refs, by_id, names))


def _payment_view(report: PaymentReport, refs: dict[int, str], rows: dict[int, DischargeProcessRow],
                  names: dict[str, str]) -> PaymentReportView:
    municipalities = []
    for m in report.municipalities:
        patients = []
        for p in m.patients:
            pid = int(p.process_id)
            patients.append(PaymentPatientOut(
                process_id=pid, patient=p.patient_ref, identified=pid in refs,
                person_id=rows[pid].person_id if pid in refs else None, care=p.care.value,
                care_label=t(f"discharge.care.{p.care}"), pays=p.pays,
                reason=p.reason.value if p.reason else None,
                reason_label=t(f"discharge.reason.{p.reason}") if p.reason else None, admitted_at=p.admitted_at,
                admission_notice_received_at=p.admission_notice_received_at, ready_notices=list(p.ready_notices),
                not_ready_at=list(p.not_ready_at), ended_at=p.ended_at,
                ended_by=p.ended_by.value if p.ended_by else None, free_days=p.free_days,
                counted_days=p.counted_days, payable_days=p.payable_days, kronor=p.kronor,
                days=[PaymentDayOut(day=d.day, kind=d.kind.value, label=t(f"discharge.day.{d.kind}"),
                                    period=d.period, kronor=d.kronor)
                      for d in p.days]))
        municipalities.append(PaymentMunicipalityOut(
            municipality=m.municipality, name=names.get(m.municipality, m.municipality),
            counted_days=m.counted_days, episodes=m.episodes, average=float(m.average),
            payable_days=m.payable_days, kronor=m.kronor, patients=patients))
    return PaymentReportView(
        month=str(report.month), month_label=report.month.label, as_of=report.as_of, complete=report.complete,
        agreement_key=report.agreement_key, agreement_name=report.agreement_name, model=report.model.value,
        model_label=t(f"discharge.model.{report.model}"), limit_days=report.limit_days,
        psychiatric_limit_days=report.psychiatric_limit_days, amount_per_day=report.amount.kronor,
        amount_source=payment_export.amount_source(report), payable_days=report.payable_days, kronor=report.kronor,
        municipalities=municipalities)


def payment_csv(session: Session, actor: Actor, clock: Clock, *, municipality: str, month: Period | str,
                table: str = "patients") -> str:
    """One table of the report (summary, patients or days) as CSV (nara.discharge.model.payment_export); one EXPORT
    entry per patient."""
    if table not in payment_export.TABLES:
        raise ValidationFailed("error.validation")
    result = payment_report(session, actor, clock, municipality=municipality, month=month, action=AuditAction.EXPORT)
    return payment_export.csv_text(result.report, table)


def payment_xlsx(session: Session, actor: Actor, clock: Clock, *, municipality: str, month: Period | str) -> bytes:
    """The report as an XLSX workbook (three sheets); one EXPORT entry per patient."""
    result = payment_report(session, actor, clock, municipality=municipality, month=month, action=AuditAction.EXPORT)
    stream = io.BytesIO()
    payment_export.write_xlsx(result.report, stream)
    return stream.getvalue()
