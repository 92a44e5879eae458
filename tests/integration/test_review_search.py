"""Log follow-up on suspicion (kontroll vid misstanke, DOMAIN §5) on SQLite and PostgreSQL: the reviewer searches
the log by user, person, unit and period (whole Swedish days), page by page; each search is one log entry; from the
result a granskningsärende is opened with a reason in words and later closed with an outcome and a note. Every other
role is refused and the attempt is logged. Over the use cases, the JSON API and the pages."""

import re
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nara.app import create_app
from nara.audit.model import AuditAction, AuditEvent, Outcome
from nara.audit.service import record, verify_chain
from nara.audit.store import AuditEntryRow
from nara.audit.store import followup as review_store  # where the log's searches live
from nara.auth.demo import DEMO_PASSWORD
from nara.auth.service import log_in, resolve_session
from nara.auth.store import AccountRow
from nara.core.actor import Actor, SessionKind
from nara.core.errors import Conflict, Forbidden, ValidationFailed
from nara.directory.store import UnitRow
from nara.review.model import CaseOutcome, CaseScope
from nara.review.service import SearchQuery
from nara.review.service import search as review_search

from .demo_logins import bearer, page_login

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
REASON = "Patienten har klagat på att en granne på vårdcentralen läst hennes uppgifter"


def actor(db, settings, clock, username: str) -> Actor:
    issued = log_in(db, settings, clock, username, DEMO_PASSWORD, SessionKind.API)
    return resolve_session(db, settings, clock, issued.token, SessionKind.API).actor


def tolvan(db) -> int:
    with db.transaction() as s:
        return s.scalar(select(AccountRow.person_id).where(AccountRow.username == "tolvan"))


def logged(db, who: Actor, clock, person_id: int | None, *, category: str = "plan",
           action: AuditAction = AuditAction.READ, denied: str | None = None, emergency: str | None = None) -> int:
    """One access as the access policy logs it (its rules are tested elsewhere); returns the entry's id."""
    with db.transaction() as s:
        hsa = s.scalar(select(UnitRow.hsa_id).where(UnitRow.id == who.unit_id)) if who.unit_id else None
        seq = record(s, AuditEvent.for_actor(
            who, occurred_at=clock.now(), action=action, outcome=Outcome.DENIED if denied else Outcome.ALLOWED,
            unit_hsa_id=hsa, person_id=person_id, resource_type="plan", resource_id="1",
            information_category=category, purpose="vard", denial_reason=denied, emergency_reason=emergency))
    with db.transaction() as s:
        return s.scalar(select(AuditEntryRow.id).where(AuditEntryRow.seq == seq))


def entries_since(db, seq: int) -> list[AuditEntryRow]:
    with db.transaction() as s:
        return list(s.scalars(select(AuditEntryRow).where(AuditEntryRow.seq > seq).order_by(AuditEntryRow.seq)))


def head(db) -> int:
    with db.transaction() as s:
        return s.scalar(select(func.coalesce(func.max(AuditEntryRow.seq), 0)))


@pytest.fixture
def people(db, demo, clock):
    """The reviewer, two staff members of Vårdcentralen Kumla, the home-care nurse of Kumla kommun and a ward
    nurse; and Tolvan."""
    names = ("granskare", "distriktsskoterska", "lakare", "hemsjukvard", "avdelning", "ledning")
    return {n: actor(db, demo, clock, n) for n in names} | {"tolvan": tolvan(db),
                                                           "tolvan_self": actor(db, demo, clock, "tolvan")}


def search(db, people, clock, **criteria):
    return review_search.search_log(db, people["granskare"], clock, SearchQuery(**criteria))


