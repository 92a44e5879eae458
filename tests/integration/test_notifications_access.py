"""Notifications concern persons: listing them (API and the page /meddelanden) goes through the access policy, one
audit entry per person shown (grunduppgifter, action search, DOMAIN §5), on SQLite and PostgreSQL. A person the
reader may not see is withheld: no person id, and no text that could hold the person's data."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nara.app import create_app
from nara.audit.store import AuditEntryRow
from nara.auth.demo import DEMO_PASSWORD
from nara.auth.store import AccountRow
from nara.directory.model import personal_number
from nara.directory.store import PersonRow
from nara.plans.store import NotificationRow

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ACCOUNT_TEXT = "Ny aktivitet för dig i din plan: Träffa dietisten om kosten"


@pytest.fixture
def world(db, demo, clock):
    """Notifications to the vårdcentral (the GP's unit) about Tolvan (listed there: a care relationship) twice,
    and about a person the unit has no relationship with; one to the GP's own account about that person; one to
    Tolvan about herself."""
    app = create_app(demo, database=db, clock=clock)
    with db.transaction() as s:
        tolvan = s.scalar(select(PersonRow.id).where(PersonRow.identifier == "191212121212"))
        other = PersonRow(identifier=personal_number(date(1941, 3, 14), 123), identifier_kind="personnummer",
                          given_name="Greta", family_name="Annanstans", synthetic=True, kommun_code="1880")
        s.add(other)
        s.flush()
        stranger = other.id
        gp = s.scalar(select(AccountRow).where(AccountRow.username == "lakare"))
        tolvan_account = s.scalar(select(AccountRow.id).where(AccountRow.username == "tolvan"))
    client = TestClient(app, follow_redirects=False)
    token = client.post("/api/auth/token", json={"username": "lakare", "password": DEMO_PASSWORD}).json()
    unit = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    unit_id = unit["active_unit"]["id"]
    now = clock.now()
    with db.transaction() as s:
        for n, (person, text) in enumerate([(tolvan, "Patientkontrakt 1 har ändrats av Sara Provsson: mål."),
                                            (tolvan, "Patientkontrakt 1 har ändrats av Sara Provsson: tider."),
                                            (stranger, "Din enhet är kallad till en SIP av Jonas.")]):
            s.add(NotificationRow(recipient_unit_id=unit_id, person_id=person, kind="plan_changed", text=text,
                                  created_at=now - timedelta(minutes=10 - n)))
        s.add(NotificationRow(recipient_account_id=gp.id, person_id=stranger, kind="new_activity",
                              text=ACCOUNT_TEXT, created_at=now - timedelta(minutes=1)))
        s.add(NotificationRow(recipient_account_id=tolvan_account, person_id=tolvan, kind="new_activity",
                              text="Ny tid i din plan: 2026-12-03 10:00.", created_at=now))
    yield {"app": app, "db": db, "client": client, "tolvan": tolvan, "stranger": stranger, "gp": gp.id,
           "gp_headers": {"Authorization": f"Bearer {token['access_token']}"}}
    client.close()


def _seq(db) -> int:
    with db.transaction() as s:
        return s.scalar(select(func.coalesce(func.max(AuditEntryRow.seq), 0)))


def _entries_since(db, seq: int) -> list[AuditEntryRow]:
    with db.transaction() as s:
        return list(s.scalars(select(AuditEntryRow).where(AuditEntryRow.seq > seq).order_by(AuditEntryRow.seq)))


def _assert_one_entry_per_person(world, entries, account_id):
    by_person = {e.person_id: e for e in entries}
    assert len(entries) == len(by_person) == 2, [(e.person_id, e.outcome) for e in entries]
    for entry in entries:
        assert (entry.action, entry.information_category, entry.account_id) == ("search", "grunduppgifter",
                                                                               account_id)
    assert by_person[world["tolvan"]].outcome == "allowed"
    assert by_person[world["stranger"]].outcome == "denied"
    assert by_person[world["stranger"]].denial_reason is not None


def test_the_api_listing_logs_each_person_once_and_withholds_whom_the_reader_may_not_see(world):
    before = _seq(world["db"])
    listed = world["client"].get("/api/notifications", headers=world["gp_headers"])
    assert listed.status_code == 200, listed.text
    _assert_one_entry_per_person(world, _entries_since(world["db"], before), world["gp"])
    items = listed.json()
    assert len(items) == 4
    mine = [n for n in items if n["person_id"] == world["tolvan"]]
    assert len(mine) == 2 and not any(n["withheld"] for n in mine)
    withheld = [n for n in items if n["withheld"]]
    assert len(withheld) == 2 and all(n["person_id"] is None for n in withheld)
    assert world["stranger"] not in [n["person_id"] for n in items]
    # To the unit: the text names a plan and who acted, no person, so it stays; to the account it may hold the
    # person's data, so it is replaced.
    assert {n["text"] for n in withheld} == {"Din enhet är kallad till en SIP av Jonas.",
                                             "Ett meddelande om en person som du inte har åtkomst till just nu."}
    assert ACCOUNT_TEXT not in listed.text


def test_marking_one_read_shows_it_through_the_policy_too(world):
    listed = world["client"].get("/api/notifications", headers=world["gp_headers"]).json()
    target = next(n for n in listed if n["withheld"] and not n["to_unit"])
    before = _seq(world["db"])
    read = world["client"].post(f"/api/notifications/{target['id']}/read", headers=world["gp_headers"])
    assert read.status_code == 200
    assert read.json()["withheld"] is True and read.json()["person_id"] is None
    assert ACCOUNT_TEXT not in read.text
    entries = _entries_since(world["db"], before)
    assert [(e.person_id, e.outcome, e.action) for e in entries] == [(world["stranger"], "denied", "search")]


def test_the_page_logs_each_person_once_and_withholds_the_same(world):
    client = TestClient(world["app"], follow_redirects=False)
    page = client.get("/logga-in")
    assert client.post("/logga-in", data={"username": "lakare", "password": DEMO_PASSWORD,
                                          "csrf_token": CSRF.search(page.text).group(1)}).status_code == 303
    before = _seq(world["db"])
    shown = client.get("/meddelanden")
    assert shown.status_code == 200
    _assert_one_entry_per_person(world, _entries_since(world["db"], before), world["gp"])
    text = html.unescape(shown.text)
    assert "Patientkontrakt 1 har ändrats av Sara Provsson: tider." in text
    assert "Du har inte åtkomst till personen som meddelandet gäller just nu." in text
    assert ACCOUNT_TEXT not in text
    client.close()


def test_the_resident_reading_her_own_notifications_is_logged_once(world):
    token = world["client"].post("/api/auth/token", json={"username": "tolvan", "password": DEMO_PASSWORD}).json()
    before = _seq(world["db"])
    listed = world["client"].get("/api/notifications",
                                 headers={"Authorization": f"Bearer {token['access_token']}"})
    assert listed.status_code == 200
    assert [(n["person_id"], n["withheld"]) for n in listed.json()] == [(world["tolvan"], False)]
    entries = _entries_since(world["db"], before)
    assert [(e.person_id, e.outcome, e.action, e.purpose) for e in entries] == [
        (world["tolvan"], "allowed", "search", "egen_insyn")]


def test_an_empty_listing_logs_nothing(world):
    world["client"].post("/api/auth/token", json={"username": "bistand", "password": DEMO_PASSWORD})
    token = world["client"].post("/api/auth/token", json={"username": "bistand", "password": DEMO_PASSWORD}).json()
    before = _seq(world["db"])
    listed = world["client"].get("/api/notifications", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert listed.status_code == 200 and listed.json() == []
    assert _entries_since(world["db"], before) == []
