"""Use cases of the medication list (DOMAIN §2 medication; §5 access). Every function takes the caller's session
(its unit of work), the :class:`~nara.core.actor.Actor` and the injected clock; the caller commits.

**Access (DOMAIN §5).** Category LAKEMEDEL is recorded by a care provider: each medicine, change and review
belongs to the care provider and unit of the staff member who recorded it (the prescriber). A read asks the policy
once per owner (provider, unit) among what the person has — one audit entry each; what an owner's decision denies
is withheld and counted, and when every owner is denied the read fails (AccessDenied, 403). So staff of the
prescriber's provider read with a care relationship; another provider's staff need the person's consent too; the
resident reads their own. A write asks once (CREATE or WRITE) with the owner it writes in: a new entry is the
writer's own provider's, a change or stop is in the medicine's provider's record — which the policy lets only
that provider write. The role profiles decide who may write at all (nara.access.model.roles: prescribing is a
doctor's, a nurse reads).

**Läkemedelsberättelse at discharge.** :func:`record_discharge_change` is the ward's: it reads the discharge
process through nara.discharge.service (logged there), records the change with the process's id and notifies every
receiving unit of the process in the app — which process and which ward, no person data and no medicine (reading
the change is an access of its own, on the person's medicines page).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from nara.access.model import InformationCategory
from nara.access.service import AccessDenied, authorize
from nara.audit.model import AuditAction
from nara.core.actor import Actor, purpose_of
from nara.core.clock import Clock, local_today
from nara.core.errors import Forbidden, NotFound, ValidationFailed
from nara.core.i18n import t
from nara.directory import service as directory
from nara.discharge import service as discharge
from nara.medicines import model, store
from nara.medicines.model import ChangeKind, MedicineError, NewMedicine
from nara.medicines.store import MedicationChangeRow, MedicationReviewRow, MedicationRow
from nara.plans.service import DEFAULT_NOTIFIER, Notification, Notifier

CATEGORY = InformationCategory.LAKEMEDEL
NOTIFICATION_KIND = "medication_change"


class MedicineOut(BaseModel):
    id: int
    substance: str
    atc_code: str
    strength: str
    dose: str
    prescriber: str
    unit: str
    started_on: date
    ended_on: date | None
    end_reason: str | None
    synthetic: bool


class ChangeOut(BaseModel):
    id: int
    medication_id: int
    process_id: int | None
    kind: ChangeKind
    kind_label: str
    description: str
    reason: str
    by: str
    unit: str
    recorded_at: datetime


class ReviewOut(BaseModel):
    id: int
    reviewed_on: date
    findings: str
    by: str
    unit: str


class MedicineList(BaseModel):
    """A person's medicines as the reader may see them: in use, ended, the changes and the reviews; ``withheld``
    counts the entries of owners the policy did not let the reader see."""

    person_id: int
    current: list[MedicineOut]
    ended: list[MedicineOut]
    changes: list[ChangeOut]
    reviews: list[ReviewOut]
    withheld: int
    synthetic: bool


def _invalid(exc: MedicineError) -> ValidationFailed:
    return ValidationFailed(exc.key)


def _staff(actor: Actor) -> None:
    if not actor.is_staff or actor.staff_id is None or actor.unit_id is None or actor.provider_id is None:
        raise Forbidden("auth.forbidden")


def _ask(s: Session, actor: Actor, clock: Clock, person_id: int, action: AuditAction, provider_id: int,
         unit_id: int | None, resource: tuple[str, object]) -> None:
    authorize(s, actor, person_id, CATEGORY, action, purpose_of(actor), clock, owner_provider_id=provider_id,
              owner_unit_id=unit_id, resource=resource)


# --- reading -------------------------------------------------------------------------------------------------------


def read_medicines(s: Session, actor: Actor, clock: Clock, person_id: int) -> MedicineList:
    """The person's medicines, decided per owner (module docstring). Raises NotFound, AccessDenied."""
    person = directory.person(s, person_id)
    if person is None:
        raise NotFound("person.not_found")
    meds, changes, reviews = store.medications(s, person_id), store.changes(s, person_id), store.reviews(s, person_id)
    owners = {(r.provider_id, r.unit_id) for r in (*meds, *changes, *reviews)}
    allowed = _allowed_owners(s, actor, clock, person_id, CATEGORY, owners, ("medicines", person_id))
    names = _names(s, [r.unit_id for r in (*meds, *changes, *reviews)])
    shown = [m for m in meds if (m.provider_id, m.unit_id) in allowed]
    shown_changes = [c for c in changes if (c.provider_id, c.unit_id) in allowed]
    shown_reviews = [r for r in reviews if (r.provider_id, r.unit_id) in allowed]
    withheld = len(meds) + len(changes) + len(reviews) - len(shown) - len(shown_changes) - len(shown_reviews)
    return MedicineList(
        person_id=person_id, current=[_medicine(m, names) for m in shown if m.ended_on is None],
        ended=[_medicine(m, names) for m in shown if m.ended_on is not None],
        changes=[_change(c, names) for c in shown_changes], reviews=[_review(r, names) for r in shown_reviews],
        withheld=withheld, synthetic=bool(person.synthetic) or any(m.synthetic for m in shown))