def test_the_log_is_searched_by_user_person_and_unit(db, people, clock):
    person = people["tolvan"]
    nurse = logged(db, people["distriktsskoterska"], clock, person)
    doctor = logged(db, people["lakare"], clock, person, category="anteckningar")
    home = logged(db, people["hemsjukvard"], clock, person, denied="no_consent")
    other = logged(db, people["distriktsskoterska"], clock, None, action=AuditAction.SEARCH)

    def ids(**criteria):
        return [line.id for line in search(db, people, clock, **criteria).lines]

    assert ids(user="distriktsskoterska") == [other, nurse]  # user name, newest first
    assert ids(user="maja demoberg") == ids(user="DEMOBERG") == [other, nurse]  # the name, any case
    assert ids(user="Påhittsdotter") == ids(user="påhittsdotter") == []  # a name outside ASCII, no entries
    assert ids(user="provsson") == [home]
    assert ids(person="19121212-1212") == [home, doctor, nurse]
    # searching by person is logged as an access to the person, so the next search finds the first one too
    again = search(db, people, clock, person="191212121212").lines
    assert [line.id for line in again][1:] == [home, doctor, nurse]
    assert (again[0].action, again[0].username, again[0].purpose) == ("search", "granskare", "logguppfoljning")
    assert ids(person="19121212-1212", user="lakare") == [doctor]
    assert ids(unit="Vårdcentralen Kumla") == ids(unit="vårdcentralen kumla") == [other, doctor, nurse]
    with db.transaction() as s:
        hsa = s.scalar(select(UnitRow.hsa_id).where(UnitRow.id == people["hemsjukvard"].unit_id))
    assert ids(unit=hsa) == ids(unit=hsa.lower()) == [home]
    assert ids(person="20000101-0008") == []  # a valid number nobody in the directory has
    assert ids(user="ingen sådan användare") == []

    [line] = search(db, people, clock, user="provsson").lines
    assert (line.allowed, line.denial_reason, line.person_name, line.person_identifier) == (
        False, "no_consent", "Tolvan Tolvansson", "19121212-1212")
    assert (line.who.staff_name, line.who.unit_name, line.category, line.action) == (
        "Sara Provsson", "Hemsjukvården Kumla", "plan", "read")
    assert review_search.denial_words(line.denial_reason) == "inget samtycke"


def test_a_period_is_whole_days_in_sweden(db, people, clock):
    nurse, person = people["distriktsskoterska"], people["tolvan"]
    at = {}
    for name, moment in (("before", datetime(2026, 11, 20, 22, 59, tzinfo=UTC)),  # 23:59 on the 20th in Sweden
                         ("first", datetime(2026, 11, 20, 23, 30, tzinfo=UTC)),  # 00:30 on the 21st
                         ("last", datetime(2026, 11, 21, 22, 59, tzinfo=UTC)),  # 23:59 on the 21st
                         ("after", datetime(2026, 11, 21, 23, 30, tzinfo=UTC))):  # 00:30 on the 22nd
        clock.at = moment
        at[name] = logged(db, nurse, clock, person)
    clock.at = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    day = date(2026, 11, 21)

    def ids(**criteria):
        return [line.id for line in search(db, people, clock, **criteria).lines]

    assert ids(date_from=day, date_to=day) == [at["last"], at["first"]]
    assert ids(date_from=day, unit="Vårdcentralen Kumla") == [at["after"], at["last"], at["first"]]
    assert ids(date_to=day, user="distriktsskoterska") == [at["last"], at["first"], at["before"]]
    # a narrow period is read first, a wide one after the user's or unit's entries: the same answer either way
    narrow = ids(date_from=day, date_to=day, unit="Vårdcentralen Kumla")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(review_store, "NARROW_PERIOD", 0)
        assert ids(date_from=day, date_to=day, unit="Vårdcentralen Kumla") == narrow == [at["last"], at["first"]]
    # in summer (UTC+2) a day starts at 22:00 UTC
    clock.at = datetime(2026, 7, 14, 22, 30, tzinfo=UTC)
    summer = logged(db, nurse, clock, person)
    clock.at = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    assert ids(date_from=date(2026, 7, 15), date_to=date(2026, 7, 15)) == [summer]
    assert ids(date_from=date(2026, 7, 14), date_to=date(2026, 7, 14)) == []
    with pytest.raises(ValidationFailed) as backwards:
        search(db, people, clock, date_from=day, date_to=date(2026, 11, 20))
    assert "börja före" in backwards.value.message


