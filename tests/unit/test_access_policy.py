"""The access policy without a database (PDL, lag 2022:913, DOMAIN §5): care relationship, consent across care
providers, inre and yttre spärr, nödåtkomst, protected identity, residents and the other roles."""

from datetime import UTC, datetime, timedelta

import pytest

from nara.access.model import (
    DEFAULT_EMERGENCY_DURATION,
    MAX_EMERGENCY_DURATION,
    MAX_SELF_REGISTERED_RELATIONSHIP,
    AccessFacts,
    AccessRequest,
    Action,
    Block,
    BlockKind,
    BlockLift,
    CannotConsentAssessment,
    CareRelationship,
    Consent,
    Decision,
    EmergencyAccess,
    EmergencyScope,
    InformationCategory,
    Reason,
    RelationshipKind,
    action_of,
    block_lift_end,
    consent_refusal,
    decide,
    emergency_expiry,
    end_relationship_refusal,
    lift_block_refusal,
    lift_temporarily_refusal,
    meaningful_reason,
    self_registered_end,
    set_block_refusal,
    staff_only_refusal,
    starting_relationship,
)
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Purpose, Role
from nara.core.i18n import SV

T = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)

REGION, KOMMUN, PRIVAT = 1, 2, 3  # three care providers
VC, WARD = 10, 11  # units of the region: a vårdcentral and a hospital ward
HEMSJUKVARD = 20  # a unit of the kommun
PRIVATE_VC = 30  # a private vårdcentral
PERSON, OTHER_PERSON = 100, 101
CAT = InformationCategory


def staff(unit: int | None = VC, provider: int | None = REGION, account: int = 7, staff_id: int | None = 70,
          profession: str = "lakare", unit_kind: str = "vardcentral") -> Actor:
    return Actor(account_id=account, username=f"user{account}", display_name="Anna Lind", role=Role.STAFF,
                 staff_id=staff_id, staff_hsa_id="SE2321000131-P000000000007", unit_id=unit, provider_id=provider,
                 profession=profession, unit_kind=unit_kind)


RESIDENT = Actor(account_id=1, username="tolvan", display_name="Tolvan Tolvansson", role=Role.RESIDENT,
                 person_id=PERSON)


def req(actor: Actor | None = None, category: InformationCategory = CAT.PLAN, action: Action = Action.READ,
        owner: int | None = REGION, person: int = PERSON, plan: str | None = None, purpose: Purpose = Purpose.VARD,
        at: datetime = T, emergency: str | None = None, owner_unit: int | None = None,
        social_scope: bool = False) -> AccessRequest:
    return AccessRequest(actor=actor or staff(), person_id=person, category=category, action=action, purpose=purpose,
                         at=at, owner_provider_id=owner, plan_ref=plan, emergency_reason=emergency,
                         owner_unit_id=owner_unit, social_scope=social_scope)


def rel(unit: int = VC, kind: RelationshipKind = RelationshipKind.CARE_TEAM, start: datetime = T - DAY,
        end: datetime | None = None) -> CareRelationship:
    return CareRelationship(unit, kind, start, end)


def facts(*relationships: CareRelationship, **more) -> AccessFacts:
    return AccessFacts(relationships=relationships, **more)


def block(kind: BlockKind = BlockKind.INRE, unit: int | None = WARD, provider: int = REGION,
          category: InformationCategory | None = CAT.PLAN, plan: str | None = None, lifted: datetime | None = None,
          id: int = 1) -> Block:
    return Block(id=id, kind=kind, provider_id=provider, unit_id=unit, set_at=T - 10 * DAY, category=category,
                 plan_ref=plan, lifted_at=lifted, unit_name=f"Enhet {unit}", provider_name=f"Vårdgivare {provider}")


def emergency(account: int = 7, unit: int = VC, started: datetime = T - timedelta(hours=1),
              expires: datetime = T + timedelta(hours=7), reason: str = "Medvetslös på akuten") -> EmergencyAccess:
    return EmergencyAccess(id=5, account_id=account, unit_id=unit, reason=reason, started_at=started,
                           expires_at=expires)


def allowed(decision: Decision, reason: Reason) -> bool:
    return decision.allowed and decision.reason is reason


