"""Rights per piece of a plan, not per plan (DOMAIN §5: "decide per piece of information by the provider and unit
that documented it — a shared plan holds pieces from several"): each scenario through the JSON API and through the
pages, on SQLite and PostgreSQL, with real accounts logged in (a bearer token for the API, a session cookie for
the pages).

Every step is checked for its HTTP status, the exact audit entries it wrote (one per distinct decision: the plan's
frame, then each documenting provider and unit; their outcomes and reasons), the content strings that must be in
the response and those that must not be anywhere in it (JSON or page HTML), and the notice that says something is
withheld and by whom.

Plans are written straight into the tables as versions authored by the units named (the use cases that write
them are tested in test_plans.py); the accounts and sessions are set up once per database.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlalchemy import func, select

from nara.access.store import BlockRow, CareRelationshipRow, ConsentRow, EmergencyAccessRow
from nara.app import create_app
from nara.auth import service
from nara.core.actor import Role
from nara.core.clock import FixedClock
from nara.core.db import Database
from nara.core.settings import Settings
from nara.directory.model import personal_number
from nara.directory.store import (
    PersonRow,
    UnitRow,
)
from nara.plans import model
from nara.plans.store import PlanRow, PlanVersionRow

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
PASSWORD = "element-losenord-1"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
OPS = TypeAdapter(list[model.Operation])
_serial = itertools.count(1)

# who: (unit key, profession)
STAFF = {"vc": ("vc", "lakare"), "ward": ("ward", "sjukskoterska"), "hsv": ("hsv", "sjukskoterska"),
         "bist": ("bist", "bistandshandlaggare"), "pvc": ("pvc", "lakare")}


@dataclass
class World:
    db: Database
    api: TestClient
    tokens: dict[str, dict[str, str]]
    pages: dict[str, TestClient]
    units: dict[str, int]
    providers: dict[str, int]  # "region", "kommun", "privat"
    unit_provider: dict[str, str]
    accounts: dict[str, int]
    staff: dict[str, int]
    resident_person: int


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request, _migrated, tmp_path_factory) -> Iterator[World]:
    db = _schema_database(request, request.param, _migrated)
    empty_all_tables(db)
    with cheap_passwords():
        built = _build(db)
        app = create_app(Settings(data_dir=tmp_path_factory.mktemp("elements")), database=db, clock=FixedClock(NOW))
        sessions = log_in_everyone(app, list(built["accounts"]), PASSWORD)
    try:
        yield World(db, sessions.api, sessions.tokens, sessions.pages, **built)
    finally:
        sessions.close()
        empty_all_tables(db)


UNITS = {
    "vc": ("Vårdcentralen Element", "vardcentral", "region"),
    "ward": ("Avdelning 12, USÖ", "vardavdelning", "region"),
    "hsv": ("Hemsjukvården Kumla", "hemsjukvard", "kommun"),
    "bist": ("Biståndsenheten Kumla", "socialtjanst", "kommun"),
    "pvc": ("Hälsohuset vårdcentral", "vardcentral", "privat"),
}


def _build(db: Database) -> dict[str, Any]:
    with db.transaction() as s:
        directory = build_directory(s, UNITS, "F")
        accounts, staff_ids = add_staff(s, STAFF, directory.units, "Q", "Skribent", PASSWORD, NOW)
        person = PersonRow(identifier=personal_number(date(1944, 4, 4), 312), identifier_kind="personnummer",
                           given_name="Egen", family_name="Planläsare", synthetic=True, address="Gatan 1, Kumla",
                           kommun_code="1881")
        s.add(person)
        s.flush()
        accounts["resident"] = service.create_account(s, username="resident", password=PASSWORD,
                                                      role=Role.RESIDENT, display_name="Egen", now=NOW,
                                                      person_id=person.id).id
    return {"units": directory.units, "providers": directory.providers, "unit_provider": directory.unit_provider,
            "accounts": accounts, "staff": staff_ids, "resident_person": person.id}


# --- arranging one scenario --------------------------------------------------------------------------------------


class Arrange:
    """A person, a plan written version by version by the units named, and the person's access facts."""

    def __init__(self, world: World, s: Any) -> None:
        self.world, self.s = world, s
        self.person_id = 0
        self.plan_id = 0
        self.versions = 0

    def person(self, *, resident: bool = False) -> None:
        if resident:
            self.person_id = self.world.resident_person
            return
        n = next(_serial)
        row = PersonRow(identifier=personal_number(date(1931, 1, 1) + timedelta(days=n * 41), n % 1000),
                        identifier_kind="personnummer", given_name="Test", family_name=f"Element{n}",
                        synthetic=True, address=f"Vägen {n}, Kumla", kommun_code="1881")
        self.s.add(row)
        self.s.flush()
        self.person_id = row.id

    def plan(self, owner: str, kind: str, *versions: tuple[str, list[dict]]) -> None:
        """A plan owned by ``owner``'s unit; each version written by the unit named with those operations."""
        w = self.world
        doc = model.new_document(kind)
        rows = []
        for number, (who, raw) in enumerate(versions, start=1):
            unit = STAFF[who][0]
            author = model.Author(provider_id=w.providers[w.unit_provider[unit]], unit_id=w.units[unit],
                                  by_person=False, at=NOW - timedelta(days=10 - number))
            old, doc = doc, model.apply_operations(doc, OPS.validate_python(raw), author)
            summary = "Planen skapades" if number == 1 else model.summary(model.diff_documents(old, doc))
            rows.append((number, who, doc.model_dump_json(), summary, author))
        plan = PlanRow(person_id=self.person_id, kind=kind, owner_provider_id=w.providers[w.unit_provider[owner]],
                       owner_unit_id=w.units[owner], version=len(rows), document=doc.model_dump_json(),
                       status=model.state_of(doc), open_requests=0, follow_ups=0, single_key=None,
                       created_at=NOW - timedelta(days=9), created_by=w.accounts[owner],
                       updated_at=NOW - timedelta(days=1), updated_by=w.accounts[owner])
        self.s.add(plan)
        self.s.flush()
        for number, who, text, summary, author in rows:
            self.s.add(PlanVersionRow(plan_id=plan.id, version=number, document=text,
                                      author_account_id=w.accounts[who], author_name=f"Elin {who.upper()}-skribent",
                                      author_staff_id=w.staff[who], author_hsa_id=None,
                                      author_unit_id=author.unit_id, author_provider_id=author.provider_id,
                                      by_person=False, created_at=author.at, summary=summary))
        self.s.flush()
        self.plan_id, self.versions = plan.id, len(rows)

    def relationship(self, *units: str) -> None:
        for unit in units:
            self.s.add(CareRelationshipRow(person_id=self.person_id, unit_id=self.world.units[unit],
                                           kind="assignment", valid_from=NOW - timedelta(days=20),
                                           valid_to=NOW + timedelta(days=30), created_by=self.world.accounts["vc"],
                                           created_at=NOW - timedelta(days=20)))
        self.s.flush()

    def consent(self, reader: str) -> None:
        """The person lets ``reader``'s care provider ("region", "kommun", "privat") read other providers'."""
        self.s.add(ConsentRow(person_id=self.person_id, care_provider_id=self.world.providers[reader],
                              plan_ref=None, valid_from=NOW - timedelta(days=60), valid_to=None,
                              given_by="invanare", recorded_by=self.world.accounts["resident"],
                              recorded_at=NOW - timedelta(days=60)))
        self.s.flush()

    def block(self, kind: str, unit: str, category: str = "plan") -> None:
        row = self.s.get(UnitRow, self.world.units[unit])
        self.s.add(BlockRow(person_id=self.person_id, kind=kind, category=category, unit_id=row.id,
                            provider_id=row.provider_id, set_at=NOW - timedelta(days=3),
                            set_by=self.world.accounts["resident"]))
        self.s.flush()

    def emergency(self, who: str, scope: str = "person", opened: str | None = None) -> None:
        self.s.add(EmergencyAccessRow(
            person_id=self.person_id, account_id=self.world.accounts[who], staff_id=self.world.staff[who],
            unit_id=self.world.units[STAFF[who][0]], reason="Medvetslös, behöver veta vilka insatser som pågår",
            started_at=NOW - timedelta(hours=1), expires_at=NOW + timedelta(hours=7), reviewed=False, scope=scope,
            opened_provider_id=self.world.providers[opened] if opened else None))
        self.s.flush()


