"""Demo personas: one account per kind of user, on SYNTHETIC data, sharing one published password.

Every name, HSA-id and unit created here is invented. The accounts are flagged ``is_demo``; production
refuses to start while any exist (service.check_production_ready). Idempotent: running it again finds what
it made before and creates only what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from nara.auth import service
from nara.auth.store import account_by_username
from nara.core.actor import Actor, Role
from nara.core.clock import Clock, local_today
from nara.core.db import Database
from nara.directory import service as directory
from nara.directory.model import Profession, ProviderKind, UnitKind, load_region

DEMO_PASSWORD = "nara-demo"  # noqa: S105  (published on purpose: `nara demo` prints it, the log-in page shows it)

KUMLA = "1881"
OREBRO = "1880"
HOSPITAL = "Universitetssjukhuset Örebro"
TOLVAN = "191212121212"  # the national test identity "Tolvan Tolvansson" (DOMAIN §9)
SINCE = date(2024, 1, 1)
# Tolvan's synthetic daughter, a närstående he can give access (nara.access.model.proxies): an adult woman with a
# synthetic personnummer (valid check digit, built with nara.directory.model.identifiers.personal_number).
EVA = "195806149828"

# Organisation numbers starting with 00000 are never issued (as in nara.synth) and the local parts start
# with DEMO: no demo HSA-id can be a real one, or a synthetic one.
_REGION_ORG = "SE0000091800"
_KUMLA_ORG = "SE0000091881"


@dataclass(frozen=True, slots=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    who: str  # Swedish description


@dataclass(frozen=True, slots=True)
class _UnitSpec:
    kind: UnitKind
    kommun_code: str
    principal: ProviderKind
    name: str  # used when no unit of the kind exists
    hsa_id: str
    parent_name: str | None = None
    prefer: str | None = None  # an existing unit named this (or "this, …") is chosen first


@dataclass(frozen=True, slots=True)
class _StaffSpec:
    hsa_id: str
    given_name: str
    family_name: str
    profession: Profession
    title: str
    units: tuple[_UnitSpec, ...]


def create_demo_personas(db: Database, clock: Clock) -> list[DemoLogin]:
    """Create (or find) the demo personas and return how to log in as each of them."""
    now = clock.now()
    today = local_today(clock)
    since = min(today, SINCE)
    with db.transaction() as s:
        _ensure_region(s)
        vardcentral = _UnitSpec(UnitKind.VARDCENTRAL, KUMLA, ProviderKind.REGION, "Vårdcentralen Kumla",
                                f"{_REGION_ORG}-DEMOE1881VC", prefer="Vårdcentralen Kumla")
        hemsjukvard = _UnitSpec(UnitKind.HEMSJUKVARD, KUMLA, ProviderKind.KOMMUN, "Hemsjukvården Kumla",
                                f"{_KUMLA_ORG}-DEMOE1881HSV")
        sabo = _UnitSpec(UnitKind.SABO, KUMLA, ProviderKind.KOMMUN, "Äldreboendet Lindgården (demo)",
                         f"{_KUMLA_ORG}-DEMOE1881SABO")
        bistand = _UnitSpec(UnitKind.SOCIALTJANST, KUMLA, ProviderKind.KOMMUN, "Biståndsenheten Kumla",
                            f"{_KUMLA_ORG}-DEMOE1881SOC")
        ward = _UnitSpec(UnitKind.VARDAVDELNING, OREBRO, ProviderKind.REGION, "Medicinavdelning 1",
                         f"{_REGION_ORG}-DEMOE1880AVD", parent_name=HOSPITAL, prefer="Medicinavdelning")
        gp = _StaffSpec(f"{_REGION_ORG}-DEMOP0002", "Erik", "Testlund", Profession.LAKARE,
                        "Specialist i allmänmedicin", (vardcentral,))
        staff_personas = [
            ("distriktsskoterska",
             _StaffSpec(f"{_REGION_ORG}-DEMOP0001", "Maja", "Demoberg", Profession.DISTRIKTSSKOTERSKA,
                        "Distriktssköterska", (vardcentral,))),
            ("lakare", gp),
            ("hemsjukvard",
             _StaffSpec(f"{_KUMLA_ORG}-DEMOP0003", "Sara", "Provsson", Profession.SJUKSKOTERSKA,
                        "Sjuksköterska i hemsjukvården", (hemsjukvard, sabo))),
            ("bistand",
             _StaffSpec(f"{_KUMLA_ORG}-DEMOP0004", "Jonas", "Exempelström", Profession.BISTANDSHANDLAGGARE,
                        "Biståndshandläggare", (bistand,))),
            ("avdelning",
             _StaffSpec(f"{_REGION_ORG}-DEMOP0005", "Leila", "Påhittsdotter", Profession.SJUKSKOTERSKA,
                        "Sjuksköterska på vårdavdelning", (ward,))),
        ]

        # Staff first (Tolvan's listing needs the GP), accounts afterwards in the order people see them.
        accounts: list[tuple[DemoLogin, str, dict[str, int]]] = []
        staff_ids: dict[str, int] = {}
        for username, spec in staff_personas:
            staff, units = _staff(s, spec, since)
            staff_ids[username] = staff.id
            where = " och ".join(_unit_label(u) for u in units)
            who = f"{staff.full_name}, {spec.title.lower()} – {where}"
            accounts.append((DemoLogin(username, DEMO_PASSWORD, Role.STAFF, who), staff.full_name,
                             {"staff_id": staff.id}))

        gp_unit = _unit(s, vardcentral)
        tolvan = _tolvan(s, today, since, gp_unit.id, staff_ids["lakare"])
        who = f"{tolvan.full_name}, invånare i Kumla, listad på {gp_unit.name} (syntetisk person)"
        accounts.insert(0, (DemoLogin("tolvan", DEMO_PASSWORD, Role.RESIDENT, who), tolvan.full_name,
                            {"person_id": tolvan.id}))
        eva = _eva(s, today)
        accounts.insert(1, (DemoLogin("eva", DEMO_PASSWORD, Role.RESIDENT,
                                      f"{eva.full_name}, Tolvans dotter – närstående som han kan ge fullmakt "
                                      "(syntetisk person)"), eva.full_name, {"person_id": eva.id}))
        accounts.append((DemoLogin("ledning", DEMO_PASSWORD, Role.LEADER,
                                   "Helena Exempeldal, utvecklingsledare för nära vård – följer upp "
                                   "omställningen"),
                         "Helena Exempeldal", {}))
        accounts.append((DemoLogin("granskare", DEMO_PASSWORD, Role.REVIEWER,
                                   "Rut Provlund, logggranskare – följer upp vem som har tagit del av "
                                   "patientuppgifter"),
                         "Rut Provlund", {}))
        for login, name, links in accounts:
            _account(s, login.username, login.role, name, login.who, now, **links)
        return [login for login, _name, _links in accounts]


def _ensure_region(s: Session) -> None:
    if not directory.has_municipality(s, KUMLA):
        directory.seed_region(s, load_region("orebro"))


def _unit(s: Session, spec: _UnitSpec) -> Any:
    """The directory's unit of this kind in the municipality (by HSA-id, preferred name, or the first one);
    created when there is none."""
    existing = directory.unit_by_hsa_id(s, spec.hsa_id)
    if existing is not None:
        return existing
    candidates = directory.find_units(s, spec.kind, spec.kommun_code)
    if spec.parent_name is not None:
        candidates = [u for u in candidates if u.parent_name == spec.parent_name]
    if spec.prefer:
        candidates.sort(key=lambda u: not (u.name == spec.prefer or u.name.startswith(f"{spec.prefer},")))
    if candidates:
        return candidates[0]
    return directory.add_unit(
        s, hsa_id=spec.hsa_id, name=spec.name, kind=spec.kind, kommun_code=spec.kommun_code,
        principal=spec.principal, parent_name=spec.parent_name,
    )


def _unit_label(unit: Any) -> str:
    return f"{unit.name}, {unit.parent_name}" if unit.parent_name else unit.name


def _staff(s: Session, spec: _StaffSpec, since: date) -> tuple[Any, list[Any]]:
    units = [_unit(s, u) for u in spec.units]
    staff = directory.staff_by_hsa_id(s, spec.hsa_id)
    if staff is None:
        staff = directory.add_staff(
            s, hsa_id=spec.hsa_id, given_name=spec.given_name, family_name=spec.family_name,
            profession=spec.profession.value, unit_id=units[0].id, valid_from=since, title=spec.title,
        )
    assigned = {a.unit_id for a in directory.active_assignments(s, staff.id, since)}
    for unit in units:
        if unit.id not in assigned:
            directory.add_assignment(s, staff_id=staff.id, unit_id=unit.id, valid_from=since, title=spec.title)
    return staff, units


def _tolvan(s: Session, today: date, since: date, unit_id: int, gp_id: int) -> Any:
    person = directory.person_by_number(s, TOLVAN)
    if person is None:
        person = directory.add_person(
            s, identifier=TOLVAN, given_name="Tolvan", family_name="Tolvansson", today=today,
            kommun_code=KUMLA, synthetic=True,
        )
    listing = directory.current_listing(s, person.id, today)
    if listing is None:
        directory.add_listing(s, person_id=person.id, unit_id=unit_id, fast_lakare_id=gp_id, valid_from=since)
    elif listing.unit_id != unit_id or listing.fast_lakare_id != gp_id:
        directory.add_listing(s, person_id=person.id, unit_id=unit_id, fast_lakare_id=gp_id, valid_from=today)
    return person


def _eva(s: Session, today: date) -> Any:
    person = directory.person_by_number(s, EVA)
    if person is None:
        person = directory.add_person(s, identifier=EVA, given_name="Eva", family_name="Tolvansson", today=today,
                                      kommun_code=KUMLA, synthetic=True)
    return person


def _account(
    s: Session, username: str, role: Role, name: str, who: str, now: datetime, *,
    staff_id: int | None = None, person_id: int | None = None,
) -> None:
    if account_by_username(s, username) is not None:
        return
    service.create_account(
        s, username=username, password=DEMO_PASSWORD, role=role, display_name=name, now=now,
        staff_id=staff_id, person_id=person_id, is_demo=True, description=who,
    )


def demo_staff_actor(s: Session, username: str, today: date) -> Actor | None:
    """The demo account as it acts for its first unit (as a new session would, nara.auth.service); for the demo
    loaders that record plans and processes in a demo user's name."""
    account = account_by_username(s, username)
    if account is None or account.staff_id is None:
        return None
    staff = directory.staff_member(s, account.staff_id)
    units = service.staff_units(s, account.staff_id, today)
    if staff is None or not units:
        return None
    unit = units[0]
    return Actor(account_id=account.id, username=account.username, display_name=staff.full_name,
                 role=Role(account.role), staff_id=staff.id, staff_hsa_id=staff.hsa_id, unit_id=unit.id,
                 unit_name=unit.name, provider_id=unit.provider_id, unit_kind=unit.kind,
                 profession=staff.profession, is_demo=account.is_demo)
