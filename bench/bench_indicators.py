"""Benchmark the indicator engine (DOMAIN §7 catalogue) and compare its backends.

    python bench/bench_indicators.py --data DIR [--backend duckdb|pyspark|postgres] [--by region,lansdel,kommun]
                                     [--period year] [--compare pyspark] [--reference]
    python bench/bench_indicators.py --region orebro --scale 1.0 --seed 1   # generates the data first (temporary)

Prints wall time of compute() (all indicators, all groupings given), the time of each Ibis family, peak RSS of
this process (DuckDB runs inside it; Spark's JVM is a child process and is reported separately), rows, input
size, the load average (other work on the machine slows every figure) and the machine.
--backend postgres loads the Parquet files into a schema first (COPY; load time printed apart).
--compare B also computes on backend B and checks that every row is identical (counts exactly, floats to 1e-9).
--reference prints the county values beside the national reference values of DOMAIN §7.
Goals (DOMAIN §7): Örebro län scale 1.0 ≤ 5 s; Sweden (~10.6 M persons) ≤ 120 s and ≤ 16 GB peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from machine import describe as describe_machine
from nara.indicators.service import ResultRow, compute, load_postgres
from nara.parts import load_catalogue

REFERENCE = {  # DOMAIN §7 national reference values (and §6 targets)
    "T1": "82–84 %",
    "K1": "mål ≥ 55 %",
    "K2": "mål ≥ 80 %",
    "K3": "0,37–0,40",
    "S1": "≈ 10 %",
    "P1": "556 per 100 000 (2020)",
    "P2": "≈ 3 300 per 100 000 65+",
}


def _compare(a: list[ResultRow], b: list[ResultRow]) -> tuple[int, int, float]:
    """(rows compared, rows differing, largest relative difference of a numerator/denominator)."""
    right = {(r.indicator, r.grouping, r.group, r.period): r for r in b}
    differing, worst = 0, 0.0
    if len(right) != len(a):
        differing += abs(len(right) - len(a))
    for ra in a:
        rb = right.get((ra.indicator, ra.grouping, ra.group, ra.period))
        if rb is None or (ra.suppressed, ra.value, ra.value_age_standardised) != (
            rb.suppressed, rb.value, rb.value_age_standardised
        ):
            differing += 1
            continue
        for x, y in ((ra.numerator, rb.numerator), (ra.denominator, rb.denominator)):
            if (x is None) != (y is None):
                differing += 1
            elif x is not None and y is not None and x != y:
                rel = abs(x - y) / max(abs(x), abs(y), 1e-12)
                worst = max(worst, rel)
                if rel > 1e-9:
                    differing += 1
    return len(a), differing, worst


def _run(args: argparse.Namespace, data: Path, backend: str) -> tuple[list[ResultRow], float, dict[str, float]]:
    timings: dict[str, float] = {}
    kwargs = {}
    if backend == "postgres":
        t0 = time.perf_counter()
        counts = load_postgres(data, args.postgres_url, args.postgres_schema)
        print(f"postgres load  {time.perf_counter() - t0:10.1f} s  ({sum(counts.values()):,} rows, COPY + ANALYZE)")
        kwargs = {"postgres_url": args.postgres_url, "postgres_schema": args.postgres_schema}
    t0 = time.perf_counter()
    rows = compute(data, args.start, args.end, by=args.by, period=args.period, backend=backend, timings=timings,
                   **kwargs)
    return rows, time.perf_counter() - t0, timings


def main() -> int:
    load_catalogue()  # the parts' Swedish texts, registered as the application and the command line do
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, help="a dataset directory (nara synth output)")
    ap.add_argument("--region", default="orebro")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--backend", default="duckdb", choices=("duckdb", "pyspark", "postgres"))
    ap.add_argument("--by", default="region,lansdel,kommun")
    ap.add_argument("--period", default="year")
    ap.add_argument("--from", dest="start", type=date.fromisoformat, default=date(2025, 1, 1))
    ap.add_argument("--to", dest="end", type=date.fromisoformat, default=date(2025, 12, 31))
    ap.add_argument("--compare", choices=("duckdb", "pyspark", "postgres"))
    ap.add_argument("--reference", action="store_true")
    ap.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--postgres-schema", default="nara_bench")
    args = ap.parse_args()
    args.by = [g for g in args.by.split(",") if g]

    data = args.data
    if data is None:
        from nara.synth.service import write_dataset

        data = Path(tempfile.mkdtemp(prefix="nara-ind-bench-"))
        print(f"generating {args.region} scale {args.scale} seed {args.seed} → {data}", flush=True)
        write_dataset(args.region, args.scale, args.seed, data)
    size = sum(p.stat().st_size for p in data.glob("*.parquet"))
    print(f"data           {data} ({size / 1024 / 1024:.0f} MiB Parquet)")
    print(f"request        {args.start} – {args.end}, period {args.period}, by {','.join(args.by)}")
    load0 = os.getloadavg()[0]

    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    rows, wall, timings = _run(args, data, args.backend)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    self_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"backend        {args.backend}")
    print(f"wall time      {wall:10.1f} s   (compute(): all {len({r.indicator for r in rows})} indicators)")
    print(f"CPU time       {cpu:10.1f} s   (this process; on an idle 2-core machine wall ≈ CPU / 2 … CPU)")
    print("families       " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(timings.items(), key=lambda x: -x[1])))
    print(f"rows           {len(rows):10,}   ({sum(r.suppressed for r in rows):,} suppressed)")
    print(f"peak RSS       {self_kib / 1024:10.0f} MiB (this process, incl. DuckDB)"
          + (f"; child processes {child_kib / 1024:.0f} MiB (Spark JVM)" if child_kib else ""))
    print(f"load average   {load0:.1f} before, {os.getloadavg()[0]:.1f} after (2 cores: > 2 means other work)")
    print(f"machine        {describe_machine()}")

    if args.compare:
        other, wall2, _t = _run(args, data, args.compare)
        n, bad, worst = _compare(rows, other)
        print(f"compare        {args.compare}: {wall2:.1f} s; {n:,} rows compared, {bad} differ; "
              f"largest relative difference of a numerator/denominator {worst:.1e}")
        if bad:
            return 1

    if args.reference:
        county = [r for r in rows if r.grouping == "region"]
        print()
        print("| indicator | county value | numerator / denominator | DOMAIN §7 reference |")
        print("|---|---|---|---|")
        for r in county:
            std = f" (age-std. {r.value_age_standardised})" if r.value_age_standardised is not None else ""
            print(f"| {r.indicator} | {r.value} {r.unit}{std} | {r.numerator} / {r.denominator} | "
                  f"{REFERENCE.get(r.indicator, '')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
