"""The access matrix (DOMAIN §5): who may reach a person's data, each scenario through the JSON API and
through the pages, on SQLite and PostgreSQL, with real accounts logged in (a bearer token for the API, a session
cookie and its CSRF token for the pages).

Every attempt is checked twice: the HTTP status, and that exactly one new audit entry with the right outcome
(and, for a denial, the right reason) was written for the right person. Protected identity: the address string
is searched for in the raw response text.

The accounts, units and sessions are set up once per database; each scenario arranges its own persons and
grants, so scenarios cannot disturb each other.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nara.access.store import (
    BlockLiftRow,
    BlockRow,
    CannotConsentAssessmentRow,
    CareRelationshipRow,
    ConsentRow,
    EmergencyAccessRow,
)
from nara.app import create_app
from nara.auth import service
from nara.core.actor import Role
from nara.core.clock import FixedClock
from nara.core.db import Database
from nara.core.settings import Settings
from nara.directory.model import personal_number
from nara.directory.store import (
    ListingRow,
    PersonRow,
    SaboResidenceRow,
    UnitRow,
)

from ..conftest import _schema_database, empty_all_tables
from .access_world import (
    add_staff,
    build_directory,
    cheap_passwords,
    entries_since,
    last_seq,
    log_in_everyone,
)

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
PASSWORD = "matris-losenord-1"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
_serial = itertools.count(1)
NOBODY = personal_number(date(1905, 5, 5), 5)  # a valid number no person in the matrix has


# --- the world: providers, units, accounts and their sessions, once per database ---------------------------------


@dataclass
class World:
    db: Database
    api: TestClient
    tokens: dict[str, dict[str, str]]  # who -> bearer header
    pages: dict[str, TestClient]  # who -> a browser session
    csrf: dict[str, str]
    units: dict[str, int]
    providers: dict[str, int]
    own_person: int  # the resident's own person (protected identity)
    own_address: str
    accounts: dict[str, int]
    staff: dict[str, int]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request, _migrated, tmp_path_factory) -> Iterator[World]:
    db = _schema_database(request, request.param, _migrated)
    empty_all_tables(db)
    with cheap_passwords():
        units, providers, accounts, staff, own_person, own_address = _build(db)
        app = create_app(Settings(data_dir=tmp_path_factory.mktemp("matrix")), database=db, clock=FixedClock(NOW))
        sessions = log_in_everyone(app, list(accounts), PASSWORD)
    try:
        yield World(db, sessions.api, sessions.tokens, sessions.pages, sessions.csrf, units, providers, own_person,
                    own_address, accounts, staff)
    finally:
        sessions.close()
        empty_all_tables(db)


UNITS = {
    "vc": ("Vårdcentralen Matris", "vardcentral", "region"),
    "ward": ("Avdelning 71, USÖ", "vardavdelning", "region"),
    "hsv": ("Hemsjukvården Kumla", "hemsjukvard", "kommun"),
    "sabo": ("Solgårdens SäBo", "sabo", "kommun"),
    "pvc": ("Hälsohuset vårdcentral", "vardcentral", "privat"),
    "bistand": ("Biståndsenheten Kumla", "socialtjanst", "kommun"),
}
STAFF = {**{key: (key, "sjukskoterska") for key in UNITS}, "bistand": ("bistand", "bistandshandlaggare"),
         "nounit": (None, "sjukskoterska")}


def _build(db: Database) -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[str, int], int, str]:
    with db.transaction() as s:
        directory = build_directory(s, UNITS, "E")
        accounts, staff_ids = add_staff(s, STAFF, directory.units, "P", "Matris", PASSWORD, NOW)
        own_address = "Skyddsvägen 12, Kumla"
        own = PersonRow(identifier=personal_number(date(1950, 9, 7), 255), identifier_kind="personnummer",
                        given_name="Egen", family_name="Invånare", protected_identity=True, synthetic=True,
                        address=own_address, kommun_code="1881")
        s.add(own)
        s.flush()
        accounts["resident"] = service.create_account(s, username="resident", password=PASSWORD,
                                                      role=Role.RESIDENT, display_name="Egen", now=NOW,
                                                      person_id=own.id).id
        for key, role in (("leader", Role.LEADER), ("reviewer", Role.REVIEWER)):
            accounts[key] = service.create_account(s, username=key, password=PASSWORD, role=role,
                                                   display_name=key, now=NOW).id
        return directory.units, directory.providers, accounts, staff_ids, own.id, own_address


# --- arranging one scenario -------------------------------------------------------------------------------------


class Arrange:
    """Facts for one scenario, written straight into the tables (the use cases are exercised by the steps)."""

    def __init__(self, world: World, s: Any) -> None:
        self.world, self.s = world, s
        self.ids: dict[str, Any] = {"own": world.own_person, "unknown": 999_999_999}
        self.addresses: dict[str, str] = {"own": world.own_address}
        self.identifiers: dict[str, str] = {}

    def person(self, key: str = "p", *, protected: bool = False) -> int:
        n = next(_serial)
        identifier = personal_number(date(1930, 1, 1) + timedelta(days=n * 37), n % 1000)
        address = f"Gatan {n}, Kumla {n:05d}"
        row = PersonRow(identifier=identifier, identifier_kind="personnummer", given_name="Test",
                        family_name=f"Person{n}", protected_identity=protected, synthetic=True, address=address,
                        kommun_code="1881")
        self.s.add(row)
        self.s.flush()
        self.ids[key], self.addresses[key], self.identifiers[key] = row.id, address, identifier
        return row.id

    def _add(self, row: Any, key: str | None) -> None:
        self.s.add(row)
        self.s.flush()
        if key:
            self.ids[key] = row.id

    def relationship(self, unit: str, *, kind: str = "assignment", start: timedelta = timedelta(days=-10),
                     end: timedelta | None = timedelta(days=30), person: str = "p", key: str | None = "rel") -> None:
        self._add(CareRelationshipRow(person_id=self.ids[person], unit_id=self.world.units[unit], kind=kind,
                                      valid_from=NOW + start, valid_to=None if end is None else NOW + end,
                                      created_by=self.world.accounts["vc"], created_at=NOW + start), key)

    def listing(self, unit: str, *, ended: bool = False) -> None:
        self._add(ListingRow(person_id=self.ids["p"], unit_id=self.world.units[unit], valid_from=date(2020, 1, 1),
                             valid_to=date(2026, 11, 1) if ended else None), None)

    def sabo(self, unit: str) -> None:
        self._add(SaboResidenceRow(person_id=self.ids["p"], unit_id=self.world.units[unit],
                                   valid_from=date(2022, 5, 1)), None)

    def consent(self, provider: str, *, plan_ref: str | None = None, expired: bool = False) -> None:
        self._add(ConsentRow(person_id=self.ids["p"], care_provider_id=self.world.providers[provider],
                             plan_ref=plan_ref, valid_from=NOW - timedelta(days=60),
                             valid_to=NOW - timedelta(days=1) if expired else None, given_by="invanare",
                             recorded_by=self.world.accounts["resident"], recorded_at=NOW - timedelta(days=60)),
                  "consent")

    def assessment(self, provider: str) -> None:
        self._add(CannotConsentAssessmentRow(person_id=self.ids["p"], care_provider_id=self.world.providers[provider],
                                             assessed_by=self.world.accounts["hsv"],
                                             assessed_at=NOW - timedelta(days=5), note="Svår demens."), None)

    def block(self, kind: str, category: str, unit: str, *, lifted: bool = False, person: str = "p") -> None:
        unit_row = self.s.get(UnitRow, self.world.units[unit])
        self._add(BlockRow(person_id=self.ids[person], kind=kind, category=category, unit_id=unit_row.id,
                           provider_id=unit_row.provider_id, set_at=NOW - timedelta(days=3),
                           set_by=self.world.accounts[unit],
                           lifted_at=NOW - timedelta(days=1) if lifted else None), "block")

    def lift(self, unit: str, *, by: str = "ward", expired: bool = False) -> None:
        """A temporary lift of the scenario's spärr for ``unit`` (consented to by the person)."""
        start = NOW - timedelta(days=10 if expired else 1)
        self._add(BlockLiftRow(person_id=self.ids["p"], block_id=self.ids["block"], unit_id=self.world.units[unit],
                               reason="Personen samtycker inför besöket", given_by="personal", starts_at=start,
                               ends_at=start + timedelta(days=7), recorded_by=self.world.accounts[by]), "lift")

    def emergency(self, who: str, *, expired: bool = False) -> None:
        start = NOW - timedelta(hours=10 if expired else 1)
        self._add(EmergencyAccessRow(person_id=self.ids["p"], account_id=self.world.accounts[who],
                                     staff_id=self.world.staff[who], unit_id=self.world.units[who],
                                     reason="Medvetslös på akuten",
                                     started_at=start, expires_at=start + timedelta(hours=8), reviewed=False),
                  None)


