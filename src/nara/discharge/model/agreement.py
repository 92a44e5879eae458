"""Regional agreements on discharge (överenskommelser om samverkan vid utskrivning) as data (DOMAIN §4).

Lag (2017:612) sets deadlines and a default betalningsansvar; regions and their municipalities replace them by
agreements that differ (DOMAIN §4: Stockholm counts day 0 and uses a monthly average, Skaraborg pays above a
monthly average of 3 days, Örebro län has ViSam). So nothing here knows a region: an :class:`Agreement` is read
from a TOML file in ``nara/discharge/agreements/`` (or any folder given to :meth:`AgreementLibrary.from_directory`)
and changing one needs no code change.

An agreement file holds (see ``agreements/lag-2017-612.toml``, which documents every key):

- ``[agreement]`` — ``key``, ``region`` (the SCB county code, e.g. ``"18"``; ``"*"`` for the law's default that
  applies where a region has no agreement in force), ``name``, ``valid_from`` and optional ``valid_to`` (dates,
  both inclusive, Swedish calendar days), ``example`` (an illustration, never picked for a real region), ``source``.
- ``[counting]`` — the counting conventions for calendar-day rules (:class:`Counting`): ``day_zero_counts`` and an
  optional ``cutoff`` hour ("HH:MM": an anchor *later than* the cut-off counts from the next day).
- ``[worklist]`` — ``soon_due_hours`` and ``escalate_unacknowledged_after_hours`` (project defaults when absent:
  :data:`DEFAULT_SOON_DUE`, :data:`DEFAULT_ACK_ESCALATION` — neither comes from the law).
- ``[steps.<step>]`` — one table per :class:`Step` that has a deadline under this agreement: either
  ``from = <anchor>`` with ``hours = N`` or ``calendar_days = N``, or ``by = "discharge"`` / ``"discharge_day"``.
  A step without a table has no deadline (the planning documentation is optional, DOMAIN §4).
- ``[payment]`` — the betalningsansvar (:class:`PaymentRules`): ``model`` (``per_patient`` or
  ``monthly_average``), ``free_days`` or ``max_average_days``, optionally ``psychiatric_free_days`` (per_patient:
  another number of free days when the patient is in sluten psykiatrisk vård, e.g. Stockholm, DOMAIN §4),
  ``requires`` (the messages the municipality must have received), ``discharge_day_counts``, and optionally
  ``[payment.amount_per_day]``: the agreement's *own* kronor per day for a year, where it sets one.

**Amount per day.** Socialstyrelsen sets it yearly under förordning (2017:617) (DOMAIN §4). The figures are one
table for every agreement, ``agreements/belopp-per-dag.toml`` (:class:`AmountTable`, read by
:meth:`AgreementLibrary.from_directory`), each year with its source for people and its citation. A year the table
does not hold is *unknown*: :meth:`PaymentRules.amount_for` raises :class:`AmountUnknown` — nothing is carried
forward from an earlier year. An agreement's own ``[payment.amount_per_day]`` entry for a year wins over the table.

Text that people read — ``name``, ``source``, ``basis``, an amount's ``source`` and ``citation`` — is Swedish and
may not carry developer words (``(verify)``, file names, DOMAIN references): the parser refuses them, so notes for
developers stay in TOML comments. Unknown keys are refused: a typo must not silently fall back to a default.

Which version applies (:meth:`AgreementLibrary.in_force`): the region's own agreement whose validity covers the
Swedish calendar day of ``at``; else the law's default (``region = "*"``) in force that day. Two versions of one
region must not overlap. Deadlines of a process follow the agreement in force at its admission; a payment month
follows the agreement in force on the month's first day (nara.discharge.model.payment).

Legal citations live in :data:`LEGAL_BASIS` only, so they can change in one place (DOMAIN §3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import StrEnum

LAW_DEFAULT_REGION = "*"
DEFAULT_SOON_DUE = timedelta(hours=8)  # project default: one working shift ahead (not from the law)
DEFAULT_ACK_ESCALATION = timedelta(hours=4)  # project default: half a shift without kvittens (not from the law)


class Step(StrEnum):
    """A step of the discharge process that has a deadline (DOMAIN §4 table), in the order a worklist shows them."""

    ADMISSION_NOTICE = "admission_notice"  # inskrivningsmeddelande
    PLANNING_DOCUMENTATION = "planning_documentation"  # planeringsunderlag (regional, e.g. Halland 48 h)
    CARE_CONTACT = "care_contact"  # fast vårdkontakt utsedd i öppen vård
    SIP_INVITATION = "sip_invitation"  # kallelse till SIP
    INFORMATION_TRANSFER = "information_transfer"  # informationsöverföring
    PATIENT_INFORMED = "patient_informed"  # patienten informerad om fast vårdkontakt och SIP


class MessageKind(StrEnum):
    """A message from one party of the process to the receiving units; each is acknowledged (kvitteras) per unit."""

    ADMISSION_NOTICE = "admission_notice"  # inskrivningsmeddelande (name, personnummer, address, estimated date)
    DISCHARGE_ESTIMATE = "discharge_estimate"  # ändrat beräknat utskrivningsdatum
    PLANNING_DOCUMENTATION = "planning_documentation"  # planeringsunderlag
    READY_NOTICE = "ready_notice"  # underrättelse om att patienten är utskrivningsklar
    NOT_READY_NOTICE = "not_ready_notice"  # patienten är inte längre utskrivningsklar
    SIP_INVITATION = "sip_invitation"  # kallelse till SIP
    INFORMATION_TRANSFER = "information_transfer"  # informationsöverföring
    CANCELLATION = "cancellation"  # processen makulerad
    INTERRUPTION = "interruption"  # processen avbruten (avliden, överflyttad)


# Messages an agreement may make a condition of the municipality's payment (``[payment] requires``).
REQUIRABLE = frozenset({MessageKind.ADMISSION_NOTICE, MessageKind.PLANNING_DOCUMENTATION, MessageKind.READY_NOTICE,
                        MessageKind.SIP_INVITATION, MessageKind.INFORMATION_TRANSFER})


class Anchor(StrEnum):
    """What a deadline counts from."""

    ADMISSION = "admission"  # the judgement that the patient may need interventions: at admission or later
    ADMISSION_NOTICE = "admission_notice"  # when the inskrivningsmeddelande was sent
    READY_NOTICE = "ready_notice"  # when the (latest) utskrivningsklar notice was sent


class DueKind(StrEnum):
    """How a step's due time is computed (nara.discharge.model.deadlines)."""

    HOURS = "hours"  # elapsed hours from the anchor (real time: across a DST change 24 h stay 24 h)
    CALENDAR_DAYS = "calendar_days"  # by the end of a Swedish calendar day counted from the anchor's day
    DISCHARGE = "discharge"  # before the discharge itself (estimated: the end of the estimated discharge day)
    DISCHARGE_DAY = "discharge_day"  # no later than the end of the day of discharge (estimated until discharged)


