"""Benchmark log follow-up on suspicion (DOMAIN §5): how long one search of a large audit log takes.

    python bench/bench_log_search.py [--entries 2000000] [--runs 15] [--backends postgresql,sqlite]
                                     [--pg-admin-url URL] [--dir DIR]

The Örebro directory and the demo accounts are seeded, then --entries log entries are bulk-loaded over two years
(COPY on PostgreSQL, executemany on SQLite; the search reads no hashes, so they are placeholders) into a database
the bench creates and drops. Each search is the whole use case nara.review.service.search_log as the
reviewer: names and ids resolved, one page of 50 entries read newest first (keyset on seq), names looked up, and
the search's own log entry appended and committed. Prints the median and the slowest of --runs per search, with
data size and machine. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select, text

from machine import describe as describe_machine
from nara.audit.store import AuditEntryRow
from nara.auth.demo import DEMO_PASSWORD, create_demo_personas
from nara.auth.service import log_in, resolve_session
from nara.auth.store import AccountRow
from nara.core import migrate
from nara.core.actor import SessionKind
from nara.core.clock import FixedClock
from nara.core.db import Database
from nara.core.settings import Settings
from nara.directory.model import load_region
from nara.directory.service import seed_region
from nara.directory.store import UnitRow
from nara.parts import load_catalogue
from nara.review.service import SearchQuery
from nara.review.service import search as review_search

PG_ADMIN_URL = os.environ.get("NARA_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
T0 = datetime(2025, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=730)
NOW = T0 + SPAN + timedelta(hours=1)
INDEXES = {  # dropped for the bulk load and built again after it, as a restore would
    "ix_audit_entry_occurred_at": "audit_entry (occurred_at)",
    "ix_audit_entry_person_id_occurred_at": "audit_entry (person_id, occurred_at)",
    "ix_audit_entry_account_id_seq": "audit_entry (account_id, seq)",
    "ix_audit_entry_unit_id_seq": "audit_entry (unit_id, seq)",
}
COLUMNS = ("id", "seq", "prev_hash", "entry_hash", "format_version", "occurred_at", "account_id", "username",
           "staff_hsa_id", "unit_id", "unit_hsa_id", "care_provider_id", "person_id", "action", "resource_type",
           "resource_id", "information_category", "purpose", "emergency_reason", "outcome", "denial_reason",
           "request_id")


def rows(n: int, doctor: int, tolvan: int, units: list[tuple[int, str, int]]) -> Iterator[tuple]:
    """n entries in seq order over two years: 2 000 staff accounts (one of them the demo doctor, 1 in 2 000),
    persons 1 in 200 000 (Tolvan 1 in 1 000), every unit of the directory, 2 % denied."""
    step = SPAN / n
    for seq in range(1, n + 1):
        account = doctor if seq % 2000 == 0 else 1_000_000 + seq % 1999
        unit_id, unit_hsa, provider = units[seq * 31 % len(units)]
        person = tolvan if seq % 1000 == 3 else 2_000_000 + seq * 7919 % 200_000
        denied = seq % 50 == 0
        yield (seq, seq, "0" * 64, f"{seq:064x}", 1, T0 + step * seq, account, f"user{account}", None, unit_id,
               unit_hsa, provider, person, "read", "plan", "1", "plan", "vard", None,
               "denied" if denied else "allowed", "no_consent" if denied else None, None)


def load(db: Database, n: int, doctor: int, tolvan: int) -> float:
    with db.transaction() as s:
        units = [(u.id, u.hsa_id, u.provider_id) for u in s.scalars(select(UnitRow).order_by(UnitRow.id))]
    t0 = time.perf_counter()
    raw = db.engine.raw_connection()
    try:
        con = raw.driver_connection
        if db.engine.dialect.name == "postgresql":
            with con.cursor() as cur:
                for name in INDEXES:
                    cur.execute(f"DROP INDEX {name}")
                with cur.copy(f"COPY audit_entry ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for row in rows(n, doctor, tolvan, units):
                        copy.write_row(row)
                cur.execute("SET maintenance_work_mem = '512MB'")
                for name, target in INDEXES.items():
                    cur.execute(f"CREATE INDEX {name} ON {target}")
                cur.execute("SELECT setval(pg_get_serial_sequence('audit_entry', 'id'), %s)", (n,))
                cur.execute("ALTER TABLE audit_head DISABLE TRIGGER USER")
                cur.execute("UPDATE audit_head SET last_seq = %s, last_hash = %s WHERE id = 1", (n, f"{n:064x}"))
                cur.execute("ALTER TABLE audit_head ENABLE TRIGGER USER")
            con.commit()
            con.autocommit = True
            with con.cursor() as cur:
                cur.execute("VACUUM ANALYZE audit_entry")
        else:
            to_db = AuditEntryRow.__table__.c.occurred_at.type.dialect_impl(db.engine.dialect).bind_processor(
                db.engine.dialect)
            for name in INDEXES:
                con.execute(f"DROP INDEX {name}")
            sql = f"INSERT INTO audit_entry ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
            batch: list[tuple] = []
            for row in rows(n, doctor, tolvan, units):
                batch.append((*row[:5], to_db(row[5]), *row[6:]))
                if len(batch) == 100_000:
                    con.executemany(sql, batch)
                    batch.clear()
            con.executemany(sql, batch)
            for name, target in INDEXES.items():
                con.execute(f"CREATE INDEX {name} ON {target}")
            triggers = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                   "AND tbl_name = 'audit_head'").fetchall()
            for name, _sql in triggers:
                con.execute(f'DROP TRIGGER "{name}"')
            con.execute("UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1", (n, f"{n:064x}"))
            for _name, sql_text in triggers:
                con.execute(sql_text)
            con.commit()
            con.execute("ANALYZE")
    finally:
        raw.close()
    return time.perf_counter() - t0


def searches(older_than: Callable[[], int | None]) -> list[tuple[str, SearchQuery, Callable[[], int | None]]]:
    old = (T0 + timedelta(days=180)).date()
    newest = NOW.date()
    none: Callable[[], int | None] = lambda: None  # noqa: E731
    return [
        ("user (name), newest page", SearchQuery(user="Erik Testlund"), none),
        ("user, one week 18 months back", SearchQuery(user="lakare", date_from=old, date_to=old + timedelta(6)),
         none),
        ("user, page 10 (keyset)", SearchQuery(user="lakare"), older_than),
        ("person, newest page", SearchQuery(person="19121212-1212"), none),
        ("person, one month 18 months back", SearchQuery(person="19121212-1212", date_from=old,
                                                         date_to=old + timedelta(30)), none),
        ("unit (name), newest page", SearchQuery(unit="Vårdcentralen Kumla"), none),
        ("unit, one day 18 months back", SearchQuery(unit="Vårdcentralen Kumla", date_from=old, date_to=old),
         none),
        ("period only, the newest day", SearchQuery(date_from=newest, date_to=newest), none),
        ("period only, one day 18 months back", SearchQuery(date_from=old, date_to=old), none),
    ]


def run(db: Database, n: int, runs: int, label: str) -> None:
    clock = FixedClock(NOW)
    with db.transaction() as s:
        seed_region(s, load_region("orebro"))
    create_demo_personas(db, clock)
    settings = Settings(data_dir=Path(tempfile.mkdtemp()))
    issued = log_in(db, settings, clock, "granskare", DEMO_PASSWORD, SessionKind.API)
    reviewer = resolve_session(db, settings, clock, issued.token, SessionKind.API).actor
    with db.transaction() as s:
        doctor = s.scalar(select(AccountRow.id).where(AccountRow.username == "lakare"))
        tolvan = s.scalar(select(AccountRow.person_id).where(AccountRow.username == "tolvan"))
    print(f"  loading {n:,} entries …", flush=True)
    print(f"  loaded in {load(db, n, doctor, tolvan):.1f} s", flush=True)

    def tenth_page() -> int | None:
        cursor = None
        for _ in range(9):
            cursor = review_search.search_log(db, reviewer, clock, SearchQuery(user="lakare"),
                                              older_than=cursor).older_than
        return cursor

    deep = tenth_page()
    print(f"\n{label}: {n:,} entries; median / slowest of {runs} searches, one page of 50, newest first")
    for name, query, cursor in searches(lambda: deep):
        times, found = [], 0
        for _ in range(runs):
            t0 = time.perf_counter()
            result = review_search.search_log(db, reviewer, clock, query, older_than=cursor())
            times.append((time.perf_counter() - t0) * 1000)
            found = len(result.lines)
        print(f"  {name:<40} {statistics.median(times):8.1f} ms {max(times):8.1f} ms   ({found} entries)")


def main() -> int:
    load_catalogue()  # the parts' Swedish texts, registered as the application and the command line do
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL)
    parser.add_argument("--dir", default=None, help="where the SQLite file goes (default: a temporary directory)")
    args = parser.parse_args()
    print(f"Machine: {describe_machine()}; load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for backend in args.backends.split(","):
        if backend == "postgresql":
            name = f"nara_bench_search_{uuid.uuid4().hex[:8]}"
            admin = create_engine(args.pg_admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = args.pg_admin_url.rsplit("/", 1)[0] + f"/{name}"
            try:
                migrate.upgrade(url)
                db = Database(url)
                run(db, args.entries, args.runs, "PostgreSQL")
                db.engine.dispose()
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
        else:
            folder = Path(args.dir or tempfile.mkdtemp())
            folder.mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{folder / 'bench-search.db'}"
            try:
                migrate.upgrade(url)
                db = Database(url)
                run(db, args.entries, args.runs, "SQLite")
                db.engine.dispose()
            finally:
                if not args.dir:
                    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