def test_a_search_pages_newest_first_and_each_search_is_one_log_entry(db, people, clock):
    person, nurse = people["tolvan"], people["distriktsskoterska"]
    made = []
    for _ in range(5):
        made.append(logged(db, nurse, clock, person))
        clock.advance(minutes=1)
    before = head(db)
    reviewer = people["granskare"]
    query = SearchQuery(person="19121212-1212")
    first = review_search.search_log(db, reviewer, clock, query, limit=2)
    second = review_search.search_log(db, reviewer, clock, query, older_than=first.older_than, limit=2)
    third = review_search.search_log(db, reviewer, clock, query, older_than=second.older_than, limit=2)
    assert [line.id for p in (first, second, third) for line in p.lines] == made[::-1]
    assert third.older_than is None
    searches = entries_since(db, before)
    assert [(e.account_id, e.action, e.purpose, e.information_category, e.outcome, e.person_id, e.resource_type,
             e.resource_id) for e in searches] == [
        (reviewer.account_id, "search", "logguppfoljning", "logg", "allowed", person, "audit_log", "person")] * 3
    review_search.search_log(db, reviewer, clock, SearchQuery(user="lakare", date_from=date(2026, 11, 1)))
    [by_user] = entries_since(db, searches[-1].seq)
    assert (by_user.person_id, by_user.resource_id) == (None, "anvandare,fran")
    with pytest.raises(ValidationFailed):
        review_search.search_log(db, reviewer, clock, SearchQuery())  # no criterion
    with pytest.raises(ValidationFailed):
        review_search.search_log(db, reviewer, clock, SearchQuery(person="19121212-1213"))  # wrong check digit
    assert verify_chain(db).ok


def test_only_the_reviewer_searches_and_opens_cases_and_every_refusal_is_logged(db, people, clock):
    logged(db, people["distriktsskoterska"], clock, people["tolvan"])
    others = [people[n] for n in ("distriktsskoterska", "hemsjukvard", "ledning", "tolvan_self")]
    query = SearchQuery(person="19121212-1212")
    for who in others:
        before = head(db)
        attempts = [
            lambda w=who: review_search.search_log(db, w, clock, query),
            lambda w=who: review_search.open_case(db, w, clock, query, REASON),
            lambda w=who: review_search.list_cases(db, w, clock),
            lambda w=who: review_search.read_case(db, w, clock, 1),
            lambda w=who: review_search.record_outcome(db, w, clock, 1, "anmalt", "Anmält till chefen"),
            lambda w=who: review_search.require_reviewer(db, w, clock),
        ]
        for attempt in attempts:
            with pytest.raises(Forbidden):
                attempt()
        refusals = entries_since(db, before)
        assert [(e.account_id, e.outcome, e.denial_reason, e.purpose) for e in refusals] == [
            (who.account_id, "denied", "not_reviewer", "logguppfoljning")] * len(attempts)
        assert [e.action for e in refusals] == ["search", "create", "read", "read", "write", "search"]