def denied(decision: Decision, reason: Reason) -> bool:
    return not decision.allowed and decision.reason is reason


# --- care relationship (inre sekretess, DOMAIN §5) -------------------------------------------------------------


def test_staff_of_a_unit_with_a_current_care_relationship_may_read():
    assert allowed(decide(req(), facts(rel())), Reason.CARE_RELATIONSHIP)


def test_staff_of_a_unit_with_a_current_care_relationship_may_write_their_providers_information():
    assert allowed(decide(req(action=Action.WRITE), facts(rel())), Reason.CARE_RELATIONSHIP)


def test_another_unit_of_the_same_provider_without_a_relationship_is_denied():
    d = decide(req(staff(unit=WARD)), facts(rel(VC)))
    assert denied(d, Reason.NO_CARE_RELATIONSHIP)
    assert not d.emergency_possible  # nödåtkomst needs a patient relationship of the unit (lag 2022:913)


def test_without_any_relationship_staff_are_denied():
    assert denied(decide(req(), facts()), Reason.NO_CARE_RELATIONSHIP)


@pytest.mark.parametrize("kind", list(RelationshipKind))
def test_every_kind_of_care_relationship_gives_access(kind):
    assert decide(req(), facts(rel(kind=kind))).allowed


def test_an_ended_relationship_gives_nothing():
    assert denied(decide(req(), facts(rel(end=T - timedelta(seconds=1)))), Reason.NO_CARE_RELATIONSHIP)


def test_a_relationship_ends_at_its_end_time_exactly():
    assert not decide(req(), facts(rel(end=T))).allowed
    assert decide(req(), facts(rel(end=T + timedelta(seconds=1)))).allowed


def test_a_relationship_that_has_not_started_gives_nothing():
    assert not decide(req(), facts(rel(start=T + DAY))).allowed


def test_an_assignment_with_an_end_date_gives_access_until_it_ends():
    assignment = rel(kind=RelationshipKind.ASSIGNMENT, end=T + 3 * DAY)
    assert decide(req(), facts(assignment)).allowed
    assert not decide(req(at=T + 3 * DAY), facts(assignment)).allowed


def test_someone_without_a_relationship_learns_nothing_about_spärrar():
    d = decide(req(staff(unit=WARD)), facts(blocks=(block(unit=VC),)))
    assert denied(d, Reason.NO_CARE_RELATIONSHIP)
    assert d.blocked == () and d.blocking is None


# --- inre spärr ----------------------------------------------------------------------------------------------------


def test_inre_spärr_set_by_another_unit_of_the_same_provider_denies_and_names_who_set_it():
    d = decide(req(), facts(rel(), blocks=(block(unit=WARD),)))
    assert denied(d, Reason.INRE_SPARR)
    assert d.blocking is not None and d.blocking.unit_name == "Enhet 11"
    assert d.emergency_possible


def test_inre_spärr_is_opened_by_nödåtkomst_with_a_stated_reason():
    d = decide(req(emergency="Akut försämring, ingen annan kan nås"), facts(rel(), blocks=(block(),)))
    assert allowed(d, Reason.EMERGENCY_ACCESS)
    assert d.via_emergency and d.starts_emergency and d.review_required
    assert d.emergency_reason == "Akut försämring, ingen annan kan nås"
    assert d.blocked == (block(),)  # that blocked information exists is still said


def test_inre_spärr_is_opened_by_an_active_nödåtkomst_of_the_same_account_and_unit():
    d = decide(req(), facts(rel(), blocks=(block(),), emergencies=(emergency(),)))
    assert allowed(d, Reason.EMERGENCY_ACCESS)
    assert not d.starts_emergency and d.emergency_reason == "Medvetslös på akuten"


def test_inre_spärr_does_not_hide_the_information_from_the_unit_that_set_it():
    d = decide(req(), facts(rel(), blocks=(block(unit=VC),)))
    assert allowed(d, Reason.CARE_RELATIONSHIP)
    assert d.blocked == ()