# The plan most scenarios share: the vårdcentral's (region) goal and activity, then hemsjukvården's (kommun)
# activity written into the region's plan.
A_GOAL, A_ACTIVITY, B_ACTIVITY = "Orka gå till affären", "Blodtrycksuppföljning VC", "Såromläggning HSV hemlig"


def shared_plan(a: Arrange) -> None:
    w = a.world
    a.plan("vc", "patientkontrakt",
           ("vc", [{"op": "add_goal", "text": A_GOAL},
                   {"op": "add_activity", "text": A_ACTIVITY,
                    "responsible": {"kind": "region_unit", "unit_id": w.units["vc"]}}]),
           ("hsv", [{"op": "add_activity", "text": B_ACTIVITY,
                     "responsible": {"kind": "municipal_unit", "unit_id": w.units["hsv"]}}]))


# A plan of the ward (unit Y of the region) holding what the vårdcentral (unit X of the same region) documented.
X_ACTIVITY, Y_ACTIVITY = "Läkemedelsgenomgång X-enheten", "Mobilisering Y-enheten"


def two_units_plan(a: Arrange) -> None:
    w = a.world
    a.plan("ward", "patientkontrakt",
           ("ward", [{"op": "add_activity", "text": Y_ACTIVITY,
                      "responsible": {"kind": "region_unit", "unit_id": w.units["ward"]}}]),
           ("vc", [{"op": "add_activity", "text": X_ACTIVITY,
                    "responsible": {"kind": "region_unit", "unit_id": w.units["vc"]}}]))


