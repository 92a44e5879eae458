"""Log follow-up (logguppföljning, DOMAIN §5) on SQLite and PostgreSQL: the month's queue holds every nödåtkomst,
every access to a protected identity, persons opened by many staff and — once the month is over — a reproducible
stickprov; a verdict closes the item, is kept, marks the nödåtkomst reviewed and is itself logged. Over the JSON
API too."""

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from nara.access.model import InformationCategory, RelationshipKind
from nara.access.service import authorize, grants
from nara.access.store import EmergencyAccessRow, unreviewed_emergencies
from nara.app import create_app
from nara.audit.model import AuditAction
from nara.audit.service import verify_chain
from nara.audit.store import AuditEntryRow
from nara.auth.demo import DEMO_PASSWORD
from nara.auth.service import log_in, resolve_session
from nara.auth.store import AccountRow
from nara.core.actor import Actor, Purpose, SessionKind
from nara.core.errors import Conflict, Forbidden, ValidationFailed
from nara.directory.store import ListingRow, PersonRow
from nara.review.model import Period, ReviewRules, SelectionReason, TargetKind, Verdict, draw_sample, sample_size
from nara.review.service import cases as review_service
from nara.review.store import ReviewItemRow

from .conftest import REASON
from .demo_logins import bearer

NOVEMBER = Period(2026, 11)


def actor(db, settings, clock, username: str) -> Actor:
    issued = log_in(db, settings, clock, username, DEMO_PASSWORD, SessionKind.API)
    return resolve_session(db, settings, clock, issued.token, SessionKind.API).actor


def tolvan_id(db) -> int:
    with db.transaction() as s:
        return s.scalar(select(AccountRow.person_id).where(AccountRow.username == "tolvan"))


def read(db, who: Actor, person_id: int, clock, category=InformationCategory.GRUNDUPPGIFTER):
    return authorize(db, who, person_id, category, AuditAction.READ, Purpose.VARD, clock)


def emergency(db, who: Actor, person_id: int, clock, reason=REASON) -> int:
    """Nödåtkomst by ``who``, whose unit has the person admitted right now (DOMAIN §5)."""
    with db.transaction() as s:
        grants.start_care_relationship(s, who, clock, person_id=person_id, kind=RelationshipKind.ADMISSION)
    clock.advance(minutes=1)
    with db.transaction() as s:
        return grants.start_emergency_access(s, who, clock, person_id=person_id, reason=reason).id


def protected_person_listed_at(db, unit_id: int) -> int:
    with db.transaction() as s:
        person = PersonRow(identifier="195009072553", identifier_kind="personnummer", given_name="Skyddad",
                           family_name="Person", protected_identity=True, synthetic=True, address="Hemlig väg 2")
        s.add(person)
        s.flush()
        s.add(ListingRow(person_id=person.id, unit_id=unit_id, valid_from=date(2024, 1, 1)))
        return person.id


def queue(db, reviewer, clock, period=NOVEMBER, rules=ReviewRules()):
    return review_service.review_queue(db, reviewer, clock, period, rules)


def test_every_emergency_access_is_in_the_queue_with_its_reason(db, demo, clock):
    reviewer, ward = actor(db, demo, clock, "granskare"), actor(db, demo, clock, "avdelning")
    person = tolvan_id(db)
    emergency_id = emergency(db, ward, person, clock)
    read(db, ward, person, clock)  # a read under the nödåtkomst belongs to it, not to a queue item of its own
    q = queue(db, reviewer, clock)
    [item] = q.items
    assert item.target_kind is TargetKind.EMERGENCY and item.reasons == [SelectionReason.EMERGENCY]
    assert item.who.staff_name == "Leila Påhittsdotter" and item.who.unit_name.startswith("Medicinavdelning")
    assert item.action == "emergency_access" and item.verdict is None and not q.sample_drawn
    detail = review_service.open_item(db, reviewer, clock, item.id)
    assert detail.emergency_reason == REASON and detail.person_name == "Tolvan Tolvansson"
    assert detail.person_identifier == "19121212-1212" and detail.relationships == ["admission"]
    assert [c.action for c in detail.context] == ["emergency_access", "read"]
    with db.transaction() as s:
        assert s.get(ReviewItemRow, item.id).emergency_access_id == emergency_id
    assert len(queue(db, reviewer, clock).items) == 1  # building again adds nothing


