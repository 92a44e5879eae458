"""The audit log's use cases (DOMAIN.md §5): record an access in the caller's transaction, verify the chain."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from nara.audit import store
from nara.audit.model import (
    AuditEvent,
    BreakKind,
    ChainBreak,
    ChainHead,
    ChainVerifier,
    VerifyReport,
    merge_reports,
    split_ranges,
)
from nara.core.db import Database

ProgressCallback = Callable[[int, int], None]

# Below this many entries one pass in this process is quicker than starting worker processes.
PARALLEL_FROM = 500_000


def record(session: Session, event: AuditEvent) -> int:
    """Append ``event`` to the audit log and return its sequence number.

    Runs in the caller's transaction — the same one as the change it records — so the entry and the change
    are committed or rolled back together (HSLF-FS 2016:40 4 kap., DOMAIN §5). For a read or a denied attempt
    the transaction holds only the entry. Call it last in the unit of work: it locks the chain head until
    commit, so every other append waits meanwhile."""
    return store.append_entry(session, event)


def record_now(conn: Connection, event: AuditEvent) -> int:
    """Append ``event`` in a transaction of its own on ``conn`` (an autocommit connection), committed when this
    returns: for a read that changes nothing, so the entry is durable before anything read is shown."""
    return store.append_entry_now(conn, event)


def verify_chain(db: Database, on_progress: ProgressCallback | None = None, *, workers: int | None = None,
                 range_size: int | None = None, batch_size: int = 20_000) -> VerifyReport:
    """Check the whole chain and report the first entry altered, removed or inserted (DOMAIN §5).

    Memory stays flat however long the log: entries are streamed in batches. A long log is checked in ranges
    by ``workers`` processes (default: one per core); each range links to the one before through its first
    entry, and the reports are joined in seq order, so the answer is the one a single pass would give.
    The head is read in one snapshot with the check for entries after it; entries up to the head never
    change, so appends made meanwhile neither break nor extend what is checked.
    ``on_progress(done, total)`` is called as work completes, ``total`` being the head's last sequence number."""
    workers = max(1, workers or os.cpu_count() or 1)
    with snapshot(db) as conn:
        head = store.read_head(conn)
        if head is None:
            first = store.first_entry_after(conn, None)
            problem = None if first is None else ChainBreak(BreakKind.HEAD_MISSING, "head_missing", *first)
            return VerifyReport(0, None, problem)
        if workers == 1 or (range_size is None and head.last_seq < PARALLEL_FROM):
            return verify_range(conn, head, 0, None, batch_size, on_progress)
        beyond_head = store.first_entry_after(conn, head.last_seq)
    size = range_size or min(1_000_000, max(50_000, head.last_seq // (workers * 8)))
    reports = _verify_in_parallel(db.url, head, split_ranges(head.last_seq, size), workers, batch_size,
                                  on_progress)
    return merge_reports(reports, head, beyond_head)


def verify_range(conn: Connection, head: ChainHead, start_after: int, stop_after: int | None, batch_size: int,
                  on_progress: ProgressCallback | None = None) -> VerifyReport:
    """Verify the entries after ``start_after`` up to ``stop_after`` (the head when None) on ``conn``: the whole
    chain's check, or the part after a signed checkpoint (nara.audit.service.checkpoints)."""
    verifier = ChainVerifier(head, start_after=start_after, stop_after=stop_after)
    total = head.last_seq
    done = 0
    if on_progress:
        on_progress(0, total)
    for batch in store.stream_entries(conn, start_after or None, batch_size):
        going = verifier.feed(batch)
        done += len(batch)
        if on_progress:
            on_progress(min(done, total), total)
        if not going:
            break
    report = verifier.finish()
    if on_progress:
        on_progress(total, total)
    return report


def _verify_in_parallel(url: str, head: ChainHead, ranges: Sequence[tuple[int, int]], workers: int,
                        batch_size: int, on_progress: ProgressCallback | None) -> list[VerifyReport]:
    """Check ``ranges`` in worker processes; the reports in range order, up to the first one with a break."""
    reports: list[VerifyReport | None] = [None] * len(ranges)
    done = 0
    if on_progress:
        on_progress(0, head.last_seq)
    # spawn, not fork: the parent may have threads (the progress bar) and open database connections.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(ranges)), mp_context=context) as pool:
        futures: dict[Future[VerifyReport], int] = {
            pool.submit(_verify_range_in_worker, url, head, start, stop, batch_size): i
            for i, (start, stop) in enumerate(ranges)
        }
        for future in as_completed(futures):
            if future.cancelled():
                continue
            i = futures[future]
            reports[i] = report = future.result()
            done += ranges[i][1] - ranges[i][0]
            if on_progress:
                on_progress(min(done, head.last_seq), head.last_seq)
            if report.problem is not None:
                for other, j in futures.items():
                    if j > i:
                        other.cancel()  # a later break cannot be the first one
    ordered: list[VerifyReport] = []
    for report in reports:
        if report is None:  # cancelled: only after a range that has a break
            break
        ordered.append(report)
    return ordered


def _verify_range_in_worker(url: str, head: ChainHead, start_after: int, stop_after: int,
                            batch_size: int) -> VerifyReport:
    with snapshot(_worker_database(url)) as conn:
        return verify_range(conn, head, start_after, stop_after, batch_size)


@lru_cache(maxsize=1)
def _worker_database(url: str) -> Database:
    """One engine per worker process, kept for the ranges it checks after the first."""
    return Database(url)


@contextmanager
def snapshot(db: Database) -> Iterator[Connection]:
    """A read-only connection whose statements all see the same committed state."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                yield conn
        else:
            # pysqlite opens no transaction for reads on its own; an explicit one pins the WAL snapshot.
            conn.exec_driver_sql("BEGIN")
            try:
                yield conn
            finally:
                conn.rollback()