def _allowed_owners(s: Session, actor: Actor, clock: Clock, person_id: int, category: InformationCategory,
                    owners: set[tuple[int, int]], resource: tuple[str, object]) -> set[tuple[int, int | None]]:
    """The owners (provider, unit) whose entries the actor may read: one logged decision each; AccessDenied when
    none. Nothing recorded: whether the reader may know that is still a decision, logged."""
    asked: set[tuple[int, int | None]] = set(owners) or {(actor.provider_id or 0, actor.unit_id)}
    allowed: set[tuple[int, int | None]] = set()
    denial: AccessDenied | None = None
    for provider_id, unit_id in sorted(asked, key=lambda o: (o[0], o[1] or 0)):
        try:
            authorize(s, actor, person_id, category, AuditAction.READ, purpose_of(actor), clock,
                      owner_provider_id=provider_id, owner_unit_id=unit_id, resource=resource)
            allowed.add((provider_id, unit_id))
        except AccessDenied as exc:  # logged as denied when the caller's transaction ends
            denial = exc
    if not allowed:
        assert denial is not None
        raise denial
    return allowed


def has_medicines(s: Session, person_id: int) -> bool:
    """Whether anything is on the person's list (for the demo loader; no person data is returned)."""
    return bool(store.medications(s, person_id))


def _names(s: Session, unit_ids: Iterable[int]) -> dict[int, str]:
    return {uid: u.name for uid, u in directory.units(s, set(unit_ids)).items()}


def _medicine(m: MedicationRow, names: dict[int, str]) -> MedicineOut:
    return MedicineOut(id=m.id, substance=m.substance, atc_code=m.atc_code, strength=m.strength, dose=m.dose,
                       prescriber=m.prescriber_name, unit=names.get(m.unit_id, ""), started_on=m.started_on,
                       ended_on=m.ended_on, end_reason=m.end_reason, synthetic=m.synthetic)


def _change(c: MedicationChangeRow, names: dict[int, str]) -> ChangeOut:
    kind = ChangeKind(c.kind)
    return ChangeOut(id=c.id, medication_id=c.medication_id, process_id=c.process_id, kind=kind,
                     kind_label=t(f"medicines.kind.{kind.value}"), description=c.description, reason=c.reason,
                     by=c.staff_name, unit=names.get(c.unit_id, ""), recorded_at=c.recorded_at)


def _review(r: MedicationReviewRow, names: dict[int, str]) -> ReviewOut:
    return ReviewOut(id=r.id, reviewed_on=r.reviewed_on, findings=r.findings, by=r.staff_name,
                     unit=names.get(r.unit_id, ""))


# --- writing -------------------------------------------------------------------------------------------------------


