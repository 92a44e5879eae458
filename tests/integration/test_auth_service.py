"""Accounts and sessions on SQLite and PostgreSQL: log-in, lock-out, idle and absolute timeouts, API token
lifetime, log-out, switching unit, demo personas and the production guard."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from nara.auth import service
from nara.auth.demo import DEMO_PASSWORD, HOSPITAL, TOLVAN, create_demo_personas
from nara.auth.store import AccountRow, AuthSessionRow, LoginThrottleRow
from nara.core.actor import Role, SessionKind
from nara.core.errors import Conflict, Forbidden, Unauthenticated, ValidationFailed
from nara.core.settings import Settings
from nara.directory.model import Profession, ProviderKind, UnitKind, load_region
from nara.directory.service import add_staff, add_unit, seed_region
from nara.directory.store import PersonRow, StaffAssignmentRow, UnitRow, current_listing

PASSWORD = "rätt-lösenord-1"



@pytest.fixture
def settings(tmp_data_dir):
    return Settings(data_dir=tmp_data_dir, session_idle_minutes=30, session_max_hours=12, api_token_hours=8,
                    login_max_failures=5, login_lockout_minutes=15)


@pytest.fixture
def region(database):
    with database.transaction() as s:
        seed_region(s, load_region("orebro"))
    return database


def _unit(s, hsa_local: str, name: str, kind=UnitKind.VARDCENTRAL, kommun="1881"):
    return add_unit(s, hsa_id=f"SE0000099001-{hsa_local}", name=name, kind=kind, kommun_code=kommun,
                    principal=ProviderKind.REGION)


@pytest.fixture
def nurse(region, clock):
    """A staff account with assignments at two units; returns (username, unit ids)."""
    with region.transaction() as s:
        first = _unit(s, "E1", "Vårdcentralen Ett")
        second = _unit(s, "E2", "Vårdcentralen Två")
        staff = add_staff(s, hsa_id="SE0000099001-P1", given_name="Test", family_name="Sköterska",
                          profession=Profession.SJUKSKOTERSKA.value, unit_id=first.id,
                          valid_from=date(2024, 1, 1))
        s.add(StaffAssignmentRow(staff_id=staff.id, unit_id=second.id, valid_from=date(2025, 1, 1)))
        service.create_account(s, username="Skoterska.Test", password=PASSWORD, role=Role.STAFF,
                               display_name="Test Sköterska", now=clock.now(), staff_id=staff.id)
        return "skoterska.test", (first.id, second.id)


def log_in(database, settings, clock, username, password=PASSWORD, kind=SessionKind.WEB):
    return service.log_in(database, settings, clock, username, password, kind)


def resolve(database, settings, clock, token, kind=SessionKind.WEB):
    return service.resolve_session(database, settings, clock, token, kind)


def actor_of(database, settings, clock, username, password=DEMO_PASSWORD):
    issued = log_in(database, settings, clock, username, password)
    return resolve(database, settings, clock, issued.token).actor


def test_a_staff_member_logs_in_and_acts_for_their_first_unit(database, settings, clock, nurse):
    username, (first, _second) = nurse
    issued = log_in(database, settings, clock, "  SKOTERSKA.test ")  # user names are case-insensitive
    actor = resolve(database, settings, clock, issued.token).actor
    assert actor.username == username and actor.role is Role.STAFF and actor.is_staff
    assert actor.display_name == "Test Sköterska"
    assert actor.unit_id == first and actor.unit_name == "Vårdcentralen Ett"
    assert actor.profession == "sjukskoterska" and actor.staff_hsa_id == "SE0000099001-P1"


def test_only_a_hash_of_the_session_token_is_stored(database, settings, clock, nurse):
    issued = log_in(database, settings, clock, nurse[0])
    with database.transaction() as s:
        row = s.get(AuthSessionRow, issued.session_id)
        assert row.token_hash == service.token_hash(issued.token)
        assert issued.token not in {row.token_hash, row.csrf_token}
        account = s.scalar(select(AccountRow).where(AccountRow.username == nurse[0]))
        assert account.password_hash.startswith("$argon2id$") and PASSWORD not in account.password_hash


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(database, settings, clock, nurse):
    with pytest.raises(service.BadCredentials) as wrong:
        log_in(database, settings, clock, nurse[0], "fel-lösenord")
    with pytest.raises(service.BadCredentials) as unknown:
        log_in(database, settings, clock, "finns.inte", "fel-lösenord")
    assert wrong.value.message == unknown.value.message == "Fel användarnamn eller lösenord."
    assert wrong.value.status == unknown.value.status == 401


def test_an_account_locks_after_the_maximum_failures_and_opens_after_the_lock_out(
    database, settings, clock, nurse
):
    for _ in range(settings.login_max_failures - 1):
        with pytest.raises(service.BadCredentials):
            log_in(database, settings, clock, nurse[0], "fel")
    with pytest.raises(service.AccountLocked) as locked:
        log_in(database, settings, clock, nurse[0], "fel")
    assert locked.value.message == "För många misslyckade försök. Försök igen om 15 minuter."
    assert locked.value.retry_after == 15 * 60
    clock.advance(minutes=10)
    with pytest.raises(service.AccountLocked) as still:  # even the right password is refused
        log_in(database, settings, clock, nurse[0])
    assert still.value.message.endswith("om 5 minuter.") and still.value.headers == {"Retry-After": "300"}
    clock.advance(minutes=5, seconds=1)
    assert log_in(database, settings, clock, nurse[0]).account_id


def test_a_successful_log_in_resets_the_failure_count(database, settings, clock, nurse):
    for _ in range(settings.login_max_failures - 1):
        with pytest.raises(service.BadCredentials):
            log_in(database, settings, clock, nurse[0], "fel")
    log_in(database, settings, clock, nurse[0])
    for _ in range(settings.login_max_failures - 1):
        with pytest.raises(service.BadCredentials):
            log_in(database, settings, clock, nurse[0], "fel")


def test_an_unknown_user_name_locks_the_same_way(database, settings, clock, nurse):
    for _ in range(settings.login_max_failures - 1):
        with pytest.raises(service.BadCredentials):
            log_in(database, settings, clock, "Finns.Inte", "fel")
    with pytest.raises(service.AccountLocked) as locked:
        log_in(database, settings, clock, "finns.inte", "fel")
    assert locked.value.message == "För många misslyckade försök. Försök igen om 15 minuter."
    with database.transaction() as s:
        rows = list(s.scalars(select(LoginThrottleRow)))
        assert [r.username_hash for r in rows] == [service.token_hash("finns.inte")]  # never the name itself


def test_a_web_session_ends_after_the_idle_limit(database, settings, clock, nurse):
    issued = log_in(database, settings, clock, nurse[0])
    clock.advance(minutes=29)
    resolve(database, settings, clock, issued.token)  # activity restarts the idle timer
    clock.advance(minutes=29)
    resolve(database, settings, clock, issued.token)
    clock.advance(minutes=31)
    with pytest.raises(service.SessionExpired) as expired:
        resolve(database, settings, clock, issued.token)
    assert expired.value.message == "Du har varit inaktiv för länge och har loggats ut."
    clock.advance(seconds=1)
    with pytest.raises(Unauthenticated):  # revoked for good, not revived
        resolve(database, settings, clock, issued.token)


def test_a_web_session_ends_at_the_absolute_limit_even_when_active(database, settings, clock, nurse):
    issued = log_in(database, settings, clock, nurse[0])
    for _ in range(12 * 3 - 1):
        clock.advance(minutes=20)
        resolve(database, settings, clock, issued.token)
    clock.advance(minutes=20)
    with pytest.raises(service.SessionExpired):
        resolve(database, settings, clock, issued.token)


def test_an_api_token_lives_its_lifetime_without_an_idle_limit(database, settings, clock, nurse):
    issued = log_in(database, settings, clock, nurse[0], kind=SessionKind.API)
    assert issued.expires_at == clock.now() + timedelta(hours=8)
    clock.advance(hours=7, minutes=59)
    assert resolve(database, settings, clock, issued.token, SessionKind.API).kind is SessionKind.API
    clock.advance(minutes=1)
    with pytest.raises(service.SessionExpired):
        resolve(database, settings, clock, issued.token, SessionKind.API)


def test_a_token_is_only_good_for_its_own_kind(database, settings, clock, nurse):
    web = log_in(database, settings, clock, nurse[0])
    api = log_in(database, settings, clock, nurse[0], kind=SessionKind.API)
    with pytest.raises(Unauthenticated):
        resolve(database, settings, clock, web.token, SessionKind.API)
    with pytest.raises(Unauthenticated):
        resolve(database, settings, clock, api.token, SessionKind.WEB)
    with pytest.raises(Unauthenticated):
        resolve(database, settings, clock, "x" * 43)


def test_log_out_revokes_the_session(database, settings, clock, nurse):
    issued = log_in(database, settings, clock, nurse[0])
    assert service.log_out(database, clock, issued.token) is True
    with pytest.raises(Unauthenticated):
        resolve(database, settings, clock, issued.token)
    assert service.log_out(database, clock, issued.token) is False
    assert service.csrf_token_for(database, settings, clock, issued.token) is None


def test_each_log_in_gets_a_new_token_and_csrf_token(database, settings, clock, nurse):
    first = log_in(database, settings, clock, nurse[0])
    second = log_in(database, settings, clock, nurse[0])
    assert first.token != second.token and first.csrf_token != second.csrf_token
    assert service.csrf_token_for(database, settings, clock, first.token) == first.csrf_token


def test_staff_switch_to_another_assigned_unit_only(database, settings, clock, nurse):
    _username, (first, second) = nurse
    issued = log_in(database, settings, clock, nurse[0])
    actor = resolve(database, settings, clock, issued.token).actor
    assert [u.id for u in service.unit_choices(database, clock, actor.staff_id)] == [first, second]
    service.switch_unit(database, clock, actor, second)
    assert resolve(database, settings, clock, issued.token).actor.unit_id == second
    with database.transaction() as s:
        elsewhere = _unit(s, "E3", "Vårdcentralen Tre").id
    with pytest.raises(Forbidden) as refused:
        service.switch_unit(database, clock, actor, elsewhere)
    assert refused.value.message == "Du har inget aktivt uppdrag på den enheten."


def test_when_the_chosen_units_assignment_ends_the_session_falls_back(database, settings, clock, nurse):
    _username, (first, second) = nurse
    issued = log_in(database, settings, clock, nurse[0])
    actor = resolve(database, settings, clock, issued.token).actor
    service.switch_unit(database, clock, actor, second)
    with database.transaction() as s:
        assignment = s.scalar(select(StaffAssignmentRow).where(StaffAssignmentRow.unit_id == second))
        assignment.valid_to = date(2026, 11, 21)
    assert resolve(database, settings, clock, issued.token).actor.unit_id == first


def test_a_deactivated_account_cannot_log_in_or_keep_its_session(database, settings, clock, nurse):
    issued = log_in(database, settings, clock, nurse[0])
    with database.transaction() as s:
        s.scalar(select(AccountRow).where(AccountRow.username == nurse[0])).is_active = False
    with pytest.raises(Unauthenticated):
        resolve(database, settings, clock, issued.token)
    with pytest.raises(service.BadCredentials):
        log_in(database, settings, clock, nurse[0])


def test_account_rules(database, clock, region):
    with region.transaction() as s:
        with pytest.raises(ValidationFailed):
            service.create_account(s, username="ok.name", password="kort", role=Role.LEADER, display_name="L",
                                   now=clock.now())
        with pytest.raises(ValidationFailed):
            service.create_account(s, username="har mellanslag", password=PASSWORD, role=Role.LEADER,
                                   display_name="L", now=clock.now())
        service.create_account(s, username="ledare", password=PASSWORD, role=Role.LEADER, display_name="L",
                               now=clock.now())
        with pytest.raises(Conflict):
            service.create_account(s, username="LEDARE", password=PASSWORD, role=Role.LEADER,
                                   display_name="L", now=clock.now())


# --- demo personas and the production guard ---------------------------------------------------------------


def test_demo_personas_are_created_once_and_can_log_in(region, settings, clock):
    logins = create_demo_personas(region, clock)
    again = create_demo_personas(region, clock)
    assert logins == again
    assert {login.username for login in logins} == {
        "tolvan", "eva", "distriktsskoterska", "lakare", "hemsjukvard", "bistand", "avdelning", "ledning",
        "granskare",
    }
    assert {login.password for login in logins} == {DEMO_PASSWORD}
    with region.transaction() as s:
        accounts = list(s.scalars(select(AccountRow)))
        assert len(accounts) == 9 and all(a.is_demo for a in accounts)
    for login in logins:
        actor = actor_of(region, settings, clock, login.username, login.password)
        assert actor.role is login.role and actor.is_demo
        if login.role is Role.STAFF:
            assert actor.unit_id is not None, login.username


def test_tolvan_lives_in_kumla_and_is_listed_with_the_demo_gp_as_fast_lakare(region, settings, clock):
    create_demo_personas(region, clock)
    gp = actor_of(region, settings, clock, "lakare")
    with region.transaction() as s:
        tolvan = s.scalar(select(PersonRow).where(PersonRow.identifier == TOLVAN))
        assert tolvan.full_name == "Tolvan Tolvansson" and tolvan.kommun_code == "1881" and tolvan.synthetic
        listing = current_listing(s, tolvan.id, date(2026, 11, 22))
        assert listing.unit_id == gp.unit_id and listing.fast_lakare_id == gp.staff_id
        assert listing.unit.kind == "vardcentral" and listing.unit.kommun_code == "1881"


def test_demo_staff_work_where_the_personas_say(region, settings, clock):
    create_demo_personas(region, clock)
    expected = {
        "distriktsskoterska": ("distriktsskoterska", "vardcentral", "1881"),
        "lakare": ("lakare", "vardcentral", "1881"),
        "hemsjukvard": ("sjukskoterska", "hemsjukvard", "1881"),
        "bistand": ("bistandshandlaggare", "socialtjanst", "1881"),
        "avdelning": ("sjukskoterska", "vardavdelning", "1880"),
    }
    for username, (profession, kind, kommun) in expected.items():
        actor = actor_of(region, settings, clock, username)
        assert (actor.profession, actor.unit_kind) == (profession, kind), username
        with region.transaction() as s:
            unit = s.get(UnitRow, actor.unit_id)
            assert unit.kommun_code == kommun
            if kind == "vardavdelning":
                assert unit.parent_name == HOSPITAL
    nurse = actor_of(region, settings, clock, "hemsjukvard")
    assert len(service.unit_choices(region, clock, nurse.staff_id)) == 2  # hemsjukvård and SäBo


def test_demo_personas_use_existing_units_of_the_right_kind(region, settings, clock):
    with region.transaction() as s:
        existing = _unit(s, "VCKUMLA", "Vårdcentralen Kumla")
    create_demo_personas(region, clock)
    actor = actor_of(region, settings, clock, "lakare")
    assert actor.unit_id == existing.id


def test_production_refuses_to_start_with_demo_accounts(region, clock, tmp_data_dir):
    production = Settings(data_dir=tmp_data_dir, environment="production")
    service.check_production_ready(region, production)  # no accounts yet
    create_demo_personas(region, clock)
    service.check_production_ready(region, Settings(data_dir=tmp_data_dir))  # development is fine
    with pytest.raises(service.DemoInProduction) as refused:
        service.check_production_ready(region, production)
    assert refused.value.status == 503
    assert refused.value.message.startswith("Demokonton finns i databasen.")