def test_inre_spärr_on_another_category_allows_but_says_blocked_information_exists():
    d = decide(req(category=CAT.VARDKONTAKTER), facts(rel(), blocks=(block(category=CAT.ANTECKNINGAR),)))
    assert d.allowed
    assert d.blocked_categories == {CAT.ANTECKNINGAR}
    assert d.blocked[0].unit_name == "Enhet 11" and d.blocked[0].provider_name == "Vårdgivare 1"


def test_spärr_on_one_plan_covers_that_plan_only_whatever_the_category():
    f = facts(rel(), blocks=(block(category=None, plan="p1"),))
    assert denied(decide(req(plan="p1"), f), Reason.INRE_SPARR)
    assert denied(decide(req(category=CAT.ANTECKNINGAR, plan="p1"), f), Reason.INRE_SPARR)
    assert decide(req(plan="p2"), f).allowed


def test_a_lifted_spärr_no_longer_blocks_or_shows():
    d = decide(req(), facts(rel(), blocks=(block(lifted=T - DAY),)))
    assert d.allowed and d.blocked == ()


def test_spärr_covers_information_of_the_provider_that_set_it_only():
    # The kommun's inre spärr on plans does not hide the region's own plans from the region.
    d = decide(req(), facts(rel(), blocks=(block(unit=HEMSJUKVARD, provider=KOMMUN),)))
    assert d.allowed
    assert len(d.blocked) == 1  # but the region is told the kommun's blocked information exists


def test_information_from_the_directory_is_not_covered_by_spärr():
    d = decide(req(category=CAT.GRUNDUPPGIFTER, owner=None), facts(rel(), blocks=(block(),)))
    assert allowed(d, Reason.CARE_RELATIONSHIP)


# --- another care provider's information (lag 2022:913) --------------------------------------------------------------


def kommun_staff() -> Actor:
    return staff(unit=HEMSJUKVARD, provider=KOMMUN, account=8, staff_id=80)


def consent(provider: int = KOMMUN, start: datetime = T - DAY, end: datetime | None = None,
            revoked: datetime | None = None, plan: str | None = None) -> Consent:
    return Consent(provider, start, end, revoked, plan)


def test_another_providers_information_with_consent_and_relationship_is_allowed():
    d = decide(req(kommun_staff()), facts(rel(HEMSJUKVARD), consents=(consent(),)))
    assert allowed(d, Reason.CONSENT)


def test_another_providers_information_without_consent_is_denied():
    d = decide(req(kommun_staff()), facts(rel(HEMSJUKVARD)))
    assert denied(d, Reason.NO_CONSENT)
    assert d.emergency_possible


def test_a_revoked_consent_denies_from_the_moment_of_revocation():
    revoked = consent(revoked=T)
    assert denied(decide(req(kommun_staff()), facts(rel(HEMSJUKVARD), consents=(revoked,))), Reason.NO_CONSENT)
    before = req(kommun_staff(), at=T - timedelta(seconds=1))
    assert decide(before, facts(rel(HEMSJUKVARD), consents=(revoked,))).allowed


def test_a_consent_outside_its_validity_period_gives_nothing():
    expired = consent(start=T - 30 * DAY, end=T - DAY)
    future = consent(start=T + DAY)
    for c in (expired, future):
        assert denied(decide(req(kommun_staff()), facts(rel(HEMSJUKVARD), consents=(c,))), Reason.NO_CONSENT)


def test_consent_given_to_another_provider_does_not_help():
    d = decide(req(kommun_staff()), facts(rel(HEMSJUKVARD), consents=(consent(provider=PRIVAT),)))
    assert denied(d, Reason.NO_CONSENT)


def test_consent_per_plan_covers_that_plan_only():
    f = facts(rel(HEMSJUKVARD), consents=(consent(plan="sip-7"),))
    assert allowed(decide(req(kommun_staff(), plan="sip-7"), f), Reason.CONSENT)
    assert denied(decide(req(kommun_staff(), plan="sip-8"), f), Reason.NO_CONSENT)
    assert denied(decide(req(kommun_staff(), category=CAT.ANTECKNINGAR), f), Reason.NO_CONSENT)


def test_consent_without_a_care_relationship_is_not_enough():
    d = decide(req(kommun_staff()), facts(consents=(consent(),)))
    assert denied(d, Reason.NO_CARE_RELATIONSHIP)


