"""From sending a discharge message to its arrival on 50 open worklists ("within seconds — nobody polls", DOMAIN §4).

PostgreSQL and a real uvicorn server (a separate process, ``--workers 1``). 50 live streams (``GET /api/live``,
each with its own bearer token and connection) are held open for the receiving units of one process — the
vårdcentral, hemsjukvård, hemtjänst and biståndshandläggning in Kumla (SYNTHETIC demo and test units). The ward at
USÖ then sends messages through the API, one at a time (``POST /api/discharge/processes/{id}/estimate``: a changed
estimated discharge date, a message to every receiver); for each, the time from the start of the send request to
the moment each of the 50 streams has received the ``change`` event for the process is measured. The send
request itself does the whole write: the access check and audit entry, the event, four kvittens rows, four
notifications, and a NOTIFY that PostgreSQL delivers to the server's listener on commit, which fans it out to
the streams.

Goal (DOMAIN §4): p95 ≤ 1 s. Prints p50/p95/max over all (message, stream) arrivals and per message (the slowest of
the 50), data size and machine. The streams and the sender run in this process and share the 2 cores with the
server and PostgreSQL.

    python bench/bench_discharge_push.py [--messages 30] [--streams 50] [--processes 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
import uuid
from datetime import date, timedelta

import httpx
from sqlalchemy import create_engine, func, select, text

from bench_plan_read import pct, serve
from machine import describe as describe_machine
from nara.audit.store import AuditEntryRow
from nara.auth import service as auth_service
from nara.auth.demo import DEMO_PASSWORD, create_demo_personas
from nara.auth.service import log_in, resolve_session
from nara.core import migrate
from nara.core.actor import Role, SessionKind
from nara.core.clock import SystemClock
from nara.core.db import Database
from nara.core.settings import Settings
from nara.directory.model import Profession, ProviderKind, UnitKind, load_region, personal_number
from nara.directory.service import add_listing, add_person, add_staff, add_unit, seed_region
from nara.directory.store import PersonRow
from nara.discharge import service
from nara.discharge.store import DischargeAckRow, DischargeEventRow, DischargeProcessRow
from nara.parts import load_catalogue

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
RECEIVER_USERS = ("distriktsskoterska", "lakare", "hemsjukvard", "bistand", "hemtjanst")
ARRIVAL_TIMEOUT = 10.0


def build(url: str, processes: int) -> int:
    """The Örebro directory, the demo personas, a hemtjänst unit in Kumla with a staff account, Tolvan's process
    (the one measured) and ``processes`` more open processes of synthetic Kumla residents, all through the
    service. Returns the measured process's id."""
    migrate.upgrade(url)
    db = Database(url)
    clock = SystemClock()
    settings = Settings(database_url=url)
    with db.transaction() as s:
        seed_region(s, load_region("orebro"))
    create_demo_personas(db, clock)
    with db.transaction() as s:
        htj = add_unit(s, hsa_id="SE0000091881-BENCHHTJ", name="Hemtjänsten Kumla (syntetisk)",
                       kind=UnitKind.HEMTJANST, kommun_code="1881", principal=ProviderKind.KOMMUN)
        staff = add_staff(s, hsa_id="SE0000091881-BENCHP0001", given_name="Hedda", family_name="Syntetsson",
                          profession=Profession.UNDERSKOTERSKA.value, unit_id=htj.id, valid_from=date(2024, 1, 1))
        auth_service.create_account(s, username="hemtjanst", password=DEMO_PASSWORD, role=Role.STAFF,
                                    display_name="Hedda Syntetsson", now=clock.now(), staff_id=staff.id,
                                    is_demo=True)
    issued = log_in(db, settings, clock, "avdelning", DEMO_PASSWORD, SessionKind.API)
    ward = resolve_session(db, settings, clock, issued.token, SessionKind.API).actor
    nurse = resolve_session(db, settings, clock, log_in(db, settings, clock, "distriktsskoterska", DEMO_PASSWORD,
                                                        SessionKind.API).token, SessionKind.API).actor
    vc = nurse.unit_id
    today = clock.now().date()
    with db.transaction() as s:
        tolvan = s.scalar(select(PersonRow.id).where(PersonRow.identifier == "191212121212"))
        measured = service.open_process(s, ward, clock, person_id=tolvan,
                                        estimated_discharge=today + timedelta(days=5)).id
    started = time.perf_counter()
    for i in range(processes):
        with db.transaction() as s:
            person = add_person(s, identifier=personal_number(date(1930, 1, 1) + timedelta(days=i), 300 + i % 600),
                                given_name="Syntetisk", family_name=f"Patient {i}", today=today,
                                kommun_code="1881", synthetic=True)
            add_listing(s, person_id=person.id, unit_id=vc, fast_lakare_id=None, valid_from=date(2024, 1, 1))
        with db.transaction() as s:
            service.open_process(s, ward, clock, person_id=person.id, estimated_discharge=today + timedelta(days=7))
    print(f"  built {processes} more open processes through the service in {time.perf_counter() - started:.1f} s")
    timings = []
    for _ in range(3):
        t0 = time.perf_counter()
        with db.transaction() as s:
            items = service.worklist(s, nurse, clock)
        timings.append(time.perf_counter() - t0)
    print(f"  the vårdcentral's worklist of {len(items)} open processes (one SEARCH audit entry each, committed), "
          f"in-process: median {sorted(timings)[1] * 1000:.0f} ms")
    db.dispose()
    return measured


