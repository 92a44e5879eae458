"""Reading a plan over HTTP with 32 concurrent clients, PostgreSQL, access checks and audit log on (DOMAIN §5).

A real uvicorn server (a separate process, ``--workers 2``: one per core) serves ``GET /api/plans/{id}``; 32
clients, each with its own keep-alive connection and its own bearer token, read for a fixed time, twice:

- closed loop, first (its warm-up warms the server): each client reads again as soon as it is answered — the
  server's capacity. Here latency is set by throughput (Little's law: 32 in flight / throughput), so p95 ≤ 30 ms
  would need over 1 000 reads/s;
- paced: together they offer ``--rate`` reads per second (default 320, i.e. 10 per client), latency counted from
  when each read was due — the goal's question, "32 clients, 300 reads/s: is p95 within 30 ms?".

The clients connect one at a time (a burst would all be accepted by one server process) and the split of the
connections between the processes is printed.

Half are the GP at Vårdcentralen Kumla reading his own provider's plan, half the hemsjukvård nurse reading it with
Tolvan's consent (another provider: the policy's consent path). Every request is an access decision with its facts
read fresh and one audit entry (hash-chained, serialised on the chain head) committed before the answer, so the
figures include what production does. The run checks that the log grew by exactly one entry per request. The
server runs with its defaults (Settings: worker_threads, api_token_cache_seconds), as production would.

Goal: p95 ≤ 30 ms and ≥ 300 requests/s. Prints latency percentiles, throughput, data size and machine.
The load generator runs in this process and shares the 2 cores with the server and PostgreSQL.

    python bench/bench_plan_read.py [SECONDS] [--persons N] [--workers 2] [--rate 320]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime

import httpx
from sqlalchemy import create_engine, func, select, text

from machine import describe as describe_machine
from nara.access import service as access
from nara.access.model import RelationshipKind
from nara.audit.store import AuditEntryRow
from nara.auth.demo import DEMO_PASSWORD, create_demo_personas
from nara.auth.service import log_in, resolve_session
from nara.core import migrate
from nara.core.actor import SessionKind
from nara.core.clock import SystemClock
from nara.core.db import Database
from nara.core.settings import Settings
from nara.directory.model import load_region
from nara.directory.service import seed_region
from nara.directory.store import PersonRow, UnitRow
from nara.parts import load_catalogue
from nara.plans import service
from nara.plans.model import AddActivity, AddGoal, Responsible
from nara.plans.store import PlanRow, PlanVersionRow

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CLIENTS = 32
WARMUP_SECONDS = 3.0
MAX_REQUESTS = 500_000  # a bound on the loop, whatever the duration
GRACE_SECONDS = 20.0  # paced: how long reads that fell behind may still be answered after the run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scenario_operations(vc: int, hsv: int, gp_staff: int) -> list[dict]:
    return [
        {"op": "add_goal", "text": "Jag vill kunna gå till affären själv igen", "own_words": True,
         "follow_up": "Vi pratar om det vid varje besök"},
        {"op": "add_goal", "text": "Blodtrycket under 140/90", "follow_up": "Mäts hemma, följs upp i december"},
        {"op": "add_activity", "text": "Promenad 20 minuter varje dag", "responsible": {"kind": "person"},
         "recurrence": "varje dag"},
        {"op": "add_activity", "text": "Läkemedelsgenomgång", "due": "2027-02-10",
         "responsible": {"kind": "region_unit", "unit_id": vc}},
        {"op": "add_activity", "text": "Såromläggning i hemmet", "due": "2027-01-25",
         "responsible": {"kind": "municipal_unit", "unit_id": hsv}},
        {"op": "add_activity", "text": "Besöksvän", "responsible": {"kind": "other", "name": "Röda korset"}},
        {"op": "add_self_care", "kind": "gor_sjalv", "text": "Tar mina mediciner morgon och kväll"},
        {"op": "add_self_care", "kind": "haller_koll", "text": "Svullnad i benen, vikt varje morgon"},
        {"op": "add_self_care", "kind": "soka_vard", "text": "Vid andnöd eller viktökning över 2 kg på tre dagar"},
        {"op": "add_self_care", "kind": "vanda_mig_till", "text": "Vårdcentralen 019-123 45 67, annars 1177"},
        {"op": "add_team_member", "role": "fast_lakarkontakt", "staff_id": gp_staff, "unit_id": vc},
        {"op": "add_team_member", "role": "fast_vardkontakt", "name": "Maja Demoberg", "unit_id": vc,
         "phone": "019-123 45 67", "reach": "Ring vardagar 8–10"},
        {"op": "add_team_member", "role": "omvardnadsansvarig_sjukskoterska", "name": "Sara Provsson",
         "unit_id": hsv},
        {"op": "add_time", "start": "2027-02-03T10:00:00+01:00", "with_whom": "Erik Testlund, läkare",
         "mode": "besok", "place": "Vårdcentralen Kumla", "purpose": "Återbesök: blodtryck och läkemedel"},
        {"op": "add_time", "start": "2027-01-20T14:00:00+01:00", "with_whom": "Maja Demoberg",
         "mode": "video", "video_link": "https://video.example.invalid/abc", "purpose": "Uppföljning"},
    ]


def build(url: str, persons: int) -> dict:
    """The Örebro directory, the demo personas (SYNTHETIC), Tolvan's plan as in the issue's scenario, and
    ``persons`` more synthetic persons with a plan each, so the tables are not trivially small."""
    migrate.upgrade(url)
    db = Database(url)
    clock = SystemClock()
    settings = Settings(database_url=url)
    with db.transaction() as s:
        seed_region(s, load_region("orebro"))
    create_demo_personas(db, clock)

    def actor(username: str):
        issued = log_in(db, settings, clock, username, DEMO_PASSWORD, SessionKind.API)
        return resolve_session(db, settings, clock, issued.token, SessionKind.API).actor

    gp, nurse, tolvan_account = actor("lakare"), actor("hemsjukvard"), actor("tolvan")
    from pydantic import TypeAdapter

    from nara.plans.model import Operation

    with db.transaction() as s:
        hsv_provider = s.get(UnitRow, nurse.unit_id).provider_id
        ops = TypeAdapter(list[Operation]).validate_python(scenario_operations(gp.unit_id, nurse.unit_id,
                                                                                gp.staff_id))
        plan = service.create_plan(s, gp, clock, person_id=tolvan_account.person_id, kind="patientkontrakt",
                                   operations=ops)
        access.give_consent(s, tolvan_account, clock, person_id=tolvan_account.person_id,
                            care_provider_id=hsv_provider)
    started = time.perf_counter()
    with db.transaction() as s:
        rows = [PersonRow(identifier=f"1950{i:08d}", identifier_kind="personnummer", given_name="Syntetisk",
                          family_name=f"Person {i}", kommun_code="1881", synthetic=True,
                          created_at=datetime.now(UTC)) for i in range(persons)]
        s.add_all(rows)
        s.flush()
        ids = [r.id for r in rows]
    for person_id in ids:
        with db.transaction() as s:
            access.start_care_relationship(s, gp, clock, person_id=person_id, kind=RelationshipKind.ASSIGNMENT,
                                           valid_to=datetime(2030, 1, 1, tzinfo=UTC))
            service.create_plan(s, gp, clock, person_id=person_id, kind="patientkontrakt", operations=[
                AddGoal(op="add_goal", text="Må bra hemma"),
                AddActivity(op="add_activity", text="Promenad", responsible=Responsible(kind="person"))])
    print(f"  built {persons} more synthetic plans in {time.perf_counter() - started:.1f} s")
    db.dispose()
    return {"plan_id": plan.id, "document_bytes": len(plan.document.model_dump_json())}


def counts(url: str) -> dict[str, int]:
    db = Database(url)
    try:
        with db.transaction() as s:
            return {name: s.scalar(select(func.count()).select_from(model)) for name, model in (
                ("persons", PersonRow), ("plans", PlanRow), ("plan versions", PlanVersionRow),
                ("audit entries", AuditEntryRow))}
    finally:
        db.dispose()


def tokens(base: str) -> list[str]:
    out = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for i in range(CLIENTS):
            username = "lakare" if i % 2 == 0 else "hemsjukvard"
            response = client.post("/api/auth/token", json={"username": username, "password": DEMO_PASSWORD})
            response.raise_for_status()
            out.append(response.json()["access_token"])
    return out


async def _connect(port: int, path: str, token: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bytes]:
    """A keep-alive connection, used once before the next one is opened: connections opened in one burst would
    all be accepted by whichever server process woke first (it accepts everything waiting), one at a time they
    are shared between the processes as a load balancer would."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
               f"Accept: application/json\r\n\r\n").encode()
    await _exchange(reader, writer, request)
    return reader, writer, request


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return int(head[9:12])


