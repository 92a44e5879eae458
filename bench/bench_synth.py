"""Benchmark the synthetic region generator.

    python bench/bench_synth.py [--region orebro] [--scale 1.0] [--seed 1] [--out DIR] [--check]

Prints wall time, peak memory (resource.getrusage, this process), rows per file, data size on disk and the
machine (cores, RAM, CPU model). --check also prints the calibration figures (nara.synth.selfcheck) —
reads every table into memory, so use it at Örebro size, not for Sweden.
Goals (brief): Örebro at scale 1.0 ≤ 60 s; Sweden ≤ 15 min and ≤ 12 GB peak on a 2-core machine.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from machine import describe as describe_machine
from nara.parts import load_catalogue
from nara.synth.service import GENERATOR_VERSION, write_dataset


def main() -> int:
    load_catalogue()  # the parts' Swedish texts, registered as the application and the command line do
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--region", default="orebro")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--out", type=Path, default=None, help="output directory (default: temporary, removed)")
    ap.add_argument("--check", action="store_true", help="print the calibration figures too")
    args = ap.parse_args()

    out = args.out or Path(tempfile.mkdtemp(prefix="nara-synth-bench-"))
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 30 or done == total:
            last[0] = now
            print(f"  {done:>11,} / {total:,} persons  {now - t0:7.1f} s", flush=True)

    print(
        f"nara.synth {GENERATOR_VERSION}: region={args.region} scale={args.scale} seed={args.seed} "
        f"year={args.year} → {out}",
        flush=True,
    )
    t0 = time.perf_counter()
    counts = write_dataset(args.region, args.scale, args.seed, out, year=args.year, on_progress=progress)
    wall = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

    size = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    print(f"wall time      {wall:10.1f} s")
    print(f"peak RSS       {peak_kib / 1024:10.0f} MiB")
    print(f"data size      {size / 1024 / 1024:10.1f} MiB")
    for name, n in counts.items():
        print(f"  {name:24s} {n:>13,} rows  {(out / name).stat().st_size / 1024 / 1024:9.1f} MiB")
    print(f"machine        {describe_machine()}")
    if args.check:
        from nara.synth.selfcheck import read_dataset, report

        for key, value in report(read_dataset(out), args.year).items():
            print(f"  {key:40s} {value:12.4f}")
    if args.out is None:
        shutil.rmtree(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
