"""Betalningsansvar (DOMAIN §4): the payment report per municipality and month, and its CSV and XLSX exports."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from nara.access.service import AccessDenied
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Role
from nara.core.clock import Clock, Period
from nara.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from nara.core.i18n import t
from nara.directory import service as directory
from nara.directory.model import ProviderKind
from nara.discharge import store
from nara.discharge.model import (
    AgreementError,
    AmountUnknown,
    DischargeCase,
    PaymentReport,
    agreement_for_month,
    payment_export,
)
from nara.discharge.model import payment_report as compute_payment_report
from nara.discharge.service.common import authorize_read, decoded_events, identifier_text
from nara.discharge.service.results import (
    PaymentDayOut,
    PaymentFile,
    PaymentMunicipalityOut,
    PaymentPatientOut,
    PaymentReportView,
    PaymentResult,
)
from nara.discharge.store import DischargeProcessRow


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
        agreement = agreement_for_month(directory.region_code(session, found.kommun_code) or "", month)
    except AgreementError:
        raise ValidationFailed("discharge.payment.no_agreement", month=month.label) from None
    as_of = clock.now()
    rows = store.processes_for_payment(session, municipality, month.start, month.end)
    histories = store.events_of(session, [r.id for r in rows])
    cases = {r.id: decoded_events(histories[r.id]) for r in rows}

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
            authorize_read(session, actor, clock, row, all_receivers[process_id], action)
        except AccessDenied:
            continue
        person = persons[row.person_id]
        refs[process_id] = f"{identifier_text(person)} {person.full_name}"
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
                table: str = "patients") -> PaymentFile:
    """One table of the report (summary, patients or days) as CSV (nara.discharge.model.payment_export), UTF-8 with
    BOM; one EXPORT entry per patient."""
    if table not in payment_export.TABLES:
        raise ValidationFailed("error.validation")
    result = payment_report(session, actor, clock, municipality=municipality, month=month, action=AuditAction.EXPORT)
    return PaymentFile(("\ufeff" + payment_export.csv_text(result.report, table)).encode("utf-8"),
                       "text/csv; charset=utf-8", f"betalningsansvar-{municipality}-{result.report.month}-"
                       f"{payment_export.FILE_NAMES[table]}.csv")

def payment_xlsx(session: Session, actor: Actor, clock: Clock, *, municipality: str,
                 month: Period | str) -> PaymentFile:
    """The report as an XLSX workbook (three sheets); one EXPORT entry per patient."""
    result = payment_report(session, actor, clock, municipality=municipality, month=month, action=AuditAction.EXPORT)
    stream = io.BytesIO()
    payment_export.write_xlsx(result.report, stream)
    return PaymentFile(stream.getvalue(), payment_export.XLSX,
                       f"betalningsansvar-{municipality}-{result.report.month}.xlsx")