# A SIP of the vårdcentral: an activity for the social services with a health-care note on its status, and the
# social services' own intervention.
SIP_ACTIVITY, HEALTH_NOTE, SOCIAL_INTERVENTION = "Hemtjänst morgon och kväll", "Sår i hälen, ny salva", \
    "Beslut om hemtjänst 20 timmar"


def sip_plan(a: Arrange) -> None:
    w = a.world
    a.plan("vc", "sip",
           ("vc", [{"op": "invite_unit", "unit_id": w.units["bist"]},
                   {"op": "add_activity", "text": SIP_ACTIVITY,
                    "responsible": {"kind": "municipal_unit", "unit_id": w.units["bist"]}}]),
           ("bist", [{"op": "add_intervention", "text": SOCIAL_INTERVENTION,
                      "principal_provider_id": w.providers["kommun"], "unit_id": w.units["bist"]}]),
           ("vc", [{"op": "set_activity_status", "id": "a2", "status": "pagaende", "note": HEALTH_NOTE}]))


# --- the steps and the two ways in ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """``who`` does ``op`` (read, history, version, diff, print); the entries it writes as (outcome, reason)
    pairs (any order); ``absent`` strings must not be in the response, ``present`` ones must; ``notice`` names what
    is said about withheld pieces."""

    who: str
    op: str
    entries: tuple[tuple[str, str | None], ...]
    absent: tuple[str, ...] = ()
    present: tuple[str, ...] = ()
    notice: str | None = None

    @property
    def allowed(self) -> bool:
        return all(outcome == "allowed" for outcome, _ in self.entries[:1])


ALLOWED = ("allowed", "care_relationship")
CONSENTED = ("allowed", "consent")


def step(who: str, op: str, *entries: tuple[str, str | None], **kw: Any) -> Step:
    """``present`` is looked for in the plan as read or printed; history, a version's page and a difference show
    changes only (the first version's summary is "Planen skapades"), so there only with ``in_changes``."""
    in_changes = kw.pop("in_changes", False)
    present = tuple(kw.pop("present", ())) if op in ("read", "print") or in_changes else ()
    kw.pop("present", None)
    return Step(who, op, tuple(entries), tuple(kw.pop("absent", ())), present, **kw)


def via_api(world: World, a: Arrange, s: Step) -> tuple[int, str]:
    headers, base = world.tokens[s.who], f"/api/plans/{a.plan_id}"
    match s.op:
        case "read" | "print":  # the JSON plan is the export
            r = world.api.get(base, headers=headers)
        case "history":
            r = world.api.get(f"{base}/versions", headers=headers)
        case "version":
            r = world.api.get(f"{base}/versions/{a.versions}", headers=headers)
        case "diff":
            r = world.api.get(f"{base}/diff?from=1&to={a.versions}", headers=headers)
        case _:
            raise AssertionError(s.op)
    return r.status_code, r.text


def via_pages(world: World, a: Arrange, s: Step) -> tuple[int, str]:
    client = world.pages[s.who]
    if s.who == "resident":
        base = f"/min-sida/plan/{a.plan_id}"
        r = client.get(base if s.op == "read" else f"{base}/utskrift")
        return r.status_code, r.text
    base = f"/planer/{a.plan_id}"
    path = {"read": base, "print": f"{base}/utskrift", "history": f"{base}/historik",
            "version": f"{base}/historik/{a.versions}",
            "diff": f"{base}/historik/jamfor?fran=1&till={a.versions}"}[s.op]
    r = client.get(path)
    return r.status_code, r.text


@dataclass(frozen=True)
class Scenario:
    name: str
    arrange: Callable[[Arrange], None]
    steps: tuple[Step, ...]
    channels: tuple[str, ...] = field(default=("api", "pages"))


S: list[Scenario] = []


def scenario(name: str, *steps: Step) -> Callable[[Callable[[Arrange], None]], Callable[[Arrange], None]]:
    def register(arrange: Callable[[Arrange], None]) -> Callable[[Arrange], None]:
        S.append(Scenario(name, arrange, steps))
        return arrange
    return register


NO_CONSENT_FOR_B = ("denied", "no_consent")
B_WITHHELD = dict(absent=(B_ACTIVITY,), present=(A_ACTIVITY,), notice="Hemsjukvården Kumla (Kumla kommun) visas inte")


# Consent is given to the reading care provider (lag 2022:913): A's own staff read A's pieces without it and B's
# pieces only with it. A reader of a third provider with consent reads both, unless a spärr says otherwise.
for _op in ("read", "history", "version", "diff", "print"):
    scenario(f"b_activity_withheld_without_consent_for_b_in_{_op}",
             step("vc", _op, ALLOWED, NO_CONSENT_FOR_B, **B_WITHHELD))(
        lambda a: (a.person(), shared_plan(a), a.relationship("vc")))


@scenario("with_consent_for_other_providers_b_activity_is_shown_in_read",
          step("vc", "read", ALLOWED, CONSENTED, present=(A_ACTIVITY, B_ACTIVITY)))
def _(a): a.person(), shared_plan(a), a.relationship("vc"), a.consent("region")
@scenario("with_consent_b_activity_is_in_history_version_diff_and_print",
          step("vc", "history", ALLOWED, CONSENTED, present=(B_ACTIVITY,), in_changes=True),
          step("vc", "version", ALLOWED, CONSENTED, present=(B_ACTIVITY,), in_changes=True),
          step("vc", "diff", ALLOWED, CONSENTED, present=(B_ACTIVITY,), in_changes=True),
          step("vc", "print", ALLOWED, CONSENTED, present=(B_ACTIVITY,)))
def _(a): a.person(), shared_plan(a), a.relationship("vc"), a.consent("region")
@scenario("third_provider_with_consent_sees_both_providers_pieces",
          step("pvc", "read", CONSENTED, CONSENTED, present=(A_ACTIVITY, B_ACTIVITY)))
def _(a): a.person(), shared_plan(a), a.relationship("pvc"), a.consent("privat")
@scenario("third_provider_without_consent_is_refused_the_whole_plan", step("pvc", "read", NO_CONSENT_FOR_B,
                                                                           absent=(A_ACTIVITY, B_ACTIVITY)))
def _(a): a.person(), shared_plan(a), a.relationship("pvc")
@scenario("no_relationship_is_refused_the_whole_plan",
          step("pvc", "read", ("denied", "no_care_relationship"), absent=(A_ACTIVITY, B_ACTIVITY)))
def _(a): a.person(), shared_plan(a), a.consent("privat")


# yttre spärr set by B: B's pieces hidden (anonymously), A's not
YTTRE_B = dict(absent=(B_ACTIVITY, "Elin HSV-skribent"), present=(A_ACTIVITY,), notice="hos en annan vårdgivare")
for _op in ("read", "history", "version", "diff", "print"):
    scenario(f"yttre_sparr_by_b_hides_b_pieces_anonymously_in_{_op}",
             step("vc", _op, ALLOWED, ("denied", "yttre_sparr"), **YTTRE_B))(
        lambda a: (a.person(), shared_plan(a), a.relationship("vc"), a.consent("region"), a.block("yttre", "hsv")))


@scenario("yttre_sparr_by_b_hides_b_pieces_from_a_third_provider_with_consent",
          step("pvc", "read", CONSENTED, ("denied", "yttre_sparr"), **YTTRE_B),
          step("pvc", "print", CONSENTED, ("denied", "yttre_sparr"), **YTTRE_B))
def _(a): a.person(), shared_plan(a), a.relationship("pvc"), a.consent("privat"), a.block("yttre", "hsv")
@scenario("yttre_sparr_by_b_does_not_hide_b_pieces_from_b",
          step("hsv", "read", CONSENTED, ALLOWED, present=(A_ACTIVITY, B_ACTIVITY)))
def _(a): a.person(), shared_plan(a), a.relationship("hsv"), a.consent("kommun"), a.block("yttre", "hsv")
@scenario("after_the_first_emergency_step_the_withheld_piece_names_who_set_the_block",
          step("vc", "read", ALLOWED, ("denied", "yttre_sparr"), absent=(B_ACTIVITY,),
               notice="spärrad av Kumla kommun den 2026-11-19"))
def _(a):
    a.person(), shared_plan(a), a.relationship("vc"), a.consent("region"), a.block("yttre", "hsv")
    a.emergency("vc"), a.emergency("vc", "sparr_providers")
@scenario("the_second_emergency_step_opens_b_pieces",
          step("vc", "read", ALLOWED, ("allowed", "emergency_access"), present=(B_ACTIVITY,)))
def _(a):
    a.person(), shared_plan(a), a.relationship("vc"), a.consent("region"), a.block("yttre", "hsv")
    a.emergency("vc"), a.emergency("vc", "sparr_providers"), a.emergency("vc", "sparr_open", opened="kommun")


# inre spärr at unit X of provider A
INRE_X = dict(absent=(X_ACTIVITY,), present=(Y_ACTIVITY,), notice="spärrad av Vårdcentralen Element (Region")
for _op in ("read", "history", "diff"):
    scenario(f"inre_sparr_at_x_hides_x_pieces_from_unit_y_in_{_op}",
             step("ward", _op, ALLOWED, ("denied", "inre_sparr"), **INRE_X))(
        lambda a: (a.person(), two_units_plan(a), a.relationship("ward"), a.block("inre", "vc")))


@scenario("inre_sparr_at_x_does_not_hide_from_x_nor_y_pieces",
          step("vc", "read", ALLOWED, ALLOWED, present=(X_ACTIVITY, Y_ACTIVITY)))
def _(a): a.person(), two_units_plan(a), a.relationship("vc"), a.block("inre", "vc")
@scenario("inre_sparr_at_x_is_not_shared_with_another_provider",
          step("hsv", "read", CONSENTED, ("denied", "inre_sparr_other_provider"), absent=(X_ACTIVITY,),
               present=(Y_ACTIVITY,), notice="hos en annan vårdgivare"))
def _(a): a.person(), two_units_plan(a), a.relationship("hsv"), a.consent("kommun"), a.block("inre", "vc")


# the biståndshandläggare and the SIP
ROLE = ("denied", "role_not_permitted")
for _op in ("read", "version", "diff"):
    scenario(f"bistandshandlaggare_reads_the_sip_but_not_a_health_care_note_in_{_op}",
             step("bist", _op, CONSENTED, ALLOWED, ROLE, absent=(HEALTH_NOTE,),
                  present=(SIP_ACTIVITY,) if _op == "read" else (SOCIAL_INTERVENTION,), in_changes=_op == "diff",
                  notice="visas inte för din yrkesroll"))(
        lambda a: (a.person(), sip_plan(a), a.relationship("bist"), a.consent("kommun")))


@scenario("the_doctor_reads_the_whole_sip_with_consent",
          step("vc", "read", ALLOWED, CONSENTED, ALLOWED, present=(SIP_ACTIVITY, HEALTH_NOTE)))
def _(a): a.person(), sip_plan(a), a.relationship("vc"), a.consent("region")


# the resident reads all of their own plan, whatever the spärrar
@scenario("resident_reads_all_of_their_own_plan_through_a_yttre_sparr",
          step("resident", "read", ("allowed", "own_data"), present=(A_ACTIVITY, B_ACTIVITY)),
          step("resident", "print", ("allowed", "own_data"), present=(A_ACTIVITY, B_ACTIVITY)))
def _(a): a.person(resident=True), shared_plan(a), a.block("yttre", "hsv"), a.block("inre", "vc")


CHANNELS = {"api": via_api, "pages": via_pages}


@pytest.mark.parametrize("channel", list(CHANNELS))
@pytest.mark.parametrize("case", S, ids=[c.name for c in S])
def test_plan_pieces(world: World, case: Scenario, channel: str) -> None:
    with world.db.transaction() as s:
        arrange = Arrange(world, s)
        case.arrange(arrange)
    for s in case.steps:
        before = last_seq(world.db)
        status, body = CHANNELS[channel](world, arrange, s)
        assert status == (200 if s.allowed else 403), (s, body[:3000])
        new = entries_since(world.db, before)
        expected = s.entries
        if channel == "pages" and s.who == "resident":
            # Min plan also lists the person's plans: one more decision per plan of theirs (all their own data)
            with world.db.transaction() as session:
                plans = session.scalar(select(func.count()).select_from(PlanRow)
                                       .where(PlanRow.person_id == arrange.person_id))
            expected = (("allowed", "own_data"),) * (plans + 1)
        got = sorted((e.outcome, e.denial_reason if e.outcome == "denied" else None) for e in new)
        assert got == sorted((o, r if o == "denied" else None) for o, r in expected), (s, got)
        assert all(e.person_id == arrange.person_id and e.account_id == world.accounts[s.who] for e in new)
        if not (channel == "pages" and s.who == "resident"):
            assert all(e.resource_type == "plan" and e.resource_id == str(arrange.plan_id) for e in new)
        for text in s.absent:
            assert text not in body, (s, text)
        for text in s.present:
            assert text in body, (s, text)
        if s.notice:
            assert s.notice in body, (s, body[:3000])


def test_there_are_at_least_twenty_scenarios() -> None:
    assert len(S) >= 20
    assert len({c.name for c in S}) == len(S)
