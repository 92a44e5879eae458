"""The directory JSON API over HTTP, on SQLite and PostgreSQL: health, units, staff, identifier validation
and person look-up with RFC 9457 problem details and Swedish messages. Person look-up goes through the access
policy (DOMAIN §5): a care relationship is needed and every attempt is logged."""

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nara.app import create_app
from nara.audit.store import AuditEntryRow
from nara.auth.demo import DEMO_PASSWORD, create_demo_personas
from nara.core.actor import Role
from nara.core.clock import local_today
from nara.core.settings import Settings
from nara.directory.model import load_region
from nara.directory.service import add_listing, add_person, current_listing, seed_region
from nara.directory.store import PersonRow

TEST_IDENTITIES = ["195009072553", "196101182803", "189002029800", "200302022389", "199002222397",
                   "200001252386", "189602029812", "191212121212", "196109732393"]


@pytest.fixture
def api(database, clock, tmp_data_dir):
    with database.transaction() as s:
        seed_region(s, load_region("orebro"))
    logins = create_demo_personas(database, clock)
    with database.transaction() as s:
        protected = add_person(s, identifier="195009072553", given_name="Skyddad", family_name="Person",
                               today=date(2026, 11, 22), kommun_code="1881", protected_identity=True,
                               address="Hemlig gatan 1, Kumla")
        # listed where Tolvan is (the demo district nurse's vårdcentral): a care relationship (DOMAIN §5)
        tolvan = s.scalar(select(PersonRow).where(PersonRow.identifier == "191212121212"))
        listing = current_listing(s, tolvan.id, local_today(clock))
        add_listing(s, person_id=protected.id, unit_id=listing.unit_id, fast_lakare_id=None,
                    valid_from=date(2025, 1, 1))
    app = create_app(Settings(data_dir=tmp_data_dir), database=database, clock=clock)
    with TestClient(app) as client:
        client.logins = {login.role: login for login in logins}
        client.database = database
        yield client