async def _client(connection: tuple[asyncio.StreamReader, asyncio.StreamWriter, bytes], until: float,
                  warm_until: float, latencies: list[float], errors: list[int], budget: list[int],
                  interval: float | None, offset: float) -> None:
    """One client on its own keep-alive connection. Closed loop (``interval`` None): the next read as soon as the
    last one is answered. Paced: one read every ``interval`` seconds, latency counted from when the read was due
    (so a server that falls behind is not flattered by reads that were never sent)."""
    reader, writer, request = connection
    due = time.perf_counter() + offset
    try:
        # Paced: every read due before ``until`` is sent and answered, however late (bounded by GRACE_SECONDS).
        while budget[0] > 0 and ((due < until and time.perf_counter() < until + GRACE_SECONDS) if interval
                                 else time.perf_counter() < until):
            budget[0] -= 1
            if interval is not None:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                t0 = due
                due += interval
            else:
                t0 = time.perf_counter()
            status = await _exchange(reader, writer, request)
            t1 = time.perf_counter()
            if t0 >= warm_until:
                if status == 200:
                    latencies.append(t1 - t0)
                else:
                    errors.append(status)
    finally:
        writer.close()


async def load(port: int, path: str, toks: list[str], seconds: float,
               rate: float | None) -> tuple[list[float], list[int], float, list[int]]:
    """All clients at once for ``seconds`` after the warm-up; ``rate``: total reads per second, spread evenly over
    the clients (None: as fast as answered). Also returns how the connections were shared between the server's
    processes."""
    connections = [await _connect(port, path, tok) for tok in toks]
    split = await asyncio.get_running_loop().run_in_executor(None, connections_per_worker, port)
    start = time.perf_counter()
    warm_until = start + WARMUP_SECONDS
    until = warm_until + seconds
    latencies: list[float] = []
    errors: list[int] = []
    budget = [MAX_REQUESTS]
    interval = len(toks) / rate if rate else None
    await asyncio.gather(*(_client(connection, until, warm_until, latencies, errors, budget, interval,
                                   (interval or 0) * i / len(toks)) for i, connection in enumerate(connections)))
    return latencies, errors, time.perf_counter() - warm_until, split