# --- the steps and the two ways in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One attempt: ``who`` does ``op`` on ``person``; ``allowed`` or denied with ``reason``. ``hidden``: the
    person's address must not be in the response; ``shown``: it must be."""

    who: str
    op: str
    allowed: bool
    reason: str | None = None
    person: str = "p"
    args: tuple[tuple[str, str], ...] = ()
    hidden: bool = False
    shown: bool = False
    contains: str | None = None
    absent: str | None = None


def ok(who: str, op: str, **kw: Any) -> Step:
    return _step(who, op, True, None, kw)


def no(who: str, op: str, reason: str, **kw: Any) -> Step:
    return _step(who, op, False, reason, kw)


def _step(who: str, op: str, allowed: bool, reason: str | None, kw: dict[str, Any]) -> Step:
    person = kw.pop("person", "p")
    hidden, shown, contains = kw.pop("hidden", False), kw.pop("shown", False), kw.pop("contains", None)
    absent = kw.pop("absent", None)
    return Step(who, op, allowed, reason, person, tuple(sorted(kw.items())), hidden, shown, contains, absent)


@dataclass(frozen=True)
class Scenario:
    name: str
    arrange: Callable[[Arrange], None]
    steps: tuple[Step, ...]


# Denials that nödåtkomst can lift — a missing consent, an inre spärr of the own provider, and (in two steps) another
# provider's spärr — but never a missing relationship or what the role may not reach (DOMAIN §5): the API says so
# and the denial page offers the plain nödåtkomst or, through another provider's spärr, its first step.
THROUGH_SPARR = frozenset({"yttre_sparr", "inre_sparr_other_provider"})
EMERGENCY_LIFTS = frozenset({"no_consent", "inre_sparr"}) | THROUGH_SPARR
NO_EMERGENCY = frozenset({"bistand"})  # the role profile has no nödåtkomst (nara.access.model)
API_STATUS = {"emergency": 201, "give_consent": 201, "set_block": 201, "start_relationship": 201, "step_one": 201,
              "step_two": 201, "lift_temporarily": 201}