def bearer_for(client: TestClient, username: str) -> dict[str, str]:
    response = client.post("/api/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def audit_count(client: TestClient) -> int:
    with client.database.transaction() as s:
        return s.scalar(select(func.count()).select_from(AuditEntryRow))


def bearer(client: TestClient, role: Role) -> dict[str, str]:
    login = client.logins[role]
    response = client.post("/api/auth/token", json={"username": login.username, "password": login.password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_healthz_answers_200_when_the_database_answers(api):
    response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_directory_needs_a_login_and_says_so_as_problem_details(api):
    response = api.get("/api/directory/units")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 401 and body["detail"] == "Du behöver logga in."


def test_a_resident_cannot_use_the_staff_directory(api):
    response = api.get("/api/directory/units", headers=bearer(api, Role.RESIDENT))
    assert response.status_code == 403


def test_units_can_be_filtered_by_kind_and_municipality(api):
    headers = bearer(api, Role.STAFF)
    response = api.get("/api/directory/units", params={"kind": "vardcentral", "kommun_code": "1881"},
                       headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] >= 1
    assert {u["kind"] for u in body["items"]} == {"vardcentral"}
    assert {u["kommun_code"] for u in body["items"]} == {"1881"}
    assert all(u["principal"] in ("region", "privat") for u in body["items"])
    one = api.get(f"/api/directory/units/{body['items'][0]['id']}", headers=headers)
    assert one.status_code == 200 and one.json() == body["items"][0]
    assert api.get("/api/directory/units/999999", headers=headers).status_code == 404


def test_staff_are_listed_with_their_units(api):
    headers = bearer(api, Role.STAFF)
    body = api.get("/api/directory/staff", params={"profession": "lakare"}, headers=headers).json()
    assert body["total"] >= 1
    assert all(m["profession"] == "lakare" and m["unit_ids"] for m in body["items"])


def test_municipalities_come_from_the_region_data(api):
    body = api.get("/api/directory/municipalities", headers=bearer(api, Role.STAFF)).json()
    assert len(body) == 12
    assert {"kommun_code": "1883", "name": "Karlskoga", "lansdel": "Väster", "population": 30180,
            "share_65_plus": 0.251} in body


@pytest.mark.parametrize("identifier", TEST_IDENTITIES)
def test_the_national_test_identities_are_accepted(api, identifier):
    response = api.post("/api/directory/identifiers/validate", json={"identifier": identifier},
                        headers=bearer(api, Role.STAFF))
    assert response.status_code == 200, response.text
    assert response.json()["value"] == identifier


@pytest.mark.parametrize(
    ("identifier", "detail"),
    [
        ("19121212-1213", "Kontrollsiffran stämmer inte. Kontrollera att numret är rätt inskrivet."),
        ("19230230-1234", "Datumdelen är inte ett verkligt datum. Kontrollera år, månad och dag."),
        ("hej", "Numret har fel format. Skriv personnummer som ÅÅÅÅMMDD-NNNN, ÅÅMMDD-NNNN eller 12 siffror."),
    ],
)
def test_bad_identifiers_get_422_with_a_swedish_message(api, identifier, detail):
    response = api.post("/api/directory/identifiers/validate", json={"identifier": identifier},
                        headers=bearer(api, Role.STAFF))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == detail
    assert response.json()["type"] == "urn:nara:problem:invalid-identifier"


def test_a_malformed_body_is_a_422_problem_not_a_crash(api):
    response = api.post("/api/directory/identifiers/validate", json={"nope": 1}, headers=bearer(api, Role.STAFF))
    assert response.status_code == 422
    assert response.json()["detail"] == "Uppgifterna är inte giltiga."


def test_person_lookup_shows_listing_and_named_doctor(api):
    before = audit_count(api)
    response = api.post("/api/directory/persons/lookup", json={"identifier": "19121212-1212"},
                        headers=bearer_for(api, "distriktsskoterska"))
    assert response.status_code == 200, response.text
    assert audit_count(api) == before + 1
    body = response.json()
    assert body["given_name"] == "Tolvan" and body["synthetic"] is True
    assert body["kommun_code"] == "1881"
    assert body["listing"]["fast_lakare_name"]


def test_person_lookup_without_a_care_relationship_answers_like_an_unknown_number_and_is_logged(api):
    headers = bearer_for(api, "avdelning")  # a hospital ward: no relationship with Tolvan
    before = audit_count(api)
    response = api.post("/api/directory/persons/lookup", json={"identifier": "19121212-1212"}, headers=headers)
    assert audit_count(api) == before + 1
    unknown = api.post("/api/directory/persons/lookup", json={"identifier": "200302022389"}, headers=headers)
    assert audit_count(api) == before + 1  # a number nobody has names no person to log
    assert response.status_code == unknown.status_code == 404
    assert response.content == unknown.content  # byte for byte: nothing tells "not allowed" from "no such person"
    assert response.json()["detail"] == "Ingen person med det numret finns bland dem du har åtkomst till."
    assert "Tolvan" not in response.text
    with api.database.transaction() as s:
        entry = s.scalar(select(AuditEntryRow).order_by(AuditEntryRow.seq.desc()).limit(1))
        assert (entry.outcome, entry.action, entry.denial_reason) == ("denied", "search", "no_care_relationship")


def test_a_protected_address_is_never_sent(api):
    response = api.post("/api/directory/persons/lookup", json={"identifier": "195009072553"},
                        headers=bearer_for(api, "distriktsskoterska"))
    assert response.status_code == 200
    assert response.json()["address"] is None
    assert "Hemlig" not in response.text


def test_an_unknown_person_is_404_and_a_bad_number_422(api):
    headers = bearer(api, Role.STAFF)
    assert api.post("/api/directory/persons/lookup", json={"identifier": "200302022389"},
                    headers=headers).status_code == 404
    assert api.post("/api/directory/persons/lookup", json={"identifier": "200302022388"},
                    headers=headers).status_code == 422
