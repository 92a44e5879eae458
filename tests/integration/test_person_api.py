"""The person API and pages beyond the access matrix (DOMAIN §5), on SQLite and PostgreSQL: what a denial says
(problem members, the Swedish denial page with its nödåtkomst offer), nödåtkomst's reason, time limit and
banner, validation, ids that must belong to the person, the search form that keeps the personnummer out of
URLs, and the OpenAPI description."""

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nara.access.store import BlockRow, ConsentRow
from nara.app import create_app
from nara.audit.store import AuditEntryRow
from nara.auth.demo import DEMO_PASSWORD, create_demo_personas
from nara.core.ids import ID_MAX
from nara.core.settings import Settings
from nara.directory.model import load_region
from nara.directory.service import seed_region
from nara.directory.store import CareProviderRow, PersonRow, UnitRow

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app_client(database, clock, tmp_data_dir):
    with database.transaction() as s:
        seed_region(s, load_region("orebro"))
    create_demo_personas(database, clock)
    with database.transaction() as s:
        tolvan = s.scalar(select(PersonRow).where(PersonRow.identifier == "191212121212"))
    app = create_app(Settings(data_dir=tmp_data_dir), database=database, clock=clock)
    with TestClient(app, follow_redirects=False) as client:
        client.database, client.tolvan = database, tolvan.id
        yield client


