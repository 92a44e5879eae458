"""The resident's log extract in words a person can judge (PDL 8 kap. 5 §, DOMAIN §5), on SQLite and PostgreSQL:
accesses grouped per unit, Swedish day, kind of information and action into sentences, newest first, with the
single accesses of each group kept; the day ends at midnight in Stockholm (23:30 UTC is already the next day in
winter); nödåtkomst apart with its reason; denied attempts said as such; paging by whole days."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from nara.app import create_app
from nara.audit.model import AuditAction, AuditEvent, Outcome
from nara.audit.service import record
from nara.auth.demo import DEMO_PASSWORD
from nara.auth.service import log_in, resolve_session
from nara.core.actor import Actor, SessionKind
from nara.directory.store import UnitRow
from nara.review.service import extract as review_extract

REASON = "Medvetslös efter fall, behöver läkemedelslistan"


def actor(db, settings, clock, username: str) -> Actor:
    issued = log_in(db, settings, clock, username, DEMO_PASSWORD, SessionKind.API)
    return resolve_session(db, settings, clock, issued.token, SessionKind.API).actor


def access(db, who: Actor, person_id: int, at: datetime, *, category: str = "plan",
           action: AuditAction = AuditAction.READ, denied: str | None = None, emergency: str | None = None,
           purpose: str = "vard") -> None:
    """One access as the policy logs it (its rules are tested elsewhere)."""
    with db.transaction() as s:
        hsa = s.scalar(select(UnitRow.hsa_id).where(UnitRow.id == who.unit_id)) if who.unit_id else None
        record(s, AuditEvent.for_actor(
            who, occurred_at=at, action=action, outcome=Outcome.DENIED if denied else Outcome.ALLOWED,
            unit_hsa_id=hsa, person_id=person_id, resource_type="plan", resource_id="1", information_category=category,
            purpose=purpose, denial_reason=denied, emergency_reason=emergency))


def utc(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def scene(db, demo, clock):
    who = {n: actor(db, demo, clock, n) for n in ("tolvan", "distriktsskoterska", "lakare", "hemsjukvard",
                                                  "avdelning", "granskare")}
    person = who["tolvan"].person_id
    nurse, doctor = who["distriktsskoterska"], who["lakare"]
    access(db, nurse, person, utc(20, 22, 59))  # 23:59 on 20 November in Stockholm
    access(db, nurse, person, utc(20, 23, 30))  # 00:30 on 21 November
    access(db, doctor, person, utc(21, 8))
    access(db, nurse, person, utc(21, 15))
    access(db, nurse, person, utc(21, 16), category="anteckningar")
    access(db, who["hemsjukvard"], person, utc(21, 17), denied="no_consent")
    access(db, who["hemsjukvard"], person, utc(21, 17, 5), denied="no_consent")
    access(db, who["avdelning"], person, utc(21, 18), action=AuditAction.EMERGENCY_ACCESS, emergency=REASON,
           category="grunduppgifter")
    access(db, who["avdelning"], person, utc(21, 18, 5), category="anteckningar", emergency=REASON)
    access(db, who["granskare"], person, utc(21, 19), category="logg", purpose="logguppfoljning")
    access(db, nurse, person, utc(3, 9, month=3, year=2025))
    return who


def test_accesses_are_grouped_per_unit_and_day_into_sentences(db, clock, scene):
    extract = review_extract.log_extract(db, scene["tolvan"], clock)
    assert extract.total == 11 and extract.older_from is None
    assert [item.sentence for item in extract.groups] == [
        "Logguppföljningen (granskning av loggen) läste din logg den 21 november.",
        "Hemsjukvården Kumla försökte läsa din plan 2 gånger den 21 november men nekades.",
        "Vårdcentralen Kumla läste dina journalanteckningar den 21 november.",
        "Vårdcentralen Kumla läste din plan 3 gånger den 21 november.",  # 00:30, 08:00 and 15:00 local time
        "Vårdcentralen Kumla läste din plan den 20 november.",  # 23:59 local time
        "Vårdcentralen Kumla läste din plan den 3 mars 2025.",
    ]
    plan = extract.groups[3].group
    assert plan.count == 3 and plan.provider_name == "Region Örebro län"
    assert plan.staff == [("Maja Demoberg", "distriktsskoterska"), ("Erik Testlund", "lakare")]
    assert [e.occurred_at for e in plan.entries] == [utc(21, 15), utc(21, 8), utc(20, 23, 30)]
    assert extract.groups[1].group.denied
    # nödåtkomst apart, first, with its reason; not among the other groups
    assert [(item.sentence, item.group.emergency_reason) for item in extract.emergency] == [
        ("Medicinavdelning 1 läste dina journalanteckningar med nödåtkomst den 21 november.", REASON),
        ("Medicinavdelning 1 öppnade dina uppgifter med nödåtkomst den 21 november.", REASON),
    ]
    assert not any(item.group.emergency for item in extract.groups)


def test_the_extract_pages_by_whole_days(db, clock, scene, monkeypatch):
    monkeypatch.setattr(review_extract, "DAYS_PER_PAGE", 1)
    first = review_extract.log_extract(db, scene["tolvan"], clock)
    assert {item.group.day.isoformat() for item in first.groups} == {"2026-11-21"} and len(first.groups) == 4
    assert first.older_from.isoformat() == "2026-11-20" and first.emergency
    second = review_extract.log_extract(db, scene["tolvan"], clock, first.older_from)
    assert [item.sentence for item in second.groups] == ["Vårdcentralen Kumla läste din plan den 20 november."]
    assert second.emergency == []  # shown on the first page
    third = review_extract.log_extract(db, scene["tolvan"], clock, second.older_from)
    assert [item.group.day.isoformat() for item in third.groups] == ["2025-03-03"] and third.older_from is None


def test_the_grouped_extract_over_the_api_and_the_page(db, demo, clock, scene):
    with TestClient(create_app(demo, database=db, clock=clock), follow_redirects=False) as client:
        token = client.post("/api/auth/token", json={"username": "tolvan", "password": DEMO_PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        body = client.get("/api/me/access-log", headers=headers).json()
        assert [g["count"] for g in body["groups"]] == [1, 2, 1, 3, 1, 1]
        assert body["groups"][3]["staff"] == ["Maja Demoberg, distriktssköterska", "Erik Testlund, läkare"]
        assert [g["emergency_reason"] for g in body["emergency"]] == [REASON, REASON]
        older = client.get("/api/me/access-log", params={"from_day": "2026-11-20"}, headers=headers).json()
        assert [g["day"] for g in older["groups"]] == ["2026-11-20", "2025-03-03"] and older["emergency"] == []
        for edge in ("9999-12-31", "0001-01-01"):  # the ends of the calendar answer, not fail
            assert client.get("/api/me/access-log", params={"from_day": edge}, headers=headers).status_code == 200

        import re

        login = client.get("/logga-in")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
        client.post("/logga-in", data={"username": "tolvan", "password": DEMO_PASSWORD, "csrf_token": csrf})
        page = client.get("/min-sida/vem-har-last")
        assert page.status_code == 200
        assert "Hemsjukvården Kumla försökte läsa din plan 2 gånger den 21 november men nekades." in page.text
        assert page.text.index("Nödåtkomst till dina uppgifter") < page.text.index("Vårdcentralen Kumla läste")
        assert page.text.count("<details>") == 8 and REASON in page.text
        assert client.get("/min-sida/vem-har-last", params={"fran": "fel"}).status_code == 200