REASON = "Medvetslös, behöver läkemedelslistan"


def via_api(world: World, a: Arrange, step: Step) -> tuple[int, str]:
    pid, args, headers = a.ids[step.person], dict(step.args), world.tokens[step.who]
    base = f"/api/persons/{pid}"
    api = world.api
    match step.op:
        case "read_person":
            r = api.get(base, headers=headers)
        case "read_info":
            unit = {"unit": world.units[args["unit"]]} if "unit" in args else None
            r = api.get(f"{base}/information/{args['category']}/{world.providers[args['provider']]}",
                        params=unit, headers=headers)
        case "read_access":
            r = api.get(f"{base}/consents", headers=headers)
        case "search":
            r = api.post("/api/directory/persons/lookup", json={"identifier": a.identifiers[step.person]},
                         headers=headers)
            if not step.allowed:  # the same status and body as a number nobody has (nothing tells them apart)
                unknown = api.post("/api/directory/persons/lookup", json={"identifier": NOBODY}, headers=headers)
                assert (r.status_code, r.json()) == (unknown.status_code, unknown.json()), (step, r.text)
                assert r.status_code == 404 and set(r.json()) == {"type", "title", "status", "detail", "instance"}
                return r.status_code, r.text
        case "emergency":
            r = api.post(f"{base}/emergency-access", json={"reason": REASON}, headers=headers)
        case "step_one":
            r = api.post(f"{base}/emergency-access/blocked-providers", json={"reason": REASON}, headers=headers)
        case "step_two":
            r = api.post(f"{base}/emergency-access/blocked-providers/{world.providers[args['provider']]}",
                         json={"reason": REASON}, headers=headers)
        case "lift_temporarily":
            r = api.post(f"{base}/blocks/{a.ids['block']}/temporary-lifts",
                         json={"reason": "Personen samtycker", "unit_id": world.units[args["unit"]]}, headers=headers)
        case "give_consent":
            r = api.post(f"{base}/consents", json={}, headers=headers)
        case "revoke_consent":
            r = api.post(f"{base}/consents/{a.ids['consent']}/revoke", headers=headers)
        case "set_block":
            r = api.post(f"{base}/blocks", json={"kind": args["kind"], "category": args["category"]},
                         headers=headers)
        case "lift_block":
            r = api.post(f"{base}/blocks/{a.ids['block']}/lift", headers=headers)
        case "start_relationship":
            r = api.post(f"{base}/care-relationships", json={"kind": "assignment", "valid_to": "2026-12-31"},
                         headers=headers)
        case "end_relationship":
            r = api.post(f"{base}/care-relationships/{a.ids['rel']}/end", headers=headers)
        case _:
            raise AssertionError(step.op)
    expected = (API_STATUS.get(step.op, 200)) if step.allowed else 403
    assert r.status_code == expected, (step, r.text)
    if not step.allowed:
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["reason"] == step.reason
        possible = step.reason in EMERGENCY_LIFTS and step.who in world.units and step.who not in NO_EMERGENCY
        assert r.json()["emergency_possible"] is possible
    return r.status_code, r.text


