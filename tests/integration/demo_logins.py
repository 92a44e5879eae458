"""Logging a demo persona in from a test: a bearer token for the API, or a browser session for the pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from nara.auth.demo import DEMO_PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def bearer(client: TestClient, username: str) -> dict[str, str]:
    response = client.post("/api/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def page_login(client: TestClient, username: str) -> None:
    page = client.get("/logga-in")
    response = client.post("/logga-in", data={"username": username, "password": DEMO_PASSWORD,
                                              "csrf_token": CSRF.search(page.text).group(1)})
    assert response.status_code == 303, response.text