class CareType(StrEnum):
    """Which inpatient care the patient is in: agreements may give psychiatric care other free days (DOMAIN §4)."""

    SOMATIC = "somatic"  # somatisk slutenvård
    PSYCHIATRIC = "psychiatric"  # sluten psykiatrisk vård


class PaymentModel(StrEnum):
    PER_PATIENT = "per_patient"  # each day after the free days, per patient (the law's default)
    MONTHLY_AVERAGE = "monthly_average"  # per municipality and month, above an average of N days


# The one place for legal citations (DOMAIN §3: "keep legal citations in one place"). Paragraph numbers of lag
# (2017:612) are not in DOMAIN.md: they are marked (verify) until checked against the SFS text.
LEGAL_BASIS: dict[str, str] = {
    Step.ADMISSION_NOTICE: "lag (2017:612), inskrivningsmeddelande inom 24 timmar (verify §); DOMAIN §4",
    Step.PLANNING_DOCUMENTATION: "regional överenskommelse (t.ex. Halland 48 timmar); DOMAIN §4",
    Step.CARE_CONTACT: "lag (2017:612), fast vårdkontakt före utskrivning (verify §); patientlagen 6 kap. 2 §; "
                       "DOMAIN §4, §6",
    Step.SIP_INVITATION: "lag (2017:612), kallelse till SIP inom 3 kalenderdagar (verify §); SoL 2 kap. 7 §, "
                         "HSL 16 kap. 4 §; DOMAIN §3, §4",
    Step.INFORMATION_TRANSFER: "lag (2017:612), senast på utskrivningsdagen (verify §); DOMAIN §4",
    Step.PATIENT_INFORMED: "patientlagen 3 kap. 2 b §; DOMAIN §4",
    "payment": "lag (2017:612), kommunens betalningsansvar (5 kap., verify §); belopp per dag fastställt av "
               "Socialstyrelsen; DOMAIN §4",
}