def test_a_case_is_opened_from_a_result_and_closed_with_an_outcome(db, people, clock):
    person, reviewer = people["tolvan"], people["granskare"]
    read = [logged(db, people["distriktsskoterska"], clock, person) for _ in range(3)]
    denied = logged(db, people["avdelning"], clock, person, denied="no_care_relationship")
    query = SearchQuery(person="19121212-1212")

    with pytest.raises(ValidationFailed) as no_words:
        review_search.open_case(db, reviewer, clock, query, " \u200b\u200b  ...  ", [read[0]])
    assert "med ord" in no_words.value.message
    with pytest.raises(ValidationFailed):  # an entry that is not in the search's result
        review_search.open_case(db, reviewer, clock, SearchQuery(user="lakare"), REASON, [read[0]])
    with pytest.raises(ValidationFailed):
        review_search.open_case(db, reviewer, clock, query, REASON, [])

    before = head(db)
    picked = review_search.open_case(db, reviewer, clock, query, REASON, [read[0], denied])
    assert picked.summary.scope is CaseScope.ENTRIES and picked.summary.entry_count == 2
    assert [line.id for line in picked.lines] == [denied, read[0]] and picked.summary.is_open
    assert picked.summary.reason == REASON and picked.summary.opened_by == "Rut Provlund"
    assert picked.summary.criteria.person == "191212121212"
    clock.advance(minutes=5)
    whole = review_search.open_case(db, reviewer, clock, query, "Tips från en kollega om nyfikenhet")
    [opened, _second] = [e for e in entries_since(db, before) if e.resource_type == "log_review_case"]
    assert (opened.action, opened.purpose, opened.person_id, opened.resource_id) == (
        "create", "logguppfoljning", person, str(picked.summary.id))
    # the whole result: the four accesses, and the opening of the first case (an access to the person too)
    assert whole.summary.scope is CaseScope.RESULT and whole.summary.entry_count == 5
    assert [line.id for line in whole.lines] == [opened.id, denied, *read[::-1]]
    logged(db, people["distriktsskoterska"], clock, person)  # the log grows on; the case does not
    assert review_search.read_case(db, reviewer, clock, whole.summary.id).summary.entry_count == 5

    listed = review_search.list_cases(db, reviewer, clock)
    assert [(c.id, c.is_open) for c in listed] == [(whole.summary.id, True), (picked.summary.id, True)]
    with pytest.raises(ValidationFailed):
        review_search.record_outcome(db, reviewer, clock, picked.summary.id, "anmalt", "  ")
    with pytest.raises(ValidationFailed):
        review_search.record_outcome(db, reviewer, clock, picked.summary.id, "kanske", "Ingen aning")
    clock.advance(hours=2)
    closed = review_search.record_outcome(db, reviewer, clock, picked.summary.id, "atgard_kravs",
                                          "Samtal med medarbetaren och hennes chef bokat.")
    assert (closed.summary.outcome, closed.outcome_note, closed.outcome_by, closed.summary.outcome_at) == (
        CaseOutcome.ACTION_REQUIRED, "Samtal med medarbetaren och hennes chef bokat.", "Rut Provlund", clock.now())
    with pytest.raises(Conflict):
        review_search.record_outcome(db, reviewer, clock, picked.summary.id, "ingen_anmarkning", "Ändrar mig")
    listed = review_search.list_cases(db, reviewer, clock)
    assert [(c.id, c.outcome) for c in listed] == [(whole.summary.id, None),
                                                   (picked.summary.id, CaseOutcome.ACTION_REQUIRED)]
    assert verify_chain(db).ok


# --- over HTTP ---------------------------------------------------------------------------------------------------


@pytest.fixture
def client(db, demo, clock):
    with TestClient(create_app(demo, database=db, clock=clock), follow_redirects=False) as c:
        yield c




def test_the_review_api_searches_opens_a_case_and_records_its_outcome(db, people, clock, client):
    entry = logged(db, people["distriktsskoterska"], clock, people["tolvan"])
    logged(db, people["avdelning"], clock, people["tolvan"], emergency="Medvetslös, behöver läkemedelslistan",
           action=AuditAction.EMERGENCY_ACCESS)
    headers = bearer(client, "granskare")
    found = client.get("/api/review/search", params={"person": "19121212-1212", "limit": 1}, headers=headers)
    assert found.status_code == 200, found.text
    body = found.json()
    [newest] = body["entries"]
    assert newest["emergency_reason"] == "Medvetslös, behöver läkemedelslistan" and body["older_than"]
    older = client.get("/api/review/search", headers=headers,
                       params={"person": "19121212-1212", "older_than": body["older_than"]}).json()
    assert [e["id"] for e in older["entries"]] == [entry] and older["older_than"] is None
    assert client.get("/api/review/search", headers=headers).status_code == 422
    assert client.get("/api/review/search", params={"date_from": "2026-11-22", "date_to": "2026-11-01"},
                      headers=headers).status_code == 422
    assert client.get("/api/review/search", params={"date_to": "9999-12-31"}, headers=headers).status_code == 422

    case = client.post("/api/review/cases", headers=headers,
                       json={"person": "19121212-1212", "reason": REASON, "entry_ids": [entry]})
    assert case.status_code == 201, case.text
    opened = case.json()
    assert opened["case"]["status"] == "open" and [e["id"] for e in opened["entries"]] == [entry]
    case_id = opened["case"]["id"]
    assert client.post("/api/review/cases", headers=headers,
                       json={"person": "19121212-1212", "reason": "   "}).status_code == 422
    listed = client.get("/api/review/cases", headers=headers).json()["cases"]
    assert [(c["id"], c["status"]) for c in listed] == [(case_id, "open")]
    done = client.post(f"/api/review/cases/{case_id}/outcome", headers=headers,
                       json={"outcome": "ingen_anmarkning", "note": "Läsningen hörde till ett bokat besök."})
    assert done.status_code == 200 and done.json()["case"]["outcome"] == "ingen_anmarkning"
    assert client.post(f"/api/review/cases/{case_id}/outcome", headers=headers,
                       json={"outcome": "anmalt", "note": "Ändrar mig"}).status_code == 409
    assert client.get("/api/review/cases/999999", headers=headers).status_code == 404

    for username in ("distriktsskoterska", "tolvan", "ledning"):
        before = head(db)
        other = bearer(client, username)
        assert client.get("/api/review/search", params={"person": "19121212-1212"}, headers=other).status_code == 403
        assert client.post("/api/review/cases", json={"person": "19121212-1212", "reason": REASON},
                           headers=other).status_code == 403
        assert client.get(f"/api/review/cases/{case_id}", headers=other).status_code == 403
        denied = [e for e in entries_since(db, before) if e.outcome == "denied"]
        assert [(e.denial_reason, e.action) for e in denied] == [
            ("not_reviewer", "search"), ("not_reviewer", "create"), ("not_reviewer", "read")]


