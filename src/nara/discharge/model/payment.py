"""Betalningsansvar: what each municipality owes the region per month for utskrivningsklara patients who stayed in
hospital (lag (2017:612), DOMAIN §4), per patient with the trail of dates that produced it. Pure: the report is a
function of the processes' histories, the agreement and ``as_of`` only — the same input gives the same report.

**What counts** (both models). The payer is the process's home municipality (:class:`~nara.discharge.model.process.
Admitted`). Only events at or before ``as_of`` count. A case pays only if the municipality *received* every message
the agreement ``requires`` (law: the inskrivningsmeddelande and the utskrivningsklar notice): a message of that kind
sent to at least one of the process's municipal receivers. A cancelled (makulerad) process never pays.

Each period as utskrivningsklar counts on its own: when the patient becomes ill again (``NoLongerReady``) the days
stop, and a new utskrivningsklar notice starts a new count, with new free days. A period counts only if its own
notice went to the municipality (when ``ready_notice`` is required). The count starts at the *later* of the
period's notice and the first receipt of each other required message — the project's reading of "provided it
received both" (verify): an inskrivningsmeddelande sent late is counted from when it came.

**Days.** Calendar days are Swedish dates. Day 0 is the day the count starts (the next day when it started later
than the agreement's cut-off). A day is a *stay day* of the period when the patient is still in hospital as
utskrivningsklar at 24:00 that day — so the day of discharge (or death, transfer, becoming not ready) is not
counted — unless the agreement says ``discharge_day_counts``, when any moment of the day as utskrivningsklar counts.
A day after ``as_of`` is not (yet) counted.

**One function counts the days.** :func:`days_as_ready` gives the stay days and the counted days of one period
as utskrivningsklar from its start (the notice's time, a full instant — never a date or the estimated discharge
date) to its end. The payment below and the follow-up's days as utskrivningsklar (indicator S2, DOMAIN §7,
:func:`process_days_as_ready`, nara.discharge.service.followup) both count with it, so the two cannot drift apart.

**per_patient** (the law's default): the free days are day 1 … day N after day 0 (``day_zero_counts``: day 0 …
day N−1), N from the agreement for the patient's kind of care (:meth:`~nara.discharge.model.agreement.PaymentRules.
days_for`: e.g. Stockholm 2 somatic, 5 psychiatric); each later stay day is payable at the amount per day of *its
own* calendar year.

**Amounts.** The amount per day of the month's year comes from the agreement (Socialstyrelsen's table of amounts
or the agreement's own figure). A month whose year has no known amount is not computed at all: the report raises
:class:`~nara.discharge.model.agreement.AmountUnknown` naming the year — an earlier year's amount is never used.

**monthly_average**: per municipality and month, each eligible case's stay days in the month are counted (from day
0 if ``day_zero_counts``, else from day 1; no free days). With D the counted days and n the episodes with at least
one counted day in the month (as indicator S2 counts, DOMAIN §7), the average is D / n; when it *exceeds* N
(``max_average_days``) the municipality pays for the days above the allowed average, D − N·n, at the amount of
the month's year. The amount belongs to the municipality, not to a patient; each patient's counted days are in the
trail.

**Months.** Every day belongs to the month of its date: a stay that crosses a month end is split, each month's
report holding (and pricing) only its own days, so each day is paid once. The agreement in force on the month's
first day governs the whole month (:func:`agreement_for_month`) — agreement changes take effect for whole months.
A month's report is ``complete`` once ``as_of`` is at or after the month's end; before that it is provisional.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from fractions import Fraction

from nara.core.clock import Period
from nara.discharge.model.agreement import (
    Agreement,
    AmountUnknown,
    CareType,
    Counting,
    DailyAmount,
    MessageKind,
    PaymentModel,
    PaymentRules,
)
from nara.discharge.model.agreement_files import AgreementLibrary, agreement_in_force
from nara.discharge.model.deadlines import day_zero, end_of_day, start_of_day, swedish_day
from nara.discharge.model.events import Event, InterruptionReason, PeriodEnd, Principal, ProcessPhase
from nara.discharge.model.process import ProcessState, ReadyPeriod, replay

__all__ = [
    "DayKind", "DayLine", "DischargeCase", "MunicipalityMonth", "NoPayReason", "PatientTrail", "PaymentReport",
    "Period", "ReadyDays", "agreement_for_month", "days_as_ready", "payment_report", "process_days_as_ready",
]


class DayKind(StrEnum):
    NOTICE_DAY = "notice_day"  # day 0, not counted
    FREE = "free"  # a free day (per_patient)
    PAYABLE = "payable"  # a day the municipality pays for (per_patient)
    COUNTED = "counted"  # a day as utskrivningsklar counted towards the monthly average (monthly_average)
    END_DAY = "end_day"  # the day the period ended (discharge, death, transfer, not ready): not a stay day


class NoPayReason(StrEnum):
    """Why a case does not pay (the key ``discharge.reason.<value>`` names it in Swedish)."""

    CANCELLED = "cancelled"
    NO_ADMISSION_NOTICE = "no_admission_notice"
    NO_READY_NOTICE = "no_ready_notice"
    NO_PLANNING_DOCUMENTATION = "no_planning_documentation"
    NO_SIP_INVITATION = "no_sip_invitation"
    NO_INFORMATION_TRANSFER = "no_information_transfer"


_MISSING: dict[MessageKind, NoPayReason] = {
    MessageKind.ADMISSION_NOTICE: NoPayReason.NO_ADMISSION_NOTICE,
    MessageKind.READY_NOTICE: NoPayReason.NO_READY_NOTICE,
    MessageKind.PLANNING_DOCUMENTATION: NoPayReason.NO_PLANNING_DOCUMENTATION,
    MessageKind.SIP_INVITATION: NoPayReason.NO_SIP_INVITATION,
    MessageKind.INFORMATION_TRANSFER: NoPayReason.NO_INFORMATION_TRANSFER,
}


@dataclass(frozen=True, slots=True)
class DischargeCase:
    """One process as the payment sees it. ``patient_ref`` is what the report shows for the patient (the service
    chooses: personnummer for an invoice basis read under the access policy, a pseudonym elsewhere)."""

    process_id: str
    patient_ref: str
    events: Sequence[Event]


@dataclass(frozen=True, slots=True)
class DayLine:
    """One day of the trail. ``kronor`` is set on payable days only; ``period`` numbers the case's periods as
    utskrivningsklar from 1; ``ended_by`` says how an END_DAY ended."""

    day: date
    kind: DayKind
    period: int
    kronor: int = 0
    ended_by: PeriodEnd | None = None


@dataclass(frozen=True, slots=True)
class PatientTrail:
    """A case's part in one municipality-month: the dates that decide it and its days in the month."""

    process_id: str
    patient_ref: str
    municipality: str
    care: CareType
    admitted_at: datetime
    admission_notice_received_at: datetime | None  # first inskrivningsmeddelande to a municipal receiver
    ready_notices: tuple[datetime, ...]  # every utskrivningsklar notice
    not_ready_at: tuple[datetime, ...]  # every return to not ready
    ended_at: datetime | None  # discharge, death, transfer or cancellation
    ended_by: PeriodEnd | None
    pays: bool
    reason: NoPayReason | None
    days: tuple[DayLine, ...]

    @property
    def free_days(self) -> int:
        return sum(1 for d in self.days if d.kind is DayKind.FREE)

    @property
    def payable_days(self) -> int:
        return sum(1 for d in self.days if d.kind is DayKind.PAYABLE)

    @property
    def counted_days(self) -> int:
        """Days as utskrivningsklar in the month after day 0: COUNTED (average model) or FREE + PAYABLE."""
        return sum(1 for d in self.days if d.kind in (DayKind.COUNTED, DayKind.FREE, DayKind.PAYABLE))

    @property
    def kronor(self) -> int:
        return sum(d.kronor for d in self.days)

    @property
    def payable_dates(self) -> tuple[date, ...]:
        return tuple(d.day for d in self.days if d.kind is DayKind.PAYABLE)