def test_a_cannot_consent_assessment_takes_the_place_of_consent():
    f = facts(rel(HEMSJUKVARD), assessments=(CannotConsentAssessment(KOMMUN, T - DAY),))
    assert allowed(decide(req(kommun_staff()), f), Reason.CANNOT_CONSENT_ASSESSMENT)


def test_an_assessment_of_another_provider_or_a_withdrawn_one_does_not_replace_consent():
    for assessment in (CannotConsentAssessment(PRIVAT, T - DAY), CannotConsentAssessment(KOMMUN, T - DAY, T)):
        d = decide(req(kommun_staff()), facts(rel(HEMSJUKVARD), assessments=(assessment,)))
        assert denied(d, Reason.NO_CONSENT)


def test_another_providers_information_cannot_be_written_even_with_consent_or_nödåtkomst():
    f = facts(rel(HEMSJUKVARD), consents=(consent(),))
    assert denied(decide(req(kommun_staff(), action=Action.WRITE), f), Reason.OTHER_PROVIDER_WRITE)
    assert denied(decide(req(kommun_staff(), action=Action.WRITE, emergency="akut"), f), Reason.OTHER_PROVIDER_WRITE)


def test_a_private_provider_is_another_provider_for_the_region():
    private = staff(unit=PRIVATE_VC, provider=PRIVAT, account=9, staff_id=90)
    assert denied(decide(req(private), facts(rel(PRIVATE_VC))), Reason.NO_CONSENT)
    assert decide(req(private, owner=PRIVAT), facts(rel(PRIVATE_VC))).allowed


# --- yttre spärr ----------------------------------------------------------------------------------------------------


def yttre(provider: int = REGION, **kw) -> Block:
    return block(kind=BlockKind.YTTRE, unit=VC, provider=provider, **kw)


def test_yttre_spärr_denies_other_providers_even_with_consent():
    d = decide(req(kommun_staff()), facts(rel(HEMSJUKVARD), consents=(consent(),), blocks=(yttre(),)))
    assert denied(d, Reason.YTTRE_SPARR)
    # That it exists is said; who holds it only after the first step of a nödåtkomst (DOMAIN §5).
    assert d.blocking is not None and d.blocking.provider_name is None and not d.blocked_providers
    assert d.emergency_possible


def test_yttre_spärr_holds_even_with_nödåtkomst():
    f = facts(rel(HEMSJUKVARD), blocks=(yttre(),), emergencies=(emergency(account=8, unit=HEMSJUKVARD),))
    d = decide(req(kommun_staff(), emergency="Hjärtstopp"), f)
    assert denied(d, Reason.YTTRE_SPARR)
    assert d.emergency_reason == "Hjärtstopp"  # the attempted nödåtkomst goes to the log and to review


def test_yttre_spärr_does_not_hide_anything_within_the_provider_that_set_it():
    d = decide(req(staff(unit=WARD)), facts(rel(WARD), blocks=(yttre(),)))
    assert allowed(d, Reason.CARE_RELATIONSHIP)
    assert d.blocked == ()


def test_an_inre_spärr_also_keeps_the_information_from_other_providers_even_in_an_emergency():
    f = facts(rel(HEMSJUKVARD), consents=(consent(),), blocks=(block(unit=WARD),))
    assert denied(decide(req(kommun_staff()), f), Reason.INRE_SPARR_OTHER_PROVIDER)
    assert denied(decide(req(kommun_staff(), emergency="akut"), f), Reason.INRE_SPARR_OTHER_PROVIDER)


# --- nödåtkomst -----------------------------------------------------------------------------------------------------


def test_nödåtkomst_never_opens_a_person_without_a_care_relationship():
    d = decide(req(emergency="Medvetslös, inga anhöriga"), facts())
    assert denied(d, Reason.NO_CARE_RELATIONSHIP) and not d.emergency_possible
    active = decide(req(), facts(emergencies=(emergency(),)))  # an old one without relationship opens nothing
    assert denied(active, Reason.NO_CARE_RELATIONSHIP)


def test_nödåtkomst_opens_another_providers_information_without_consent():
    d = decide(req(kommun_staff()), facts(rel(HEMSJUKVARD), emergencies=(emergency(account=8, unit=HEMSJUKVARD),)))
    assert allowed(d, Reason.EMERGENCY_ACCESS) and not d.starts_emergency