def _record_change(s: Session, actor: Actor, clock: Clock, med: MedicationRow, kind: ChangeKind, description: str,
                   reason: str, process_id: int | None) -> MedicationChangeRow:
    assert actor.staff_id is not None and actor.unit_id is not None and actor.provider_id is not None
    row = MedicationChangeRow(person_id=med.person_id, medication_id=med.id, process_id=process_id, kind=kind.value,
                              description=description, reason=reason, staff_id=actor.staff_id,
                              staff_name=actor.display_name, unit_id=actor.unit_id, provider_id=actor.provider_id,
                              recorded_at=clock.now())
    s.add(row)
    s.flush()
    return row


def add_medicine(s: Session, actor: Actor, clock: Clock, person_id: int, *, substance: str, atc: str, strength: str,
                 dose: str, reason: str, started_on: date | None = None, process_id: int | None = None,
                 synthetic: bool = False) -> MedicineOut:
    """Put a medicine on the person's list (insatt), prescribed by the actor at the unit they act for."""
    _staff(actor)
    try:
        new = NewMedicine.checked(substance, atc, strength, dose, started_on or local_today(clock))
        why = model.reason(reason)
    except MedicineError as exc:
        raise _invalid(exc) from None
    if directory.person(s, person_id) is None:
        raise NotFound("person.not_found")
    assert actor.provider_id is not None and actor.staff_id is not None and actor.unit_id is not None
    _ask(s, actor, clock, person_id, AuditAction.CREATE, actor.provider_id, actor.unit_id, ("medicines", person_id))
    med = MedicationRow(person_id=person_id, substance=new.substance, atc_code=new.atc_code, strength=new.strength,
                        dose=new.dose, prescriber_staff_id=actor.staff_id, prescriber_name=actor.display_name,
                        unit_id=actor.unit_id, provider_id=actor.provider_id, started_on=new.started_on,
                        synthetic=synthetic, created_at=clock.now())
    s.add(med)
    s.flush()
    _record_change(s, actor, clock, med, ChangeKind.ADDED,
                   t("medicines.describe.added", substance=new.substance, strength=new.strength, dose=new.dose),
                   why, process_id)
    return _medicine(med, _names(s, [med.unit_id]))


def _existing(s: Session, actor: Actor, clock: Clock, medication_id: int) -> MedicationRow:
    _staff(actor)
    med = store.medication(s, medication_id, lock=True)
    if med is None:
        raise NotFound("medicines.not_found")
    _ask(s, actor, clock, med.person_id, AuditAction.WRITE, med.provider_id, med.unit_id, ("medication", med.id))
    return med


def change_medicine(s: Session, actor: Actor, clock: Clock, medication_id: int, *, strength: str | None,
                    dose: str | None, reason: str, process_id: int | None = None) -> MedicineOut:
    """Change a medicine in use (ändrat): its strength or dose, with the reason."""
    try:
        why = model.reason(reason)
    except MedicineError as exc:
        raise _invalid(exc) from None
    med = _existing(s, actor, clock, medication_id)
    try:
        new_strength, new_dose = model.check_change(model.Current(med.strength, med.dose, med.ended_on),
                                                    strength, dose)
    except MedicineError as exc:
        raise _invalid(exc) from None
    description = t("medicines.describe.changed", substance=med.substance, before=f"{med.strength}, {med.dose}",
                    after=f"{new_strength}, {new_dose}")
    med.strength, med.dose = new_strength, new_dose
    _record_change(s, actor, clock, med, ChangeKind.CHANGED, description, why, process_id)
    return _medicine(med, _names(s, [med.unit_id]))


