"""If-Match on the plan API as RFC 9110 §13.1.1 has it, on SQLite and PostgreSQL: a list matches when any tag
does, ``*`` matches the current version, a weak tag never matches, malformed is 400 in Swedish, missing 428."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nara.app import create_app
from nara.auth.demo import DEMO_PASSWORD, create_demo_personas
from nara.core.settings import Settings
from nara.directory.model import load_region
from nara.directory.service import seed_region
from nara.directory.store import PersonRow
from nara.plans.store import PlanVersionRow


@pytest.fixture
def api(database, clock, tmp_data_dir):
    with database.transaction() as s:
        seed_region(s, load_region("orebro"))
    create_demo_personas(database, clock)
    with database.transaction() as s:
        tolvan = s.scalar(select(PersonRow.id).where(PersonRow.identifier == "191212121212"))
    with TestClient(create_app(Settings(data_dir=tmp_data_dir), database=database, clock=clock)) as client:
        token = client.post("/api/auth/token", json={"username": "lakare", "password": DEMO_PASSWORD}).json()
        client.headers["Authorization"] = f"Bearer {token['access_token']}"
        created = client.post(f"/api/persons/{tolvan}/plans", json={"kind": "patientkontrakt", "operations": [
            {"op": "add_goal", "text": "Gå till affären själv", "own_words": True}]})
        assert created.status_code == 201, created.text
        client.plan_id = created.json()["id"]  # type: ignore[attr-defined]
        client.db = database  # type: ignore[attr-defined]
        yield client


def _write(api, if_match, text="Sova bättre"):
    headers = {} if if_match is None else {"If-Match": if_match}
    return api.patch(f"/api/plans/{api.plan_id}", headers=headers,
                     json={"operations": [{"op": "add_goal", "text": text}]})


def _versions(api) -> int:
    with api.db.transaction() as s:
        return s.scalar(select(func.count()).select_from(PlanVersionRow))


def test_a_list_of_tags_matches_when_any_names_the_current_version(api):
    p = api.plan_id
    written = _write(api, f'"{p}-7", "{p}-1", "{p + 1}-1"')
    assert written.status_code == 200, written.text
    assert written.json()["version"] == 2 and written.headers["etag"] == f'"{p}-2"'
    stale = _write(api, f'"{p}-1", "{p}-3"')
    assert stale.status_code == 412 and stale.json()["current_etag"] == f'"{p}-2"'
    assert _write(api, f'"{p}-1", "{p}-2"').status_code == 200
    assert _versions(api) == 3


def test_star_matches_whatever_version_is_current(api):
    assert _write(api, "*").status_code == 200
    again = _write(api, "*", text="Orka trappor")
    assert again.status_code == 200 and again.json()["version"] == 3
    assert api.patch("/api/plans/999999", headers={"If-Match": "*"},
                     json={"operations": [{"op": "add_goal", "text": "x"}]}).status_code == 404


def test_a_weak_tag_never_matches(api):
    p = api.plan_id
    weak = _write(api, f'W/"{p}-1"')
    assert weak.status_code == 412 and weak.headers["etag"] == f'"{p}-1"'
    assert _write(api, f'W/"{p}-1", "{p}-1"').status_code == 200  # the strong one in the list does
    assert _versions(api) == 2


@pytest.mark.parametrize("header", ['1-1', '"1-1', 'w/"1-1"', '*, "1-1"', '"1-1" "1-2"'])
def test_a_malformed_if_match_is_400_with_a_swedish_detail(api, header):
    response = _write(api, header)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"].startswith("If-Match kunde inte läsas.")
    assert _versions(api) == 1


@pytest.mark.parametrize("header", [None, "", " , "])
def test_a_missing_if_match_is_still_428(api, header):
    response = _write(api, header)
    assert response.status_code == 428
    assert response.json()["type"] == "urn:nara:problem:precondition-required"
    assert _versions(api) == 1


def test_every_conditional_plan_route_uses_the_same_parser(api):
    """The SIP routes too: a malformed header is 400 before anything else, a weak tag is 412."""
    p = api.plan_id
    for path, body in ((f"/api/plans/{p}/sip/phase", {"phase": "plan"}), (f"/api/plans/{p}/sip/finalise", None),
                       (f"/api/plans/{p}/sip/answer", {"accept": True})):
        assert api.post(path, json=body, headers={"If-Match": "1-1"}).status_code == 400, path
        assert api.post(path, json=body).status_code == 428, path