def test_nödåtkomst_within_a_relationship_starts_with_its_reason():
    d = decide(req(kommun_staff(), emergency="Medvetslös, inga anhöriga"), facts(rel(HEMSJUKVARD)))
    assert allowed(d, Reason.EMERGENCY_ACCESS) and d.starts_emergency


def test_an_expired_nödåtkomst_gives_nothing():
    expired = emergency(started=T - 9 * timedelta(hours=1), expires=T)
    assert denied(decide(req(), facts(emergencies=(expired,))), Reason.NO_CARE_RELATIONSHIP)


def test_nödåtkomst_belongs_to_the_account_and_the_unit_it_was_opened_for():
    for other in (emergency(account=99), emergency(unit=WARD)):
        assert not decide(req(), facts(emergencies=(other,))).allowed


def test_a_blank_reason_is_no_nödåtkomst():
    assert denied(decide(req(emergency="   "), facts()), Reason.NO_CARE_RELATIONSHIP)


def test_nödåtkomst_is_not_used_when_the_actor_has_access_anyway():
    d = decide(req(emergency="akut"), facts(rel()))
    assert allowed(d, Reason.CARE_RELATIONSHIP) and not d.via_emergency and not d.starts_emergency


def test_nödåtkomst_lasts_the_default_time_and_at_most_seven_days():
    assert emergency_expiry(T) == T + DEFAULT_EMERGENCY_DURATION
    assert emergency_expiry(T, timedelta(hours=1)) == T + timedelta(hours=1)
    assert emergency_expiry(T, MAX_EMERGENCY_DURATION) == T + timedelta(days=7)
    for bad in (MAX_EMERGENCY_DURATION + timedelta(seconds=1), timedelta(0)):
        with pytest.raises(ValueError):
            emergency_expiry(T, bad)


# --- protected identity (DOMAIN §9) -----------------------------------------------------------------------------


def test_protected_identity_hides_the_address_from_staff_even_with_relationship_or_nödåtkomst():
    f = facts(rel(), protected_identity=True)
    assert denied(decide(req(category=CAT.ADRESS, owner=None), f), Reason.PROTECTED_IDENTITY)
    assert denied(decide(req(category=CAT.ADRESS, owner=None, emergency="akut"), f), Reason.PROTECTED_IDENTITY)


def test_protected_identity_allows_other_information_but_says_to_hide_address_and_location():
    d = decide(req(), facts(rel(), protected_identity=True))
    assert d.allowed and d.hide_address


def test_without_protected_identity_staff_with_a_relationship_see_the_address():
    d = decide(req(category=CAT.ADRESS, owner=None), facts(rel()))
    assert d.allowed and not d.hide_address


def test_the_person_with_protected_identity_sees_their_own_address():
    d = decide(req(RESIDENT, category=CAT.ADRESS, owner=None, purpose=Purpose.EGEN_INSYN),
               AccessFacts(protected_identity=True))
    assert allowed(d, Reason.OWN_DATA) and not d.hide_address


# --- residents and other roles ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("category", list(InformationCategory))
def test_a_resident_reads_all_their_own_data_including_the_log_extract(category):
    d = decide(req(RESIDENT, category=category, purpose=Purpose.EGEN_INSYN), AccessFacts())
    assert allowed(d, Reason.OWN_DATA)


def test_a_resident_may_not_read_another_persons_data():
    assert denied(decide(req(RESIDENT, person=OTHER_PERSON), AccessFacts()), Reason.NOT_OWN_DATA)


def test_a_resident_account_without_a_person_reads_nothing():
    nobody = Actor(account_id=2, username="x", display_name="X", role=Role.RESIDENT)
    assert denied(decide(req(nobody), AccessFacts()), Reason.NOT_OWN_DATA)


def test_a_resident_writes_their_own_data_but_nobody_writes_the_log():
    assert decide(req(RESIDENT, action=Action.WRITE), AccessFacts()).allowed
    assert denied(decide(req(RESIDENT, category=CAT.LOGG, action=Action.WRITE), AccessFacts()),
                  Reason.READ_ONLY_CATEGORY)


