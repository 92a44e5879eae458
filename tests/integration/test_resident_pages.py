"""The resident's own access view (DOMAIN §5) on SQLite and PostgreSQL, over the pages and the JSON API: the log
extract names unit, care provider, staff member and profession and marks a nödåtkomst with its reason; reading it is
logged; consent given and withdrawn in the portal decides the other provider's very next request; spärrar are
listed with who set them."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from nara.access.model import InformationCategory, Reason, RelationshipKind
from nara.access.service import AccessDenied, authorize, grants
from nara.app import create_app
from nara.audit.model import AuditAction
from nara.audit.store import AuditEntryRow
from nara.auth.demo import DEMO_PASSWORD
from nara.auth.service import log_in, resolve_session
from nara.auth.store import AccountRow
from nara.core.actor import Actor, Purpose, SessionKind
from nara.directory.store import UnitRow

from .conftest import REASON
from .demo_logins import bearer, page_login

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client(db, demo, clock):
    with TestClient(create_app(demo, database=db, clock=clock), follow_redirects=False) as c:
        yield c


def actor(db, settings, clock, username: str) -> Actor:
    issued = log_in(db, settings, clock, username, DEMO_PASSWORD, SessionKind.API)
    return resolve_session(db, settings, clock, issued.token, SessionKind.API).actor


def tolvan(db) -> tuple[int, int]:
    with db.transaction() as s:
        account = s.scalar(select(AccountRow).where(AccountRow.username == "tolvan"))
        return account.id, account.person_id




def region_plan(db, who: Actor, person_id: int, clock):
    """Read a plan recorded by the region (the vårdcentral's provider), as ``who``."""
    with db.transaction() as s:
        region = s.scalar(select(UnitRow.provider_id).where(UnitRow.name == "Vårdcentralen Kumla"))
    return authorize(db, who, person_id, InformationCategory.PLAN, AuditAction.READ, Purpose.VARD, clock,
                     owner_provider_id=region, resource=("plan", 1))


def test_the_log_extract_shows_who_read_and_marks_a_nodatkomst_with_its_reason(db, demo, clock, client):
    account_id, person = tolvan(db)
    nurse, ward = actor(db, demo, clock, "distriktsskoterska"), actor(db, demo, clock, "avdelning")
    region_plan(db, nurse, person, clock)
    clock.advance(minutes=10)
    with db.transaction() as s:  # the ward has Tolvan in its care right now, and she cannot consent
        grants.start_care_relationship(s, ward, clock, person_id=person, kind=RelationshipKind.CARE_TEAM)
    with db.transaction() as s:
        grants.start_emergency_access(s, ward, clock, person_id=person, reason=REASON)
    clock.advance(minutes=10)
    headers = bearer(client, "tolvan")
    extract = client.get("/api/me/access-log", headers=headers)
    assert extract.status_code == 200, extract.text
    body = extract.json()
    assert body["total"] == 3 and body["older_from"] is None
    [emergency] = body["emergency"]
    assert (emergency["emergency_access"], emergency["emergency_reason"], emergency["staff"],
            emergency["care_provider"], emergency["count"]) == (
        True, REASON, ["Leila Påhittsdotter, sjuksköterska"], "Region Örebro län", 1)
    assert emergency["unit"].startswith("Medicinavdelning")
    assert emergency["sentence"] == "Medicinavdelning 1 öppnade dina uppgifter med nödåtkomst den 22 november."
    team, plan = body["groups"]
    assert team["sentence"] == (
        "Medicinavdelning 1 registrerade nytt i dina samtycken, spärrar och vårdrelationer den 22 november.")
    assert (plan["sentence"], plan["staff"], plan["denied"], plan["day"]) == (
        "Vårdcentralen Kumla läste din plan den 22 november.", ["Maja Demoberg, distriktssköterska"], False,
        "2026-11-22")
    # reading one's own log is an access too, logged — and not shown back in the extract
    with db.transaction() as s:
        mine = s.scalars(select(AuditEntryRow).where(AuditEntryRow.account_id == account_id)).all()
    assert [(e.purpose, e.information_category, e.outcome) for e in mine] == [("egen_insyn", "logg", "allowed")]
    assert client.get("/api/me/access-log", headers=headers).json()["total"] == 3

    page_login(client, "tolvan")
    page = client.get("/min-sida/vem-har-last")
    assert page.status_code == 200 and "<h1>Vem har läst om mig</h1>" in page.text
    assert "Nödåtkomst till dina uppgifter" in page.text and REASON in page.text
    assert "Leila Påhittsdotter, sjuksköterska" in page.text
    assert "Vårdcentralen Kumla läste din plan den 22 november." in page.text
    assert "Maja Demoberg, distriktssköterska (Region Örebro län)" in page.text


def test_consent_given_and_withdrawn_in_the_portal_decides_the_next_request(db, demo, clock, client):
    _account, person = tolvan(db)
    home_care = actor(db, demo, clock, "hemsjukvard")  # Kumla kommun: another care provider than the region
    with db.transaction() as s:
        grants.start_care_relationship(s, home_care, clock, person_id=person, kind=RelationshipKind.CARE_TEAM)
    with pytest.raises(AccessDenied) as denied:
        region_plan(db, home_care, person, clock)
    assert denied.value.decision.reason is Reason.NO_CONSENT

    page_login(client, "tolvan")
    page = client.get("/min-sida/samtycken")
    assert page.status_code == 200 and "Du har inte gett något samtycke." in page.text
    assert f'<option value="{home_care.provider_id}">Kumla kommun</option>' in page.text
    given = client.post("/min-sida/samtycken", data={"care_provider_id": str(home_care.provider_id),
                                                     "csrf_token": CSRF.search(page.text).group(1)})
    assert given.status_code == 303
    shown = client.get(given.headers["location"])
    assert "Samtycket för Kumla kommun gäller från nu." in shown.text and "Gäller" in shown.text
    assert region_plan(db, home_care, person, clock).reason is Reason.CONSENT

    consent_id = re.search(r'action="/min-sida/samtycken/(\d+)/aterkalla"', shown.text).group(1)
    withdrawn = client.post(f"/min-sida/samtycken/{consent_id}/aterkalla",
                            data={"csrf_token": CSRF.search(shown.text).group(1)})
    assert withdrawn.status_code == 303
    assert "är återkallat" in client.get(withdrawn.headers["location"]).text
    with pytest.raises(AccessDenied) as denied:
        region_plan(db, home_care, person, clock)  # the very next request
    assert denied.value.decision.reason is Reason.NO_CONSENT


def test_the_consent_api_gives_lists_and_revokes(db, demo, clock, client):
    headers = bearer(client, "tolvan")
    kommun = actor(db, demo, clock, "hemsjukvard").provider_id
    given = client.post("/api/me/consents", json={"care_provider_id": kommun}, headers=headers)
    assert given.status_code == 201 and given.json()["status"] == "active" and given.json()["given_by"] == "invanare"
    assert client.post("/api/me/consents", json={"care_provider_id": kommun}, headers=headers).status_code == 409
    listed = client.get("/api/me/consents", headers=headers).json()
    assert [c["care_provider"] for c in listed["consents"]] == ["Kumla kommun"]
    assert "Region Örebro län" in {p["name"] for p in listed["my_providers"]}  # listed at its vårdcentral
    assert len(listed["all_providers"]) >= len(listed["my_providers"])
    consent = given.json()["id"]
    revoked = client.post(f"/api/me/consents/{consent}/revoke", headers=headers)
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert client.post(f"/api/me/consents/{consent}/revoke", headers=headers).status_code == 409
    assert client.post("/api/me/consents", json={"care_provider_id": 999999}, headers=headers).status_code == 404
    staff = bearer(client, "distriktsskoterska")
    assert client.get("/api/me/consents", headers=staff).status_code == 403
    assert client.post(f"/api/me/consents/{consent}/revoke", headers=staff).status_code == 403


def test_blocks_are_listed_with_who_set_them_and_can_be_asked_for(db, demo, clock, client):
    page_login(client, "tolvan")
    page = client.get("/min-sida/sparrar")
    assert page.status_code == 200 and "Du har inga spärrar." in page.text
    unit = re.search(r'<option value="(\d+)">Vårdcentralen Kumla', page.text).group(1)
    token = CSRF.search(page.text).group(1)
    missing = client.post("/min-sida/sparrar", data={"unit_id": unit, "csrf_token": token})
    assert missing.status_code == 422 and 'role="alert"' in missing.text
    done = client.post("/min-sida/sparrar", data={"unit_id": unit, "kind": "yttre", "category": "anteckningar",
                                                  "csrf_token": token})
    assert done.status_code == 303
    shown = client.get(done.headers["location"]).text
    assert "Spärren är registrerad" in shown and "Yttre spärr: anteckningar" in shown
    assert "Vårdcentralen Kumla, Region Örebro län" in shown and "Kontakta Region Örebro län" in shown
    blocks = client.get("/api/me/blocks", headers=bearer(client, "tolvan")).json()["blocks"]
    assert [(b["kind"], b["information_category"], b["set_by_care_provider"], b["lifted_at"]) for b in blocks] == [
        ("yttre", "anteckningar", "Region Örebro län", None)]


def test_the_residents_pages_are_for_residents_and_in_the_menu(db, demo, clock, client):
    page_login(client, "tolvan")
    home = client.get("/min-sida").text
    for path, name in (("/min-sida/vem-har-last", "Vem har läst om mig"), ("/min-sida/samtycken", "Mina samtycken"),
                       ("/min-sida/sparrar", "Mina spärrar")):
        assert f'href="{path}">{name}</a>' in home
        assert f'href="{path}" aria-current="page">{name}</a>' in client.get(path).text
    client.cookies.clear()
    page_login(client, "lakare")
    assert client.get("/min-sida/vem-har-last").status_code == 403
    client.cookies.clear()
    assert client.get("/min-sida/samtycken").headers["location"].startswith("/logga-in?till=/min-sida/samtycken")


def test_the_start_page_tells_the_resident_about_a_nodatkomst_and_its_reading_is_logged(db, demo, clock, client):
    account_id, person = tolvan(db)
    ward = actor(db, demo, clock, "avdelning")
    with db.transaction() as s:  # the ward has Tolvan in its care right now, and she cannot consent
        grants.start_care_relationship(s, ward, clock, person_id=person, kind=RelationshipKind.CARE_TEAM)
    with db.transaction() as s:
        grants.start_emergency_access(s, ward, clock, person_id=person, reason=REASON)
    page_login(client, "tolvan")
    page = client.get("/min-sida")
    assert page.status_code == 200
    assert "Dina uppgifter har öppnats med nödåtkomst" in page.text
    assert REASON in page.text and "Medicinavdelning" in page.text
    with db.transaction() as s:
        own = s.scalars(select(AuditEntryRow).where(AuditEntryRow.account_id == account_id)).all()
    assert [(e.purpose, e.information_category, e.person_id) for e in own] == [
        ("egen_insyn", "grunduppgifter", person)]


def test_the_consent_form_offers_each_care_provider_once(db, demo, clock, client):
    """The providers one has met come first; the rest follow under "Övriga vårdgivare", none of them twice (Region
    Örebro län, where Tolvan is listed, was offered in both groups)."""
    tolvan(db)
    page_login(client, "tolvan")
    page = client.get("/min-sida/samtycken")
    assert page.status_code == 200
    options = re.findall(r'<option value="(\d+)">([^<]+)</option>', page.text)
    assert options and len(options) == len({value for value, _name in options})
    assert [name for _value, name in options].count("Region Örebro län") == 1
    assert 'label="Vårdgivare du har eller har haft kontakt med"' in page.text
    assert 'label="Övriga vårdgivare"' in page.text