@dataclass(frozen=True, slots=True)
class MunicipalityMonth:
    """What one municipality owes for one month, and why. ``counted_days`` are the paying cases' days as
    utskrivningsklar in the month after day 0 (monthly_average: the COUNTED days, D; per_patient: free + payable
    days), ``episodes`` the paying cases with at least one such day (n) and ``average`` D / n, exact. For the
    average model they are the computation of the amount; for per_patient they are information (indicator S2)."""

    municipality: str
    patients: tuple[PatientTrail, ...]
    counted_days: int
    episodes: int
    average: Fraction
    payable_days: int
    kronor: int


@dataclass(frozen=True, slots=True)
class PaymentReport:
    month: Period
    as_of: datetime
    complete: bool
    agreement_key: str
    agreement_name: str
    model: PaymentModel
    limit_days: int  # free days (per_patient) or allowed average (monthly_average), somatic care
    psychiatric_limit_days: int | None  # free days in psychiatric care when the agreement sets other ones
    amount: DailyAmount  # the amount per day of the month's year, with its source
    municipalities: tuple[MunicipalityMonth, ...]

    @property
    def payable_days(self) -> int:
        return sum(m.payable_days for m in self.municipalities)

    @property
    def kronor(self) -> int:
        return sum(m.kronor for m in self.municipalities)

    def municipality(self, code: str) -> MunicipalityMonth:
        for m in self.municipalities:
            if m.municipality == code:
                return m
        raise KeyError(code)