def stop_medicine(s: Session, actor: Actor, clock: Clock, medication_id: int, *, reason: str,
                  stopped_on: date | None = None, process_id: int | None = None) -> MedicineOut:
    """Stop a medicine in use (utsatt), with the reason; it stays on the list as ended."""
    try:
        why = model.reason(reason)
    except MedicineError as exc:
        raise _invalid(exc) from None
    med = _existing(s, actor, clock, medication_id)
    day = stopped_on or local_today(clock)
    try:
        model.check_stop(model.Current(med.strength, med.dose, med.ended_on), day, med.started_on)
    except MedicineError as exc:
        raise _invalid(exc) from None
    med.ended_on, med.end_reason = day, why
    _record_change(s, actor, clock, med, ChangeKind.STOPPED, t("medicines.describe.stopped", substance=med.substance),
                   why, process_id)
    return _medicine(med, _names(s, [med.unit_id]))


def record_review(s: Session, actor: Actor, clock: Clock, person_id: int, *, reviewed_on: date,
                  findings: str) -> ReviewOut:
    """A läkemedelsgenomgång: when, by the actor, what was found and changed."""
    _staff(actor)
    try:
        text = model.findings(findings)
    except MedicineError as exc:
        raise _invalid(exc) from None
    if reviewed_on > local_today(clock):
        raise ValidationFailed("medicines.review.future")
    if directory.person(s, person_id) is None:
        raise NotFound("person.not_found")
    assert actor.provider_id is not None and actor.staff_id is not None and actor.unit_id is not None
    _ask(s, actor, clock, person_id, AuditAction.CREATE, actor.provider_id, actor.unit_id, ("medicines", person_id))
    row = MedicationReviewRow(person_id=person_id, reviewed_on=reviewed_on, findings=text, staff_id=actor.staff_id,
                              staff_name=actor.display_name, unit_id=actor.unit_id, provider_id=actor.provider_id,
                              recorded_at=clock.now())
    s.add(row)
    s.flush()
    return _review(row, _names(s, [row.unit_id]))


# --- the läkemedelsberättelse at discharge -------------------------------------------------------------------------


def discharge_person(s: Session, actor: Actor, clock: Clock, process_id: int) -> tuple[int, bool]:
    """The person of a discharge process the actor's unit takes part in (the read is logged by the discharge
    part), and whether that unit is the ward, which writes the läkemedelsberättelse."""
    view = discharge.read_process(s, actor, clock, process_id)
    return view.person.id, view.ward.id == actor.unit_id


def record_discharge_change(s: Session, actor: Actor, clock: Clock, process_id: int, *, kind: ChangeKind | str,
                            reason: str, medication_id: int | None = None, substance: str = "", atc: str = "",
                            strength: str = "", dose: str = "",
                            notifier: Notifier | None = None) -> MedicineOut:
    """One change of the läkemedelsberättelse at discharge (module docstring): insatt (a new medicine), ändrat
    (``medication_id`` with a new strength or dose) or utsatt (``medication_id``), with its reason; the receiving
    units of the process are notified."""
    kind = ChangeKind(kind)
    view = discharge.read_process(s, actor, clock, process_id)
    if view.ward.id != actor.unit_id:
        raise Forbidden("medicines.discharge.not_the_ward")
    if kind is ChangeKind.ADDED:
        out = add_medicine(s, actor, clock, view.person.id, substance=substance, atc=atc, strength=strength,
                           dose=dose, reason=reason, process_id=process_id)
    else:
        if medication_id is None:
            raise ValidationFailed("medicines.medicine.required")
        med = store.medication(s, medication_id)
        if med is None or med.person_id != view.person.id:
            raise NotFound("medicines.not_found")
        if kind is ChangeKind.CHANGED:
            out = change_medicine(s, actor, clock, medication_id, strength=strength or None, dose=dose or None,
                                  reason=reason, process_id=process_id)
        else:
            out = stop_medicine(s, actor, clock, medication_id, reason=reason, process_id=process_id)
    text = t("medicines.notify.discharge_change", ward=view.ward.name, process=process_id)
    for receiver in view.receivers:
        (notifier or DEFAULT_NOTIFIER).deliver(s, Notification(
            person_id=view.person.id, kind=NOTIFICATION_KIND, text=text, created_at=clock.now(),
            recipient_unit_id=receiver.unit.id, process_id=process_id))
    return out


