"""Median added latency of authorize() (policy + facts + one audit entry) per request, SQLite and PostgreSQL.

Compares a request's unit of work (open a transaction, read the person, commit) with and without authorize()."""

import statistics
import sys
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import create_engine, text

from nara.access import grants
from nara.access.audit import AuditAction
from nara.access.guard import AccessDenied, authorize
from nara.access.model import InformationCategory, Purpose, RelationshipKind
from nara.auth.model import Actor, Role
from nara.auth.store import AccountRow
from nara.core import migrate
from nara.core.clock import SystemClock
from nara.core.db import Database
from nara.directory.store import CareProviderRow, PersonRow, RegionRow, StaffRow, UnitRow

N = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 2000


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
            for i in range(1000)
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


def measure(label, fn, n=N):
    for _ in range(100):
        fn()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times) * 1000
    p95 = statistics.quantiles(times, n=20)[18] * 1000
    print(f"  {label:<48} median {med:6.3f} ms  p95 {p95:6.3f} ms")
    return med


def run(url: str, name: str):
    migrate.upgrade(url)
    db = Database(url)
    (vc, kommun), person, region, clock = setup(db)

    def baseline():
        with db.transaction() as s:
            s.get(PersonRow, person)
            s.expunge_all()

    def own_read():
        with db.transaction() as s:
            authorize(
                s,
                vc,
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

    def cross_read():
        with db.transaction() as s:
            authorize(
                s,
                kommun,
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
            from nara.access.guard import evaluate

            evaluate(
                s, vc, person, InformationCategory.PLAN, AuditAction.READ, Purpose.VARD, clock, owner_provider_id=region
            )
            s.get(PersonRow, person)
            s.expunge_all()

    print(f"{name}:")
    base = measure("baseline: transaction + read person", baseline)
    for label, fn in (
        ("+ authorize, own provider (relationship)", own_read),
        ("+ authorize, other provider (consent)", cross_read),
        ("+ authorize, denied (entry in own txn)", denied),
        ("+ policy only (facts + decide, no audit)", policy_only),
    ):
        m = measure(label, fn)
        print(f"  {'':<48} added  {m - base:6.3f} ms")
    wbase = measure("write baseline: transaction + update person", write_baseline)
    m = measure("+ authorize (write)", write_authorized)
    print(f"  {'':<48} added  {m - wbase:6.3f} ms")
    db.dispose()


if __name__ == "__main__":
    run(f"sqlite:////tmp/acc/bench_{uuid.uuid4().hex[:6]}.db", "SQLite (file, WAL)")
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    name = f"nara_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        run(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", "PostgreSQL (local)")
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