def via_pages(world: World, a: Arrange, step: Step) -> tuple[int, str]:
    pid, args, client = a.ids[step.person], dict(step.args), world.pages[step.who]
    base = f"/personer/{pid}"

    def post(path: str, **data: str) -> Any:
        return client.post(path, data={"csrf_token": world.csrf[step.who], **data})

    match step.op:
        case "read_person":
            r = client.get(base)
        case "read_info":
            unit = {"enhet": world.units[args["unit"]]} if "unit" in args else None
            r = client.get(f"{base}/uppgifter/{args['category']}/{world.providers[args['provider']]}", params=unit)
        case "read_access":
            r = client.get(f"{base}/atkomst")
        case "search":
            r = post("/personer", identifier=a.identifiers[step.person])
            if not step.allowed:  # the same page as for a number nobody has, but for the number typed back
                seq = last_seq(world.db)
                unknown = post("/personer", identifier=NOBODY)
                assert r.status_code == unknown.status_code == 404, (step, r.text[:2000])
                assert r.text.replace(a.identifiers[step.person], NOBODY) == unknown.text
                # the number nobody has is logged too: one search entry without a person (and without the
                # number); the step's own count below leaves such comparison entries out
                assert [(e.person_id, e.resource_type, e.resource_id) for e in entries_since(world.db, seq)] == [
                    (None, "person_search", "identifier:0/0")]
                return r.status_code, r.text
        case "emergency":
            r = post(f"{base}/nodatkomst", reason=REASON, confirm="ja", back_to=base)
        case "step_one":
            r = post(f"{base}/nodatkomst/sparrade-vardgivare", reason=REASON, confirm="ja", back_to=base)
        case "step_two":
            r = post(f"{base}/nodatkomst/sparrade-vardgivare/{world.providers[args['provider']]}", reason=REASON,
                     confirm="ja", back_to=base)
        case "lift_temporarily":
            r = post(f"{base}/sparrar/{a.ids['block']}/tillfalligt", reason="Personen samtycker",
                     unit_id=str(world.units[args["unit"]]))
        case "give_consent":
            r = post(f"{base}/samtycken")
        case "revoke_consent":
            r = post(f"{base}/samtycken/{a.ids['consent']}/aterkalla")
        case "set_block":
            r = post(f"{base}/sparrar", kind=args["kind"], category=args["category"])
        case "lift_block":
            r = post(f"{base}/sparrar/{a.ids['block']}/hav")
        case "start_relationship":
            r = post(f"{base}/vardrelationer", valid_to="2026-12-31")
        case "end_relationship":
            r = post(f"{base}/vardrelationer/{a.ids['rel']}/avsluta")
        case _:
            raise AssertionError(step.op)
    success = 200 if r.request.method == "GET" or step.op == "step_one" else 303
    assert r.status_code == (success if step.allowed else 403), (step, r.text[:2000])
    if not step.allowed:
        assert "Åtkomst nekad" in r.text and "Försöket är loggat." in r.text
        staff = step.who in world.units and step.who not in NO_EMERGENCY
        offered = step.reason in EMERGENCY_LIFTS - THROUGH_SPARR and staff
        assert (f'action="/personer/{pid}/nodatkomst"' in r.text) is offered
        steps = step.reason in THROUGH_SPARR and staff
        assert (f'action="/personer/{pid}/nodatkomst/sparrade-vardgivare"' in r.text) is steps
    return r.status_code, r.text


# --- the scenarios ------------------------------------------------------------------------------------------------

PLAN_REGION = {"category": "plan", "provider": "region"}
S: list[Scenario] = []


def scenario(name: str, *steps: Step) -> Callable[[Callable[[Arrange], None]], Callable[[Arrange], None]]:
    def register(arrange: Callable[[Arrange], None]) -> Callable[[Arrange], None]:
        S.append(Scenario(name, arrange, steps))
        return arrange
    return register


def _p(a: Arrange) -> None:
    a.person()


# care relationship (vårdrelation)
@scenario("same_unit_with_assignment_is_allowed", ok("vc", "read_person"))
def _(a): a.person(), a.relationship("vc")
@scenario("same_unit_with_listing_is_allowed", ok("vc", "read_person"))
def _(a): a.person(), a.listing("vc")
@scenario("sabo_residence_is_a_care_relationship", ok("sabo", "read_person"))
def _(a): a.person(), a.sabo("sabo")
@scenario("open_admission_reads_own_providers_plan", ok("ward", "read_info", **PLAN_REGION))
def _(a): a.person(), a.relationship("ward", kind="admission", end=None)
@scenario("other_unit_of_same_provider_without_relationship_is_denied",
          no("ward", "read_person", "no_care_relationship"))
def _(a): a.person(), a.relationship("vc")
@scenario("no_relationship_is_denied", no("vc", "read_person", "no_care_relationship"))
def _(a): a.person()
@scenario("ended_relationship_is_denied", no("vc", "read_person", "no_care_relationship"))
def _(a): a.person(), a.relationship("vc", start=timedelta(days=-30), end=timedelta(days=-1))
@scenario("relationship_not_yet_started_is_denied", no("vc", "read_person", "no_care_relationship"))
def _(a): a.person(), a.relationship("vc", start=timedelta(days=2), end=timedelta(days=9))
@scenario("ended_listing_is_denied", no("vc", "read_person", "no_care_relationship"))
def _(a): a.person(), a.listing("vc", ended=True)
@scenario("relationship_ended_over_http_denies_the_next_request",
          ok("vc", "end_relationship"), no("vc", "read_person", "no_care_relationship"))
def _(a): a.person(), a.relationship("vc")
@scenario("unit_starts_its_own_assignment_then_reads",
          ok("vc", "start_relationship"), ok("vc", "read_person"))
def _(a): a.person()
@scenario("grunduppgifter_need_no_consent_across_providers", ok("hsv", "read_person"))
def _(a): a.person(), a.relationship("hsv")
@scenario("relationship_gives_access_to_the_access_settings", ok("vc", "read_access"))
def _(a): a.person(), a.relationship("vc")
@scenario("access_settings_without_relationship_are_denied", no("ward", "read_access", "no_care_relationship"))
def _(a): a.person(), a.relationship("vc")


# consent across care providers (lag 2022:913)
@scenario("other_provider_with_consent_is_allowed", ok("hsv", "read_info", **PLAN_REGION))
def _(a): a.person(), a.relationship("hsv"), a.consent("kommun")
@scenario("other_provider_without_consent_is_denied", no("hsv", "read_info", "no_consent", **PLAN_REGION))
def _(a): a.person(), a.relationship("hsv")
@scenario("consent_withdrawn_is_denied_from_the_next_request",
          ok("hsv", "read_info", **PLAN_REGION), ok("hsv", "revoke_consent"),
          no("hsv", "read_info", "no_consent", **PLAN_REGION))
