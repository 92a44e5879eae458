"""What the pool's checkout check costs (nara.core.db.drop_dead_connection), against pool_pre_ping's round trip.

Checking out a pooled PostgreSQL connection and giving it back, with no check against each of: the socket check
(one poll() with timeout 0) and pool_pre_ping (a ``SELECT 1`` round trip); N pairs each, the order alternating,
so drift on the machine hits both alike. Prints the median and p95 per checkout, what each check adds, the check
alone, and the machine.

    NARA_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres python bench/bench_pool_check.py [N]
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from sqlalchemy import create_engine, event

from machine import describe as describe_machine
from nara.core.db import drop_dead_connection
from nara.parts import load_catalogue

N = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 20_000
URL = os.environ.get("NARA_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _engine(kind: str):  # type: ignore[no-untyped-def]
    engine = create_engine(URL, pool_size=1, max_overflow=0, pool_pre_ping=kind == "pre_ping")
    if kind == "socket":
        event.listen(engine, "checkout", drop_dead_connection)
    with engine.connect():
        pass  # the one connection, now resting in the pool
    return engine


def _us(values: list[float]) -> str:
    ordered = sorted(values)
    return f"median {statistics.median(ordered) * 1e6:6.1f} µs, p95 {ordered[int(len(ordered) * 0.95)] * 1e6:6.1f} µs"


def _pairs(engines: dict, kinds: tuple[str, str]) -> dict[str, list[float]]:
    """N checkouts of each of two engines, one pair per iteration with the order alternating."""
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for n in range(N):
        for kind in kinds if n % 2 == 0 else tuple(reversed(kinds)):
            started = time.perf_counter()
            with engines[kind].connect():
                pass
            times[kind].append(time.perf_counter() - started)
    return times


def main() -> None:
    load_catalogue()  # the parts' Swedish texts, registered as the application and the command line do
    engines = {kind: _engine(kind) for kind in ("none", "socket", "pre_ping")}
    print(f"checkout + return of a pooled PostgreSQL connection, {N} pairs each ({URL.split('@')[-1]})")
    # Two separate interleaved comparisons: a round trip next to a checkout disturbs what follows it.
    for treatment, label in (("socket", "socket check"), ("pre_ping", "pool_pre_ping")):
        times = _pairs(engines, ("none", treatment))
        added = statistics.median(times[treatment]) - statistics.median(times["none"])
        print(f"  no check       {_us(times['none'])}")
        print(f"  {label:14} {_us(times[treatment])}   added per checkout: {added * 1e6:.1f} µs")
    raw = engines["none"].raw_connection()
    alone: list[float] = []
    for _ in range(N):
        started = time.perf_counter()
        drop_dead_connection(raw.dbapi_connection, None, None)
        alone.append(time.perf_counter() - started)
    raw.close()
    print(f"  the socket check alone (no pool): {_us(alone)}")
    print(f"machine: {describe_machine()}")
    for engine in engines.values():
        engine.dispose()


if __name__ == "__main__":
    main()