@pytest.mark.parametrize("role", [Role.LEADER, Role.REVIEWER, Role.ADMIN])
def test_leaders_reviewers_and_administrators_get_no_person_data_here(role):
    actor = Actor(account_id=3, username="chef", display_name="Chef", role=role, unit_id=VC, provider_id=REGION,
                  staff_id=70)
    d = decide(req(actor, emergency="akut"), facts(rel()))
    assert denied(d, Reason.ROLE_WITHOUT_PERSON_ACCESS)


def test_staff_not_acting_for_a_unit_are_denied():
    assert denied(decide(req(staff(unit=None, provider=None)), facts(rel())), Reason.NO_ACTIVE_UNIT)


def test_a_staff_account_without_a_staff_member_is_denied():
    assert denied(decide(req(staff(staff_id=None)), facts(rel())), Reason.NOT_STAFF_MEMBER)


@pytest.mark.parametrize("purpose", [Purpose.UPPFOLJNING, Purpose.LOGGUPPFOLJNING, Purpose.EGEN_INSYN])
def test_staff_open_a_persons_data_for_care_only(purpose):
    assert denied(decide(req(purpose=purpose), facts(rel())), Reason.PURPOSE_NOT_ALLOWED)


def test_staff_do_not_read_a_persons_log_extract():
    assert denied(decide(req(category=CAT.LOGG, owner=None), facts(rel())), Reason.LOG_IS_PERSONAL)


def test_an_unknown_person_is_denied():
    assert denied(decide(req(), AccessFacts(person_exists=False)), Reason.UNKNOWN_PERSON)


# --- the request itself -------------------------------------------------------------------------------------------


def test_a_request_for_provider_recorded_information_must_name_its_owner():
    with pytest.raises(ValueError, match="care provider"):
        req(category=CAT.PLAN, owner=None)
    req(category=CAT.GRUNDUPPGIFTER, owner=None)  # directory information has no owner


def test_a_request_needs_an_aware_time():
    with pytest.raises(ValueError):
        req(at=datetime(2026, 11, 22, 9, 0))


def test_what_is_logged_maps_to_reading_or_writing():
    assert action_of(AuditAction.READ) is Action.READ
    assert action_of("export") is Action.READ
    assert action_of(AuditAction.CREATE) is Action.WRITE
    assert action_of(AuditAction.DELETE) is Action.WRITE
    with pytest.raises(ValueError):
        action_of(AuditAction.EMERGENCY_ACCESS)


# --- rules of the use cases that change access ---------------------------------------------------------------------


def test_staff_record_consent_only_for_their_own_provider_the_resident_for_any():
    assert consent_refusal(staff(), REGION) is None
    assert consent_refusal(staff(), KOMMUN) is Reason.CONSENT_FOR_OTHER_PROVIDER
    assert consent_refusal(RESIDENT, KOMMUN) is None


def test_staff_set_spärr_for_their_own_unit_or_provider():
    assert set_block_refusal(staff(), BlockKind.INRE, VC, REGION) is None
    assert set_block_refusal(staff(), BlockKind.INRE, WARD, REGION) is Reason.SPARR_OUTSIDE_OWN_UNIT
    assert set_block_refusal(staff(), BlockKind.YTTRE, None, REGION) is None
    assert set_block_refusal(staff(), BlockKind.YTTRE, HEMSJUKVARD, KOMMUN) is Reason.SPARR_OUTSIDE_OWN_UNIT
    assert set_block_refusal(RESIDENT, BlockKind.YTTRE, HEMSJUKVARD, KOMMUN) is None


def test_only_the_provider_that_set_a_spärr_lifts_it():
    assert lift_block_refusal(staff(unit=WARD), yttre()) is None
    assert lift_block_refusal(kommun_staff(), yttre()) is Reason.SPARR_SET_BY_OTHER_PROVIDER
    assert lift_block_refusal(RESIDENT, yttre()) is Reason.SPARR_LIFTED_BY_PROVIDER