def _(a): a.person(), a.relationship("hsv"), a.consent("kommun")
@scenario("consent_for_another_provider_does_not_count", no("hsv", "read_info", "no_consent", **PLAN_REGION))
def _(a): a.person(), a.relationship("hsv"), a.consent("privat")
@scenario("expired_consent_is_denied", no("hsv", "read_info", "no_consent", **PLAN_REGION))
def _(a): a.person(), a.relationship("hsv"), a.consent("kommun", expired=True)
@scenario("consent_for_one_plan_does_not_open_the_whole_category",
          no("hsv", "read_info", "no_consent", **PLAN_REGION))
def _(a): a.person(), a.relationship("hsv"), a.consent("kommun", plan_ref="plan-7")
@scenario("consent_without_relationship_is_denied",
          no("hsv", "read_info", "no_care_relationship", **PLAN_REGION))
def _(a): a.person(), a.consent("kommun")
@scenario("consent_recorded_by_staff_opens_the_next_request",
          no("hsv", "read_info", "no_consent", **PLAN_REGION), ok("hsv", "give_consent"),
          ok("hsv", "read_info", **PLAN_REGION))
def _(a): a.person(), a.relationship("hsv")
@scenario("cannot_consent_assessment_replaces_consent", ok("hsv", "read_info", **PLAN_REGION))
def _(a): a.person(), a.relationship("hsv"), a.assessment("kommun")
@scenario("assessment_of_another_provider_does_not_count", no("hsv", "read_info", "no_consent", **PLAN_REGION))
def _(a): a.person(), a.relationship("hsv"), a.assessment("region")
@scenario("private_provider_with_consent_reads_municipal_notes",
          ok("pvc", "read_info", category="anteckningar", provider="kommun"))
def _(a): a.person(), a.relationship("pvc"), a.consent("privat")
@scenario("own_providers_information_needs_no_consent", ok("vc", "read_info", **PLAN_REGION))
def _(a): a.person(), a.relationship("vc")


# spärr
@scenario("inre_sparr_is_denied", no("vc", "read_info", "inre_sparr", **PLAN_REGION))
def _(a): a.person(), a.relationship("vc"), a.block("inre", "plan", "ward")
@scenario("inre_sparr_opens_with_emergency_access",
          no("vc", "read_info", "inre_sparr", **PLAN_REGION), ok("vc", "emergency"),
          ok("vc", "read_info", **PLAN_REGION))
def _(a): a.person(), a.relationship("vc"), a.block("inre", "plan", "ward")
@scenario("inre_sparr_does_not_hide_from_the_unit_that_set_it", ok("ward", "read_info", **PLAN_REGION))
def _(a): a.person(), a.relationship("ward"), a.block("inre", "plan", "ward")
@scenario("inre_sparr_on_one_category_leaves_the_others_open", ok("vc", "read_info", **PLAN_REGION))
def _(a): a.person(), a.relationship("vc"), a.block("inre", "vardkontakter", "ward")
@scenario("lifted_inre_sparr_no_longer_hides", ok("vc", "read_info", **PLAN_REGION))
def _(a): a.person(), a.relationship("vc"), a.block("inre", "plan", "ward", lifted=True)
@scenario("inre_sparr_set_over_http_hides_from_the_next_request",
          ok("vc", "read_info", **PLAN_REGION), ok("ward", "set_block", kind="inre", category="plan"),
          no("vc", "read_info", "inre_sparr", **PLAN_REGION))
def _(a): a.person(), a.relationship("vc"), a.relationship("ward", key=None)
@scenario("inre_sparr_is_not_shared_with_other_providers",
          no("hsv", "read_info", "inre_sparr_other_provider", **PLAN_REGION))
def _(a): a.person(), a.relationship("hsv"), a.consent("kommun"), a.block("inre", "plan", "vc")
@scenario("yttre_sparr_is_denied_despite_consent", no("hsv", "read_info", "yttre_sparr", **PLAN_REGION))
def _(a): a.person(), a.relationship("hsv"), a.consent("kommun"), a.block("yttre", "plan", "vc")
@scenario("yttre_sparr_holds_against_the_plain_emergency_access",
          ok("hsv", "emergency"), no("hsv", "read_info", "yttre_sparr", **PLAN_REGION))
def _(a): a.person(), a.relationship("hsv"), a.block("yttre", "plan", "vc")
@scenario("yttre_sparr_does_not_hide_from_its_own_provider", ok("ward", "read_info", **PLAN_REGION))
def _(a): a.person(), a.relationship("ward"), a.block("yttre", "plan", "vc")
@scenario("only_the_provider_that_set_a_yttre_sparr_can_lift_it",
          no("hsv", "lift_block", "sparr_set_by_other_provider"))
def _(a): a.person(), a.relationship("hsv"), a.block("yttre", "plan", "vc")
@scenario("the_provider_that_set_it_lifts_it_and_access_returns",
          no("hsv", "read_info", "yttre_sparr", **PLAN_REGION), ok("vc", "lift_block"),
          ok("hsv", "read_info", **PLAN_REGION))