# --- egenvårdsbedömning (lag 2022:1250, DOMAIN §7b) ------------------------------------------------------------------
#
# Egenvård is part of the person's plan (DOMAIN §2: the Patientkontrakt's knowledge areas), so the assessment is
# read and written as category PLAN, owned by the assessor's care provider and unit: the person reads it, staff of
# the assessor's provider with a care relationship, and the municipality (another provider) only with the person's
# consent too — as the policy decides for every provider-recorded category.

SELF_CARE_CATEGORY = InformationCategory.PLAN


class SelfCareOut(BaseModel):
    id: int
    measure: str
    what_is_done: str
    performer: model.Performer
    performer_label: str
    responsible_if_not_working: str
    follow_up_on: date
    by: str
    profession: str
    unit: str
    assessed_at: datetime


class SelfCareList(BaseModel):
    person_id: int
    assessments: list[SelfCareOut]
    withheld: int


def _self_care(row: store.SelfCareAssessmentRow, names: dict[int, str]) -> SelfCareOut:
    performer = model.Performer(row.performer)
    return SelfCareOut(id=row.id, measure=row.measure, what_is_done=row.what_is_done, performer=performer,
                       performer_label=t(f"selfcare.performer.{performer.value}"),
                       responsible_if_not_working=row.responsible_if_not_working, follow_up_on=row.follow_up_on,
                       by=row.staff_name, profession=t(f"web.profession.{row.profession}"),
                       unit=names.get(row.unit_id, ""), assessed_at=row.assessed_at)


def read_self_care(s: Session, actor: Actor, clock: Clock, person_id: int) -> SelfCareList:
    """The person's egenvårdsbedömningar, decided per owner. Raises NotFound, AccessDenied."""
    if directory.person(s, person_id) is None:
        raise NotFound("person.not_found")
    rows = store.self_care(s, person_id)
    allowed = _allowed_owners(s, actor, clock, person_id, SELF_CARE_CATEGORY,
                              {(r.provider_id, r.unit_id) for r in rows}, ("self_care", person_id))
    shown = [r for r in rows if (r.provider_id, r.unit_id) in allowed]
    names = _names(s, [r.unit_id for r in shown])
    return SelfCareList(person_id=person_id, assessments=[_self_care(r, names) for r in shown],
                        withheld=len(rows) - len(shown))


def record_self_care(s: Session, actor: Actor, clock: Clock, person_id: int, *, measure: str, what_is_done: str,
                     performer: str, responsible: str, follow_up_on: date | None) -> SelfCareOut:
    """An egenvårdsbedömning by the actor, who must be a licensed professional (Forbidden otherwise, before any
    person data is touched). Raises ValidationFailed, NotFound, AccessDenied."""
    _staff(actor)
    if not model.may_assess_self_care(actor.profession):
        raise Forbidden("selfcare.not_licensed")
    try:
        assessment = model.SelfCareAssessment.checked(measure, what_is_done, performer, responsible, follow_up_on,
                                                      local_today(clock))
    except MedicineError as exc:
        raise _invalid(exc) from None
    if directory.person(s, person_id) is None:
        raise NotFound("person.not_found")
    assert actor.provider_id is not None and actor.staff_id is not None and actor.unit_id is not None
    authorize(s, actor, person_id, SELF_CARE_CATEGORY, AuditAction.CREATE, purpose_of(actor), clock,
              owner_provider_id=actor.provider_id, owner_unit_id=actor.unit_id, resource=("self_care", person_id))
    row = store.SelfCareAssessmentRow(
        person_id=person_id, measure=assessment.measure, what_is_done=assessment.what_is_done,
        performer=assessment.performer.value, responsible_if_not_working=assessment.responsible_if_not_working,
        follow_up_on=assessment.follow_up_on, staff_id=actor.staff_id, staff_name=actor.display_name,
        profession=actor.profession or "", unit_id=actor.unit_id, provider_id=actor.provider_id,
        assessed_at=clock.now())
    s.add(row)
    s.flush()
    return _self_care(row, _names(s, [row.unit_id]))
