"""Access scenarios of the outreach part (DOMAIN §5), on SQLite and PostgreSQL, each with its audit entries: the
person's notice preferences (their e-mail address and mobile number: category ADRESS) and their calendar file of
agreed times (read through the plans part: category PLAN).

Allowed: Tolvan reads and changes his own preferences (one READ / one WRITE entry each), downloads his calendar
(one allowed entry per plan decision, no denial). Denied: staff of a unit with no relationship to him (the ward)
cannot read his preferences nor his calendar (denied entries, nothing returned); nobody but the person changes
them (refused before anything is touched: no entry, nothing stored); a rejected form keeps what was typed."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from nara.access.service import AccessDenied
from nara.app import create_app
from nara.audit.model import AuditAction, Outcome
from nara.auth.demo import DEMO_PASSWORD
from nara.core.errors import Forbidden
from nara.outreach import service as outreach
from nara.outreach.model import Event, Preferences

from .access_world import entries_since, last_seq
from .outreach_world import make_plan, staff, world

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SITE = "https://nara.example"


@pytest.fixture
def ctx(db, demo, clock):
    w = world(db, clock)
    return create_app(demo, database=db, clock=clock), w


def _logged_in(app, username: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    token = CSRF.search(client.get("/logga-in").text).group(1)
    done = client.post("/logga-in", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token})
    assert done.status_code == 303, done.text
    return client


def _mine(entries, person_id: int) -> list[tuple[str, str, str | None, str]]:
    return [(e.action, e.outcome, e.information_category, e.resource_type) for e in entries
            if e.person_id == person_id]


def test_the_person_reads_and_changes_their_own_preferences_each_logged(db, clock, ctx):
    app, w = ctx
    client = _logged_in(app, "tolvan")
    seq = last_seq(db)
    page = client.get("/min-sida/aviseringar")
    assert page.status_code == 200
    assert _mine(entries_since(db, seq), w.tolvan.person_id) == [
        ("read", Outcome.ALLOWED.value, "adress", "outreach_preferences")]

    token = CSRF.search(page.text).group(1)
    seq = last_seq(db)
    saved = client.post("/min-sida/aviseringar", data={"csrf_token": token, "email": "tolvan@example.se",
                                                       "sms": "070-123 45 67", "event_new_message": "ja"})
    assert saved.status_code == 303
    assert _mine(entries_since(db, seq), w.tolvan.person_id) == [
        ("write", Outcome.ALLOWED.value, "adress", "outreach_preferences")]
    shown = client.get(saved.headers["location"]).text
    assert "Dina val för aviseringar är sparade." in shown and 'value="tolvan@example.se"' in shown
    assert 'value="+46701234567"' in shown


def test_a_rejected_form_keeps_what_was_typed_and_says_what_to_fix_and_stores_nothing(db, clock, ctx):
    app, w = ctx
    client = _logged_in(app, "tolvan")
    token = CSRF.search(client.get("/min-sida/aviseringar").text).group(1)
    seq = last_seq(db)
    rejected = client.post("/min-sida/aviseringar", data={"csrf_token": token, "email": "tolvan@example",
                                                          "sms": "12345", "event_changed_time": "ja"})
    assert rejected.status_code == 422
    assert 'value="tolvan@example"' in rejected.text and 'value="12345"' in rejected.text
    assert "Skriv en e-postadress som namn@exempel.se." in rejected.text
    assert "Skriv ett svenskt mobilnummer" in rejected.text
    assert 'name="event_changed_time" type="checkbox" value="ja" checked' in rejected.text
    assert _mine(entries_since(db, seq), w.tolvan.person_id) == []
    with db.transaction() as s:
        assert outreach.read_preferences(s, w.tolvan, clock, w.tolvan.person_id) == Preferences()


def test_staff_without_a_relationship_cannot_read_the_persons_preferences_denied_and_logged(db, clock, ctx):
    _app, w = ctx
    with db.transaction() as s:
        outreach.save_preferences(s, w.tolvan, clock, w.tolvan.person_id,
                                  Preferences(email="tolvan@example.se", events=frozenset({Event.NEW_MESSAGE})))
    ward = staff(db, clock, "avdelning")
    seq = last_seq(db)
    with pytest.raises(AccessDenied), db.transaction() as s:
        outreach.read_preferences(s, ward, clock, w.tolvan.person_id)
    assert _mine(entries_since(db, seq), w.tolvan.person_id) == [
        ("read", Outcome.DENIED.value, "adress", "outreach_preferences")]


def test_nobody_but_the_person_changes_where_their_notices_go(db, clock, ctx):
    _app, w = ctx
    gp = staff(db, clock, "lakare")  # in Tolvan's care, yet not his to choose
    seq = last_seq(db)
    with pytest.raises(Forbidden), db.transaction() as s:
        outreach.save_preferences(s, gp, clock, w.tolvan.person_id, Preferences(email="annan@example.se"))
    assert _mine(entries_since(db, seq), w.tolvan.person_id) == []
    with db.transaction() as s:
        assert outreach.read_preferences(s, w.tolvan, clock, w.tolvan.person_id).email is None


def test_the_persons_calendar_is_read_through_the_policy_and_logged(db, clock, ctx):
    app, w = ctx
    make_plan(db, clock, w)
    seq = last_seq(db)
    assert _logged_in(app, "tolvan").get("/min-sida/kalender.ics").status_code == 200
    entries = [e for e in entries_since(db, seq) if e.person_id == w.tolvan.person_id]
    assert entries and all(e.outcome == Outcome.ALLOWED.value for e in entries)
    assert {e.information_category for e in entries} == {"plan"}
    assert AuditAction.READ.value in {e.action for e in entries}


def test_staff_without_a_relationship_get_no_calendar_of_the_person_denied_and_logged(db, clock, ctx):
    _app, w = ctx
    make_plan(db, clock, w)
    ward = staff(db, clock, "avdelning")
    seq = last_seq(db)
    with pytest.raises(AccessDenied), db.transaction() as s:
        outreach.person_calendar(s, ward, clock, w.tolvan.person_id, SITE)
    entries = [e for e in entries_since(db, seq) if e.person_id == w.tolvan.person_id]
    assert entries and all(e.outcome == Outcome.DENIED.value for e in entries)


def test_the_staff_calendar_of_a_unit_without_the_persons_plan_holds_none_of_it(db, clock, ctx):
    app, w = ctx
    make_plan(db, clock, w)
    seq = last_seq(db)
    body = _logged_in(app, "avdelning").get("/kalender.ics")
    assert body.status_code == 200
    assert b"VEVENT" not in body.content
    assert [e for e in entries_since(db, seq) if e.person_id == w.tolvan.person_id] == []