class AgreementError(ValueError):
    """An agreement file is malformed or a value it needs is missing: a configuration error, not a user error."""


class AmountUnknown(AgreementError):
    """No amount per day is known for ``year``: Socialstyrelsen's figure is not in the table and the agreement sets
    none of its own. A report for that year must stop, never use another year's amount (DOMAIN §4)."""

    def __init__(self, year: int, agreement_name: str = "") -> None:
        super().__init__(f"no amount per day is known for {year}")
        self.year = year
        self.agreement_name = agreement_name


@dataclass(frozen=True, slots=True)
class Counting:
    """Counting conventions of calendar-day rules (DOMAIN §4: "calendar days, whether day 0 counts, cut-off hours").

    ``day_zero_counts`` — False (the law): the anchor's own day is day 0 and not counted, so "3 calendar days"
    ends with the third day after it. True (e.g. Stockholm): the anchor's day is day 1.
    ``cutoff`` — an anchor later than this local time counts as if it came at the start of the next day.
    """

    day_zero_counts: bool = False
    cutoff: time | None = None


@dataclass(frozen=True, slots=True)
class StepRule:
    """The deadline of one step under an agreement."""

    step: Step
    kind: DueKind
    anchor: Anchor | None = None  # for HOURS and CALENDAR_DAYS
    amount: int = 0  # hours or calendar days
    counting: Counting = Counting()
    soon_due: timedelta = DEFAULT_SOON_DUE
    basis: str = ""


class AmountSetBy(StrEnum):
    NATIONAL = "national"  # Socialstyrelsen's figure under förordning (2017:617): the table of amounts
    AGREEMENT = "agreement"  # the regional agreement's own figure for the year


@dataclass(frozen=True, slots=True)
class DailyAmount:
    """Kronor per day for one calendar year, with where it comes from: ``source`` in Swedish for people
    ("Socialstyrelsens belopp för 2023") and ``citation`` (the legal basis, e.g. "förordning (2017:617)")."""

    year: int
    kronor: int
    source: str
    citation: str = ""
    set_by: AmountSetBy = AmountSetBy.NATIONAL


@dataclass(frozen=True, slots=True)
class AmountTable:
    """Socialstyrelsen's amounts per day, by year, as read from ``belopp-per-dag.toml``; absent years are unknown."""

    name: str
    amounts: Mapping[int, DailyAmount]


@dataclass(frozen=True, slots=True)
class PaymentRules:
    """Betalningsansvar under an agreement (DOMAIN §4). ``days`` is the free days per patient (``per_patient``)
    or the allowed monthly average (``monthly_average``); nara.discharge.model.payment defines both precisely."""

    model: PaymentModel
    days: int
    requires: tuple[MessageKind, ...]
    counting: Counting
    discharge_day_counts: bool
    amounts: Mapping[int, DailyAmount]  # the agreement's own figures merged over the national table
    basis: str = ""
    psychiatric_days: int | None = None  # per_patient: free days in psychiatric care, when they differ

    def days_for(self, care: CareType) -> int:
        """The free days (or allowed average) for a patient in ``care``."""
        if care is CareType.PSYCHIATRIC and self.psychiatric_days is not None:
            return self.psychiatric_days
        return self.days

    def amount_for(self, year: int) -> DailyAmount:
        """The amount per day of ``year``; :class:`AmountUnknown` when none is known (module docstring)."""
        try:
            return self.amounts[year]
        except KeyError:
            raise AmountUnknown(year) from None


@dataclass(frozen=True, slots=True)
class Agreement:
    """One version of a region's agreement (or the law's default), as read from its file."""

    key: str
    region: str
    name: str
    valid_from: date
    valid_to: date | None
    steps: Mapping[Step, StepRule]
    payment: PaymentRules
    ack_escalation: timedelta = DEFAULT_ACK_ESCALATION
    example: bool = False
    source: str = ""
    origin: str = field(default="", compare=False)  # the file it was read from

    def rule(self, step: Step) -> StepRule | None:
        """The step's deadline rule; None when the agreement sets no deadline for it."""
        return self.steps.get(step)

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def is_law_default(self) -> bool:
        return self.region == LAW_DEFAULT_REGION
