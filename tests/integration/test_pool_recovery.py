"""After PostgreSQL ended the pooled connections (pg_terminate_backend, a restart, a failover), the next requests
do not fail: each checkout looks at the connection's socket (nara.core.db.drop_dead_connection) and the pool
replaces a dead one before a request uses it. The live broker's LISTEN connection comes back by itself and tells
its subscribers to reload. PostgreSQL only: SQLite has no server to lose."""

from __future__ import annotations

import asyncio
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.pool import NullPool

from nara.app import create_app
from nara.auth.demo import DEMO_PASSWORD, create_demo_personas
from nara.core import db as core_db
from nara.core.db import Database
from nara.core.settings import Settings
from nara.directory.model import load_region
from nara.directory.service import seed_region
from nara.directory.store import PersonRow
from nara.live.service import RESYNC, Broker, announce

from ..conftest import _schema_database, empty_all_tables
from .conftest import run_loop

pytestmark = pytest.mark.postgres

# Every other connection to this test database, the app's pool and the broker's LISTEN included. The timeout
# (PostgreSQL 14+) waits until each backend has really ended: pg_terminate_backend only sends the signal, and
# the requests below are to meet connections that are dead, not ones still dying mid-statement.
KILL = ("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()")
REQUESTS = 200


@pytest.fixture
def pg(request, _migrated, clock, tmp_data_dir):
    """The migrated PostgreSQL test database with Örebro and the demo personas."""
    shared = _schema_database(request, "postgresql", _migrated)
    empty_all_tables(shared)
    with shared.transaction() as s:
        seed_region(s, load_region("orebro"))
    create_demo_personas(shared, clock)
    yield shared
    empty_all_tables(shared)


def kill_every_other_connection(url: str) -> int:
    admin = create_engine(url, poolclass=NullPool)
    try:
        with admin.connect() as conn:
            return conn.execute(text(KILL)).scalar_one()
    finally:
        admin.dispose()


def _app_client(pg: Database, clock, tmp_data_dir) -> tuple[TestClient, Database]:
    database = Database(pg.url, pool_size=8)
    # Tokens are looked up in the database on every request (no cache), so every request below touches it.
    settings = Settings(data_dir=tmp_data_dir, worker_threads=4, api_token_cache_seconds=0)
    app = create_app(settings, database=database, clock=clock)
    return TestClient(app, raise_server_exceptions=False), database  # a failure counts as the 500 it answers


def _requests(client: TestClient, headers: dict[str, str], plan_id: int, tolvan: int) -> list:
    """A mix of reads that touch the database: health, a plan, a person, a look-up by personnummer."""
    mix = [
        lambda: client.get("/healthz"),
        lambda: client.get(f"/api/plans/{plan_id}", headers=headers),
        lambda: client.get(f"/api/persons/{tolvan}", headers=headers),
        lambda: client.post("/api/directory/persons/lookup", json={"identifier": "19121212-1212"}, headers=headers),
    ]
    return [mix[n % len(mix)] for n in range(REQUESTS)]


def _run(calls: list) -> Counter:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return Counter(response.status_code for response in pool.map(lambda call: call(), calls))


def _setup(client: TestClient, pg: Database) -> tuple[dict[str, str], int, int]:
    token = client.post("/api/auth/token", json={"username": "lakare", "password": DEMO_PASSWORD})
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    with pg.transaction() as s:
        tolvan = s.scalar(select(PersonRow.id).where(PersonRow.identifier == "191212121212"))
    created = client.post(f"/api/persons/{tolvan}/plans", headers=headers, json={
        "kind": "patientkontrakt", "operations": [{"op": "add_goal", "text": "Gå till affären", "own_words": True}]})
    assert created.status_code == 201, created.text
    return headers, created.json()["id"], tolvan


def test_requests_after_every_pooled_connection_was_killed_do_not_fail(pg, clock, tmp_data_dir):
    client, database = _app_client(pg, clock, tmp_data_dir)
    with client:
        headers, plan_id, tolvan = _setup(client, pg)
        calls = _requests(client, headers, plan_id, tolvan)
        warm = _run(calls[:40])  # several connections open at once, then resting in the pool
        assert warm == Counter({200: 40}), warm
        pooled = database.engine.pool.checkedin()
        assert pooled >= 2, pooled
        killed = kill_every_other_connection(pg.url)
        assert killed >= pooled
        after = _run(calls)
    assert after == Counter({200: REQUESTS}), after  # 0 errors
    database.dispose()


def test_without_the_check_the_first_requests_after_the_kill_fail(pg, clock, tmp_data_dir):
    """The same scenario with the checkout check taken off: what it prevents (so the test above tests it)."""
    client, database = _app_client(pg, clock, tmp_data_dir)
    event.remove(database.engine, "checkout", core_db.drop_dead_connection)
    with client:
        headers, plan_id, tolvan = _setup(client, pg)
        calls = _requests(client, headers, plan_id, tolvan)
        assert _run(calls[:40]) == Counter({200: 40})
        kill_every_other_connection(pg.url)
        after = _run(calls)
    # The first statement on a dead connection fails (a 500, or /healthz's 503); SQLAlchemy then drops the whole
    # pool, so the rest pass.
    assert after[200] < REQUESTS, after
    database.dispose()


def test_the_live_listener_reconnects_after_its_connection_was_killed(pg):
    broker = Broker(pg)

    async def scenario():
        sub = broker.subscribe(["unit:7"])
        assert await asyncio.to_thread(broker.wait_until_listening, 10)
        await asyncio.to_thread(kill_every_other_connection, pg.url)
        told = await asyncio.wait_for(sub.queue.get(), timeout=15)  # it lost its connection: reload everything
        assert await asyncio.to_thread(broker.wait_until_listening, 15)

        def committed():
            with pg.transaction() as s:
                announce(s, broker, ["unit:7"], "utskrivning", "process:1")

        await asyncio.to_thread(committed)
        delivered = await asyncio.wait_for(sub.queue.get(), timeout=10)
        return told, delivered

    try:
        told, delivered = run_loop(scenario())
    finally:
        broker.close()
    assert told == RESYNC
    assert delivered.ref == "process:1" and delivered.topics == ("unit:7",)