def bearer(client, username):
    response = client.post("/api/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def log_in(client, username):
    page = client.get("/logga-in")
    done = client.post("/logga-in", data={"username": username, "password": DEMO_PASSWORD,
                                          "csrf_token": CSRF_RE.search(page.text).group(1)})
    assert done.status_code == 303
    return CSRF_RE.search(client.get("/personer").text).group(1)


def last_entry(client):
    with client.database.transaction() as s:
        return s.scalar(select(AuditEntryRow).order_by(AuditEntryRow.seq.desc()).limit(1))


def audit_count(client):
    with client.database.transaction() as s:
        return s.scalar(select(func.count()).select_from(AuditEntryRow))


def test_the_listing_vardcentral_sees_grunduppgifter_listing_and_doctor(app_client):
    response = app_client.get(f"/api/persons/{app_client.tolvan}", headers=bearer(app_client, "distriktsskoterska"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["identifier_display"] == "19121212-1212" and body["given_name"] == "Tolvan"
    assert body["kommun_name"] == "Kumla" and body["synthetic"] is True
    assert body["listing"]["unit_name"] == "Vårdcentralen Kumla"
    assert body["listing"]["fast_lakare_name"] == "Erik Testlund"
    assert body["blocked"] == [] and body["emergency"] is None


def test_a_denial_is_a_problem_that_says_why_and_offers_no_emergency_access_without_a_relationship(app_client):
    response = app_client.get(f"/api/persons/{app_client.tolvan}", headers=bearer(app_client, "avdelning"))
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == "urn:nara:problem:access-denied"
    # Nödåtkomst is for a person in the unit's care right now (lag 2022:913, DOMAIN §5).
    assert body["reason"] == "no_care_relationship" and body["emergency_possible"] is False
    assert body["blocked"] == []  # someone without a basis learns nothing more, not even that spärrar exist
    assert "vårdrelation" in body["detail"]
    assert "Tolvan" not in response.text


def test_a_spärr_denial_names_who_set_it(app_client):
    nurse = bearer(app_client, "distriktsskoterska")
    with app_client.database.transaction() as s:
        ward = s.scalar(select(UnitRow).where(UnitRow.name.like("Medicinavdelning%")))
    ward_headers = bearer(app_client, "avdelning")
    # the ward starts its own relationship and sets an inre spärr on its plans at Tolvan's request
    assert app_client.post(f"/api/persons/{app_client.tolvan}/care-relationships",
                           json={"kind": "admission"}, headers=ward_headers).status_code == 201
    block = app_client.post(f"/api/persons/{app_client.tolvan}/blocks", json={"kind": "inre", "category": "plan"},
                            headers=ward_headers)
    assert block.status_code == 201, block.text
    assert block.json()["unit_name"] == ward.name
    denied = app_client.get(f"/api/persons/{app_client.tolvan}/information/plan/{ward.provider_id}", headers=nurse)
    assert denied.status_code == 403
    body = denied.json()
    assert body["reason"] == "inre_sparr" and body["emergency_possible"] is True
    assert ward.name in body["detail"]
    assert body["blocked"] == [f"Det finns spärrad information (planer), spärrad av {ward.name} "
                               f"(Region Örebro län) den 2026-11-22."]
    person = app_client.get(f"/api/persons/{app_client.tolvan}", headers=nurse).json()
    assert person["blocked"] == body["blocked"]


def kommun_provider(client) -> int:
    with client.database.transaction() as s:
        return s.scalar(select(CareProviderRow.id).where(CareProviderRow.name == "Kumla kommun"))


def test_emergency_access_needs_a_reason_is_time_limited_and_shown(app_client):
    headers = bearer(app_client, "avdelning")
    assert app_client.post(f"/api/persons/{app_client.tolvan}/care-relationships", json={"kind": "admission"},
                           headers=headers).status_code == 201  # Tolvan is admitted to the ward
    notes = f"/api/persons/{app_client.tolvan}/information/anteckningar/{kommun_provider(app_client)}"
    assert app_client.get(notes, headers=headers).json()["reason"] == "no_consent"
    before = audit_count(app_client)
    empty = app_client.post(f"/api/persons/{app_client.tolvan}/emergency-access", json={"reason": "  "},
                            headers=headers)
    assert empty.status_code == 422 and empty.json()["detail"] == "Ange skälet till nödåtkomsten med ord."
    assert audit_count(app_client) == before  # nothing was opened
    opened = app_client.post(f"/api/persons/{app_client.tolvan}/emergency-access",
                             json={"reason": "Medvetslös, okänd medicinering"}, headers=headers)
    assert opened.status_code == 201, opened.text
    emergency = opened.json()
    assert emergency["review_required"] is True
    expires = datetime.fromisoformat(emergency["expires_at"])
    assert expires == datetime(2026, 11, 22, 17, 0, tzinfo=UTC)  # eight hours
    entry = last_entry(app_client)
    assert (entry.action, entry.outcome, entry.emergency_reason) == (
        "emergency_access", "allowed", "Medvetslös, okänd medicinering")
    information = app_client.get(notes, headers=headers).json()  # the municipality's notes, without consent
    assert information["emergency"]["reason"] == "Medvetslös, okänd medicinering"
    assert last_entry(app_client).emergency_reason == "Medvetslös, okänd medicinering"  # the read is marked too


def test_a_too_long_emergency_duration_is_refused(app_client):
    response = app_client.post(f"/api/persons/{app_client.tolvan}/emergency-access",
                               json={"reason": "Akut", "duration_hours": 24 * 8},
                               headers=bearer(app_client, "avdelning"))
    assert response.status_code == 422


def test_an_assignment_needs_an_end_date(app_client):
    response = app_client.post(f"/api/persons/{app_client.tolvan}/care-relationships", json={"kind": "assignment"},
                               headers=bearer(app_client, "avdelning"))
    assert response.status_code == 422
    assert response.json()["detail"] == "Ett uppdrag (vårdrelation) måste ha ett slutdatum."


def test_ids_in_the_url_must_belong_to_the_person(app_client):
    nurse = bearer(app_client, "distriktsskoterska")
    consent = app_client.post(f"/api/persons/{app_client.tolvan}/consents", json={}, headers=nurse)
    assert consent.status_code == 201, consent.text
    assert consent.json()["given_by"] == "personal" and consent.json()["active"] is True
    other = app_client.tolvan + 100_000
    assert app_client.post(f"/api/persons/{other}/consents/{consent.json()['id']}/revoke",
                           headers=nurse).status_code == 404
    revoked = app_client.post(f"/api/persons/{app_client.tolvan}/consents/{consent.json()['id']}/revoke",
                              headers=nurse)
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    again = app_client.post(f"/api/persons/{app_client.tolvan}/consents/{consent.json()['id']}/revoke",
                            headers=nurse)
    assert again.status_code == 409
    with app_client.database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(ConsentRow)) == 1  # nothing is deleted


def test_lists_show_history_with_names(app_client):
    nurse = bearer(app_client, "distriktsskoterska")
    block = app_client.post(f"/api/persons/{app_client.tolvan}/blocks", json={"kind": "yttre", "category": "plan"},
                            headers=nurse).json()
    assert app_client.post(f"/api/persons/{app_client.tolvan}/blocks/{block['id']}/lift",
                           headers=nurse).status_code == 200
    blocks = app_client.get(f"/api/persons/{app_client.tolvan}/blocks", headers=nurse).json()
    assert [(b["kind"], b["provider_name"], b["active"]) for b in blocks] == [("yttre", "Region Örebro län", False)]
    with app_client.database.transaction() as s:
        assert s.get(BlockRow, block["id"]).lifted_at is not None


def test_every_person_route_is_documented_with_its_problems_and_bounded_ids(app_client):
    spec = app_client.get("/openapi.json").json()
    paths = {p: item for p, item in spec["paths"].items() if p.startswith("/api/persons")}
    assert sum(len(item) for item in paths.values()) == 21  # 16 of access, 2 of plans (/plans), 3 of measurements
    for path, item in paths.items():
        for method, operation in item.items():
            assert operation.get("description") or operation.get("summary"), (method, path)
            assert {"401", "403", "404", "422"} <= set(operation["responses"]), (method, path)
            forbidden = operation["responses"]["403"]["content"]["application/problem+json"]["schema"]
            assert "emergency_possible" in forbidden["properties"]
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"].endswith("_id"):
                    assert parameter["schema"]["maximum"] == ID_MAX


# --- pages ------------------------------------------------------------------------------------------------------


def test_search_keeps_the_personnummer_out_of_the_url(app_client):
    csrf = log_in(app_client, "distriktsskoterska")
    form = app_client.get("/personer")
    assert form.status_code == 200 and 'method="post" action="/personer"' in form.text
    found = app_client.post("/personer", data={"identifier": "19121212-1212", "csrf_token": csrf})
    assert found.status_code == 303 and found.headers["location"] == f"/personer/{app_client.tolvan}"
    page = app_client.get(found.headers["location"])
    assert page.status_code == 200
    assert "<h1>Tolvan Tolvansson" in page.text and "Vårdcentralen Kumla" in page.text
    assert "Erik Testlund" in page.text
    assert 'href="/personer" aria-current="page"' not in page.text and 'href="/personer"' in page.text
    bad = app_client.post("/personer", data={"identifier": "19121212-1213", "csrf_token": csrf})
    assert bad.status_code == 422 and "Kontrollsiffran stämmer inte." in bad.text
    unknown = app_client.post("/personer", data={"identifier": "200302022389", "csrf_token": csrf})
    assert unknown.status_code == 404 and "Ingen person med det numret" in unknown.text
    forged = app_client.post("/personer", data={"identifier": "19121212-1212", "csrf_token": "fel"})
    assert forged.status_code == 403


def test_the_denial_page_offers_emergency_access_which_then_opens_the_information(app_client):
    csrf = log_in(app_client, "avdelning")
    denied = app_client.get(f"/personer/{app_client.tolvan}")
    assert denied.status_code == 403
    assert "Åtkomst nekad" in denied.text and "ingen pågående vårdrelation" in denied.text
    assert "nodatkomst" not in denied.text  # no nödåtkomst without a patient relationship
    assert app_client.post(f"/personer/{app_client.tolvan}/vardrelationer",
                           data={"valid_to": "2026-11-30", "csrf_token": csrf}).status_code == 303
    notes = f"/personer/{app_client.tolvan}/uppgifter/anteckningar/{kommun_provider(app_client)}"
    denied = app_client.get(notes)
    assert denied.status_code == 403 and "samtyckt" in denied.text
    assert f'action="/personer/{app_client.tolvan}/nodatkomst"' in denied.text and 'name="reason"' in denied.text
    unconfirmed = app_client.post(f"/personer/{app_client.tolvan}/nodatkomst",
                                  data={"reason": "Medvetslös", "csrf_token": csrf})
    assert unconfirmed.status_code == 422 and "Bekräfta att du behöver nödåtkomst." in unconfirmed.text
    assert "Medvetslös" in unconfirmed.text  # what was typed is kept
    escaped = app_client.post(f"/personer/{app_client.tolvan}/nodatkomst",
                              data={"reason": "Medvetslös", "confirm": "ja", "back_to": "//elak.example",
                                    "csrf_token": csrf})
    assert escaped.status_code == 303 and escaped.headers["location"] == f"/personer/{app_client.tolvan}"
    opened = app_client.post(f"/personer/{app_client.tolvan}/nodatkomst",
                             data={"reason": "Medvetslös", "confirm": "ja", "back_to": notes, "csrf_token": csrf})
    assert opened.status_code == 303 and opened.headers["location"] == notes
    page = app_client.get(opened.headers["location"])
    assert page.status_code == 200
    assert "Nödåtkomst aktiv till 22 nov 2026 18:00 – åtkomsten granskas." in page.text
    assert "Skäl: Medvetslös" in page.text


def test_no_emergency_offer_when_it_would_not_help(app_client):
    log_in(app_client, "ledning")
    denied = app_client.get(f"/personer/{app_client.tolvan}")
    assert denied.status_code == 403 and "Din roll ger inte åtkomst" in denied.text
    assert "nodatkomst" not in denied.text


def test_the_access_page_records_consent_spärr_and_assignment(app_client):
    csrf = log_in(app_client, "distriktsskoterska")
    base = f"/personer/{app_client.tolvan}"
    page = app_client.get(f"{base}/atkomst")
    assert page.status_code == 200 and "Inga samtycken är registrerade." in page.text
    for path, data in ((f"{base}/samtycken", {}), (f"{base}/sparrar", {"kind": "inre", "category": "anteckningar"}),
                       (f"{base}/vardrelationer", {"valid_to": "2026-12-31"})):
        done = app_client.post(path, data={"csrf_token": csrf, **data})
        assert done.status_code == 303 and done.headers["location"] == f"{base}/atkomst?klart=1", path
    page = app_client.get(f"{base}/atkomst?klart=1")
    assert "Ändringen är sparad." in page.text
    assert "Region Örebro län" in page.text and "av personal, enligt personen" in page.text
    assert "Inre spärr: anteckningar" in page.text and "Uppdrag" in page.text
    assert page.text.count("/aterkalla") == 1 and page.text.count("/hav") == 1 and page.text.count("/avsluta") == 1
    bad_date = app_client.post(f"{base}/vardrelationer", data={"csrf_token": csrf, "valid_to": "2026-13-01"})
    assert bad_date.status_code == 422 and "Ange ett giltigt datum" in bad_date.text


def test_staff_see_personer_in_the_menu(app_client):
    log_in(app_client, "lakare")
    assert '<a href="/personer" aria-current="page">Personer</a>' in app_client.get("/personer").text


def test_the_person_page_offers_only_the_records_the_reader_may_open_and_deciding_that_logs_nothing(app_client):
    with app_client.database.transaction() as s:
        region = s.scalar(select(CareProviderRow.id).where(CareProviderRow.name == "Region Örebro län"))
    log_in(app_client, "distriktsskoterska")
    before = audit_count(app_client)
    page = app_client.get(f"/personer/{app_client.tolvan}")
    assert page.status_code == 200
    assert audit_count(app_client) == before + 1  # the one read of grunduppgifter; the links were only asked
    entry = last_entry(app_client)
    assert (entry.action, entry.outcome, entry.information_category) == ("read", "allowed", "grunduppgifter")
    own = re.findall(rf'href="/personer/{app_client.tolvan}/uppgifter/(\w+)/(\d+)"', page.text)
    assert ("anteckningar", str(region)) in own  # allowed: the region's own notes
    assert "social_dokumentation" not in {c for c, _ in own}  # the region's staff never reach social records
    assert "kräver nödåtkomst" not in page.text

    # a municipal nurse in Tolvan's care: the region's records (no consent) only through nödåtkomst, and so marked
    municipal = TestClient(app_client.app, follow_redirects=False)
    csrf = log_in(municipal, "hemsjukvard")
    assert municipal.post(f"/personer/{app_client.tolvan}/vardrelationer",
                          data={"valid_to": "2026-11-30", "csrf_token": csrf}).status_code == 303
    page = municipal.get(f"/personer/{app_client.tolvan}")
    assert page.status_code == 200
    notes = re.search(rf'<li><a href="/personer/{app_client.tolvan}/uppgifter/anteckningar/'
                      rf'{region}">[^<]+</a>([^<]*)</li>', page.text)
    assert notes is not None and notes.group(1) == " (kräver nödåtkomst)"
    gate = municipal.get(f"/personer/{app_client.tolvan}/uppgifter/anteckningar/{region}")
    assert gate.status_code == 403 and 'name="reason"' in gate.text  # the way on: nödåtkomst is offered there