def test_the_reviewer_searches_opens_and_closes_a_case_on_the_pages(db, people, clock, client):
    entry = logged(db, people["lakare"], clock, people["tolvan"], category="anteckningar")
    logged(db, people["hemsjukvard"], clock, people["tolvan"], denied="no_consent")
    page_login(client, "granskare")
    queue = client.get("/logguppfoljning")
    assert 'href="/logguppfoljning/sok"' in queue.text and 'href="/logguppfoljning/arenden"' in queue.text
    blank = client.get("/logguppfoljning/sok")
    assert blank.status_code == 200 and "Sökresultat" not in blank.text
    found = client.get("/logguppfoljning/sok", params={"anvandare": "Erik Testlund", "fran": "2026-11-22",
                                                        "till": "2026-11-22"})
    assert found.status_code == 200 and "Tolvan Tolvansson" in found.text and "19121212-1212" in found.text
    assert "Läste: anteckningar" in found.text and "Provsson" not in found.text
    denied = client.get("/logguppfoljning/sok", params={"enhet": "Hemsjukvården Kumla"})
    assert "Nekad: inget samtycke" in denied.text
    assert client.get("/logguppfoljning/sok", params={"fran": "fel"}).status_code == 422

    token = CSRF.findall(found.text)[-1]
    form = {"anvandare": "Erik Testlund", "person": "", "enhet": "", "fran": "2026-11-22", "till": "2026-11-22",
            "csrf_token": token}
    refused = client.post("/logguppfoljning/arenden", data={**form, "omfattning": "poster", "poster": [str(entry)],
                                                            "skal": " "})
    assert refused.status_code == 422 and 'role="alert"' in refused.text and "med ord" in refused.text
    made = client.post("/logguppfoljning/arenden", data={**form, "omfattning": "poster", "poster": [str(entry)],
                                                         "skal": REASON})
    assert made.status_code == 303
    shown = client.get(made.headers["location"])
    assert "Granskningsärendet är öppnat." in shown.text and REASON in shown.text and "Öppet" in shown.text
    listed = client.get("/logguppfoljning/arenden")
    assert listed.status_code == 200 and "Öppet" in listed.text and "användare Erik Testlund" in listed.text
    case_path = made.headers["location"].split("?")[0]
    token = CSRF.findall(shown.text)[-1]
    assert client.post(case_path, data={"utfall": "anmalt", "anteckning": "", "csrf_token": token}).status_code == 422
    saved = client.post(case_path, data={"utfall": "anmalt", "anteckning": "Anmält till verksamhetschefen.",
                                         "csrf_token": token})
    assert saved.status_code == 303
    closed = client.get(saved.headers["location"])
    assert "Utfallet är sparat och ärendet är avslutat." in closed.text and "Anmält" in closed.text

    client.cookies.clear()
    page_login(client, "lakare")
    before = head(db)
    assert client.get("/logguppfoljning/sok", params={"person": "19121212-1212"}).status_code == 403
    assert client.get("/logguppfoljning/arenden").status_code == 403
    assert [e.denial_reason for e in entries_since(db, before)] == ["not_reviewer", "not_reviewer"]
