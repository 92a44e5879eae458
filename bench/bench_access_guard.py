"""Added latency of authorize() (policy + facts + one audit entry) per request, SQLite and PostgreSQL.

Compares a request's unit of work (open a transaction, read the person, commit) with and without authorize().
Baseline and treatment run interleaved, one pair per iteration with the order alternating, so drift on the
machine (other work, CPU frequency, caches) hits both alike; "added" is the median and p95 of the per-pair
difference (treatment - baseline). Also reports the statements authorize() adds per request, the data size
and the machine.

    python bench/bench_access_guard.py [N]     # N pairs per scenario, default 2000
"""

import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import create_engine, event, func, select, text

from machine import describe as describe_machine
from nara.access.model import InformationCategory, RelationshipKind
from nara.access.service import AccessDenied, authorize, evaluate, grants
from nara.audit.model import AuditAction
from nara.audit.store import AuditEntryRow
from nara.auth.store import AccountRow
from nara.core import migrate
from nara.core.actor import Actor, Purpose, Role
from nara.core.clock import SystemClock
from nara.core.db import Database
from nara.directory.store import CareProviderRow, PersonRow, RegionRow, StaffRow, UnitRow
from nara.parts import load_catalogue

load_catalogue()  # the parts' Swedish texts, registered as the application and the command line do

N = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 2000
WARMUP = 200  # pairs, not timed
PERSONS = 1000


def setup(db: Database):
    now = datetime.now(UTC)
    with db.transaction() as s:
        r = RegionRow(code="18", name="R")
        s.add(r)
        s.flush()
        p1 = CareProviderRow(name="Region", kind="region", region_id=r.id)
        p2 = CareProviderRow(name="Kommun", kind="kommun", region_id=r.id)
        s.add_all([p1, p2])
        s.flush()
        u1 = UnitRow(hsa_id="SE2321000131-E1", name="VC", kind="vardcentral", provider_id=p1.id, kommun_code="1880")
        u2 = UnitRow(hsa_id="SE2321000131-E2", name="HSJ", kind="hemsjukvard", provider_id=p2.id, kommun_code="1880")
        s.add_all([u1, u2])
        s.flush()
        persons = [
            PersonRow(
                identifier=f"19{i:010d}",
                identifier_kind="personnummer",
                given_name="A",
                family_name="B",
                protected_identity=False,
                synthetic=True,
            )
            for i in range(PERSONS)
        ]
        s.add_all(persons)
        s.flush()
        actors = []
        for n, (u, p) in enumerate(((u1, p1), (u2, p2))):
            st = StaffRow(hsa_id=f"SE2321000131-P{n}", given_name="A", family_name="B", profession="lakare")
            s.add(st)
            s.flush()
            acc = AccountRow(
                username=f"s{n}", password_hash="x", role="staff", display_name="x", staff_id=st.id, created_at=now
            )
            s.add(acc)
            s.flush()
            actors.append(
                Actor(
                    account_id=acc.id,
                    username=f"s{n}",
                    display_name="x",
                    role=Role.STAFF,
                    staff_id=st.id,
                    staff_hsa_id=st.hsa_id,
                    unit_id=u.id,
                    provider_id=p.id,
                )
            )
        resident = AccountRow(
            username="res",
            password_hash="x",
            role="resident",
            display_name="x",
            person_id=persons[0].id,
            created_at=now,
        )
        s.add(resident)
        s.flush()
        person = persons[500].id
    clock = SystemClock()
    with db.transaction() as s:
        for a in actors:
            grants.start_care_relationship(s, a, clock, person_id=person, kind=RelationshipKind.CARE_TEAM)
        resident_actor = Actor(
            account_id=resident.id, username="res", display_name="x", role=Role.RESIDENT, person_id=persons[500].id
        )
        grants.give_consent(s, resident_actor, clock, person_id=person, care_provider_id=p2.id)
        grants.set_block(s, actors[0], clock, person_id=person, kind="inre", category="anteckningar")
    return actors, person, p1.id, clock


