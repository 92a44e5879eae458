"""The pages of närstående and ombud (nara.access.pages.proxies), on SQLite and PostgreSQL: Tolvan gives Eva plan
access (a rejected form keeps what was typed and says what to fix), Eva chooses to act for him and reads Min plan's
page, Tolvan revokes and her next request is denied."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from nara.app import create_app

from .demo_logins import page_login

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(db, demo, clock):
    return create_app(demo, database=db, clock=clock)


def _csrf(client: TestClient, path: str) -> str:
    return CSRF.search(client.get(path).text).group(1)


def test_grant_act_for_read_and_revoke(app):
    with TestClient(app, follow_redirects=False) as tolvan, TestClient(app, follow_redirects=False) as eva:
        page_login(tolvan, "tolvan")
        page_login(eva, "eva")
        token = _csrf(tolvan, "/min-sida/narstaende")
        refused = tolvan.post("/min-sida/narstaende", data={
            "csrf_token": token, "personnummer": "19580614-9828", "kind": "narstaende", "end_day": "2026-12-31"})
        assert refused.status_code == 422
        assert "Välj minst en sak personen får göra." in refused.text
        assert 'value="19580614-9828"' in refused.text and 'value="2026-12-31"' in refused.text
        given = tolvan.post("/min-sida/narstaende", data={
            "csrf_token": token, "personnummer": "19580614-9828", "kind": "narstaende", "scopes": "plan",
            "end_day": "2026-12-31"})
        assert given.status_code == 303
        listed = tolvan.get(given.headers["location"])
        assert "Eva Tolvansson har nu fullmakt." in listed.text and "Läsa min plan" in listed.text

        choices = eva.get("/min-sida/foretrada")
        assert "Tolvan Tolvansson" in choices.text
        person_id = re.search(r'name="person_id" value="(\d+)"', choices.text).group(1)
        chosen = eva.post("/min-sida/foretrada", data={"csrf_token": _csrf(eva, "/min-sida/foretrada"),
                                                        "person_id": person_id})
        assert chosen.status_code == 303
        assert "Du företräder nu Tolvan Tolvansson." in eva.get(chosen.headers["location"]).text
        assert eva.get("/min-sida/plan").status_code == 200

        grant_id = re.search(r'/min-sida/narstaende/(\d+)/aterkalla', listed.text).group(1)
        revoked = tolvan.post(f"/min-sida/narstaende/{grant_id}/aterkalla",
                              data={"csrf_token": _csrf(tolvan, "/min-sida/narstaende")})
        assert revoked.status_code == 303
        denied = eva.get("/min-sida/plan")
        assert denied.status_code == 403
        assert "Din fullmakt för den här personen gäller inte längre." in denied.text
