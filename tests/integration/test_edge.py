"""Guards at the HTTP edge: a NUL character anywhere in a request is a 422 in Swedish, never a 500."""

import pytest
from fastapi.testclient import TestClient

from nara.app import create_app
from nara.core.settings import Settings


@pytest.fixture
def client(database, tmp_data_dir):
    app = create_app(Settings(data_dir=tmp_data_dir), database=database)
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.post("/api/auth/token", json={"username": "a\u0000", "password": "x"}),
        lambda c: c.post("/api/auth/token", content=b'{"username": "a\x00", "password": "x"}',
                         headers={"content-type": "application/json"}),
        lambda c: c.post("/logga-in", data={"username": "a\u0000", "password": "x"}),
        lambda c: c.get("/api/directory/units?q=a%00b"),
    ],
    ids=["json-escape", "raw-byte", "form", "query"],
)
def test_a_nul_character_is_rejected_with_a_swedish_422(client, send):
    response = send(client)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith("Texten innehåller ett otillåtet tecken")


def test_ordinary_requests_pass_the_guard_with_their_body_intact(client):
    response = client.post("/api/auth/token", json={"username": "ingen", "password": "fel 100%"})
    assert response.status_code == 401  # reached the route: the body was replayed unchanged
    assert client.get("/healthz").status_code == 200