def test_a_unit_starts_its_own_relationship_but_needs_one_to_bring_in_another_unit():
    no_relationship = decide(req(category=CAT.ATKOMST, owner=None, action=Action.WRITE), facts())
    assert allowed(starting_relationship(no_relationship, staff(), VC), Reason.OWN_UNIT)
    assert not starting_relationship(no_relationship, staff(), WARD).allowed
    assert staff_only_refusal(RESIDENT) is Reason.STAFF_ONLY and staff_only_refusal(staff()) is None


def test_every_denial_has_a_swedish_text():
    for reason in Reason:
        if not reason.allows:
            assert f"access.denied.{reason.value}" in SV, reason


# --- roles (behörighetsprofiler, HSLF-FS 2016:40 4 kap. 2 §) ------------------------------------------------------


def bistand() -> Actor:
    return staff(unit=HEMSJUKVARD, provider=KOMMUN, account=9, staff_id=90, profession="bistandshandlaggare",
                 unit_kind="socialtjanst")


def test_a_biståndshandläggare_reads_the_sip_but_not_a_health_care_note():
    f = facts(rel(HEMSJUKVARD), consents=(consent(),))
    assert allowed(decide(req(bistand(), social_scope=True), f), Reason.CONSENT)
    assert denied(decide(req(bistand(), social_scope=False), f), Reason.ROLE_NOT_PERMITTED)
    note = decide(req(bistand(), category=CAT.ANTECKNINGAR), f)
    assert denied(note, Reason.ROLE_NOT_PERMITTED) and not note.emergency_possible


def test_a_biståndshandläggare_has_no_nödåtkomst():
    d = decide(req(bistand(), category=CAT.ANTECKNINGAR, emergency="Akut läge"), facts(rel(HEMSJUKVARD)))
    assert denied(d, Reason.ROLE_NOT_PERMITTED)
    sip = decide(req(bistand(), social_scope=True, emergency="Akut läge"), facts(rel(HEMSJUKVARD)))
    assert denied(sip, Reason.NO_CONSENT) and not sip.emergency_possible


def test_a_role_that_may_only_read_cannot_document():
    nurse = staff(profession="sjukskoterska")
    assert decide(req(nurse, category=CAT.LAKEMEDEL), facts(rel())).allowed
    assert denied(decide(req(nurse, category=CAT.LAKEMEDEL, action=Action.WRITE), facts(rel())),
                  Reason.ROLE_READ_ONLY)


def test_a_profession_without_a_profile_reaches_nothing():
    d = decide(req(staff(profession="okand")), facts(rel()))
    assert denied(d, Reason.ROLE_NOT_PERMITTED)


def test_grunduppgifter_follow_the_relationship_whatever_the_role():
    assert decide(req(bistand(), category=CAT.GRUNDUPPGIFTER, owner=None), facts(rel(HEMSJUKVARD))).allowed


# --- inre spärr per unit, temporary lift -------------------------------------------------------------------------


def test_inre_spärr_hides_only_what_the_blocking_unit_documented():
    f = facts(rel(VC), blocks=(block(unit=WARD),))
    assert denied(decide(req(owner_unit=WARD), f), Reason.INRE_SPARR)
    assert allowed(decide(req(owner_unit=VC), f), Reason.CARE_RELATIONSHIP)  # the vårdcentral's own notes
    ward = staff(unit=WARD, profession="sjukskoterska", unit_kind="vardavdelning")
    assert allowed(decide(req(ward, owner_unit=WARD), facts(rel(WARD), blocks=(block(unit=WARD),))),
                   Reason.CARE_RELATIONSHIP)


def test_a_temporary_lift_for_the_unit_opens_the_inre_spärr_until_it_ends():
    lift = BlockLift(block_id=1, unit_id=VC, account_id=None, starts_at=T - DAY, ends_at=T + DAY)
    assert decide(req(owner_unit=WARD), facts(rel(VC), blocks=(block(unit=WARD),), lifts=(lift,))).allowed
    ended = BlockLift(block_id=1, unit_id=VC, account_id=None, starts_at=T - 8 * DAY, ends_at=T - DAY)
    assert denied(decide(req(owner_unit=WARD), facts(rel(VC), blocks=(block(unit=WARD),), lifts=(ended,))),
                  Reason.INRE_SPARR)
    for_someone_else = BlockLift(block_id=1, unit_id=None, account_id=99, starts_at=T - DAY, ends_at=T + DAY)
    assert not decide(req(owner_unit=WARD),
                      facts(rel(VC), blocks=(block(unit=WARD),), lifts=(for_someone_else,))).allowed


