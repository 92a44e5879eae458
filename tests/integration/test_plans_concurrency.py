"""Optimistic concurrency of plans on PostgreSQL: 20 clients, each with its own HTTP client and token,
edit one plan at the same moment with If-Match, and try again on the current version after a 412. Every write either
succeeds or gets 412; the final version is the creation (version 1) plus one per successful write; every successful
write is in the history and in the document — nothing is lost, nothing is written twice."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from nara.app import create_app
from nara.auth.demo import DEMO_PASSWORD, create_demo_personas
from nara.core.settings import Settings
from nara.directory.model import load_region
from nara.directory.service import seed_region
from nara.directory.store import PersonRow
from nara.plans.store import PlanVersionRow

from ..conftest import _schema_database, empty_all_tables

CLIENTS = 20
ROUNDS = CLIENTS  # after a 412 a client tries again on the version the 412 names; one wins each round at least


@pytest.fixture
def pg(request, _migrated):
    request.getfixturevalue("pg_url")  # skipped (or failed, in CI) without the server
    db = _schema_database(request, "postgresql", _migrated)
    empty_all_tables(db)
    return db


@pytest.mark.postgres
def test_twenty_concurrent_clients_edit_one_plan_and_nothing_is_lost(pg, clock, tmp_data_dir):
    with pg.transaction() as s:
        seed_region(s, load_region("orebro"))
    create_demo_personas(pg, clock)
    with pg.transaction() as s:
        tolvan = s.scalar(select(PersonRow.id).where(PersonRow.identifier == "191212121212"))
    app = create_app(Settings(data_dir=tmp_data_dir), database=pg, clock=clock)
    clients = [TestClient(app) for _ in range(CLIENTS)]
    headers = []
    for client in clients:
        token = client.post("/api/auth/token", json={"username": "lakare", "password": DEMO_PASSWORD}).json()
        headers.append({"Authorization": f"Bearer {token['access_token']}"})
    created = clients[0].post(f"/api/persons/{tolvan}/plans", headers=headers[0],
                              json={"operations": [{"op": "add_goal", "text": "Start"}]})
    assert created.status_code == 201, created.text
    plan_id = created.json()["id"]

    start = threading.Barrier(CLIENTS)
    outcomes: list[tuple[int, int, str]] = []  # (client, status, goal text)
    lock = threading.Lock()

    def edit(n: int) -> None:
        client = clients[n]
        tag = client.get(f"/api/plans/{plan_id}", headers=headers[n]).headers["etag"]
        start.wait()
        for attempt in range(ROUNDS):
            text = f"Mål från klient {n}, försök {attempt}"
            answer = client.patch(f"/api/plans/{plan_id}", headers={**headers[n], "If-Match": tag},
                                  json={"operations": [{"op": "add_goal", "text": text}]})
            with lock:
                outcomes.append((n, answer.status_code, text))
            if answer.status_code != 412:
                return
            tag = answer.headers["etag"]  # the current version, as the 412 says

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    statuses = [status for _n, status, _text in outcomes]
    assert set(statuses) <= {200, 412}, statuses
    written = [text for _n, status, text in outcomes if status == 200]
    assert statuses.count(412) > 0  # they did collide
    assert sorted(n for n, status, _text in outcomes if status == 200) == list(range(CLIENTS))  # all got through
    print(f"{CLIENTS} clients: {len(written)} writes succeeded, {statuses.count(412)} answered 412")

    final = clients[0].get(f"/api/plans/{plan_id}", headers=headers[0]).json()
    assert final["version"] == 1 + len(written)  # version 1 is the creation
    goals = [g["text"] for g in final["document"]["goals"]]
    assert sorted(goals) == sorted(["Start", *written])  # every successful write is there, once
    with pg.transaction() as s:
        versions = s.scalars(select(PlanVersionRow).where(PlanVersionRow.plan_id == plan_id)
                             .order_by(PlanVersionRow.version)).all()
    assert [v.version for v in versions] == list(range(1, 2 + len(written)))
    summaries = [v.summary for v in versions[1:]]
    assert sorted(summaries) == sorted(f"Mål tillagt: {text}" for text in written)
    for client in clients:
        client.close()
