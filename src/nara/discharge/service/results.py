"""What the discharge service returns: the process, the worklist, the resident's view, the payment report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, Field

from nara.discharge.model import (
    InterruptionReason,
    MessageKind,
    Party,
    PaymentReport,
    Principal,
    ProcessPhase,
    ReceiverRole,
    Step,
    StepState,
)


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


@dataclass(frozen=True, slots=True)
class PaymentFile:
    """A download of the payment report, the same from the API and the pages: its bytes, media type and name."""

    content: bytes
    media_type: str
    filename: str

