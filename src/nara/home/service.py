"""What the start pages show: the person's or the staff member's own overview, read through the directory's and
the access policy's services."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from nara.access.model import InformationCategory, RelationshipKind
from nara.access.service import AccessDenied, authorize, emergencies_of, persons_in_care_of
from nara.audit.model import AuditAction
from nara.auth.service import UnitChoice, staff_units
from nara.core.actor import Actor, Purpose, purpose_of
from nara.core.clock import Clock, local_minute, local_today
from nara.core.db import Database
from nara.directory import service as directory
from nara.directory.model import IdentifierKind, PersonIdentifier, UnitKind
from nara.discharge.service import DischargeToday, discharge_today
from nara.measurements.service import MeasurementTask, measurements_today
from nara.plans.service import PlansToday, plans_today


@dataclass(frozen=True, slots=True)
class ResidentOverview:
    name: str
    identifier: str  # as people write it: YYYYMMDD-NNNC
    synthetic: bool
    home_municipality: str | None
    listed_at: str | None
    unit_phone: str | None
    fast_lakare: str | None
    emergency_accesses: tuple[EmergencyNotice, ...] = ()


@dataclass(frozen=True, slots=True)
class EmergencyNotice:
    """A nödåtkomst to the resident's data: they are told afterwards, with the stated reason (DOMAIN §5)."""

    started: str  # Swedish local time, as written to people
    unit_name: str
    reason: str


@dataclass(frozen=True, slots=True)
class StaffOverview:
    name: str
    hsa_id: str | None
    profession: str | None
    unit_name: str | None
    unit_parent: str | None
    unit_kind: str | None
    principal: str | None  # ProviderKind of the unit's care provider
    provider_name: str | None
    units: list[UnitChoice]


def resident_overview(db: Database, clock: Clock, actor: Actor) -> ResidentOverview | None:
    """The resident's start page. Reading their own record asks the access policy like every other read, and
    is logged (DOMAIN §5)."""
    today = local_today(clock)
    person_id = actor.person_id
    if person_id is None:
        return None
    with db.transaction() as s:
        person = directory.person(s, person_id)
        if person is None:
            return None
        authorize(s, actor, person_id, InformationCategory.GRUNDUPPGIFTER, AuditAction.READ, Purpose.EGEN_INSYN,
                  clock, resource=("person", str(person_id)))
        municipality = directory.municipality_name(s, person.kommun_code)
        listing = directory.current_listing(s, person.id, today)
        emergencies = emergencies_of(s, person.id)[:5]
        unit_names = {u.id: u.name for u in directory.units(s, {e.unit_id for e in emergencies}).values()}
        return ResidentOverview(
            name=person.full_name,
            identifier=PersonIdentifier(IdentifierKind(person.identifier_kind), person.identifier).display(),
            synthetic=person.synthetic,
            home_municipality=municipality,
            listed_at=listing.unit.name if listing else None,
            unit_phone=listing.unit.phone if listing else None,
            fast_lakare=listing.fast_lakare.full_name if listing and listing.fast_lakare else None,
            emergency_accesses=tuple(
                EmergencyNotice(started=local_minute(e.started_at),
                                unit_name=unit_names.get(e.unit_id, ""), reason=e.reason)
                for e in emergencies
            ),
        )


def staff_overview(db: Database, clock: Clock, actor: Actor) -> StaffOverview:
    today = local_today(clock)
    with db.transaction() as s:
        units = staff_units(s, actor.staff_id, today) if actor.staff_id is not None else []
        unit = directory.unit(s, actor.unit_id)
        provider = directory.provider(s, unit.provider_id) if unit is not None else None
        return StaffOverview(
            name=actor.display_name,
            hsa_id=actor.staff_hsa_id,
            profession=actor.profession,
            unit_name=unit.name if unit else None,
            unit_parent=unit.parent_name if unit else None,
            unit_kind=unit.kind if unit else None,
            principal=provider.kind if provider else None,
            provider_name=provider.name if provider else None,
            units=[UnitChoice(id=u.id, name=u.name, kind=u.kind, parent_name=u.parent_name) for u in units],
        )


# --- Idag: the working day of the unit the staff member acts for -------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListedPerson:
    person_id: int
    name: str
    identifier: str