def _(a):
    a.person(), a.relationship("vc"), a.relationship("hsv", key=None), a.consent("kommun")
    a.block("yttre", "plan", "vc")
@scenario("another_providers_blocked_information_is_announced_without_naming_it",
          ok("hsv", "read_person", contains="Det finns spärrad information (planer) hos en annan vårdgivare",
             absent="Region Örebro län"))
def _(a): a.person(), a.relationship("hsv"), a.block("yttre", "plan", "vc")
@scenario("the_own_providers_inre_sparr_is_announced_with_the_unit_that_set_it",
          ok("vc", "read_person", contains="spärrad av Avdelning 71, USÖ (Region Örebro län)"))
def _(a): a.person(), a.relationship("vc"), a.block("inre", "plan", "ward")
@scenario("the_resident_cannot_lift_a_sparr", no("resident", "lift_block", "sparr_lifted_by_provider", person="own"))
def _(a): a.block("inre", "plan", "vc", person="own")


# nödåtkomst
@scenario("emergency_access_to_a_person_without_relationship_is_denied",
          no("ward", "emergency", "no_care_relationship"), no("ward", "read_person", "no_care_relationship"))
def _(a): a.person(), a.relationship("vc")
@scenario("an_old_emergency_access_without_relationship_opens_nothing",
          no("ward", "read_person", "no_care_relationship"))
def _(a): a.person(), a.emergency("ward")
@scenario("emergency_access_within_a_relationship_lifts_a_missing_consent",
          no("ward", "read_info", "no_consent", category="anteckningar", provider="kommun"), ok("ward", "emergency"),
          ok("ward", "read_info", category="anteckningar", provider="kommun"))
def _(a): a.person(), a.relationship("ward", kind="admission", end=None)
@scenario("expired_emergency_access_is_denied",
          no("ward", "read_info", "no_consent", category="anteckningar", provider="kommun"))
def _(a): a.person(), a.relationship("ward"), a.emergency("ward", expired=True)
@scenario("another_accounts_emergency_access_does_not_count",
          no("ward", "read_info", "no_consent", category="anteckningar", provider="kommun"))
def _(a): a.person(), a.relationship("ward"), a.emergency("vc")
@scenario("emergency_access_opens_another_providers_information_without_consent",
          ok("pvc", "emergency"), ok("pvc", "read_info", category="anteckningar", provider="kommun"))
def _(a): a.person(), a.relationship("pvc")


# the resident and other roles
@scenario("resident_reads_own_data_and_own_protected_address", ok("resident", "read_person", person="own", shown=True))
def _(a): pass
@scenario("resident_reads_own_consents", ok("resident", "read_access", person="own"))
def _(a): pass
@scenario("resident_cannot_read_another_person", no("resident", "read_person", "not_own_data", hidden=True))
def _(a): a.person()
@scenario("resident_cannot_read_another_persons_consents", no("resident", "read_access", "not_own_data"))
def _(a): a.person()
@scenario("leader_has_no_access_to_a_person", no("leader", "read_person", "role_without_person_access"))
def _(a): a.person(), a.listing("vc")
@scenario("reviewer_has_no_access_to_a_person", no("reviewer", "read_person", "role_without_person_access"))
def _(a): a.person(), a.listing("vc")
@scenario("staff_without_an_active_unit_is_denied", no("nounit", "read_person", "no_active_unit"))
def _(a): a.person()
@scenario("an_unknown_person_is_denied_not_revealed", no("vc", "read_person", "unknown_person", person="unknown"))
def _(a): pass


# search by personnummer
@scenario("search_with_relationship_is_allowed", ok("vc", "search"))
def _(a): a.person(), a.listing("vc")
@scenario("search_without_relationship_answers_like_an_unknown_number", no("vc", "search", "no_care_relationship"))
def _(a): a.person()


# protected identity: the address is never in any response
@scenario("protected_address_hidden_with_relationship", ok("vc", "read_person", hidden=True))
def _(a): a.person(protected=True), a.relationship("vc")
@scenario("protected_address_hidden_under_emergency_access",
          ok("ward", "emergency", hidden=True), ok("ward", "read_person", hidden=True))
def _(a): a.person(protected=True), a.relationship("ward")
@scenario("protected_address_hidden_in_search", ok("vc", "search", hidden=True))
def _(a): a.person(protected=True), a.listing("vc")
@scenario("protected_address_hidden_on_denial", no("ward", "read_person", "no_care_relationship", hidden=True))
def _(a): a.person(protected=True), a.relationship("vc")
@scenario("protected_address_hidden_in_access_settings", ok("vc", "read_access", hidden=True))
def _(a): a.person(protected=True), a.relationship("vc")
@scenario("protected_address_hidden_from_other_provider_with_consent", ok("hsv", "read_person", hidden=True))
def _(a): a.person(protected=True), a.relationship("hsv"), a.consent("kommun")
@scenario("unprotected_address_is_shown_with_relationship", ok("vc", "read_person", shown=True))
def _(a): a.person(), a.relationship("vc")


# who may end a care relationship: only the unit that holds it (DOMAIN §5)
@scenario("a_municipality_nurse_cannot_end_the_wards_relationship",
          no("hsv", "end_relationship", "relationship_held_by_other_unit"), ok("ward", "read_info", **PLAN_REGION))