def _ms(seconds: float) -> float:
    return seconds * 1000


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def measure_pair(label: str, baseline, treatment, n: int = N) -> float:
    """Run ``baseline`` and ``treatment`` n times each, interleaved (A B, B A, A B, ...); print the medians and the
    median and p95 of the per-pair difference. Returns the median difference in ms."""
    for i in range(WARMUP):
        (baseline, treatment)[i % 2]()
        (treatment, baseline)[i % 2]()
    base, treat, diff = [], [], []
    clock = time.perf_counter
    for i in range(n):
        if i % 2:
            t0 = clock()
            treatment()
            t1 = clock()
            baseline()
            t2 = clock()
            dt, db = t1 - t0, t2 - t1
        else:
            t0 = clock()
            baseline()
            t1 = clock()
            treatment()
            t2 = clock()
            db, dt = t1 - t0, t2 - t1
        base.append(db)
        treat.append(dt)
        diff.append(dt - db)
    med = _ms(statistics.median(diff))
    print(f"  {label:<46} base {_ms(statistics.median(base)):6.3f}  with {_ms(statistics.median(treat)):6.3f}"
          f"  | added median {med:6.3f}  p95 {_ms(_p95(diff)):6.3f} ms")
    return med


class StatementCounter:
    """Counts the statements sent on an engine (for "statements added per request")."""

    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1

    def of(self, fn) -> int:
        before = self.count
        fn()
        return self.count - before


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def _counts(db: Database) -> tuple[int, int]:
    with db.transaction() as s:
        return (s.scalar(select(func.count()).select_from(PersonRow)),
                s.scalar(select(func.count()).select_from(AuditEntryRow)))


def run(url: str, name: str):
    migrate.upgrade(url)
    db = Database(url)
    (vc, kommun), person, region, clock = setup(db)

    def baseline():
        with db.transaction() as s:
            s.get(PersonRow, person)
            s.expunge_all()

    def read_as(actor):
        def read():
            with db.transaction() as s:
                authorize(
                    s,
                    actor,
                    person,
                    InformationCategory.PLAN,
                    AuditAction.READ,
                    Purpose.VARD,
                    clock,
                    owner_provider_id=region,
                    resource=("plan", 1),
                )
                s.get(PersonRow, person)
                s.expunge_all()

        return read

    own_read = read_as(vc)
    cross_read = read_as(kommun)

    def denied():
        try:
            with db.transaction() as s:
                authorize(
                    s,
                    vc,
                    person + 1,
                    InformationCategory.PLAN,
                    AuditAction.READ,
                    Purpose.VARD,
                    clock,
                    owner_provider_id=region,
                )
        except AccessDenied:
            pass

    def write_baseline():
        with db.transaction() as s:
            s.get(PersonRow, person).phone = str(time.perf_counter_ns())
            s.flush()
            s.expunge_all()

    def write_authorized():
        with db.transaction() as s:
            authorize(s, vc, person, InformationCategory.GRUNDUPPGIFTER, AuditAction.WRITE, Purpose.VARD, clock)
            s.get(PersonRow, person).phone = str(time.perf_counter_ns())
            s.flush()
            s.expunge_all()

    def policy_only():
        with db.transaction() as s:
            evaluate(
                s, vc, person, InformationCategory.PLAN, AuditAction.READ, Purpose.VARD, clock, owner_provider_id=region
            )
            s.get(PersonRow, person)
            s.expunge_all()

    counter = StatementCounter(db.engine)
    persons, entries_before = _counts(db)
    version = ""
    if db.engine.dialect.name == "postgresql":
        with db.transaction() as s:
            version = " " + s.scalar(text("SHOW server_version"))
    print(f"{name}{version}: {persons} persons, {entries_before} audit entries before; {N} pairs per row"
          f" (+{WARMUP} warm-up), times in ms")
    reads = (
        ("authorize, own provider (relationship)", own_read),
        ("authorize, other provider (consent)", cross_read),
        ("authorize, denied (entry in own txn)", denied),
        ("policy only (facts + decide, no audit)", policy_only),
    )
    print("  [statements per unit of work: baseline -> with authorize]")
    base_statements = counter.of(baseline)
    for label, fn in reads:
        measure_pair(f"{label} [{base_statements}->{counter.of(fn)}]", baseline, fn)
    label = f"authorize on a write [{counter.of(write_baseline)}->{counter.of(write_authorized)}]"
    measure_pair(label, write_baseline, write_authorized)
    _, entries_after = _counts(db)
    print(f"  audit entries after: {entries_after}")
    db.dispose()


if __name__ == "__main__":
    print(f"Machine: {describe_machine()}, SQLite {sqlite3.sqlite_version}; load average {_load()}")
    with tempfile.TemporaryDirectory(prefix="nara_bench_") as tmp:
        run(f"sqlite:///{tmp}/bench.db", "SQLite (file, WAL)")
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    name = f"nara_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        run(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", "PostgreSQL (local)")
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(f"Load average at the end: {_load()}")
