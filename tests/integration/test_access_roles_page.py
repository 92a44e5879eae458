"""The role profiles are shown, in Swedish, to reviewers — and to no one else (HSLF-FS 2016:40 4 kap. 2 §)."""


import pytest
from fastapi.testclient import TestClient

from nara.access.model import roles
from nara.app import create_app

from .demo_logins import page_login


@pytest.fixture
def client(db, demo, clock):
    with TestClient(create_app(demo, database=db, clock=clock), follow_redirects=False) as c:
        yield c


def test_the_reviewer_sees_the_role_profiles_from_the_data(client):
    page_login(client, "granskare")
    page = client.get("/logguppfoljning/behorigheter")
    assert page.status_code == 200
    for row in roles.rows():
        assert str(row["role"]) in page.text
    assert "Biståndshandläggare och socialsekreterare" in page.text and "Det som rör socialtjänsten" in page.text
    assert 'href="/logguppfoljning/behorigheter"' in client.get("/logguppfoljning").text
    for code in ("bistandshandlaggare", "social_dokumentation", "roles.toml"):
        assert code not in page.text


@pytest.mark.parametrize("username", ["lakare", "tolvan", "ledning"])
def test_other_roles_do_not_get_the_reviewers_page(client, username):
    page_login(client, username)
    assert client.get("/logguppfoljning/behorigheter").status_code == 403