def agreement_for_month(region: str, month: Period, library: AgreementLibrary | None = None) -> Agreement:
    """The agreement that governs ``month``'s payment: the one in force on its first day (module docstring)."""
    return agreement_in_force(region, date(month.year, month.month, 1), library)


def _month_days(month: Period) -> tuple[date, date]:
    first = date(month.year, month.month, 1)
    nxt = month.next()
    return first, date(nxt.year, nxt.month, 1) - timedelta(days=1)


def _ended_by(state: ProcessState) -> PeriodEnd | None:
    if state.phase is ProcessPhase.CANCELLED:
        return PeriodEnd.CANCELLED
    if state.interrupted_at is not None:
        return PeriodEnd.DIED if state.interruption is InterruptionReason.DIED else PeriodEnd.TRANSFERRED
    if state.discharged_at is not None:
        return PeriodEnd.DISCHARGED
    return None


@dataclass(frozen=True, slots=True)
class ReadyDays:
    """The Swedish calendar days of one period as utskrivningsklar (module docstring, **Days**). ``stay_days``:
    day 0 and every later day the patient was still in hospital as utskrivningsklar (at 24:00, or at any moment
    with ``discharge_day_counts``); ``counted``: those that count — from day 1, or from day 0 when
    ``day_zero_counts``; ``next_day``: the first day after the stay days (the day the period ended, if it did)."""

    day_zero: date
    stay_days: tuple[date, ...]
    counted: tuple[date, ...]
    next_day: date


def days_as_ready(start: datetime, end: datetime, counting: Counting, discharge_day_counts: bool) -> ReadyDays:
    """The days of a period as utskrivningsklar that began at ``start`` (the utskrivningsklar notice, or a later
    receipt the payment requires) and ended at ``end`` (discharge, death, transfer, cancellation, no longer ready
    — or the moment a report is made). The one function behind both the payment days and indicator S2.

    Hand examples under the law (day 0 not counted, no cut-off, the end day not counted): notice Mon 23:50,
    discharged Fri 10:00 → day 0 Mon, counted Tue, Wed, Thu (3); notice Tue 00:10 → day 0 Tue, counted Wed, Thu
    (2)."""
    first = day_zero(start, counting)
    lines: list[date] = []
    day = first
    if start < end:
        while (start_of_day(day) < end) if discharge_day_counts else (end_of_day(day) <= end):
            lines.append(day)
            day += timedelta(days=1)
    counted = tuple(d for d in lines if counting.day_zero_counts or d > first)
    return ReadyDays(first, tuple(lines), counted, day)