@dataclass(frozen=True, slots=True)
class Today:
    """The staff member's day: tasks from the plans and the discharge processes the unit takes part in, and the
    unit's lists. Each person in it was let through by the access policy (a SEARCH entry each, by the owning
    part's service or here)."""

    day: date
    plans: PlansToday
    discharge: DischargeToday
    listed: tuple[ListedPerson, ...] = ()  # a vårdcentral's listed patients with a plan
    residents: tuple[ListedPerson, ...] = ()  # a SäBo's residents
    enrolled: tuple[ListedPerson, ...] = ()  # a hemsjukvård unit's enrolled patients
    list_kind: str | None = None  # "listed", "residents" or "enrolled": which list the unit has
    measurements: tuple[MeasurementTask, ...] = ()  # values outside a target the unit set, not yet handled

    @property
    def people(self) -> tuple[ListedPerson, ...]:
        """The unit's own list, whichever it has."""
        return {"listed": self.listed, "residents": self.residents, "enrolled": self.enrolled}.get(
            self.list_kind or "", ())


LIST_LIMIT = 50  # persons on a unit's list, as the directory's lists give them

ENROLLING = (RelationshipKind.CARE_TEAM, RelationshipKind.ASSIGNMENT)
"""Relationships that enrol a person in a hemsjukvård unit's care: the unit is in the person's care team, or has an
uppdrag (DOMAIN §5). A SIP or a discharge the unit only takes part in does not."""


def staff_today(db: Database, clock: Clock, actor: Actor) -> Today | None:
    """Idag for the unit ``actor`` acts for; None without one."""
    if actor.unit_id is None:
        return None
    today = local_today(clock)
    with db.transaction() as s:
        unit = directory.unit(s, actor.unit_id)
        plans = plans_today(s, actor, clock)
        discharge = discharge_today(s, actor, clock)
        measurements = measurements_today(s, actor, clock)
        listed: tuple[ListedPerson, ...] = ()
        residents: tuple[ListedPerson, ...] = ()
        enrolled: tuple[ListedPerson, ...] = ()
        list_kind = None
        if unit is not None and unit.kind == UnitKind.VARDCENTRAL:
            list_kind = "listed"
            # Listed patients with a plan the unit takes part in (the worklist's plans, each already asked of
            # the policy); the person's own entry follows in _visible.
            ids = directory.listed_person_ids(s, unit.id, today, among=plans.person_ids)
            listed = _visible(s, actor, clock, ids)
        elif unit is not None and unit.kind == UnitKind.SABO:
            list_kind = "residents"
            residents = _visible(s, actor, clock, directory.sabo_resident_ids(s, unit.id, today))
        elif unit is not None and unit.kind == UnitKind.HEMSJUKVARD:
            list_kind = "enrolled"
            enrolled = _visible(s, actor, clock, persons_in_care_of(s, unit.id, clock.now(), ENROLLING,
                                                                  limit=LIST_LIMIT))
        return Today(day=today, plans=plans, discharge=_without_planned_meetings(discharge, plans), listed=listed,
                     residents=residents, enrolled=enrolled, list_kind=list_kind, measurements=measurements)


def _without_planned_meetings(discharge: DischargeToday, plans: PlansToday) -> DischargeToday:
    """A discharge's SIP meeting is the SIP plan's meeting: when the plan lists it today, it is shown once, there."""
    planned = {t.person_id for t in plans.tasks if t.kind == "sip_meeting"}
    return replace(discharge, sip_today=tuple(i for i in discharge.sip_today if i.person_id not in planned))


def _visible(s: Session, actor: Actor, clock: Clock, person_ids: list[int]) -> tuple[ListedPerson, ...]:
    """The persons of a unit's list that the policy lets the staff member see: one SEARCH entry each (a denied
    one too — the list is the unit's own, so a refusal there is worth following up)."""
    shown = []
    for person_id in person_ids:
        try:
            authorize(s, actor, person_id, InformationCategory.GRUNDUPPGIFTER, AuditAction.SEARCH,
                      purpose_of(actor), clock)
        except AccessDenied:
            continue
        shown.append(person_id)
    persons = directory.persons(s, shown)
    out = [ListedPerson(person_id=p.id, name=p.full_name,
                        identifier=PersonIdentifier(IdentifierKind(p.identifier_kind), p.identifier).display())
           for p in (persons[i] for i in shown if i in persons)]
    return tuple(sorted(out, key=lambda p: (p.name.split(" ")[-1], p.name)))