def connections_per_worker(port: int) -> list[int]:
    """How many of the clients' connections each server process holds (``ss``): with keep-alive the split made
    when they connected stays for the whole run."""
    listing = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"], capture_output=True,
                             text=True, check=False).stdout
    counts: dict[str, int] = {}
    for line in listing.splitlines():
        for pid in re.findall(r"pid=(\d+)", line)[:1]:
            counts[pid] = counts.get(pid, 0) + 1
    return sorted(counts.values(), reverse=True)


def serve(url: str, data_dir: str, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "NARA_DATABASE_URL": url, "NARA_DATA_DIR": data_dir}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "nara.app:create_app", "--factory", "--host", "127.0.0.1", "--port",
         str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"], env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process, port
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.terminate()
    raise RuntimeError("the server did not start")


_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(command, parent pid, CPU seconds user + system) of a process, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            raw = f.read()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return raw[raw.index("(") + 1:raw.rindex(")")], int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK


def all_processes() -> dict[int, tuple[str, int, float]]:
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            found[int(entry)] = stat
    return found


def tree_cpu(root: int, processes: dict[int, tuple[str, int, float]]) -> dict[int, float]:
    """CPU seconds of ``root`` and its descendants (the uvicorn server and its workers)."""
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, (_c, parent, _t) in processes.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return {pid: processes[pid][2] for pid in tree if pid in processes}