def _period_start(state: ProcessState, period: ReadyPeriod, requires: set[MessageKind]) -> datetime | None:
    """When the payment count of ``period`` starts: its notice, or the later first receipt of another required
    message (module docstring); None when the notice never went to the municipality but is required."""
    municipal = Principal.MUNICIPALITY
    if MessageKind.READY_NOTICE in requires:
        notice = state.messages[period.message_id]
        if not any(state.receivers[u].principal is municipal for u in notice.to):
            return None
    start = period.notice_at
    for kind in requires - {MessageKind.READY_NOTICE}:
        received = state.received_by(kind, municipal)
        if received is None:
            return None
        start = max(start, received)
    return start


def process_days_as_ready(state: ProcessState, rules: PaymentRules, until: datetime) -> tuple[date, ...]:
    """The days a process's patient was utskrivningsklar in hospital, every period counted by :func:`days_as_ready`
    from its notice under ``rules``' counting, up to ``until`` at the latest: indicator S2's days (DOMAIN §7).
    A day counted in two periods (possible with ``discharge_day_counts``) is counted once, as in the payment."""
    days: set[date] = set()
    for period in state.ready_periods:
        end = min(period.ended_at or until, until)
        days.update(days_as_ready(period.notice_at, end, rules.counting, rules.discharge_day_counts).counted)
    return tuple(sorted(days))


def _period_days(state: ProcessState, period: ReadyPeriod, index: int, agreement: Agreement, as_of: datetime,
                 counted_before: set[date], month_amount: DailyAmount) -> list[DayLine]:
    """The trail of one period as utskrivningsklar (module docstring). ``counted_before`` holds the days already
    counted in an earlier period of the case, so no day is counted twice. Payable days are priced at the month's
    amount: the caller keeps only the month's days, which all belong to the month's year."""
    rules = agreement.payment
    start = _period_start(state, period, set(rules.requires))
    horizon = period.ended_at or as_of
    if start is None or start >= horizon:
        return []
    per_patient = rules.model is PaymentModel.PER_PATIENT
    free = rules.days_for(state.care) if per_patient else 0
    ready = days_as_ready(start, horizon, rules.counting, rules.discharge_day_counts)
    counted = set(ready.counted)
    lines: list[DayLine] = []
    position = 0  # the day's place among the counted days of the period: the first ``free`` are free
    for day in ready.stay_days:
        if day not in counted:
            lines.append(DayLine(day, DayKind.NOTICE_DAY, index))
            continue
        position += 1
        if per_patient and position <= free:
            lines.append(DayLine(day, DayKind.FREE, index))
            continue
        if day in counted_before:
            continue  # already counted in an earlier period (possible with discharge_day_counts)
        counted_before.add(day)
        if per_patient:
            lines.append(DayLine(day, DayKind.PAYABLE, index, month_amount.kronor))
        else:
            lines.append(DayLine(day, DayKind.COUNTED, index))
    if period.ended_at is not None and ready.next_day <= swedish_day(period.ended_at):
        lines.append(DayLine(ready.next_day, DayKind.END_DAY, index, ended_by=period.ended_by))
    return lines


def _period_touches(period: ReadyPeriod, as_of: datetime, first: date, last: date) -> bool:
    start = swedish_day(period.notice_at)
    end = swedish_day(period.ended_at or as_of)
    return start <= last and end >= first


