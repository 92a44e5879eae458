"""Finding a person by name, personnummer or date of birth, and the staff start page's day ("Idag"), on SQLite and
PostgreSQL: a search answers only with the persons the user may see, and every search leaves audit entries — one
for the search itself, one per person shown, and a denied one for a number typed in full that the user may not
see. The day's lists are the policy's too."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from nara.access.service import search_kind, search_persons
from nara.app import create_app
from nara.audit.store import AuditEntryRow
from nara.auth.demo import DEMO_PASSWORD, demo_staff_actor
from nara.core.clock import STOCKHOLM, day_text, local_minute, local_today
from nara.core.errors import ValidationFailed
from nara.directory import service as directory
from nara.directory.model import personal_number
from nara.directory.store import PersonRow, UnitRow
from nara.discharge.demo import create_demo_discharge
from nara.plans.demo import create_demo_plan
from tests.integration.access_world import entries_since, last_seq

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def site(db, demo, clock):
    """The demo directory, plus two synthetic persons: one listed at Vårdcentralen Kumla (the demo plan's and
    the demo discharge's person), one listed nowhere that shares Tolvan's family name."""
    today = local_today(clock)
    with db.transaction() as s:
        vc = demo_staff_actor(s, "distriktsskoterska", today)
        listed = directory.add_person(s, identifier=personal_number(date(1940, 5, 17), 234), given_name="Greta",
                                      family_name="Exempelsson", today=today, kommun_code="1881")
        directory.add_listing(s, person_id=listed.id, unit_id=vc.unit_id, fast_lakare_id=None,
                              valid_from=date(2020, 1, 1))
        stranger = directory.add_person(s, identifier=personal_number(date(1912, 12, 12), 457), given_name="Tova",
                                        family_name="Tolvansson", today=today, kommun_code="1881")
        tolvan = s.scalar(select(PersonRow.id).where(PersonRow.given_name == "Tolvan"))
        ids = {"tolvan": tolvan, "listed": listed.id, "stranger": stranger.id}
    app = create_app(demo, database=db, clock=clock)
    with TestClient(app, follow_redirects=False) as client:
        yield client, db, clock, ids


def log_in(client: TestClient, username: str) -> str:
    page = client.get("/logga-in")
    done = client.post("/logga-in", data={"username": username, "password": DEMO_PASSWORD,
                                          "csrf_token": CSRF_RE.search(page.text).group(1)})
    assert done.status_code == 303
    return CSRF_RE.search(client.get("/personer").text).group(1)


def searched(client: TestClient, csrf: str, text: str):
    return client.post("/personer", data={"identifier": text, "csrf_token": csrf})


def search_entry(entries: list[AuditEntryRow]) -> AuditEntryRow:
    found = [e for e in entries if e.resource_type == "person_search"]
    assert len(found) == 1, [(e.resource_type, e.person_id) for e in entries]
    assert found[0].person_id is None and found[0].action == "search" and found[0].outcome == "allowed"
    return found[0]


def test_what_was_typed_decides_the_kind_of_search():
    assert search_kind("Tolvan Tolvansson") == "name"
    assert search_kind("af Klint-Öberg") == "name"
    assert search_kind("1912-12-12") == search_kind("19121212") == search_kind("121212") == "birth_date"
    assert search_kind("19121212-1212") == search_kind("121212-1212") == search_kind("191212121212") == "identifier"


def test_a_name_search_answers_only_with_persons_the_user_may_see_and_is_logged(site):
    client, db, _, ids = site
    csrf = log_in(client, "distriktsskoterska")
    seq = last_seq(db)
    page = searched(client, csrf, "tolvansson")
    assert page.status_code == 200
    assert f'href="/personer/{ids["tolvan"]}">Tolvan Tolvansson</a>, 19121212-1212' in page.text
    assert "Tova" not in page.text and f'/personer/{ids["stranger"]}"' not in page.text  # no relationship
    assert "Personer som du har åtkomst till: 1." in page.text
    entries = entries_since(db, seq)
    assert search_entry(entries).resource_id == "name:1/3"  # one shown of three found (Tova and Eva Tolvansson hidden)
    shown = [e for e in entries if e.person_id is not None]
    assert [(e.person_id, e.action, e.outcome, e.information_category) for e in shown] == [
        (ids["tolvan"], "search", "allowed", "grunduppgifter")]  # the hidden match gets no entry in its log


def test_a_name_search_by_someone_without_relationship_finds_nobody_and_is_logged(site):
    client, db, _, _ = site
    csrf = log_in(client, "avdelning")  # the ward: no care relationship with Tolvan
    seq = last_seq(db)
    page = searched(client, csrf, "Tolvan")
    assert page.status_code == 200
    assert "Ingen person som du har åtkomst till stämmer med sökningen." in page.text
    assert "Tolvansson" not in page.text and 'class="person-hits"' not in page.text
    entries = entries_since(db, seq)
    assert search_entry(entries).resource_id == "name:0/3"  # Tolvan, Tova and Eva Tolvansson
    assert [e for e in entries if e.person_id is not None] == []


def test_a_date_of_birth_search_is_answered_and_logged(site):
    client, db, _, ids = site
    csrf = log_in(client, "distriktsskoterska")
    seq = last_seq(db)
    page = searched(client, csrf, "1912-12-12")
    assert page.status_code == 200 and "Tolvan Tolvansson" in page.text and "Tova" not in page.text
    entries = entries_since(db, seq)
    assert search_entry(entries).resource_id == "birth_date:1/2"
    assert [e.person_id for e in entries if e.person_id] == [ids["tolvan"]]
    assert searched(client, csrf, "1912-02-30").status_code == 422


def test_a_number_typed_in_full_is_denied_in_the_log_and_looks_like_nobody_on_the_page(site):
    client, db, _, ids = site
    csrf = log_in(client, "avdelning")
    seq = last_seq(db)
    denied = searched(client, csrf, "19121212-1212")
    assert denied.status_code == 404 and "Ingen person med det numret" in denied.text
    entries = entries_since(db, seq)  # the number names Tolvan: the search's one entry is hers, denied
    assert [(e.person_id, e.action, e.outcome, e.resource_type) for e in entries] == [
        (ids["tolvan"], "search", "denied", "person")]
    assert entries[0].denial_reason
    seq = last_seq(db)
    nobody = searched(client, csrf, "200302022389")
    assert nobody.status_code == 404
    assert nobody.text.replace("200302022389", "19121212-1212") == denied.text  # nothing tells them apart
    # a number nobody has touches no one's data: the search itself is logged, without a person or the number
    assert [(e.person_id, e.action, e.outcome, e.resource_type, e.resource_id) for e in entries_since(db, seq)] == [
        (None, "search", "allowed", "person_search", "identifier:0/0")]
    # allowed: the number leads to the person, logged for them
    client = TestClient(client.app, follow_redirects=False)
    csrf = log_in(client, "distriktsskoterska")
    seq = last_seq(db)
    found = searched(client, csrf, "191212121212")
    assert found.status_code == 303 and found.headers["location"] == f"/personer/{ids['tolvan']}"
    entries = entries_since(db, seq)
    assert [(e.person_id, e.action, e.outcome) for e in entries] == [(ids["tolvan"], "search", "allowed")]


def test_a_search_too_short_is_refused_in_swedish_and_touches_no_one(site):
    client, db, clock, _ = site
    csrf = log_in(client, "distriktsskoterska")
    seq = last_seq(db)
    page = searched(client, csrf, "T")
    assert page.status_code == 422 and "Skriv minst två tecken." in page.text
    assert entries_since(db, seq) == []
    with db.transaction() as s, pytest.raises(ValidationFailed):
        search_persons(s, demo_staff_actor(s, "lakare", local_today(clock)), clock, " ")


def test_idag_shows_the_units_day_through_the_policy(site):
    client, db, clock, ids = site
    plan_id = create_demo_plan(db, clock)
    process_id = create_demo_discharge(db, clock)
    assert plan_id is not None and process_id is not None
    log_in(client, "distriktsskoterska")
    seq = last_seq(db)
    page = client.get("/arbetsyta")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Arbetsyta</h1>" in html and f'<h2 id="today-title">Idag, {day_text(date(2026, 11, 22))}</h2>' in html
    assert 'method="post" action="/personer" role="search"' in html  # the search, from the day's page
    # the demo plan's overdue activity, the unit's own
    assert f'<a href="/planer/{plan_id}">Greta Exempelsson</a>: aktivitet att göra' in html
    assert f"skulle vara klar {day_text(date(2026, 11, 20))}" in html and "din enhet ansvarar" in html
    # the vårdcentral's listed patients with a plan: Greta, not Tolvan (no plan)
    assert "Listade patienter med en plan" in html
    assert f'<a href="/personer/{ids["listed"]}">Greta Exempelsson</a>' in html
    assert f'href="/personer/{ids["tolvan"]}"' not in html
    # the demo discharge's inskrivningsmeddelande, waiting for the vårdcentral's kvittens
    assert "Meddelanden om utskrivning som väntar på din enhets kvittens: 1" in html
    entries = entries_since(db, seq)
    assert {(e.resource_type, e.action, e.outcome) for e in entries} >= {
        ("plan", "search", "allowed"), ("discharge", "search", "allowed"), ("person", "search", "allowed")}
    assert all(e.person_id == ids["listed"] for e in entries)

    ward = TestClient(client.app, follow_redirects=False)
    log_in(ward, "avdelning")
    html = ward.get("/arbetsyta").text
    assert "Inskrivna patienter" in html and "Utskrivningsklara" in html
    assert f'<a href="/utskrivning/{process_id}">Greta Exempelsson</a>' in html


def test_idag_of_a_sabo_lists_its_residents_and_of_a_later_day_the_agreed_time(site):
    client, db, clock, ids = site
    today = local_today(clock)
    with db.transaction() as s:
        sabo = s.scalar(select(UnitRow.id).where(UnitRow.name == "Äldreboendet Lindgården (demo)"))
        directory.add_sabo_residence(s, person_id=ids["stranger"], unit_id=sabo, valid_from=date(2024, 3, 1))
    log_in(client, "hemsjukvard")
    page = client.get("/arbetsyta")
    assert "Boende på enheten" not in page.text  # the home care unit has no residents' list
    switched = client.post("/arbetsyta/enhet", data={"unit_id": str(sabo), "csrf_token": CSRF_RE.search(
        page.text).group(1)})
    assert switched.status_code == 303
    seq = last_seq(db)
    html = client.get("/arbetsyta").text
    assert "Boende på enheten" in html
    assert f'<a href="/personer/{ids["stranger"]}">Tova Tolvansson</a>, 19121212-4570' in html
    assert ("person", "search", "allowed", ids["stranger"]) in {
        (e.resource_type, e.action, e.outcome, e.person_id) for e in entries_since(db, seq)}

    plan_id = create_demo_plan(db, clock)  # with an agreed time a week from today, 10:00
    clock.advance(days=7)
    nurse = TestClient(client.app, follow_redirects=False)
    log_in(nurse, "distriktsskoterska")
    html = nurse.get("/arbetsyta").text
    agreed = local_minute(datetime.combine(today + timedelta(days=7), time(10, 0), tzinfo=STOCKHOLM))
    assert f'<a href="/planer/{plan_id}">Greta Exempelsson</a>: överenskommen tid {agreed}' in html


def test_idag_leaves_out_a_plan_the_unit_may_not_see_and_logs_no_denial_for_it(site):
    client, db, clock, _ = site
    plan_id = create_demo_plan(db, clock)  # the home care unit does an activity in it; the person has not consented
    log_in(client, "hemsjukvard")
    seq = last_seq(db)
    html = client.get("/arbetsyta").text
    assert f"/planer/{plan_id}" not in html and "aktivitet att göra" not in html
    # Greta is in the home care unit's care (its activity in her plan): she is on its list of enrolled patients,
    # one allowed SEARCH of her grunduppgifter; of the plan Idag shows nothing and logs nothing
    assert "Inskrivna i hemsjukvården" in html and ">Greta Exempelsson</a>, 19400517-2343" in html
    assert [(e.resource_type, e.action, e.outcome) for e in entries_since(db, seq)] == [
        ("person", "search", "allowed")]
    seq = last_seq(db)  # the worklist lists the plan and logs the denial
    worklist = client.get("/planer").text
    assert "Greta Exempelsson" not in worklist
    assert [(e.resource_type, e.outcome, e.denial_reason) for e in entries_since(db, seq)] == [
        ("plan", "denied", "no_consent")]
