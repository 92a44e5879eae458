"""Access grants and the guard on SQLite and PostgreSQL (DOMAIN §5): care relationships (recorded and derived from
listing and SäBo), consent and its revocation, inre and yttre spärr, nödåtkomst, protected identity — and that
every allowed and every denied call leaves exactly one audit entry, a denied one even when the request's own
unit of work is rolled back."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from nara.access.model import BlockKind, InformationCategory, Reason, RelationshipKind
from nara.access.service import AccessDenied, authorize, blocked_notices, grants
from nara.access.store import (
    BlockRow,
    CareRelationshipRow,
    ConsentRow,
    EmergencyAccessRow,
    blocks_of,
    consents_of,
    emergencies_of,
    relationships_of,
    unreviewed_emergencies,
)
from nara.audit.model import AuditAction
from nara.audit.service import verify_chain
from nara.audit.store import AuditEntryRow
from nara.auth.store import AccountRow
from nara.core.actor import Actor, Purpose, Role
from nara.core.errors import Forbidden, NotFound, ValidationFailed
from nara.directory.store import (
    CareProviderRow,
    ListingRow,
    MunicipalityRow,
    PersonRow,
    RegionRow,
    SaboResidenceRow,
    StaffRow,
    UnitRow,
)

CAT = InformationCategory
READ, WRITE, CREATE = AuditAction.READ, AuditAction.WRITE, AuditAction.CREATE
VARD = Purpose.VARD


@pytest.fixture
def db(database):
    return database


@dataclass
class World:
    region: int
    kommun: int
    vc: int  # the region's vårdcentral
    ward: int  # the region's hospital ward
    hemsjukvard: int  # the kommun's home care
    sabo: int  # the kommun's care home
    person: int
    protected: int
    vc_staff: Actor
    ward_staff: Actor
    kommun_staff: Actor
    resident: Actor
    leader: Actor
    reviewer: Actor


def _account(s, username: str, role: Role, *, staff_id=None, person_id=None, now) -> int:
    row = AccountRow(username=username, password_hash="x", role=role.value, display_name=username,
                     staff_id=staff_id, person_id=person_id, created_at=now)
    s.add(row)
    s.flush()
    return row.id


def _unit(s, hsa: str, name: str, kind: str, provider: int) -> int:
    row = UnitRow(hsa_id=hsa, name=name, kind=kind, provider_id=provider, kommun_code="1880")
    s.add(row)
    s.flush()
    return row.id


def _staff_actor(s, n: int, unit: int, provider: int, now) -> Actor:
    staff = StaffRow(hsa_id=f"SE2321000131-P{n:012d}", given_name="Anna", family_name=f"Lind{n}",
                     profession="sjukskoterska")
    s.add(staff)
    s.flush()
    account = _account(s, f"staff{n}", Role.STAFF, staff_id=staff.id, now=now)
    return Actor(account_id=account, username=f"staff{n}", display_name=staff.full_name, role=Role.STAFF,
                 staff_id=staff.id, staff_hsa_id=staff.hsa_id, unit_id=unit, provider_id=provider,
                 profession=staff.profession)


@pytest.fixture
def world(db, clock) -> World:
    now = clock.now()
    with db.transaction() as s:
        region = RegionRow(code="18", name="Region Örebro län")
        s.add(region)
        s.flush()
        municipality = MunicipalityRow(kommun_code="1880", name="Örebro", region_id=region.id)
        s.add(municipality)
        s.flush()
        providers = [CareProviderRow(name="Region Örebro län", kind="region", region_id=region.id),
                     CareProviderRow(name="Örebro kommun", kind="kommun", region_id=region.id,
                                     municipality_id=municipality.id)]
        s.add_all(providers)
        s.flush()
        rp, kp = providers[0].id, providers[1].id
        vc = _unit(s, "SE2321000131-E000000000001", "Vårdcentralen Tullhus", "vardcentral", rp)
        ward = _unit(s, "SE2321000131-E000000000002", "Avdelning 71, USÖ", "vardavdelning", rp)
        hemsjukvard = _unit(s, "SE2120001181-E000000000003", "Hemsjukvården Öster", "hemsjukvard", kp)
        sabo = _unit(s, "SE2120001181-E000000000004", "Solgårdens SäBo", "sabo", kp)
        person = PersonRow(identifier="191212121212", identifier_kind="personnummer", given_name="Tolvan",
                           family_name="Tolvansson", protected_identity=False, synthetic=True,
                           address="Storgatan 1, Örebro")
        protected = PersonRow(identifier="195009072553", identifier_kind="personnummer", given_name="Skyddad",
                              family_name="Person", protected_identity=True, synthetic=True, address="Hemlig väg 2")
        s.add_all([person, protected])
        s.flush()
        resident = _account(s, "tolvan", Role.RESIDENT, person_id=person.id, now=now)
        leader = _account(s, "chef", Role.LEADER, now=now)
        reviewer = _account(s, "granskare", Role.REVIEWER, now=now)
        return World(
            region=rp, kommun=kp, vc=vc, ward=ward, hemsjukvard=hemsjukvard, sabo=sabo, person=person.id,
            protected=protected.id,
            vc_staff=_staff_actor(s, 1, vc, rp, now), ward_staff=_staff_actor(s, 2, ward, rp, now),
            kommun_staff=_staff_actor(s, 3, hemsjukvard, kp, now),
            resident=Actor(account_id=resident, username="tolvan", display_name="Tolvan Tolvansson",
                           role=Role.RESIDENT, person_id=person.id),
            leader=Actor(account_id=leader, username="chef", display_name="Chef", role=Role.LEADER),
            reviewer=Actor(account_id=reviewer, username="granskare", display_name="Granskare", role=Role.REVIEWER),
        )


def entries(db) -> list[AuditEntryRow]:
    with db.transaction() as s:
        return list(s.scalars(select(AuditEntryRow).order_by(AuditEntryRow.seq)))


def count(db) -> int:
    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(AuditEntryRow.__table__))


def read_plan(db, actor: Actor, w: World, clock, owner: int | None = None, **kw):
    """A staff member opens a plan recorded by ``owner`` (by default the region), in a transaction of its own."""
    return authorize(db, actor, kw.pop("person", w.person), CAT.PLAN, READ, VARD, clock,
                     owner_provider_id=w.region if owner is None else owner, resource=("plan", 1), **kw)


def relate(db, actor: Actor, w: World, clock, kind=RelationshipKind.CARE_TEAM, **kw) -> int:
    with db.transaction() as s:
        return grants.start_care_relationship(s, actor, clock, person_id=kw.pop("person", w.person), kind=kind,
                                              **kw).id


# --- the guard and the audit log -------------------------------------------------------------------------------


def test_an_allowed_call_leaves_one_entry_written_with_the_callers_transaction(db, world, clock):
    relate(db, world.vc_staff, world, clock)
    before = count(db)
    with db.transaction() as s:
        decision = authorize(s, world.vc_staff, world.person, CAT.PLAN, READ, VARD, clock,
                             owner_provider_id=world.region, resource=("plan", 42), request_id="req-1")
        assert decision.allowed and decision.reason is Reason.CARE_RELATIONSHIP
    assert count(db) == before + 1
    e = entries(db)[-1]
    assert (e.outcome, e.action, e.person_id, e.resource_type, e.resource_id) == ("allowed", "read", world.person,
                                                                                 "plan", "42")
    assert (e.unit_id, e.unit_hsa_id, e.care_provider_id) == (world.vc, "SE2321000131-E000000000001", world.region)
    assert (e.information_category, e.purpose, e.request_id, e.denial_reason) == ("plan", "vard", "req-1", None)
    assert e.staff_hsa_id == world.vc_staff.staff_hsa_id and e.account_id == world.vc_staff.account_id


def test_an_allowed_entry_rolls_back_with_the_change_it_records(db, world, clock):
    relate(db, world.vc_staff, world, clock)
    before = count(db)
    with pytest.raises(RuntimeError), db.transaction() as s:
        authorize(s, world.vc_staff, world.person, CAT.PLAN, WRITE, VARD, clock, owner_provider_id=world.region)
        raise RuntimeError("the change failed")
    assert count(db) == before


def test_a_denied_call_is_kept_in_the_log_although_the_request_is_rolled_back(db, world, clock):
    with pytest.raises(AccessDenied) as denied, db.transaction() as s:
        s.add(PersonRow(identifier="196101182803", identifier_kind="personnummer", given_name="Ny",
                        family_name="Person", protected_identity=False, synthetic=True))
        s.flush()  # the request has written: on SQLite it holds the writer lock now
        authorize(s, world.ward_staff, world.person, CAT.PLAN, READ, VARD, clock, owner_provider_id=world.region)
    assert isinstance(denied.value, Forbidden) and denied.value.status == 403
    assert denied.value.decision.reason is Reason.NO_CARE_RELATIONSHIP
    [e] = entries(db)
    assert (e.outcome, e.denial_reason, e.unit_id) == ("denied", "no_care_relationship", world.ward)
    with db.transaction() as s:
        assert s.scalar(select(PersonRow).where(PersonRow.identifier == "196101182803")) is None


def test_a_denial_caught_by_the_caller_is_logged_once_beside_the_allowed_calls(db, world, clock):
    relate(db, world.vc_staff, world, clock)
    before = count(db)
    with db.transaction() as s:
        authorize(s, world.vc_staff, world.person, CAT.PLAN, READ, VARD, clock, owner_provider_id=world.region)
        with pytest.raises(AccessDenied):
            authorize(s, world.ward_staff, world.person, CAT.PLAN, READ, VARD, clock, owner_provider_id=world.region)
        authorize(s, world.vc_staff, world.person, CAT.ANTECKNINGAR, READ, VARD, clock,
                  owner_provider_id=world.region)
    outcomes = sorted(e.outcome for e in entries(db)[before:])
    assert outcomes == ["allowed", "allowed", "denied"]


def test_given_the_database_authorize_runs_and_logs_in_a_transaction_of_its_own(db, world, clock):
    relate(db, world.vc_staff, world, clock)
    before = count(db)
    assert read_plan(db, world.vc_staff, world, clock).allowed
    with pytest.raises(AccessDenied):
        read_plan(db, world.ward_staff, world, clock)
    assert [e.outcome for e in entries(db)[before:]] == ["allowed", "denied"]


def test_every_allowed_and_every_denied_call_leaves_exactly_one_entry_and_the_chain_holds(db, world, clock):
    relate(db, world.vc_staff, world, clock)
    calls = [
        (world.vc_staff, CAT.PLAN, True), (world.ward_staff, CAT.PLAN, False),
        (world.kommun_staff, CAT.PLAN, False), (world.resident, CAT.LOGG, True),
        (world.leader, CAT.GRUNDUPPGIFTER, False), (world.reviewer, CAT.PLAN, False),
        (world.vc_staff, CAT.LOGG, False), (world.vc_staff, CAT.GRUNDUPPGIFTER, True),
    ]
    before = count(db)
    for actor, category, expected in calls:
        purpose = Purpose.EGEN_INSYN if actor.role is Role.RESIDENT else VARD
        try:
            authorize(db, actor, world.person, category, READ, purpose, clock, owner_provider_id=world.region)
            assert expected, (actor.username, category)
        except AccessDenied:
            assert not expected, (actor.username, category)
    logged = entries(db)[before:]
    assert len(logged) == len(calls)
    assert [e.outcome == "allowed" for e in logged] == [c[2] for c in calls]
    assert verify_chain(db).ok


def test_an_unknown_person_is_denied_and_logged(db, world, clock):
    with pytest.raises(AccessDenied) as denied:
        authorize(db, world.vc_staff, 999_999, CAT.GRUNDUPPGIFTER, READ, VARD, clock)
    assert denied.value.decision.reason is Reason.UNKNOWN_PERSON
    assert [(e.person_id, e.denial_reason) for e in entries(db)] == [(999_999, "unknown_person")]


# --- care relationships ----------------------------------------------------------------------------------------


def test_listing_at_the_vardcentral_is_a_care_relationship_while_it_lasts(db, world, clock):
    with db.transaction() as s:
        s.add(ListingRow(person_id=world.person, unit_id=world.vc, valid_from=date(2020, 1, 1)))
    assert read_plan(db, world.vc_staff, world, clock).reason is Reason.CARE_RELATIONSHIP
    with pytest.raises(AccessDenied):
        read_plan(db, world.ward_staff, world, clock)  # the listing is the vårdcentral's, not the ward's
    with db.transaction() as s:
        s.scalar(select(ListingRow)).valid_to = date(2026, 11, 21)  # ended yesterday (Swedish calendar days)
    with pytest.raises(AccessDenied):
        read_plan(db, world.vc_staff, world, clock)


def test_the_last_day_of_a_listing_still_counts(db, world, clock):
    with db.transaction() as s:
        s.add(ListingRow(person_id=world.person, unit_id=world.vc, valid_from=date(2020, 1, 1),
                         valid_to=date(2026, 11, 22)))
    assert read_plan(db, world.vc_staff, world, clock).allowed


def test_living_at_a_sabo_is_a_care_relationship_with_it(db, world, clock):
    with db.transaction() as s:
        s.add(SaboResidenceRow(person_id=world.person, unit_id=world.sabo, valid_from=date(2025, 1, 1)))
    sabo_staff = Actor(account_id=world.kommun_staff.account_id, username="staff3", display_name="x",
                       role=Role.STAFF, staff_id=world.kommun_staff.staff_id, unit_id=world.sabo,
                       provider_id=world.kommun, profession="sjukskoterska")
    decision = authorize(db, sabo_staff, world.person, CAT.VARDKONTAKTER, READ, VARD, clock,
                         owner_provider_id=world.kommun)
    assert decision.reason is Reason.CARE_RELATIONSHIP


def test_a_unit_starts_its_own_care_relationship_and_ending_it_ends_access_at_once(db, world, clock):
    with pytest.raises(AccessDenied):
        read_plan(db, world.ward_staff, world, clock)
    relationship = relate(db, world.ward_staff, world, clock, kind=RelationshipKind.ADMISSION,
                          source_ref="discharge:7")
    assert read_plan(db, world.ward_staff, world, clock).allowed
    with db.transaction() as s:
        row = grants.end_care_relationship(s, world.ward_staff, clock, relationship)
        assert row.valid_to == clock.now() and row.ended_by == world.ward_staff.account_id
    with pytest.raises(AccessDenied) as denied:
        read_plan(db, world.ward_staff, world, clock)
    assert denied.value.decision.reason is Reason.NO_CARE_RELATIONSHIP
    created = [e for e in entries(db) if e.resource_type == "care_relationship"]
    assert [(e.action, e.outcome) for e in created] == [("create", "allowed"), ("write", "allowed")]


def test_bringing_another_unit_into_the_care_needs_a_relationship_of_ones_own(db, world, clock):
    with pytest.raises(AccessDenied):
        relate(db, world.ward_staff, world, clock, unit_id=world.hemsjukvard)
    relate(db, world.ward_staff, world, clock)
    relate(db, world.ward_staff, world, clock, kind=RelationshipKind.SIP, unit_id=world.hemsjukvard)
    with db.transaction() as s:
        assert {r.unit_id for r in relationships_of(s, world.person)} == {world.ward, world.hemsjukvard}


def test_an_assignment_needs_an_end_and_listing_is_not_recorded_here(db, world, clock):
    with pytest.raises(ValidationFailed):
        relate(db, world.vc_staff, world, clock, kind=RelationshipKind.ASSIGNMENT)
    with pytest.raises(ValidationFailed):
        relate(db, world.vc_staff, world, clock, kind=RelationshipKind.LISTING)
    relate(db, world.vc_staff, world, clock, kind=RelationshipKind.ASSIGNMENT,
           valid_to=clock.now() + timedelta(days=3))
    assert read_plan(db, world.vc_staff, world, clock).allowed
    clock.advance(days=3)
    with pytest.raises(AccessDenied):
        read_plan(db, world.vc_staff, world, clock)


def test_residents_do_not_record_care_relationships(db, world, clock):
    with pytest.raises(AccessDenied) as denied:
        relate(db, world.resident, world, clock, unit_id=world.vc)
    assert denied.value.decision.reason is Reason.STAFF_ONLY
    assert entries(db)[-1].denial_reason == "staff_only"


# --- consent across providers (lag 2022:913) ------------------------------------------------------------------------


def test_consent_opens_another_providers_information_and_revoking_it_closes_it_at_once(db, world, clock):
    relate(db, world.kommun_staff, world, clock)
    with pytest.raises(AccessDenied) as denied:
        read_plan(db, world.kommun_staff, world, clock)
    assert denied.value.decision.reason is Reason.NO_CONSENT
    with db.transaction() as s:
        consent = grants.give_consent(s, world.resident, clock, person_id=world.person,
                                      care_provider_id=world.kommun)
        assert consent.given_by == "invanare"
    assert read_plan(db, world.kommun_staff, world, clock).reason is Reason.CONSENT
    with db.transaction() as s:
        grants.revoke_consent(s, world.resident, clock, consent.id)
    with pytest.raises(AccessDenied):
        read_plan(db, world.kommun_staff, world, clock)  # the very next request, at the same instant
    with db.transaction() as s:
        [row] = consents_of(s, world.person)
        assert row.revoked_at == clock.now() and row.revoked_by == world.resident.account_id


def test_staff_record_consent_for_their_own_provider_only(db, world, clock):
    relate(db, world.kommun_staff, world, clock)
    with pytest.raises(AccessDenied) as denied, db.transaction() as s:
        grants.give_consent(s, world.kommun_staff, clock, person_id=world.person, care_provider_id=world.region)
    assert denied.value.decision.reason is Reason.CONSENT_FOR_OTHER_PROVIDER
    with db.transaction() as s:
        row = grants.give_consent(s, world.kommun_staff, clock, person_id=world.person,
                                  care_provider_id=world.kommun)
        assert row.given_by == "personal" and row.recorded_by == world.kommun_staff.account_id
    assert read_plan(db, world.kommun_staff, world, clock).allowed


def test_consent_per_plan_covers_that_plan_only(db, world, clock):
    relate(db, world.kommun_staff, world, clock)
    with db.transaction() as s:
        grants.give_consent(s, world.resident, clock, person_id=world.person, care_provider_id=world.kommun,
                            plan_ref="1")
    assert read_plan(db, world.kommun_staff, world, clock).allowed  # resource ("plan", 1)
    with pytest.raises(AccessDenied):
        authorize(db, world.kommun_staff, world.person, CAT.PLAN, READ, VARD, clock, owner_provider_id=world.region,
                  resource=("plan", 2))


def test_a_consent_with_an_end_stops_giving_access_then(db, world, clock):
    relate(db, world.kommun_staff, world, clock)
    with db.transaction() as s:
        grants.give_consent(s, world.resident, clock, person_id=world.person, care_provider_id=world.kommun,
                            valid_to=clock.now() + timedelta(days=30))
    assert read_plan(db, world.kommun_staff, world, clock).allowed
    clock.advance(days=30)
    with pytest.raises(AccessDenied):
        read_plan(db, world.kommun_staff, world, clock)


def test_a_cannot_consent_assessment_replaces_consent_until_withdrawn(db, world, clock):
    relate(db, world.kommun_staff, world, clock)
    with pytest.raises(ValidationFailed), db.transaction() as s:
        grants.record_cannot_consent(s, world.kommun_staff, clock, person_id=world.person, note="  ")
    with db.transaction() as s:
        assessment = grants.record_cannot_consent(
            s, world.kommun_staff, clock, person_id=world.person,
            note="Svår demens; inställningen klarlagd med närstående, som inte motsätter sig.",
        )
    assert read_plan(db, world.kommun_staff, world, clock).reason is Reason.CANNOT_CONSENT_ASSESSMENT
    with db.transaction() as s:
        grants.withdraw_cannot_consent(s, world.kommun_staff, clock, assessment.id)
    with pytest.raises(AccessDenied):
        read_plan(db, world.kommun_staff, world, clock)


# --- spärr -----------------------------------------------------------------------------------------------------------


def test_inre_spärr_denies_other_units_names_who_set_it_and_yields_to_nödåtkomst(db, world, clock):
    relate(db, world.vc_staff, world, clock)
    relate(db, world.ward_staff, world, clock)
    with db.transaction() as s:
        grants.set_block(s, world.ward_staff, clock, person_id=world.person, kind=BlockKind.INRE,
                         category=CAT.PLAN, reason="Invånarens begäran")
    assert read_plan(db, world.ward_staff, world, clock).allowed  # the unit that set it
    with pytest.raises(AccessDenied) as denied:
        read_plan(db, world.vc_staff, world, clock)
    assert denied.value.decision.reason is Reason.INRE_SPARR
    assert "Avdelning 71, USÖ" in denied.value.message and "Region Örebro län" in denied.value.message
    assert denied.value.decision.emergency_possible

    notes = authorize(db, world.vc_staff, world.person, CAT.ANTECKNINGAR, READ, VARD, clock,
                      owner_provider_id=world.region)
    assert notes.allowed
    [notice] = blocked_notices(notes)
    assert notice == ("Det finns spärrad information (planer), spärrad av Avdelning 71, USÖ (Region Örebro län) "
                      "den 2026-11-22.")

    opened = read_plan(db, world.vc_staff, world, clock, emergency_reason="Akut försämring, planen behövs")
    assert opened.via_emergency and opened.starts_emergency
    assert read_plan(db, world.vc_staff, world, clock).via_emergency  # the nödåtkomst lasts
    clock.advance(hours=8)
    with pytest.raises(AccessDenied):
        read_plan(db, world.vc_staff, world, clock)  # and then it has expired
    logged = [(e.outcome, e.emergency_reason) for e in entries(db) if e.resource_type == "plan"]
    assert logged[-3:] == [("allowed", "Akut försämring, planen behövs"),
                           ("allowed", "Akut försämring, planen behövs"), ("denied", None)]


def test_yttre_spärr_holds_even_with_consent_and_nödåtkomst_and_only_its_provider_lifts_it(db, world, clock):
    relate(db, world.kommun_staff, world, clock)
    relate(db, world.vc_staff, world, clock)
    with db.transaction() as s:
        grants.give_consent(s, world.resident, clock, person_id=world.person, care_provider_id=world.kommun)
        block = grants.set_block(s, world.resident, clock, person_id=world.person, kind=BlockKind.YTTRE,
                                 category=CAT.PLAN, provider_id=world.region)
    with pytest.raises(AccessDenied) as denied:
        read_plan(db, world.kommun_staff, world, clock, emergency_reason="Hjärtstopp")
    assert denied.value.decision.reason is Reason.YTTRE_SPARR
    # Who holds blocked information is said only after the first step of a nödåtkomst (DOMAIN §5).
    assert "en annan vårdgivare" in denied.value.message and "Region Örebro län" not in denied.value.message
    assert entries(db)[-1].emergency_reason == "Hjärtstopp"  # the refused nödåtkomst goes to review
    assert read_plan(db, world.vc_staff, world, clock).allowed  # the region itself still reads it

    for outsider, reason, named in ((world.kommun_staff, Reason.SPARR_SET_BY_OTHER_PROVIDER, False),
                                    (world.resident, Reason.SPARR_LIFTED_BY_PROVIDER, True)):
        with pytest.raises(AccessDenied) as refused, db.transaction() as s:
            grants.lift_block(s, outsider, clock, block.id)
        assert refused.value.decision.reason is reason
        assert ("Region Örebro län" in refused.value.message) is named  # the person knows their own spärrar
    clock.advance(minutes=5)
    with db.transaction() as s:
        lifted = grants.lift_block(s, world.vc_staff, clock, block.id)
        assert lifted.lifted_at == clock.now() and lifted.lifted_by == world.vc_staff.account_id
    assert read_plan(db, world.kommun_staff, world, clock).reason is Reason.CONSENT
    with db.transaction() as s:
        assert [b.lifted_at is not None for b in blocks_of(s, world.person)] == [True]


def test_spärr_must_name_one_blockable_target_and_a_unit_of_the_provider(db, world, clock):
    relate(db, world.vc_staff, world, clock)
    cases = [dict(kind=BlockKind.INRE), dict(kind=BlockKind.INRE, category=CAT.PLAN, plan_ref="1"),
             dict(kind=BlockKind.INRE, category=CAT.GRUNDUPPGIFTER)]
    for case in cases:
        with pytest.raises(ValidationFailed), db.transaction() as s:
            grants.set_block(s, world.vc_staff, clock, person_id=world.person, **case)
    with pytest.raises(ValidationFailed), db.transaction() as s:
        grants.set_block(s, world.resident, clock, person_id=world.person, kind=BlockKind.INRE, category=CAT.PLAN,
                         unit_id=world.hemsjukvard, provider_id=world.region)
    with pytest.raises(AccessDenied) as denied, db.transaction() as s:
        grants.set_block(s, world.vc_staff, clock, person_id=world.person, kind=BlockKind.INRE, category=CAT.PLAN,
                         unit_id=world.ward)
    assert denied.value.decision.reason is Reason.SPARR_OUTSIDE_OWN_UNIT
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(BlockRow)) == 0


# --- nödåtkomst ----------------------------------------------------------------------------------------------------


def test_nödåtkomst_needs_a_reason_lasts_its_time_and_is_queued_for_review(db, world, clock):
    relate(db, world.vc_staff, world, clock)
    base = count(db)
    for reason in ("", "   ", "\u200b\u200b\u200b\u200b"):
        with pytest.raises(ValidationFailed), db.transaction() as s:
            grants.start_emergency_access(s, world.vc_staff, clock, person_id=world.person, reason=reason)
    with pytest.raises(ValidationFailed), db.transaction() as s:
        grants.start_emergency_access(s, world.vc_staff, clock, person_id=world.person, reason="akut",
                                      duration=timedelta(days=8))
    assert count(db) == base
    with db.transaction() as s:
        row = grants.start_emergency_access(s, world.vc_staff, clock, person_id=world.person,
                                            reason=" Medvetslös, inga anhöriga nås ")
        assert row.reason == "Medvetslös, inga anhöriga nås"
        assert row.expires_at == clock.now() + timedelta(hours=8) and not row.reviewed
        again = grants.start_emergency_access(s, world.vc_staff, clock, person_id=world.person, reason="igen")
        assert again.id == row.id
    [first, second] = entries(db)[base:]
    assert (first.action, first.outcome, first.emergency_reason) == ("emergency_access", "allowed",
                                                                     "Medvetslös, inga anhöriga nås")
    assert second.action == "emergency_access"
    # Within the relationship it lifts what consent would: another provider's plan (lag 2022:913).
    assert read_plan(db, world.vc_staff, world, clock, owner=world.kommun).via_emergency

    with db.transaction() as s:
        assert [e.id for e in unreviewed_emergencies(s)] == [row.id]
        assert [e.id for e in emergencies_of(s, world.person)] == [row.id]
        with pytest.raises(Forbidden):
            grants.mark_emergency_reviewed(s, world.vc_staff, clock, row.id)
        grants.mark_emergency_reviewed(s, world.reviewer, clock, row.id)
        assert unreviewed_emergencies(s) == []
        with pytest.raises(NotFound):
            grants.mark_emergency_reviewed(s, world.reviewer, clock, 999_999)


def test_nödåtkomst_is_for_staff_acting_for_a_unit(db, world, clock):
    for actor in (world.resident, world.leader):
        with pytest.raises(AccessDenied), db.transaction() as s:
            grants.start_emergency_access(s, actor, clock, person_id=world.person, reason="akut")
    assert [e.outcome for e in entries(db)] == ["denied", "denied"]
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(EmergencyAccessRow)) == 0


# --- protected identity and the resident ------------------------------------------------------------------------


def test_protected_identity_hides_address_from_staff_but_not_from_the_person(db, world, clock):
    relate(db, world.vc_staff, world, clock, person=world.protected)
    with pytest.raises(AccessDenied) as denied:
        authorize(db, world.vc_staff, world.protected, CAT.ADRESS, READ, VARD, clock)
    assert denied.value.decision.reason is Reason.PROTECTED_IDENTITY
    basics = authorize(db, world.vc_staff, world.protected, CAT.GRUNDUPPGIFTER, READ, VARD, clock)
    assert basics.allowed and basics.hide_address
    relate(db, world.vc_staff, world, clock)
    address = authorize(db, world.vc_staff, world.person, CAT.ADRESS, READ, VARD, clock)
    assert address.allowed and not address.hide_address


def test_a_resident_reads_their_own_data_and_nobody_elses(db, world, clock):
    own = authorize(db, world.resident, world.person, CAT.LOGG, READ, Purpose.EGEN_INSYN, clock)
    assert own.reason is Reason.OWN_DATA
    with pytest.raises(AccessDenied) as denied:
        authorize(db, world.resident, world.protected, CAT.GRUNDUPPGIFTER, READ, Purpose.EGEN_INSYN, clock)
    assert denied.value.decision.reason is Reason.NOT_OWN_DATA
    assert [e.outcome for e in entries(db)] == ["allowed", "denied"]


def test_rows_record_who_and_when(db, world, clock):
    relate(db, world.vc_staff, world, clock)
    with db.transaction() as s:
        [relationship] = s.scalars(select(CareRelationshipRow)).all()
        assert relationship.created_by == world.vc_staff.account_id and relationship.created_at == clock.now()
        assert relationship.valid_from.tzinfo is not None
        grants.give_consent(s, world.resident, clock, person_id=world.person, care_provider_id=world.kommun,
                            valid_from=datetime(2026, 12, 1, tzinfo=UTC))
    with db.transaction() as s:
        consent = s.scalar(select(ConsentRow))
        assert consent.valid_from == datetime(2026, 12, 1, tzinfo=UTC) and consent.recorded_at == clock.now()


def test_a_denial_inside_a_rolled_back_savepoint_is_still_logged_once(db, world, clock):
    with db.transaction() as s:
        savepoint = s.begin_nested()
        with pytest.raises(AccessDenied):
            authorize(s, world.ward_staff, world.person, CAT.PLAN, READ, VARD, clock, owner_provider_id=world.region)
        savepoint.rollback()
        assert count(db) == 0  # written when the outer transaction ends, not before
    assert [e.denial_reason for e in entries(db)] == ["no_care_relationship"]