def _(a): a.person(), a.relationship("ward", kind="admission", end=None), a.relationship("hsv", key=None)
@scenario("another_unit_of_the_same_provider_cannot_end_the_wards_relationship",
          no("vc", "end_relationship", "relationship_held_by_other_unit"), ok("ward", "read_person"))
def _(a): a.person(), a.relationship("ward", kind="admission", end=None), a.relationship("vc", key=None)
@scenario("the_ward_ends_its_own_relationship", ok("ward", "end_relationship"),
          no("ward", "read_person", "no_care_relationship"))
def _(a): a.person(), a.relationship("ward", kind="admission", end=None)


# roles (behörighetsprofiler, HSLF-FS 2016:40 4 kap. 2 §)
BISTAND = {"who": "bistand"}
@scenario("a_bistandshandlaggare_reads_social_services_documentation",
          ok("bistand", "read_info", category="social_dokumentation", provider="kommun"))
def _(a): a.person(), a.relationship("bistand")
@scenario("a_bistandshandlaggare_does_not_read_a_health_care_note",
          no("bistand", "read_info", "role_not_permitted", category="anteckningar", provider="kommun"))
def _(a): a.person(), a.relationship("bistand")
@scenario("a_bistandshandlaggare_does_not_read_another_providers_health_care_note_even_with_consent",
          no("bistand", "read_info", "role_not_permitted", category="anteckningar", provider="region"))
def _(a): a.person(), a.relationship("bistand"), a.consent("kommun")
@scenario("a_bistandshandlaggare_does_not_read_medicines",
          no("bistand", "read_info", "role_not_permitted", category="lakemedel", provider="kommun"))
def _(a): a.person(), a.relationship("bistand")
@scenario("a_bistandshandlaggare_has_no_emergency_access",
          no("bistand", "emergency", "emergency_not_for_role"),
          no("bistand", "read_info", "role_not_permitted", category="anteckningar", provider="kommun"))
def _(a): a.person(), a.relationship("bistand")
@scenario("a_bistandshandlaggare_reads_grunduppgifter_in_a_relationship", ok("bistand", "read_person"))
def _(a): a.person(), a.relationship("bistand")
@scenario("a_nurse_reads_health_care_notes_but_not_social_services_documentation",
          ok("hsv", "read_info", category="anteckningar", provider="kommun"),
          no("hsv", "read_info", "role_not_permitted", category="social_dokumentation", provider="kommun"))
def _(a): a.person(), a.relationship("hsv")


# inre spärr per vårdenhet (PDL 4 kap. 4 §)
NOTES_AT = {"category": "anteckningar", "provider": "region"}
@scenario("inre_sparr_at_the_ward_denies_the_vardcentral_what_the_ward_documented",
          no("vc", "read_info", "inre_sparr", unit="ward", **NOTES_AT))
def _(a): a.person(), a.relationship("vc"), a.block("inre", "anteckningar", "ward")
@scenario("inre_sparr_at_the_ward_leaves_what_the_vardcentral_documented_open",
          ok("vc", "read_info", unit="vc", **NOTES_AT))
def _(a): a.person(), a.relationship("vc"), a.block("inre", "anteckningar", "ward")
@scenario("inre_sparr_at_the_ward_does_not_hide_from_the_ward",
          ok("ward", "read_info", unit="ward", **NOTES_AT))
def _(a): a.person(), a.relationship("ward"), a.block("inre", "anteckningar", "ward")
@scenario("inre_sparr_at_one_unit_is_not_shared_with_another_provider",
          no("hsv", "read_info", "inre_sparr_other_provider", unit="ward", **NOTES_AT),
          ok("hsv", "read_info", unit="vc", **NOTES_AT))
def _(a): a.person(), a.relationship("hsv"), a.consent("kommun"), a.block("inre", "anteckningar", "ward")
@scenario("inre_sparr_opens_for_a_unit_the_person_consented_to_for_a_time",
          no("vc", "read_info", "inre_sparr", unit="ward", **NOTES_AT), ok("ward", "lift_temporarily", unit="vc"),
          ok("vc", "read_info", unit="ward", **NOTES_AT))
def _(a): a.person(), a.relationship("vc"), a.relationship("ward", key=None), a.block("inre", "anteckningar", "ward")
@scenario("a_temporary_lift_for_another_unit_does_not_open_it",
          no("vc", "read_info", "inre_sparr", unit="ward", **NOTES_AT))
def _(a):
    a.person(), a.relationship("vc"), a.block("inre", "anteckningar", "ward"), a.lift("ward")
@scenario("an_ended_temporary_lift_no_longer_opens_it",
          no("vc", "read_info", "inre_sparr", unit="ward", **NOTES_AT))
def _(a):
    a.person(), a.relationship("vc"), a.block("inre", "anteckningar", "ward"), a.lift("vc", expired=True)
@scenario("another_provider_cannot_lift_an_inre_sparr_temporarily",
          no("hsv", "lift_temporarily", "sparr_set_by_other_provider", unit="hsv"))
def _(a): a.person(), a.relationship("hsv"), a.block("inre", "anteckningar", "ward")
@scenario("a_yttre_sparr_is_not_lifted_temporarily", no("vc", "lift_temporarily", "lift_only_inre", unit="vc"))
def _(a): a.person(), a.relationship("vc"), a.block("yttre", "anteckningar", "vc")


