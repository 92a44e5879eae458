"""The leaders' dashboard: what a page costs once the results are cached, and what the cache
costs to build and to read back.

Steps, on a synthetic Örebro län (SYNTETISKA DATA) written to a temporary directory unless ``--data`` names one:
1. compute: the engine's rows for every grouping and period kind the pages need (cold; the demo does it once);
2. load: reading the cached JSON back in a new store (what a server start pays);
3. pages: rendering the overview and an indicator page (region and Karlskoga) with the cached results,
   in-process through the ASGI app, many times — median and p95;
4. export: the indicator's rows as CSV, JSON and XLSX through the engine's writer.

    python bench/bench_dashboard.py [--scale 1.0] [--seed 1] [--data DIR [--recompute]] [--repeat 50]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from machine import describe as describe_machine
from nara.dashboard.service.results import CACHE_FILE, ResultsStore
from nara.parts import load_catalogue
from nara.synth.service import write_dataset


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    load_catalogue()  # the parts' Swedish texts, registered as the application and the command line do
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=None, help="an existing data directory (kept as it is)")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--recompute", action="store_true", help="drop the cache of --data first")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="nara-bench-dashboard-")
    data = args.data or Path(tmp.name) / "data"
    if args.data is None:
        t0 = time.perf_counter()
        write_dataset("orebro", args.scale, args.seed, data)
        print(f"synth orebro scale {args.scale} seed {args.seed}: {time.perf_counter() - t0:.1f} s")
    if args.recompute:
        (data / CACHE_FILE).unlink(missing_ok=True)

    t0 = time.perf_counter()
    results = ResultsStore(data).ensure()
    compute_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    ResultsStore(data).ensure()
    load_s = time.perf_counter() - t0
    size_mib = (data / CACHE_FILE).stat().st_size / 2**20

    from fastapi.testclient import TestClient

    from nara.app import create_app
    from nara.auth.demo import DEMO_PASSWORD, create_demo_personas
    from nara.core.clock import SystemClock
    from nara.core.db import Database
    from nara.core.settings import Settings
    from nara.directory.model import load_region
    from nara.directory.service import seed_region
    from nara.tables import metadata

    db_dir = Path(tmp.name) / "db"
    db_dir.mkdir()
    db = Database(f"sqlite:///{db_dir / 'nara.db'}")
    metadata.create_all(db.engine)
    with db.transaction() as s:
        seed_region(s, load_region("orebro"))
    create_demo_personas(db, SystemClock())
    app = create_app(Settings(data_dir=db_dir), database=db)
    app.state.dashboard_data_dir = data
    timings: dict[str, list[float]] = {}
    with TestClient(app, follow_redirects=False) as client:
        login = client.get("/logga-in").text
        token = login.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/logga-in", data={"username": "ledning", "password": DEMO_PASSWORD, "csrf_token": token})
        pages = {
            "overview, region": "/uppfoljning",
            "overview, Karlskoga": "/uppfoljning?kommun=1883",
            "K2, Karlskoga": "/uppfoljning/indikator/K2?kommun=1883",
            "P1, region": "/uppfoljning/indikator/P1",
        }
        for name, path in pages.items():
            assert client.get(path).status_code == 200, path
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                client.get(path)
                timings.setdefault(name, []).append(time.perf_counter() - t0)
        for fmt in ("csv", "json", "xlsx"):
            t0 = time.perf_counter()
            answer = client.get(f"/uppfoljning/indikator/K2/export.{fmt}")
            timings[f"export K2 {fmt} ({len(answer.content) / 1024:.0f} KiB)"] = [time.perf_counter() - t0]
    db.dispose()

    print(f"machine: {describe_machine()}")
    print(f"data: {data} ({results.info}), window {results.start} – {results.end}")
    print(f"rows: {len(results.rows)} (groupings region, kommun, vardcentral, kon, aldersgrupp; month + window)")
    print(f"compute (engine, cold): {compute_s:.1f} s    load cache ({size_mib:.1f} MiB JSON): {load_s:.2f} s")
    for name, values in timings.items():
        if len(values) > 1:
            print(f"{name:28s} median {statistics.median(values) * 1000:6.1f} ms   "
                  f"p95 {_percentile(values, 0.95) * 1000:6.1f} ms   (n={len(values)})")
        else:
            print(f"{name:28s} {values[0] * 1000:6.1f} ms")
    tmp.cleanup()


if __name__ == "__main__":
    main()