def _trail(case: DischargeCase, agreement: Agreement, month: Period, as_of: datetime,
           amount: DailyAmount) -> PatientTrail | None:
    state = replay(e for e in case.events if e.at <= as_of)
    first, last = _month_days(month)
    if not any(_period_touches(p, as_of, first, last) for p in state.ready_periods):
        return None
    reason: NoPayReason | None = None
    if state.phase is ProcessPhase.CANCELLED:
        reason = NoPayReason.CANCELLED
    else:
        for kind in agreement.payment.requires:
            if state.received_by(kind, Principal.MUNICIPALITY) is None:
                reason = _MISSING[kind]
                break
    days: list[DayLine] = []
    if reason is None:
        counted: set[date] = set()
        for index, period in enumerate(state.ready_periods, start=1):
            days.extend(_period_days(state, period, index, agreement, as_of, counted, amount))
    in_month = tuple(d for d in days if first <= d.day <= last)
    return PatientTrail(
        process_id=case.process_id,
        patient_ref=case.patient_ref,
        municipality=state.home_municipality,
        care=state.care,
        admitted_at=state.admitted_at,
        admission_notice_received_at=state.received_by(MessageKind.ADMISSION_NOTICE, Principal.MUNICIPALITY),
        ready_notices=tuple(p.notice_at for p in state.ready_periods),
        not_ready_at=tuple(p.ended_at for p in state.ready_periods
                           if p.ended_by is PeriodEnd.NOT_READY and p.ended_at is not None),
        ended_at=state.ended_at,
        ended_by=_ended_by(state),
        pays=reason is None,
        reason=reason,
        days=in_month,
    )


def _municipality_month(code: str, trails: list[PatientTrail], agreement: Agreement,
                        amount: DailyAmount) -> MunicipalityMonth:
    trails.sort(key=lambda p: (p.patient_ref, p.process_id))
    rules = agreement.payment
    if rules.model is PaymentModel.PER_PATIENT:
        payable = [d for p in trails for d in p.days if d.kind is DayKind.PAYABLE]
        counted = sum(p.counted_days for p in trails)
        episodes = sum(1 for p in trails if p.counted_days > 0)
        return MunicipalityMonth(
            municipality=code, patients=tuple(trails), counted_days=counted, episodes=episodes,
            average=Fraction(counted, episodes) if episodes else Fraction(0), payable_days=len(payable),
            kronor=sum(d.kronor for d in payable),
        )
    counted = sum(p.counted_days for p in trails)
    episodes = sum(1 for p in trails if p.counted_days > 0)
    average = Fraction(counted, episodes) if episodes else Fraction(0)
    payable_days = counted - rules.days * episodes if average > rules.days else 0
    return MunicipalityMonth(
        municipality=code, patients=tuple(trails), counted_days=counted, episodes=episodes, average=average,
        payable_days=payable_days, kronor=payable_days * amount.kronor,
    )


def payment_report(
    cases: Iterable[DischargeCase],
    agreement: Agreement,
    month: Period,
    as_of: datetime,
    *,
    municipalities: Iterable[str] = (),
) -> PaymentReport:
    """Betalningsansvar for ``month`` under ``agreement`` (in force on the month's first day), from the cases'
    histories as they stood at ``as_of``: per municipality the payable days and kronor, per patient the trail.
    ``municipalities`` are listed even with nothing owed (e.g. all the region's). Definitions: module docstring.
    Raises :class:`~nara.discharge.model.agreement.AmountUnknown` when no amount per day is known for the month's
    year."""
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        raise ValueError("as_of must be timezone-aware")
    first, _ = _month_days(month)
    if not agreement.in_force_on(first):
        raise ValueError(f"agreement {agreement.key!r} is not in force on {first}, the first day of {month}")
    try:
        amount = agreement.payment.amount_for(month.year)
    except AmountUnknown:
        raise AmountUnknown(month.year, agreement.name) from None
    by_municipality: dict[str, list[PatientTrail]] = {code: [] for code in municipalities}
    for case in cases:
        trail = _trail(case, agreement, month, as_of, amount)
        if trail is not None:
            by_municipality.setdefault(trail.municipality, []).append(trail)
    rows = tuple(_municipality_month(code, by_municipality[code], agreement, amount)
                 for code in sorted(by_municipality))
    return PaymentReport(
        month=month, as_of=as_of, complete=month.has_ended(as_of), agreement_key=agreement.key,
        agreement_name=agreement.name, model=agreement.payment.model, limit_days=agreement.payment.days,
        psychiatric_limit_days=agreement.payment.psychiatric_days, amount=amount, municipalities=rows,
    )