def test_a_temporary_lift_lasts_at_most_seven_days():
    assert block_lift_end(T, 7 * DAY) == T + 7 * DAY
    with pytest.raises(ValueError):
        block_lift_end(T, 7 * DAY + timedelta(seconds=1))


def test_only_an_inre_spärr_is_lifted_temporarily_and_by_its_own_provider():
    assert lift_temporarily_refusal(staff(), yttre()) is Reason.LIFT_ONLY_INRE
    assert lift_temporarily_refusal(kommun_staff(), block()) is Reason.SPARR_SET_BY_OTHER_PROVIDER
    assert lift_temporarily_refusal(staff(), block()) is None and lift_temporarily_refusal(RESIDENT, block()) is None


# --- nödåtkomst through a yttre spärr, in two steps ----------------------------------------------------------------


def step(scope: EmergencyScope, provider: int | None = None) -> EmergencyAccess:
    return EmergencyAccess(id=6, account_id=8, unit_id=HEMSJUKVARD, reason="Medvetslös, behöver läkemedelslistan",
                           started_at=T - timedelta(hours=1), expires_at=T + timedelta(hours=7), scope=scope,
                           opened_provider_id=provider)


def test_the_first_step_names_the_providers_and_the_second_opens_one():
    base = (rel(HEMSJUKVARD),)
    person = step(EmergencyScope.PERSON)
    d0 = decide(req(kommun_staff()), facts(*base, blocks=(yttre(),), emergencies=(person,)))
    assert denied(d0, Reason.YTTRE_SPARR) and d0.blocked_providers == ()
    one = (person, step(EmergencyScope.SPARR_PROVIDERS))
    d1 = decide(req(kommun_staff()), facts(*base, blocks=(yttre(),), emergencies=one))
    assert denied(d1, Reason.YTTRE_SPARR) and d1.blocked_providers == ((REGION, "Vårdgivare 1"),)
    two = (*one, step(EmergencyScope.SPARR_OPEN, REGION))
    d2 = decide(req(kommun_staff()), facts(*base, blocks=(yttre(),), emergencies=two))
    assert allowed(d2, Reason.EMERGENCY_ACCESS) and d2.via_emergency and d2.emergency_reason


def test_the_second_step_opens_only_the_provider_it_names():
    steps = (step(EmergencyScope.PERSON), step(EmergencyScope.SPARR_PROVIDERS), step(EmergencyScope.SPARR_OPEN, PRIVAT))
    d = decide(req(kommun_staff()), facts(rel(HEMSJUKVARD), blocks=(yttre(),), emergencies=steps))
    assert denied(d, Reason.YTTRE_SPARR)


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b\u200b", "\u00a0\t\n", "...", "a b", "\u2060x\u2060"])
def test_a_reason_needs_real_words(text):
    assert meaningful_reason(text) is None


def test_a_reason_in_words_is_kept_as_written():
    assert meaningful_reason("  Medvetslös ") == "Medvetslös"


# --- who ends a care relationship, and self-registered ones end ---------------------------------------------------


def test_only_the_unit_that_holds_a_relationship_ends_it():
    assert end_relationship_refusal(staff(unit=WARD), WARD) is None
    assert end_relationship_refusal(kommun_staff(), WARD) is Reason.RELATIONSHIP_HELD_BY_OTHER_UNIT
    assert end_relationship_refusal(staff(unit=VC), WARD) is Reason.RELATIONSHIP_HELD_BY_OTHER_UNIT
    assert end_relationship_refusal(RESIDENT, WARD) is Reason.STAFF_ONLY


def test_self_registered_relationships_always_end():
    assert self_registered_end(RelationshipKind.CARE_TEAM, T, None) == T + MAX_SELF_REGISTERED_RELATIONSHIP
    assert self_registered_end(RelationshipKind.ASSIGNMENT, T, T + DAY) == T + DAY
    assert self_registered_end(RelationshipKind.ADMISSION, T, None) is None