def counts(url: str) -> dict[str, int]:
    db = Database(url)
    try:
        with db.transaction() as s:
            return {name: s.scalar(select(func.count()).select_from(model)) or 0 for name, model in (
                ("persons", PersonRow), ("processes", DischargeProcessRow), ("process events", DischargeEventRow),
                ("kvittens rows", DischargeAckRow), ("audit entries", AuditEntryRow))}
    finally:
        db.dispose()


def tokens(base: str, n: int) -> list[str]:
    out = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for i in range(n):
            username = RECEIVER_USERS[i % len(RECEIVER_USERS)]
            response = client.post("/api/auth/token", json={"username": username, "password": DEMO_PASSWORD})
            response.raise_for_status()
            out.append(response.json()["access_token"])
    return out


async def stream(client: httpx.AsyncClient, token: str, ref: str, ready: asyncio.Event, arrivals: list[float],
                 arrived: asyncio.Event, expected: list[int]) -> None:
    """One open worklist: records when each ``change`` for ``ref`` arrives."""
    async with client.stream("GET", "/api/live", headers={"Authorization": f"Bearer {token}"}) as response:
        response.raise_for_status()
        kind = None
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                if kind == "ready":
                    ready.set()
                elif kind == "change" and f'"ref":"{ref}"' in line:
                    arrivals.append(time.perf_counter())
                    expected[0] -= 1
                    if expected[0] == 0:
                        arrived.set()


async def measure(port: int, toks: list[str], process_id: int, messages: int) -> tuple[list[float], list[float],
                                                                                         list[float]]:
    """Returns every arrival latency, the slowest per message, and the send requests' own response times."""
    base = f"http://127.0.0.1:{port}"
    ref = f"discharge:{process_id}"
    limits = httpx.Limits(max_connections=len(toks) + 10, max_keepalive_connections=len(toks) + 10)
    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(None), limits=limits) as streams, \
            httpx.AsyncClient(base_url=base, timeout=30) as sender:
        token = (await sender.post("/api/auth/token", json={"username": "avdelning",
                                                            "password": DEMO_PASSWORD})).json()["access_token"]
        ward = {"Authorization": f"Bearer {token}"}
        readies = [asyncio.Event() for _ in toks]
        per_stream: list[list[float]] = [[] for _ in toks]
        arrived = asyncio.Event()
        expected = [0]
        tasks = [asyncio.create_task(stream(streams, tok, ref, readies[i], per_stream[i], arrived, expected))
                 for i, tok in enumerate(toks)]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=30)
        await asyncio.sleep(1.0)  # the server's LISTEN connection is up once a stream has subscribed
        latencies: list[float] = []
        slowest: list[float] = []
        sends: list[float] = []
        today = date.today()
        for i in range(messages):
            for arrivals in per_stream:
                arrivals.clear()
            expected[0] = len(toks)
            arrived.clear()
            t0 = time.perf_counter()
            response = await sender.post(f"/api/discharge/processes/{process_id}/estimate", headers=ward,
                                         json={"estimated_discharge": (today + timedelta(days=3 + i % 5)).isoformat()})
            sends.append(time.perf_counter() - t0)
            response.raise_for_status()
            try:
                await asyncio.wait_for(arrived.wait(), timeout=ARRIVAL_TIMEOUT)
            except TimeoutError:
                print(f"  message {i + 1}: only {len(toks) - expected[0]} of {len(toks)} streams within "
                      f"{ARRIVAL_TIMEOUT:.0f} s")
            got = [a[0] - t0 for a in per_stream if a]
            latencies += got
            slowest.append(max(got) if got else ARRIVAL_TIMEOUT)
            await asyncio.sleep(0.25)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return latencies, slowest, sends


def main() -> None:
    load_catalogue()  # the parts' Swedish texts, registered as the application and the command line do
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=30)
    parser.add_argument("--streams", type=int, default=50)
    parser.add_argument("--processes", type=int, default=300, help="more open processes, so tables are not empty")
    args = parser.parse_args()
    print(f"Machine: {describe_machine()}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"nara_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
        version = c.execute(text("SHOW server_version")).scalar()
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        with tempfile.TemporaryDirectory(prefix="nara_bench_") as data_dir:
            process_id = build(url, args.processes)
            os.environ["NARA_LIVE_STREAM_SECONDS"] = "3600"
            process, port = serve(url, data_dir, 1)
            try:
                toks = tokens(f"http://127.0.0.1:{port}", args.streams)
                latencies, slowest, sends = asyncio.run(measure(port, toks, process_id, args.messages))
            finally:
                process.terminate()
                process.wait(timeout=30)
            sizes = counts(url)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(f"PostgreSQL {version}; data: " + ", ".join(f"{v} {k}" for k, v in sizes.items())
          + f"; uvicorn --workers 1; {args.streams} open streams (/api/live) for 4 receiving units, "
          f"{args.messages} messages sent one at a time")
    expected = args.streams * args.messages
    ok = "meets" if len(latencies) == expected and pct(latencies, 0.95) <= 1000 else "MISSES"
    print(f"  arrivals: {len(latencies)} of {expected}; send → stream latency ms p50 {pct(latencies, 0.50):.1f}, "
          f"p95 {pct(latencies, 0.95):.1f}, max {max(latencies) * 1000:.1f} -> {ok} the goal (p95 ≤ 1 000 ms)")
    print(f"  per message, the last of the {args.streams} streams: p50 {pct(slowest, 0.50):.1f} ms, "
          f"p95 {pct(slowest, 0.95):.1f} ms, max {max(slowest) * 1000:.1f} ms")
    print(f"  the send request (POST …/estimate) itself: p50 {pct(sends, 0.50):.1f} ms, p95 {pct(sends, 0.95):.1f} ms")
    print(f"Load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