def test_every_access_to_a_protected_identity_is_in_the_queue(db, demo, clock):
    reviewer, nurse = actor(db, demo, clock, "granskare"), actor(db, demo, clock, "distriktsskoterska")
    protected = protected_person_listed_at(db, nurse.unit_id)
    read(db, nurse, protected, clock)
    clock.advance(minutes=5)
    read(db, nurse, protected, clock)
    read(db, nurse, tolvan_id(db), clock)  # not protected: only the stickprov may pick it
    items = queue(db, reviewer, clock).items
    assert [(i.target_kind, i.reasons) for i in items] == [(TargetKind.ENTRY, [SelectionReason.PROTECTED_IDENTITY])] * 2
    detail = review_service.open_item(db, reviewer, clock, items[0].id)
    assert detail.protected_identity and detail.relationships == ["listing"]
    assert detail.access.who.staff_name == "Maja Demoberg" and detail.access.who.profession == "distriktsskoterska"


def test_a_person_opened_by_many_distinct_staff_is_in_the_queue(db, demo, clock):
    reviewer = actor(db, demo, clock, "granskare")
    person = tolvan_id(db)
    for username in ("distriktsskoterska", "lakare", "distriktsskoterska"):
        read(db, actor(db, demo, clock, username), person, clock)
    assert queue(db, reviewer, clock, rules=ReviewRules(many_staff_threshold=3)).items == []
    [item] = queue(db, reviewer, clock, rules=ReviewRules(many_staff_threshold=2)).items
    assert (item.target_kind, item.reasons, item.distinct_staff) == (TargetKind.PERSON, [SelectionReason.MANY_STAFF], 2)
    detail = review_service.open_item(db, reviewer, clock, item.id)
    assert {(c.who.staff_name, c.count) for c in detail.staff} == {("Maja Demoberg", 2), ("Erik Testlund", 1)}


def test_the_sample_is_drawn_once_the_month_is_over_and_is_reproducible(db, demo, clock):
    reviewer, nurse, doctor = (actor(db, demo, clock, u) for u in ("granskare", "distriktsskoterska", "lakare"))
    person = tolvan_id(db)
    for n in range(30):
        read(db, nurse if n % 2 else doctor, person, clock)
        clock.advance(minutes=1)
    rules = ReviewRules(sample_min=5, sample_max=10, many_staff_threshold=50)
    assert queue(db, reviewer, clock, rules=rules).items == []  # November is still running
    clock.advance(days=10)  # 2 December
    q = queue(db, reviewer, clock, rules=rules)
    assert q.sample_drawn and q.population == 30 and q.sample_size == sample_size(30, rules) == 5
    with db.transaction() as s:
        candidates = [(e.id, e.entry_hash) for e in s.scalars(
            select(AuditEntryRow).where(AuditEntryRow.staff_hsa_id.is_not(None), AuditEntryRow.person_id == person))]
    expected = draw_sample(NOVEMBER, candidates, 5)
    with db.transaction() as s:
        drawn = sorted(r.audit_entry_id for r in s.scalars(select(ReviewItemRow)))
    assert drawn == expected and all(i.reasons == [SelectionReason.SAMPLE] for i in q.items)
    again = queue(db, reviewer, clock, rules=rules)
    assert [i.id for i in again.items] == [i.id for i in q.items]
    assert queue(db, reviewer, clock, Period(2026, 10), rules).items == []  # nothing happened in October


def test_a_verdict_closes_the_item_is_kept_marks_the_emergency_reviewed_and_is_logged(db, demo, clock):
    reviewer, ward = actor(db, demo, clock, "granskare"), actor(db, demo, clock, "avdelning")
    person = tolvan_id(db)
    emergency_id = emergency(db, ward, person, clock)
    [item] = queue(db, reviewer, clock).items
    with db.transaction() as s:
        before = s.scalar(select(AuditEntryRow.seq).order_by(AuditEntryRow.seq.desc()).limit(1))
    with pytest.raises(ValidationFailed):
        review_service.record_verdict(db, reviewer, clock, item.id, Verdict.INVESTIGATE.value, " ")
    detail = review_service.record_verdict(db, reviewer, clock, item.id, "godtagbar", "Akut omhändertagande.")
    assert (detail.verdict, detail.comment, detail.reviewed_by) == (Verdict.ACCEPTABLE, "Akut omhändertagande.",
                                                                    "Rut Provlund")
    with db.transaction() as s:
        row = s.get(EmergencyAccessRow, emergency_id)
        assert row.reviewed and row.reviewed_by == reviewer.account_id
        assert unreviewed_emergencies(s) == []
        logged = list(s.scalars(select(AuditEntryRow).where(AuditEntryRow.seq > before)))
    assert [(e.account_id, e.action, e.purpose, e.information_category, e.person_id, e.resource_type)
            for e in logged] == [(reviewer.account_id, "write", "logguppfoljning", "logg", person, "log_review_item")]
    with pytest.raises(Conflict):
        review_service.record_verdict(db, reviewer, clock, item.id, "otillaten", "Ändrar mig")
    [closed] = queue(db, reviewer, clock).items
    assert closed.verdict is Verdict.ACCEPTABLE and closed.reviewed_at == clock.now()
    assert verify_chain(db).ok


