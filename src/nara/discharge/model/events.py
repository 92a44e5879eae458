"""The vocabulary of the discharge process (lag (2017:612), DOMAIN §4): principals, receiver roles, parties,
phases, and the events a process's history is made of (:mod:`nara.discharge.model.process` folds them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from nara.core.errors import Conflict
from nara.discharge.model.agreement import CareType, Step

# --- vocabulary ----------------------------------------------------------------------------------------------


class Principal(StrEnum):
    """Huvudman."""

    REGION = "region"
    MUNICIPALITY = "municipality"


class ReceiverRole(StrEnum):
    """What a receiving unit is in the process (DOMAIN §4: "the units concerned")."""

    VARDCENTRAL = "vardcentral"  # the person's vårdcentral (via listing): region outpatient care, "the conductor"
    OTHER_OUTPATIENT = "other_outpatient"  # other region outpatient care, e.g. psychiatry
    HEMSJUKVARD = "hemsjukvard"  # municipal home health care
    HEMTJANST = "hemtjanst"  # home help
    BISTANDSHANDLAGGNING = "bistandshandlaggning"  # needs assessment of social services
    OTHER_MUNICIPAL = "other_municipal"  # e.g. SäBo, other social services

    @property
    def principal(self) -> Principal:
        if self in (ReceiverRole.VARDCENTRAL, ReceiverRole.OTHER_OUTPATIENT):
            return Principal.REGION
        return Principal.MUNICIPALITY


class Party(StrEnum):
    """Who must act on a step: whose worklist shows it as theirs."""

    WARD = "ward"  # sluten vård: the hospital ward
    OUTPATIENT = "outpatient"  # the region's outpatient care (the fast vårdkontakt)


STEP_PARTY: dict[Step, Party] = {
    Step.ADMISSION_NOTICE: Party.WARD,
    Step.PLANNING_DOCUMENTATION: Party.WARD,
    Step.CARE_CONTACT: Party.OUTPATIENT,  # the head of the outpatient unit appoints (DOMAIN §4)
    Step.SIP_INVITATION: Party.OUTPATIENT,  # the fast vårdkontakt sends it (DOMAIN §4)
    Step.INFORMATION_TRANSFER: Party.WARD,
    Step.PATIENT_INFORMED: Party.WARD,
}


class InterruptionReason(StrEnum):
    DIED = "died"  # patienten avled
    TRANSFERRED = "transferred"  # överflyttad till annan sluten vård


class ProcessPhase(StrEnum):
    ADMITTED = "admitted"  # inskriven, inget inskrivningsmeddelande ännu
    NOTIFIED = "notified"  # inskrivningsmeddelande skickat: planering pågår
    READY = "ready"  # utskrivningsklar
    DISCHARGED = "discharged"  # utskriven
    COMPLETED = "completed"  # utskriven och patienten informerad
    CANCELLED = "cancelled"  # makulerad
    INTERRUPTED = "interrupted"  # avbruten: avliden eller överflyttad


OPEN_PHASES = frozenset({ProcessPhase.ADMITTED, ProcessPhase.NOTIFIED, ProcessPhase.READY})
AFTER_DISCHARGE = frozenset({ProcessPhase.DISCHARGED, ProcessPhase.COMPLETED})
ANY_PHASE = frozenset(ProcessPhase)


class PeriodEnd(StrEnum):
    """How a period as utskrivningsklar ended."""

    NOT_READY = "not_ready"
    DISCHARGED = "discharged"
    DIED = "died"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"


class InvalidTransition(Conflict):
    """The event cannot happen to the process as it stands (HTTP 409 at the edge)."""


# --- events --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Receiver:
    """A receiving unit of the process; the service supplies the unit id from the directory."""

    unit_id: str
    role: ReceiverRole

    @property
    def principal(self) -> Principal:
        return self.role.principal


@dataclass(frozen=True, kw_only=True, slots=True)
class Event:
    at: datetime
    name: ClassVar[str] = "event"


@dataclass(frozen=True, kw_only=True, slots=True)
class Admitted(Event):
    """Inskrivning i sluten vård. ``home_municipality`` (SCB kommun code) pays under the agreement; ``care`` is
    somatic or psychiatric inpatient care, which agreements may give different free days (DOMAIN §4)."""

    home_municipality: str
    hospital_unit: str
    care: CareType = CareType.SOMATIC
    name: ClassVar[str] = "admitted"


@dataclass(frozen=True, kw_only=True, slots=True)
class NeedsAssessed(Event):
    """The doctor's judgement, after admission, that the patient may need interventions after discharge: the
    inskrivningsmeddelande's 24 hours count from here instead of from admission (DOMAIN §4)."""

    name: ClassVar[str] = "needs_assessed"