def backend_pids(url: str) -> set[int]:
    """The PostgreSQL backends serving the benchmark's database (not other databases on the same server)."""
    name = url.rsplit("/", 1)[1]
    engine = create_engine(PG_ADMIN)
    try:
        with engine.connect() as c:
            return set(c.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :n"), {"n": name}).scalars())
    finally:
        engine.dispose()


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run(url: str, data_dir: str, plan_id: int, workers: int, seconds: float, rate: float) -> None:
    process, port = serve(url, data_dir, workers)
    try:
        toks = tokens(f"http://127.0.0.1:{port}")
        # The closed loop first: its warm-up is the server's (connections, statement caches, name cache).
        for label, target in (("closed loop, as fast as answered", None), (f"paced, {rate:.0f} req/s offered", rate)):
            before = counts(url)["audit entries"]
            snapshot, own = all_processes(), os.times()
            latencies, errors, elapsed, split = asyncio.run(load(port, f"/api/plans/{plan_id}", toks, seconds,
                                                                 target))
            after, own_after = all_processes(), os.times()
            server_cpu = cpu_used(tree_cpu(process.pid, snapshot), tree_cpu(process.pid, after))
            pids = backend_pids(url)
            db_cpu = cpu_used({p: t for p, (_c, _pp, t) in snapshot.items()},
                              {p: t for p, (_c, _pp, t) in after.items() if p in pids})
            client_cpu = (own_after.user + own_after.system) - (own.user + own.system)
            logged = counts(url)["audit entries"] - before
            n = len(latencies)
            if target is None:  # p95 here is 32 in flight / throughput (Little's law): capacity, not the goal
                ok = "capacity, not the goal's question"
            else:
                ok = ("meets the goal" if n and pct(latencies, 0.95) <= 30 and n / elapsed >= 300
                      else "MISSES the goal")
            print(f"  uvicorn --workers {workers}, {label}: {n} reads in {elapsed:.1f} s = {n / elapsed:.0f} req/s; "
                  f"latency ms p50 {pct(latencies, 0.50):.1f}, p95 {pct(latencies, 0.95):.1f}, "
                  f"p99 {pct(latencies, 0.99):.1f}; non-200: {len(errors)}; {logged} audit entries (one per read, "
                  f"warm-up included); connections per server process {'/'.join(map(str, split))} -> {ok}")
            if target is None:
                # CPU per read (warm-up included), whatever else the machine is doing: the capacity on 2 free cores.
                reads = max(1, logged)
                per_read = (server_cpu + db_cpu) / reads
                cores = os.cpu_count() or 1
                print(f"    CPU per read: {server_cpu / reads * 1000:.2f} ms in the server, "
                      f"{db_cpu / reads * 1000:.2f} ms in PostgreSQL (this database's backends), "
                      f"{client_cpu / reads * 1000:.2f} ms in this load generator -> server and database alone "
                      f"could do ~{cores / per_read:.0f} reads/s on {cores} otherwise idle cores")
    finally:
        process.terminate()
        process.wait(timeout=30)


def breakdown(url: str, plan_id: int, n: int = 300) -> None:
    """Where one read's time goes, sequentially in this process (no HTTP): the session lookup an /api request makes
    when its token is not in the process's cache (nara.auth), and the plan read as the API does it (access
    decision, audit entry committed, plan, names, JSON). The rest of a request is HTTP, FastAPI and the thread
    pool."""
    db = Database(url)
    clock = SystemClock()
    settings = Settings(database_url=url, api_token_cache_seconds=0)
    token = log_in(db, settings, clock, "hemsjukvard", DEMO_PASSWORD, SessionKind.API).token
    actor = resolve_session(db, settings, clock, token, SessionKind.API).actor

    def session_lookup() -> None:
        resolve_session(db, settings, clock, token, SessionKind.API)

    def plan_read() -> None:
        service.read_plan(db, actor, clock, plan_id).model_dump_json()

    parts = []
    for label, fn in (("session lookup (one statement)", session_lookup),
                      ("read_plan: access facts + audit entry committed + plan + names + JSON", plan_read)):
        for _ in range(50):
            fn()
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            fn()
        parts.append(f"{label} {(time.perf_counter() - started) / n * 1000:.2f} ms "
                     f"({(time.process_time() - cpu) / n * 1000:.2f} ms CPU)")
    db.dispose()
    print("  one read, sequential, in-process: " + "; ".join(parts))


def main() -> None:
    load_catalogue()  # the parts' Swedish texts, registered as the application and the command line do
    parser = argparse.ArgumentParser()
    parser.add_argument("seconds", nargs="?", type=float, default=15.0)
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--workers", default="2", help="server processes, e.g. 1,2 for one run of each")
    parser.add_argument("--rate", type=float, default=320.0, help="reads per second offered in the paced run")
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
            built = build(url, args.persons)
            sizes = counts(url)
            print(f"PostgreSQL {version}; data: " + ", ".join(f"{v} {k}" for k, v in sizes.items())
                  + f"; the plan read is {built['document_bytes']} bytes of document (4 goals/activities each "
                  f"kind, team of 3, 2 times); {CLIENTS} clients, {WARMUP_SECONDS:.0f} s warm-up + "
                  f"{args.seconds:.0f} s measured per run")
            breakdown(url, built["plan_id"])
            for workers in (int(w) for w in args.workers.split(",")):
                run(url, data_dir, built["plan_id"], workers, args.seconds, args.rate)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(f"Load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
