"""Server push (nara.live), on SQLite and PostgreSQL: an announcement reaches the subscribers of its topics only
when its transaction commits (on PostgreSQL through NOTIFY to every process), the stream's topics come from who is
asking, the stream carries no person data and does not keep an idle session alive."""

import asyncio
import json
import re
import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from nara.app import create_app
from nara.auth.demo import DEMO_PASSWORD
from nara.auth.store import AuthSessionRow
from nara.live.service import Broker, LiveEvent, announce

from .conftest import run_loop


def test_an_announcement_is_delivered_after_commit_and_never_after_rollback(database):
    broker = Broker(database)

    async def scenario():
        unit_1 = broker.subscribe(["unit:1"])
        unit_2 = broker.subscribe(["unit:2", "account:9"])
        assert await asyncio.to_thread(broker.wait_until_listening)

        def rolled_back():
            with pytest.raises(RuntimeError), database.transaction() as s:
                announce(s, broker, ["unit:1", "unit:2"], "utskrivning", "process:1")
                raise RuntimeError("the change failed")

        def committed():
            with database.transaction() as s:
                announce(s, broker, ["unit:1", "account:9", "unit:2"], "utskrivning", "process:2")

        await asyncio.to_thread(rolled_back)
        await asyncio.to_thread(committed)
        first = await asyncio.wait_for(unit_1.queue.get(), timeout=5)
        second = await asyncio.wait_for(unit_2.queue.get(), timeout=5)
        await asyncio.sleep(0.2)  # anything else (the rolled-back one, a duplicate) would have arrived by now
        return first, second, unit_1.queue.qsize(), unit_2.queue.qsize()

    try:
        first, second, left_1, left_2 = run_loop(scenario())
    finally:
        broker.close()
    assert first.ref == second.ref == "process:2"
    assert first.topics == ("unit:1", "account:9", "unit:2")
    assert (left_1, left_2) == (0, 0)  # the rolled-back change was never announced; unit 2 got it once


def test_a_full_queue_is_replaced_by_one_resync(database):
    broker = Broker(database)

    async def scenario():
        sub = broker.subscribe(["unit:1"])
        for i in range(300):
            sub.offer(LiveEvent(("unit:1",), "utskrivning", str(i)))
        return [sub.queue.get_nowait() for _ in range(sub.queue.qsize())]

    items = run_loop(scenario())
    assert items[0].kind == "resync"
    assert len(items) == 300 - 256


@pytest.fixture
def live_client(database, demo, clock):
    settings = demo.model_copy(update={"live_stream_seconds": 3, "live_heartbeat_seconds": 0.5})
    app = create_app(settings, database=database, clock=clock)
    with TestClient(app, follow_redirects=False) as client:
        client.database, client.broker = database, app.state.live
        yield client
    app.state.live.close()


def _token(client, username):
    response = client.post("/api/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def _read_events(client, token, until_kind, on_ready):
    """Open /api/live, call ``on_ready`` once the stream is up, return the events seen until ``until_kind``."""
    events = []
    with client.stream("GET", "/api/live", headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        kind = None
        for line in response.iter_lines():
            if line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((kind, json.loads(line.removeprefix("data: "))))
                if kind == "ready":
                    assert client.broker.wait_until_listening()
                    threading.Thread(target=on_ready).start()
                if kind == until_kind:
                    break
    return events


def test_the_stream_carries_the_units_announcements_and_nothing_else(live_client):
    client = live_client
    token = _token(client, "distriktsskoterska")

    def announce_some():
        with client.database.transaction() as s:
            announce(s, client.broker, ["unit:999999"], "utskrivning", "process:1")  # another unit: not heard
        unit_id = _unit_of(client, token)
        with client.database.transaction() as s:
            announce(s, client.broker, [f"unit:{unit_id}"], "utskrivning", "process:2")

    events = _read_events(client, token, "change", announce_some)
    assert [k for k, _ in events] == ["ready", "change"]
    assert events[1][1] == {"topics": [f"unit:{_unit_of(client, token)}"], "kind": "utskrivning",
                            "ref": "process:2"}


def _unit_of(client, token):
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    return me.json()["active_unit"]["id"]


def test_the_stream_needs_a_login_and_leaves_the_idle_timer_alone(live_client):
    """A page left open keeps its stream, but the stream does not keep an unattended session alive."""
    client = live_client
    assert client.get("/api/live").status_code == 401
    assert client.get("/live").status_code in (401, 303)  # no session: no stream
    page = client.get("/logga-in")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    done = client.post("/logga-in", data={"username": "tolvan", "password": DEMO_PASSWORD, "csrf_token": csrf})
    assert done.status_code == 303
    with client.database.transaction() as s:
        before = s.scalars(select(AuthSessionRow.last_seen_at).order_by(AuthSessionRow.id.desc())).first()
    with client.stream("GET", "/live") as response:
        assert response.status_code == 200
        lines = [line for line in response.iter_lines() if line]  # ends after live_stream_seconds
    assert "event: ready" in lines
    assert any(line.startswith(": keepalive") for line in lines)
    with client.database.transaction() as s:
        after = s.scalars(select(AuthSessionRow.last_seen_at).order_by(AuthSessionRow.id.desc())).first()
    assert after == before
