"""The auth JSON API over HTTP on SQLite and PostgreSQL: bearer tokens, /auth/me, unit switching, log-out,
problem details for 401/422/429 with their headers, and what the OpenAPI description says."""

import time
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from nara.app import create_app
from nara.auth.demo import DEMO_PASSWORD, create_demo_personas
from nara.auth.service import token_hash
from nara.auth.store import AuthSessionRow
from nara.core.settings import Settings
from nara.directory.model import load_region
from nara.directory.service import seed_region

PROBLEM = "application/problem+json"



@pytest.fixture
def client(database, clock, tmp_data_dir):
    with database.transaction() as s:
        seed_region(s, load_region("orebro"))
    create_demo_personas(database, clock)
    app = create_app(Settings(data_dir=tmp_data_dir, login_max_failures=3), database=database, clock=clock)
    with TestClient(app) as c:
        c.clock = clock
        yield c


def token(client, username, password=DEMO_PASSWORD):
    response = client.post("/api/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def bearer(client, username):
    return {"Authorization": f"Bearer {token(client, username)['access_token']}"}


def test_a_token_is_issued_for_the_right_password(client):
    body = token(client, "distriktsskoterska")
    assert body["token_type"] == "bearer" and body["expires_in"] == 8 * 3600
    assert len(body["access_token"]) >= 40


def test_me_says_who_and_which_unit(client):
    me = client.get("/api/auth/me", headers=bearer(client, "avdelning"))
    assert me.status_code == 200
    body = me.json()
    assert body["username"] == "avdelning" and body["role"] == "staff" and body["is_demo"] is True
    assert body["display_name"] == "Leila Påhittsdotter"
    assert body["staff"]["profession"] == "sjukskoterska"
    assert body["active_unit"]["kind"] == "vardavdelning"
    assert body["active_unit"]["parent_name"] == "Universitetssjukhuset Örebro"
    assert body["units"] == [body["active_unit"]]


def test_a_resident_token_carries_the_person_and_no_unit(client):
    body = client.get("/api/auth/me", headers=bearer(client, "tolvan")).json()
    assert body["role"] == "resident" and body["person_id"] and body["staff"] is None
    assert body["active_unit"] is None and body["units"] == []


def test_bad_credentials_are_a_401_problem_with_a_swedish_message(client):
    for username in ("distriktsskoterska", "ingen.alls"):
        response = client.post("/api/auth/token", json={"username": username, "password": "fel-lösenord"})
        assert response.status_code == 401
        assert response.headers["content-type"].startswith(PROBLEM)
        assert response.headers["www-authenticate"].startswith("Bearer")
        body = response.json()
        assert body["detail"] == "Fel användarnamn eller lösenord."
        assert body["type"] == "urn:nara:problem:bad-credentials"


def test_too_many_failures_answer_429_with_retry_after(client):
    wrong = {"username": "lakare", "password": "fel"}
    right = {"username": "lakare", "password": DEMO_PASSWORD}
    for _ in range(2):
        assert client.post("/api/auth/token", json=wrong).status_code == 401
    locked = client.post("/api/auth/token", json=wrong)
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == str(15 * 60)
    assert locked.headers["content-type"].startswith(PROBLEM)
    assert locked.json()["detail"] == "För många misslyckade försök. Försök igen om 15 minuter."
    assert client.post("/api/auth/token", json=right).status_code == 429
    client.clock.advance(minutes=15, seconds=1)
    assert client.post("/api/auth/token", json=right).status_code == 200


def test_a_malformed_request_is_a_422_problem(client):
    response = client.post("/api/auth/token", json={"username": "lakare"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)


def test_no_token_or_a_wrong_one_is_401(client):
    missing = client.get("/api/auth/me")
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == 'Bearer realm="nara"'
    wrong = client.get("/api/auth/me", headers={"Authorization": "Bearer inte-en-riktig-token"})
    assert wrong.status_code == 401 and wrong.json()["detail"] == "Du behöver logga in."
    assert client.get("/api/auth/me", headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 401


def test_an_expired_token_is_401_with_its_own_message(client):
    headers = bearer(client, "lakare")
    assert client.get("/api/auth/me", headers=headers).status_code == 200  # now in the process's token cache
    client.clock.advance(hours=8)
    response = client.get("/api/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["type"] == "urn:nara:problem:session-expired"


def test_the_api_does_not_accept_the_browser_session_cookie(client):
    page = client.get("/logga-in")
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"username": "lakare", "password": DEMO_PASSWORD, "csrf_token": csrf}
    logged_in = client.post("/logga-in", data=form, follow_redirects=False)
    assert logged_in.status_code == 303 and "nara_session" in client.cookies
    assert client.get("/api/auth/me").status_code == 401


def test_logout_revokes_the_token(client):
    headers = bearer(client, "ledning")
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    assert client.post("/api/auth/logout", headers=headers).status_code == 401


def test_staff_with_two_assignments_switch_unit(client):
    headers = bearer(client, "hemsjukvard")
    me = client.get("/api/auth/me", headers=headers).json()
    assert len(me["units"]) == 2 and me["active_unit"] == me["units"][0]
    other = me["units"][1]
    switched = client.put("/api/auth/me/unit", json={"unit_id": other["id"]}, headers=headers)
    assert switched.status_code == 200 and switched.json()["active_unit"] == other
    assert client.get("/api/auth/me", headers=headers).json()["active_unit"] == other
    elsewhere = client.get("/api/auth/me", headers=bearer(client, "avdelning")).json()["active_unit"]["id"]
    refused = client.put("/api/auth/me/unit", json={"unit_id": elsewhere}, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Du har inget aktivt uppdrag på den enheten."


def test_only_staff_switch_unit(client):
    response = client.put("/api/auth/me/unit", json={"unit_id": 1}, headers=bearer(client, "tolvan"))
    assert response.status_code == 403


def test_the_openapi_description_documents_auth_errors_and_the_bearer_scheme(client):
    spec = client.get("/openapi.json").json()
    token_op = spec["paths"]["/api/auth/token"]["post"]
    assert {"200", "401", "422", "429"} <= set(token_op["responses"])
    assert PROBLEM in token_op["responses"]["429"]["content"]
    assert "Retry-After" in token_op["responses"]["429"]["headers"]
    assert {"200", "401"} <= set(spec["paths"]["/api/auth/me"]["get"]["responses"])
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert spec["paths"]["/api/auth/me"]["get"]["security"] == [{"bearer": []}]
    assert not any(path.startswith("/logga") or path in ("/", "/arbetsyta") for path in spec["paths"])


def revoke_elsewhere(database, access_token: str) -> None:
    """What another server process's log-out does: the session row revoked, this process not told."""
    with database.transaction() as s:
        s.execute(update(AuthSessionRow).where(AuthSessionRow.token_hash == token_hash(access_token))
                  .values(revoked_at=datetime.now(UTC)))


@contextmanager
def lakare_with_token_cache(database, clock, tmp_data_dir, seconds: float):
    """A client whose app keeps API tokens ``seconds`` in memory, the GP's bearer headers (already used once, so
    cached when the cache is on) and the raw token."""
    with database.transaction() as s:
        seed_region(s, load_region("orebro"))
    create_demo_personas(database, clock)
    app = create_app(Settings(data_dir=tmp_data_dir, api_token_cache_seconds=seconds), database=database, clock=clock)
    with TestClient(app) as c:
        issued = token(c, "lakare")["access_token"]
        headers = {"Authorization": f"Bearer {issued}"}
        assert c.get("/api/auth/me", headers=headers).status_code == 200
        yield c, headers, issued


def test_a_token_revoked_by_another_process_stops_working_within_the_cache_seconds(database, clock, tmp_data_dir):
    """The per-process token cache (Settings.api_token_cache_seconds) bounds how late a revocation made through
    another process takes effect here; a log-out through this process takes effect at once (test above)."""
    with lakare_with_token_cache(database, clock, tmp_data_dir, 0.3) as (c, headers, issued):
        revoke_elsewhere(database, issued)
        assert c.get("/api/auth/me", headers=headers).status_code == 200  # answered from memory, within 0.3 s
        time.sleep(0.4)
        assert c.get("/api/auth/me", headers=headers).status_code == 401


def test_with_the_token_cache_off_a_revocation_elsewhere_takes_effect_at_once(database, clock, tmp_data_dir):
    with lakare_with_token_cache(database, clock, tmp_data_dir, 0) as (c, headers, issued):
        revoke_elsewhere(database, issued)
        assert c.get("/api/auth/me", headers=headers).status_code == 401