# nödåtkomst through a yttre spärr: two active steps, each logged with its reason (DOMAIN §5)
@scenario("emergency_through_a_yttre_sparr_in_two_steps",
          no("hsv", "read_info", "yttre_sparr", **PLAN_REGION),
          ok("hsv", "step_one", contains="Region Örebro län"),
          ok("hsv", "step_two", provider="region"),
          ok("hsv", "read_info", **PLAN_REGION))
def _(a): a.person(), a.relationship("hsv"), a.consent("kommun"), a.block("yttre", "plan", "vc")
@scenario("the_second_step_needs_the_first",
          no("hsv", "step_two", "emergency_step_one_first", provider="region"),
          no("hsv", "read_info", "yttre_sparr", **PLAN_REGION))
def _(a): a.person(), a.relationship("hsv"), a.consent("kommun"), a.block("yttre", "plan", "vc")
@scenario("the_first_step_needs_a_patient_relationship", no("hsv", "step_one", "no_care_relationship"))
def _(a): a.person(), a.block("yttre", "plan", "vc")
@scenario("the_second_step_opens_only_a_provider_that_blocked_something",
          ok("hsv", "step_one"), no("hsv", "step_two", "no_blocked_information", provider="privat"),
          no("hsv", "read_info", "yttre_sparr", **PLAN_REGION))
def _(a): a.person(), a.relationship("hsv"), a.consent("kommun"), a.block("yttre", "plan", "vc")
@scenario("after_the_first_step_the_blocked_information_names_its_provider",
          ok("hsv", "step_one"), ok("hsv", "read_person", contains="spärrad av Region Örebro län"))
def _(a): a.person(), a.relationship("hsv"), a.block("yttre", "plan", "vc")
@scenario("the_two_steps_open_another_providers_inre_sparr_too",
          no("hsv", "read_info", "inre_sparr_other_provider", unit="ward", **NOTES_AT), ok("hsv", "step_one"),
          ok("hsv", "step_two", provider="region"), ok("hsv", "read_info", unit="ward", **NOTES_AT))
def _(a): a.person(), a.relationship("hsv"), a.consent("kommun"), a.block("inre", "anteckningar", "ward")
@scenario("a_bistandshandlaggare_cannot_take_the_first_step", no("bistand", "step_one", "emergency_not_for_role"))
def _(a): a.person(), a.relationship("bistand"), a.block("yttre", "social_dokumentation", "vc")


CHANNELS = {"api": via_api, "pages": via_pages}


@pytest.mark.parametrize("channel", list(CHANNELS))
@pytest.mark.parametrize("case", S, ids=[c.name for c in S])
def test_access_matrix(world: World, case: Scenario, channel: str) -> None:
    with world.db.transaction() as s:
        arrange = Arrange(world, s)
        case.arrange(arrange)
    for step in case.steps:
        before = last_seq(world.db)
        _status, body = CHANNELS[channel](world, arrange, step)
        new = [e for e in entries_since(world.db, before) if e.resource_type != "person_search"]
        assert len(new) == 1, (step, [(e.action, e.outcome, e.denial_reason) for e in new])
        entry = new[0]
        assert entry.outcome == ("allowed" if step.allowed else "denied"), (step, entry.denial_reason)
        assert entry.person_id == arrange.ids[step.person]
        assert entry.account_id == world.accounts[step.who]
        assert entry.denial_reason == step.reason
        if step.op in ("emergency", "step_one", "step_two"):
            assert entry.action == "emergency_access" and entry.emergency_reason == REASON
        address = arrange.addresses.get(step.person)
        if step.hidden:
            assert address not in body
        if step.shown:
            assert address in body
        if step.contains:
            assert step.contains in body
        if step.absent:
            assert step.absent not in body


def test_the_matrix_has_at_least_eighty_scenarios() -> None:
    assert len(S) >= 80
    assert len({c.name for c in S}) == len(S)


@pytest.mark.parametrize("reason", ["   ", "\u200b\u2060\u200b", "\u00a0\t…", "ok"])
def test_a_nodatkomst_reason_without_words_opens_nothing(world: World, reason: str) -> None:
    """The reason is words (DOMAIN §5): whitespace, invisible characters or a token is refused with a Swedish
    message, through the API and the page, and no nödåtkomst is opened."""
    with world.db.transaction() as s:
        arrange = Arrange(world, s)
        arrange.person()
        arrange.relationship("ward")
    pid = arrange.ids["p"]
    r = world.api.post(f"/api/persons/{pid}/emergency-access", json={"reason": reason}, headers=world.tokens["ward"])
    assert r.status_code == 422 and "skälet" in r.json()["detail"].lower()
    page = world.pages["ward"].post(f"/personer/{pid}/nodatkomst", data={
        "csrf_token": world.csrf["ward"], "reason": reason, "confirm": "ja", "back_to": f"/personer/{pid}"})
    assert page.status_code == 422 and "Ange skälet till nödåtkomsten med ord." in page.text
    with world.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(EmergencyAccessRow)
                        .where(EmergencyAccessRow.person_id == pid)) == 0