def test_only_the_reviewer_role_does_log_follow_up(db, demo, clock):
    for username in ("distriktsskoterska", "tolvan", "ledning"):
        with pytest.raises(Forbidden):
            queue(db, actor(db, demo, clock, username), clock)


# --- over HTTP ---------------------------------------------------------------------------------------------------


@pytest.fixture
def client(db, demo, clock):
    with TestClient(create_app(demo, database=db, clock=clock), follow_redirects=False) as c:
        yield c



def test_the_review_api_lists_opens_and_closes_an_item(db, demo, clock, client):
    emergency(db, actor(db, demo, clock, "avdelning"), tolvan_id(db), clock)
    headers = bearer(client, "granskare")
    listed = client.get("/api/review/queue", params={"period": "2026-11"}, headers=headers)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert (body["period"], body["open"], body["closed"], body["sample_drawn"]) == ("2026-11", 1, 0, False)
    [item] = body["items"]
    assert item["reasons"] == ["nodatkomst"] and item["who"]["staff_name"] == "Leila Påhittsdotter"
    assert "Tolvan" not in listed.text  # the queue names no person; opening an item does, and is logged
    opened = client.get(f"/api/review/items/{item['id']}", headers=headers).json()
    assert opened["emergency_reason"] == REASON and opened["person_name"] == "Tolvan Tolvansson"
    refused = client.post(f"/api/review/items/{item['id']}/verdict", json={"verdict": "otillaten"}, headers=headers)
    assert refused.status_code == 422 and "kommentar" in refused.json()["detail"]
    closed = client.post(f"/api/review/items/{item['id']}/verdict", headers=headers,
                         json={"verdict": "behover_utredas", "comment": "Fråga chefen om skälet."})
    assert closed.status_code == 200 and closed.json()["verdict"] == "behover_utredas"
    again = client.post(f"/api/review/items/{item['id']}/verdict", json={"verdict": "godtagbar"}, headers=headers)
    assert again.status_code == 409
    assert client.get("/api/review/queue?period=2026-13", headers=headers).status_code == 422
    assert client.get("/api/review/items/999999", headers=headers).status_code == 404
    assert client.get("/api/review/queue", headers=bearer(client, "tolvan")).status_code == 403


def test_the_review_pages_list_open_and_close_an_item(db, demo, clock, client):
    import re

    emergency(db, actor(db, demo, clock, "avdelning"), tolvan_id(db), clock)
    page = client.get("/logga-in")
    csrf = re.compile(r'name="csrf_token" value="([^"]+)"')
    assert client.post("/logga-in", data={"username": "granskare", "password": DEMO_PASSWORD,
                                          "csrf_token": csrf.search(page.text).group(1)}).status_code == 303
    listed = client.get("/logguppfoljning")
    assert listed.status_code == 200 and "Kö för november 2026" in listed.text and "Nödåtkomst" in listed.text
    link = re.search(r'href="(/logguppfoljning/poster/\d+)"', listed.text).group(1)
    opened = client.get(link)
    assert opened.status_code == 200 and REASON in opened.text and "19121212-1212" in opened.text
    token = csrf.findall(opened.text)[-1]
    refused = client.post(link, data={"verdict": "otillaten", "comment": "", "csrf_token": token})
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    saved = client.post(link, data={"verdict": "godtagbar", "comment": "", "csrf_token": token})
    assert saved.status_code == 303
    shown = client.get(saved.headers["location"])
    assert "Bedömningen är sparad" in shown.text and "Godtagbar" in shown.text
    assert client.get("/logguppfoljning?period=2026-10").status_code == 200
    assert client.get("/logguppfoljning?period=fel").status_code == 422


def test_a_relationship_a_unit_registered_for_itself_is_in_the_queue(db, demo, clock):
    """An uppdrag or care-team membership a unit registers for itself opens the person's data, so every one is
    checked (DOMAIN §5); one the discharge process gives another unit is not self-registered."""
    reviewer, ward = actor(db, demo, clock, "granskare"), actor(db, demo, clock, "avdelning")
    person = tolvan_id(db)
    with db.transaction() as s:
        grants.start_care_relationship(s, ward, clock, person_id=person, kind=RelationshipKind.ASSIGNMENT,
                                       valid_to=clock.now() + timedelta(days=3))
    [item] = queue(db, reviewer, clock).items
    assert item.target_kind is TargetKind.ENTRY and item.reasons == [SelectionReason.SELF_REGISTERED]
    assert item.action == "create" and item.who.unit_name.startswith("Medicinavdelning")
    clock.advance(minutes=5)
    with db.transaction() as s:
        grants.start_care_relationship(s, ward, clock, person_id=person, kind=RelationshipKind.ADMISSION)
    assert len(queue(db, reviewer, clock).items) == 1
