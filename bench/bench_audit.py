"""Benchmark the audit log (DOMAIN §5): the latency record() adds to a transaction, and `nara audit verify`.

    python bench/bench_audit.py [--entries 10000000] [--samples 2000] [--backends postgresql,sqlite]
                                [--pg-admin-url URL] [--dir DIR] [--keep]

(a) record(): median and p95 of the time the call takes inside an open transaction, and of a whole unit of
    work (read a person, commit) without and with it — the difference is the added latency.
(b) `nara audit verify` over --entries entries: the whole chain held against --checkpoints signed checkpoints
    spread over the log (the file's lines checked, the log compared with them), and the quick check from the
    newest checkpoint, --tail entries before the end. The entries are bulk-loaded with precomputed hashes (COPY
    on PostgreSQL, executemany on SQLite) into a database the bench creates and drops: a dedicated PostgreSQL
    database, an SQLite file in a temporary directory; the checkpoints are signed with a key made for the run.
Prints figures with data size and machine (cores, RAM, CPU model). Goals for 10 million entries: the whole
log ≤ 30 s, from the newest checkpoint ≤ 1 s. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, func, select, text

from machine import describe as describe_machine
from nara.audit import service
from nara.audit.model import (
    GENESIS,
    AuditAction,
    AuditEvent,
    ChainHead,
    Outcome,
    StoredEntry,
    canonical_v1,
    entry_hash,
    sign_checkpoint,
)
from nara.audit.service import verify_with_checkpoints
from nara.audit.store import AuditEntryRow
from nara.core import migrate
from nara.core.db import Database
from nara.directory.store import PersonRow
from nara.parts import load_catalogue

PG_ADMIN_URL = os.environ.get("NARA_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
T0 = datetime(2021, 1, 1, tzinfo=UTC)
SECONDARY_INDEXES = {  # dropped for the bulk load and built again after it, as a restore would
    "ix_audit_entry_occurred_at": "audit_entry (occurred_at)",
    "ix_audit_entry_person_id_occurred_at": "audit_entry (person_id, occurred_at)",
}




def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())  # other work on the machine skews the figures


# --- synthetic entries ------------------------------------------------------------------------------------

ACCOUNTS = [(n, f"user{n:04d}", f"SE2321000131-P{n:012d}") for n in range(1, 3001)]
UNITS = [(n, f"SE2321000131-E{n:012d}", n % 30 + 1) for n in range(1, 401)]
CATEGORIES = ["vardplan", "sip", "lakemedel", "utskrivning", "kontakter"]


def entries(n: int, keep: set[int] | None = None, kept: dict[int, str] | None = None) -> Iterator[tuple]:
    """n chained entries as table rows in StoredEntry column order (ids = seq, occurred_at a datetime), the way
    the store would have written them: mostly reads, 2 % denied, 0.1 % nödåtkomst. Same canonical form and
    hash as record(). The hashes at the sequence numbers in ``keep`` are put in ``kept`` (for checkpoints)."""
    prev = GENESIS.last_hash
    for seq in range(1, n + 1):
        account_id, username, staff_hsa = ACCOUNTS[seq % 3000]
        unit_id, unit_hsa, provider = UNITS[seq % 400]
        person_id = seq * 7919 % 500_000 + 1
        denied = seq % 50 == 0
        emergency = seq % 1000 == 7
        values = (
            T0 + timedelta(seconds=seq * 15, microseconds=seq % 1_000_000), account_id, username, staff_hsa,
            unit_id, unit_hsa, provider, person_id,
            "emergency_access" if emergency else ("write" if seq % 10 == 0 else "read"),
            "plan", str(person_id), CATEGORIES[seq % 5], "vård",
            "Medvetslös patient, anhöriga kunde inte nås" if emergency else None,
            "denied" if denied else "allowed", "no_care_relationship" if denied else None, f"{seq:032x}",
        )
        digest = entry_hash(prev, canonical_v1(seq, values))
        if keep is not None and kept is not None and seq in keep:
            kept[seq] = digest
        yield (seq, prev, digest, 1, seq, *values)
        prev = digest


def _columns() -> str:
    return ", ".join(StoredEntry._fields)


def _progress(label: str, done: int, total: int, t0: float, last: list[float]) -> None:
    now = time.perf_counter()
    if now - last[0] > 15 or done == total:
        last[0] = now
        print(f"  {label}: {done:>11,} / {total:,}  {now - t0:7.1f} s", flush=True)


def load_postgresql(db: Database, n: int, keep: set[int], kept: dict[int, str]) -> float:
    t0 = time.perf_counter()
    last = [t0]
    raw_conn = db.engine.raw_connection()
    try:
        pg = raw_conn.driver_connection
        with pg.cursor() as cur:
            for name in SECONDARY_INDEXES:
                cur.execute(f"DROP INDEX {name}")
            head = None
            with cur.copy(f"COPY audit_entry ({_columns()}) FROM STDIN") as copy:
                for entry in entries(n, keep, kept):
                    copy.write_row(entry)
                    if entry[4] % 500_000 == 0:
                        _progress("COPY", entry[4], n, t0, last)
                    head = entry
            print(f"  COPY done {time.perf_counter() - t0:7.1f} s; building indexes", flush=True)
            cur.execute("SET maintenance_work_mem = '512MB'")
            for name, target in SECONDARY_INDEXES.items():
                cur.execute(f"CREATE INDEX {name} ON {target}")
            cur.execute("SELECT setval(pg_get_serial_sequence('audit_entry', 'id'), %s)", (n,))
            # A restore moves the head in one step, which its trigger refuses to anything but an append.
            cur.execute("ALTER TABLE audit_head DISABLE TRIGGER audit_head_guard")
            cur.execute("UPDATE audit_head SET last_seq = %s, last_hash = %s WHERE id = 1", (head[4], head[2]))
            cur.execute("ALTER TABLE audit_head ENABLE TRIGGER audit_head_guard")
        pg.commit()
        with pg.cursor() as cur:
            pg.autocommit = True
            cur.execute("VACUUM ANALYZE audit_entry")
    finally:
        raw_conn.close()
    return time.perf_counter() - t0


def load_sqlite(db: Database, n: int, keep: set[int], kept: dict[int, str]) -> float:
    t0 = time.perf_counter()
    last = [t0]
    dialect = db.engine.dialect
    to_db = AuditEntryRow.__table__.c.occurred_at.type.dialect_impl(dialect).bind_processor(dialect)
    placeholders = ", ".join("?" for _ in StoredEntry._fields)
    raw_conn = db.engine.raw_connection()
    try:
        con = raw_conn.driver_connection
        for name in SECONDARY_INDEXES:
            con.execute(f"DROP INDEX {name}")
        sql = f"INSERT INTO audit_entry ({_columns()}) VALUES ({placeholders})"
        head = None
        batch: list[tuple] = []
        for entry in entries(n, keep, kept):
            batch.append((*entry[:5], to_db(entry[5]), *entry[6:]))
            if len(batch) == 100_000:
                con.executemany(sql, batch)
                batch.clear()
                _progress("INSERT", entry[4], n, t0, last)
            head = entry
        if batch:
            con.executemany(sql, batch)
        print(f"  INSERT done {time.perf_counter() - t0:7.1f} s; building indexes", flush=True)
        for name, target in SECONDARY_INDEXES.items():
            con.execute(f"CREATE INDEX {name} ON {target}")
        with _sqlite_triggers_lifted(con):  # a restore moves the head in one step, which its trigger refuses
            con.execute("UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1", (head[4], head[2]))
        con.commit()
        con.execute("ANALYZE")
    finally:
        raw_conn.close()
    return time.perf_counter() - t0


@contextmanager
def _sqlite_triggers_lifted(con):  # type: ignore[no-untyped-def]
    """The log's triggers dropped for the block and made again (the bench owns this database)."""
    saved = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                        "AND tbl_name IN ('audit_entry', 'audit_head')").fetchall()
    for name, _sql in saved:
        con.execute(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        for _name, sql in saved:
            con.execute(sql)


# --- (a) record latency -----------------------------------------------------------------------------------


def bench_record(db: Database, samples: int) -> dict[str, float]:
    with db.transaction() as s:
        s.add(PersonRow(identifier="191212121212", identifier_kind="personnummer", given_name="Tolvan",
                        family_name="Tolvansson", protected_identity=False, synthetic=True))
    clock = T0

    def event(i: int) -> AuditEvent:
        return AuditEvent(occurred_at=clock + timedelta(milliseconds=i), account_id=7, username="anna.lind",
                          staff_hsa_id="SE2321000131-P000000000007", unit_id=3,
                          unit_hsa_id="SE2321000131-E000000000003", care_provider_id=1, person_id=1,
                          action=AuditAction.READ, outcome=Outcome.ALLOWED, resource_type="person",
                          resource_id="1", information_category="vardplan", purpose="vård", request_id=f"r{i}")

    def unit_of_work(i: int, log: bool) -> tuple[float, float]:
        start = time.perf_counter()
        with db.transaction() as s:
            s.scalar(select(PersonRow).where(PersonRow.identifier == "191212121212"))  # the access itself
            inside = 0.0
            if log:
                t = time.perf_counter()
                service.record(s, event(i))
                inside = time.perf_counter() - t
        return time.perf_counter() - start, inside

    for i in range(200):  # warm up: connections, statement caches
        unit_of_work(i, log=i % 2 == 0)
    without, with_log, call = [], [], []
    for i in range(samples):
        without.append(unit_of_work(i, log=False)[0])
        total, inside = unit_of_work(i, log=True)
        with_log.append(total)
        call.append(inside)

    def ms(values: list[float], q: float) -> float:
        values = sorted(values)
        return values[min(len(values) - 1, int(q * len(values)))] * 1000

    return {
        "record_median_ms": statistics.median(call) * 1000, "record_p95_ms": ms(call, 0.95),
        "uow_without_median_ms": statistics.median(without) * 1000, "uow_without_p95_ms": ms(without, 0.95),
        "uow_with_median_ms": statistics.median(with_log) * 1000, "uow_with_p95_ms": ms(with_log, 0.95),
    }


# --- (b) verify -------------------------------------------------------------------------------------------


def checkpoint_seqs(n: int, count: int, tail: int) -> list[int]:
    """Where the bench's checkpoints fall: ``count`` of them spread evenly, the newest ``tail`` entries before
    the end (a server writing every few minutes leaves about that many unsigned)."""
    newest = max(1, n - tail)
    return sorted({max(1, newest * (i + 1) // count) for i in range(count)})


def write_checkpoints(path: Path, seqs: list[int], hashes: dict[int, str]) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    lines: list[str] = []
    for seq in seqs:
        cp = sign_checkpoint(key, ChainHead(seq, hashes[seq]), T0, lines[-1] if lines else None)
        lines.append(cp.line())
    path.write_text("\n".join(lines) + "\n")
    return key


def bench_verify(db: Database, n: int, label: str, workers: list[int], path: Path, key: Ed25519PrivateKey,
                 checkpoints: int) -> None:
    public = key.public_key()
    for count in workers:
        t0 = time.perf_counter()
        last = [t0]
        report = verify_with_checkpoints(
            db, public, path, workers=count,
            on_progress=lambda done, total, t0=t0, last=last: _progress("verify", done, total, t0, last))
        wall = time.perf_counter() - t0
        print(f"  {report.message()}")
        status = "OK" if report.ok and report.chain.checked == n else "FAILED"
        print(f"  [{label}] full verify over {n:,} entries and {checkpoints:,} checkpoints, {count} worker "
              f"process(es): {wall:.1f} s  ({n / wall:,.0f} entries/s)  {status}  (goal for 10 M: ≤ 30 s; "
              f"load average now {_load()})", flush=True)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        report = verify_with_checkpoints(db, public, path, from_checkpoint=True)
        times.append(time.perf_counter() - t0)
    print(f"  {report.message()}")
    status = "OK" if report.ok else "FAILED"
    print(f"  [{label}] verify from the newest checkpoint ({report.chain.checked:,} entries after it, "
          f"{n:,} in the log): best of 3 {min(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms  {status}  "
          f"(goal: ≤ 1 s)", flush=True)


def _size_postgresql(db: Database) -> str:
    with db.engine.connect() as conn:
        table = conn.execute(text("SELECT pg_table_size('audit_entry')")).scalar_one()
        indexes = conn.execute(text("SELECT pg_indexes_size('audit_entry')")).scalar_one()
    return f"table {table / 2**20:,.0f} MiB + indexes {indexes / 2**20:,.0f} MiB"


def _size_sqlite(path: Path) -> str:
    total = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return f"file {total / 2**20:,.0f} MiB (table and indexes)"


def run_postgresql(args: argparse.Namespace) -> None:
    name = f"nara_bench_audit_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar_one()
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = args.pg_admin_url.rsplit("/", 1)[0] + f"/{name}"
    db = None
    try:
        migrate.upgrade(url)
        db = Database(url)
        print(f"\nPostgreSQL {version} (database {name})", flush=True)
        figures = bench_record(db, args.samples)
        _print_record("postgresql", figures, args.samples)
        with db.engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_entry, audit_head"))
            conn.execute(text("INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, :h)"),
                         {"h": GENESIS.last_hash})
        print(f"  loading {args.entries:,} entries …", flush=True)
        seqs = checkpoint_seqs(args.entries, args.checkpoints, args.tail)
        hashes: dict[int, str] = {}
        load = load_postgresql(db, args.entries, set(seqs), hashes)
        print(f"  loaded in {load:.1f} s; {_size_postgresql(db)}", flush=True)
        with tempfile.TemporaryDirectory(prefix="nara-audit-checkpoints-") as directory:
            path = Path(directory) / "audit-checkpoints.jsonl"
            key = write_checkpoints(path, seqs, hashes)
            bench_verify(db, args.entries, "postgresql", args.workers, path, key, len(seqs))
    finally:
        if db is not None:
            db.dispose()
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_sqlite(args: argparse.Namespace) -> None:
    import sqlite3

    directory = Path(tempfile.mkdtemp(prefix="nara-audit-bench-", dir=args.dir))
    path = directory / "audit.db"
    url = f"sqlite:///{path}"
    db = None
    try:
        migrate.upgrade(url)
        db = Database(url)
        print(f"\nSQLite {sqlite3.sqlite_version} ({path}, WAL, synchronous=NORMAL)", flush=True)
        figures = bench_record(db, args.samples)
        _print_record("sqlite", figures, args.samples)
        raw_conn = db.engine.raw_connection()  # the bench owns this file: clear the latency entries, triggers off
        try:
            con = raw_conn.driver_connection
            with _sqlite_triggers_lifted(con):
                con.execute("DELETE FROM audit_entry")
                con.execute("UPDATE audit_head SET last_seq = 0, last_hash = ?", (GENESIS.last_hash,))
            con.commit()
        finally:
            raw_conn.close()
        print(f"  loading {args.entries:,} entries …", flush=True)
        seqs = checkpoint_seqs(args.entries, args.checkpoints, args.tail)
        hashes: dict[int, str] = {}
        load = load_sqlite(db, args.entries, set(seqs), hashes)
        print(f"  loaded in {load:.1f} s; {_size_sqlite(path)}", flush=True)
        with db.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(AuditEntryRow)).scalar_one() == args.entries
        path = directory / "audit-checkpoints.jsonl"
        key = write_checkpoints(path, seqs, hashes)
        bench_verify(db, args.entries, "sqlite", args.workers, path, key, len(seqs))
    finally:
        if db is not None:
            db.dispose()
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)


def _print_record(label: str, f: dict[str, float], samples: int) -> None:
    print(f"  [{label}] record() inside a transaction, {samples} samples: median {f['record_median_ms']:.3f} ms, "
          f"p95 {f['record_p95_ms']:.3f} ms")
    print(f"  [{label}] unit of work without record(): median {f['uow_without_median_ms']:.3f} ms, "
          f"p95 {f['uow_without_p95_ms']:.3f} ms; with: median {f['uow_with_median_ms']:.3f} ms, "
          f"p95 {f['uow_with_p95_ms']:.3f} ms; added (median) "
          f"{f['uow_with_median_ms'] - f['uow_without_median_ms']:.3f} ms", flush=True)


def main() -> int:
    load_catalogue()  # the parts' Swedish texts, registered as the application and the command line do
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=10_000_000)
    ap.add_argument("--samples", type=int, default=2000, help="units of work timed for record()")
    ap.add_argument("--backends", default="postgresql,sqlite")
    ap.add_argument("--pg-admin-url", default=PG_ADMIN_URL)
    ap.add_argument("--dir", default=None, help="where the SQLite file goes (default: the temp directory)")
    ap.add_argument("--keep", action="store_true", help="keep the databases (for looking at them afterwards)")
    ap.add_argument("--checkpoints", type=int, default=1000, help="signed checkpoints spread over the log")
    ap.add_argument("--tail", type=int, default=1000, help="entries after the newest checkpoint")
    ap.add_argument("--workers", default=str(os.cpu_count() or 1),
                    help="comma-separated worker counts to time verify with, e.g. 1,2 (default: one per core)")
    args = ap.parse_args()
    args.workers = [int(w) for w in args.workers.split(",")]
    print(f"nara audit log benchmark: {args.entries:,} entries; machine: {describe_machine()}; load average {_load()}",
          flush=True)
    for backend in args.backends.split(","):
        {"postgresql": run_postgresql, "sqlite": run_sqlite}[backend.strip()](args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