@dataclass(frozen=True, kw_only=True, slots=True)
class ReceiversAdded(Event):
    receivers: tuple[Receiver, ...]
    name: ClassVar[str] = "receivers_added"


@dataclass(frozen=True, kw_only=True, slots=True)
class AdmissionNoticeSent(Event):
    """Inskrivningsmeddelande to the receivers found, with the estimated discharge date (DOMAIN §4)."""

    message_id: str
    receivers: tuple[Receiver, ...]
    estimated_discharge: date
    name: ClassVar[str] = "admission_notice_sent"

    @property
    def to(self) -> tuple[str, ...]:
        return tuple(r.unit_id for r in self.receivers)


@dataclass(frozen=True, kw_only=True, slots=True)
class DischargeEstimateRevised(Event):
    """A changed estimate, notified "as soon as possible" (DOMAIN §4)."""

    message_id: str
    to: tuple[str, ...]
    estimated_discharge: date
    name: ClassVar[str] = "discharge_estimate_revised"


@dataclass(frozen=True, kw_only=True, slots=True)
class PlanningDocumented(Event):
    message_id: str
    to: tuple[str, ...]
    name: ClassVar[str] = "planning_documented"


@dataclass(frozen=True, kw_only=True, slots=True)
class CareContactAppointed(Event):
    """Fast vårdkontakt appointed by the head of an outpatient unit (DOMAIN §4, §6)."""

    unit_id: str
    staff_ref: str
    name: ClassVar[str] = "care_contact_appointed"


@dataclass(frozen=True, kw_only=True, slots=True)
class ReadyForDischarge(Event):
    """Utskrivningsklar (DOMAIN §4): the treating doctor's judgement that the patient no longer needs inpatient
    care, and the ward's notice of it to the municipality and outpatient care. ``at`` is when the notice was sent
    — what the SIP kallelse's 3 days and the payment days count from (nara.discharge.model.payment.days_as_ready);
    ``judged_at`` when the doctor made the judgement (at or before the notice; None: at the notice)."""

    message_id: str
    to: tuple[str, ...]
    judged_at: datetime | None = None
    name: ClassVar[str] = "ready_for_discharge"

    @property
    def judgement_at(self) -> datetime:
        return self.judged_at or self.at


@dataclass(frozen=True, kw_only=True, slots=True)
class NoLongerReady(Event):
    """The patient became ill again: no longer utskrivningsklar; stops the payment days."""

    message_id: str
    to: tuple[str, ...]
    name: ClassVar[str] = "no_longer_ready"


@dataclass(frozen=True, kw_only=True, slots=True)
class SipNeedAssessed(Event):
    needed: bool
    name: ClassVar[str] = "sip_need_assessed"


@dataclass(frozen=True, kw_only=True, slots=True)
class SipInvitationSent(Event):
    """Kallelse till SIP from the fast vårdkontakt; ``sip_at`` is when the SIP meeting is held."""

    message_id: str
    to: tuple[str, ...]
    sip_at: datetime
    name: ClassVar[str] = "sip_invitation_sent"


@dataclass(frozen=True, kw_only=True, slots=True)
class InformationTransferred(Event):
    message_id: str
    to: tuple[str, ...]
    name: ClassVar[str] = "information_transferred"


@dataclass(frozen=True, kw_only=True, slots=True)
class Discharged(Event):
    name: ClassVar[str] = "discharged"


@dataclass(frozen=True, kw_only=True, slots=True)
class PatientInformed(Event):
    """The patient was told who the fast vårdkontakt is and when the SIP is (patientlagen 3 kap. 2 b §)."""

    name: ClassVar[str] = "patient_informed"


@dataclass(frozen=True, kw_only=True, slots=True)
class Cancelled(Event):
    """Makulerad: e.g. registered in error, or no interventions needed after all. May notify the receivers."""

    message_id: str | None = None
    to: tuple[str, ...] = ()
    name: ClassVar[str] = "cancelled"


@dataclass(frozen=True, kw_only=True, slots=True)
class Interrupted(Event):
    """Avbruten: the patient died or was transferred to other inpatient care. May notify the receivers."""

    reason: InterruptionReason
    message_id: str | None = None
    to: tuple[str, ...] = ()
    name: ClassVar[str] = "interrupted"


@dataclass(frozen=True, kw_only=True, slots=True)
class Acknowledged(Event):
    """Kvittens: ``unit_id`` has received ``message_id``."""

    message_id: str
    unit_id: str
    name: ClassVar[str] = "acknowledged"


