"""Where the dashboard's numbers come from: the indicator engine's rows, computed once and cached.

Computing the whole catalogue for a region takes the engine tens of seconds, so it is not done per page view.
A ``ResultsStore`` owns one data directory (the Parquet files of docs/data-format.md, synthetic or imported):
it computes the rows for the groupings and period kinds the pages need, writes them as a JSON file into that
directory and keeps them in memory. The cache is keyed by the data's version (manifest.json and the files'
sizes and times) and the engine's version (its catalogue version and a hash of its code and data files), so new
data or a changed definition is noticed and computed anew.

Suppression happens in the engine (DOMAIN.md §7): a suppressed row carries no numbers, so none is stored here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from nara.core.i18n import t
from nara.indicators.service import (
    REQUIRED_INPUTS,
    ResultRow,
    catalogue,
    catalogue_document,
    compute,
    engine_fingerprint,
)
from nara.synth.service import write_dataset

log = logging.getLogger("nara.dashboard")

FORMAT_VERSION = 1  # raise when the cache file's layout changes
CACHE_FILE = "nara-dashboard-results.json"
DATA_SUBDIR = "indikatordata"  # under the platform's data dir (NARA_DATA_DIR)
# What the pages show: trend over months, comparison over the whole window, drill-down per vårdcentral,
# sex and age group (the engine groups by one attribute at a time, so sex and age are region-wide).
GROUPINGS = ("region", "kommun", "vardcentral", "kon", "aldersgrupp")
PERIOD_KINDS = ("month", "window")
# The input files the engine needs (docs/data-format.md) and units.parquet, which maps each vårdcentral to its
# municipality for the drill-down.
REQUIRED_FILES = REQUIRED_INPUTS
VERSIONED_FILES = (*REQUIRED_FILES, "units", "staff", "contact_requests", "discharge_processes")
_ROW_FIELDS = tuple(f.name for f in fields(ResultRow) if f.name != "extra")

Progress = Callable[[int, int], None]


def dashboard_data_dir(data_dir: Path) -> Path:
    """The dashboard's input directory inside the platform's data dir (``NARA_DATA_DIR``)."""
    return Path(data_dir) / DATA_SUBDIR


def has_data(data_dir: Path) -> bool:
    return all((Path(data_dir) / f"{stem}.parquet").is_file() for stem in REQUIRED_FILES)


@cache
def engine_version() -> str:
    """The catalogue's version and a hash of the engine's code and data files: any change recomputes."""
    return f"{catalogue_document()['version']}+{engine_fingerprint()}"


def data_version(data_dir: Path) -> str:
    """A fingerprint of the input: manifest.json's content and each input file's size and modification time."""
    data_dir = Path(data_dir)
    digest = hashlib.sha256()
    manifest = data_dir / "manifest.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    for stem in VERSIONED_FILES:
        path = data_dir / f"{stem}.parquet"
        if path.is_file():
            st = path.stat()
            digest.update(f"{stem}:{st.st_size}:{st.st_mtime_ns};".encode())
    return digest.hexdigest()[:24]


def read_manifest(data_dir: Path) -> dict[str, Any]:
    path = Path(data_dir) / "manifest.json"
    if not path.is_file():
        return {}
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {k: doc.get(k) for k in ("synthetic", "region", "scale", "seed", "year", "generator_version")}


def window_of(data_dir: Path) -> tuple[date, date]:
    """The analysis window: the calendar year the events cover (manifest ``year``; for imported data
    without a manifest, the year of the latest contact)."""
    year = read_manifest(data_dir).get("year")
    if year is None:
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        dates = pq.read_table(Path(data_dir) / "contacts.parquet", columns=["date"]).column("date")
        year = pc.max(dates).as_py().year
    return date(int(year), 1, 1), date(int(year), 12, 31)


def _unit_municipalities(data_dir: Path) -> dict[str, str]:
    """HSA-id → kommun_code of each vårdcentral (the engine's vårdcentral groups are HSA-ids)."""
    path = Path(data_dir) / "units.parquet"
    if not path.is_file():
        return {}
    import pyarrow.parquet as pq

    u = pq.read_table(path, columns=["hsa_id", "kind", "kommun_code"]).to_pydict()
    return {h: k for h, kind, k in zip(u["hsa_id"], u["kind"], u["kommun_code"], strict=True)
            if kind == "vardcentral"}


_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "Å": "{", "Ä": "|", "Ö": "}"})


def swedish_key(text: str) -> str:
    """Sort key in Swedish alphabetical order (… x y z å ä ö)."""
    return text.lower().translate(_SWEDISH_ORDER)


# --- The results -------------------------------------------------------------------------------------------


@dataclass
class DashboardResults:
    """The computed rows of one data directory, indexed the way the pages ask for them."""

    key: dict[str, str]
    start: date
    end: date
    info: dict[str, Any]
    unit_kommun: dict[str, str]
    rows: list[ResultRow]
    computed_at: str = ""
    seconds: float = 0.0
    _series: dict[tuple[str, str, str | None, str], list[ResultRow]] = field(default_factory=dict, repr=False)
    _groups: dict[str, dict[str | None, str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for r in self.rows:
            self._series.setdefault((r.indicator, r.grouping, r.group, r.period_kind), []).append(r)
            self._groups.setdefault(r.grouping, {})[r.group] = r.group_label
        for rows in self._series.values():
            rows.sort(key=lambda r: r.period_start)

    # -- questions the pages ask --

    def indicator_ids(self) -> set[str]:
        return {r.indicator for r in self.rows}

    def series(self, indicator: str, grouping: str, group: str | None, kind: str = "month") -> list[ResultRow]:
        return self._series.get((indicator, grouping, group, kind), [])

    def whole(self, indicator: str, grouping: str, group: str | None) -> ResultRow | None:
        """The row for the whole analysis window."""
        rows = self.series(indicator, grouping, group, "window")
        return rows[0] if rows else None

    def groups(self, grouping: str) -> list[tuple[str | None, str]]:
        """(group value, label) of a grouping, in Swedish alphabetical order of the label."""
        found = self._groups.get(grouping, {})
        return sorted(found.items(), key=lambda kv: (kv[0] is None, swedish_key(kv[1])))

    def region(self) -> tuple[str | None, str] | None:
        regions = self.groups("region")
        return regions[0] if regions else None

    def municipalities(self) -> list[tuple[str, str]]:
        return [(g, label) for g, label in self.groups("kommun") if g is not None]

    def municipality_name(self, code: str) -> str | None:
        return self._groups.get("kommun", {}).get(code)

    def units_of(self, kommun_code: str) -> list[tuple[str, str]]:
        """The vårdcentraler of a municipality that have results."""
        return [(g, label) for g, label in self.groups("vardcentral")
                if g is not None and self.unit_kommun.get(g) == kommun_code]

    def rows_for(self, indicator: str) -> list[ResultRow]:
        return [r for r in self.rows if r.indicator == indicator]

    # -- the cache file --

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "key": self.key,
            "window": {"from": self.start.isoformat(), "to": self.end.isoformat()},
            "info": self.info,
            "computed_at": self.computed_at,
            "seconds": self.seconds,
            "unit_kommun": self.unit_kommun,
            "columns": list(_ROW_FIELDS),
            "rows": [[getattr(r, f) for f in _ROW_FIELDS] for r in self.rows],
        }

    @staticmethod
    def from_json(doc: dict[str, Any]) -> DashboardResults:
        cols = doc["columns"]
        return DashboardResults(
            key=doc["key"],
            start=date.fromisoformat(doc["window"]["from"]),
            end=date.fromisoformat(doc["window"]["to"]),
            info=doc["info"],
            unit_kommun=doc["unit_kommun"],
            rows=[ResultRow(**dict(zip(cols, values, strict=True))) for values in doc["rows"]],
            computed_at=doc.get("computed_at", ""),
            seconds=doc.get("seconds", 0.0),
        )


def compute_results(data_dir: Path, *, on_progress: Progress | None = None) -> DashboardResults:
    """Run the engine for every period kind and grouping the pages need (the slow part)."""
    data_dir = Path(data_dir)
    key = {"data": data_version(data_dir), "engine": engine_version()}
    start, end = window_of(data_dir)
    t0 = time.perf_counter()
    rows: list[ResultRow] = []
    wanted = [i.id for i in catalogue()]
    for n, kind in enumerate(PERIOD_KINDS):

        def step(done: int, total: int, n: int = n) -> None:
            if on_progress:
                on_progress(n * total + done, len(PERIOD_KINDS) * total)

        rows += compute(data_dir, start, end, by=GROUPINGS, period=kind, indicators=wanted, on_progress=step)
    return DashboardResults(
        key=key, start=start, end=end, info=read_manifest(data_dir), unit_kommun=_unit_municipalities(data_dir),
        rows=rows, computed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=round(time.perf_counter() - t0, 2),
    )


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache holds only aggregated, suppressed numbers
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- The store ---------------------------------------------------------------------------------------------


class State(StrEnum):
    READY = "ready"
    NO_DATA = "no_data"
    COMPUTING = "computing"
    FAILED = "failed"


@dataclass
class Snapshot:
    state: State
    results: DashboardResults | None = None


class ResultsStore:
    """The cached results of one data directory: in memory, in ``<data dir>/nara-dashboard-results.json``,
    or computed (``ensure`` in the foreground; ``snapshot`` starts it in the background for a page)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.cache_path = self.data_dir / CACHE_FILE
        self._lock = threading.Lock()
        self._results: DashboardResults | None = None
        self._worker: threading.Thread | None = None
        self._failed_key: dict[str, str] | None = None

    def _key(self) -> dict[str, str]:
        return {"data": data_version(self.data_dir), "engine": engine_version()}

    def _cached(self, key: dict[str, str]) -> DashboardResults | None:
        """The results for ``key`` from memory or from the cache file; None if neither has them."""
        if self._results is not None and self._results.key == key:
            return self._results
        if not self.cache_path.is_file():
            return None
        try:
            doc = json.loads(self.cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("unreadable dashboard cache %s; computing anew", self.cache_path)
            return None
        if doc.get("format") != FORMAT_VERSION or doc.get("key") != key:
            return None
        self._results = DashboardResults.from_json(doc)
        return self._results

    def is_cached(self) -> bool:
        with self._lock:
            return has_data(self.data_dir) and self._cached(self._key()) is not None

    def ensure(self, on_progress: Progress | None = None) -> DashboardResults:
        """The current results, computed now and written to the cache if they are missing or stale."""
        with self._lock:
            key = self._key()
            found = self._cached(key)
            if found is not None:
                return found
            results = compute_results(self.data_dir, on_progress=on_progress)
            _write_atomically(self.cache_path, json.dumps(results.to_json(), ensure_ascii=False))
            self._results = results
            self._failed_key = None
            return results

    def snapshot(self, *, compute_in_background: bool = True) -> Snapshot:
        """What a page can show now: the results, or that they are missing, being computed or failed."""
        if not has_data(self.data_dir):
            return Snapshot(State.NO_DATA)
        if self._worker is not None and self._worker.is_alive():
            return Snapshot(State.COMPUTING)
        with self._lock:
            key = self._key()
            found = self._cached(key)
            if found is not None:
                return Snapshot(State.READY, found)
            if self._failed_key == key:
                return Snapshot(State.FAILED)
            if not compute_in_background:
                return Snapshot(State.COMPUTING)
            self._worker = threading.Thread(target=self._background, args=(key,), name="nara-dashboard",
                                            daemon=True)
            self._worker.start()
            return Snapshot(State.COMPUTING)

    def _background(self, key: dict[str, str]) -> None:
        try:
            self.ensure()
        except Exception:
            log.exception("computing the dashboard's indicators failed for %s", self.data_dir)
            with self._lock:
                self._failed_key = key

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background computation (tests, shutdown)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)


_STORES: dict[Path, ResultsStore] = {}
_STORES_LOCK = threading.Lock()


def store_for(data_dir: Path) -> ResultsStore:
    """The one store of a data directory in this process (pages and the demo share it)."""
    path = Path(data_dir).resolve()
    with _STORES_LOCK:
        if path not in _STORES:
            _STORES[path] = ResultsStore(path)
        return _STORES[path]


# --- The demo ----------------------------------------------------------------------------------------------

DEMO_REGION = "orebro"
DEMO_SCALE = 1.0
DEMO_SEED = 1


def prepare_demo(
    data_dir: Path,
    progress: Callable[[str], AbstractContextManager[Progress]],
    say: Callable[[str], None],
    *,
    scale: float = DEMO_SCALE,
    seed: int = DEMO_SEED,
) -> DashboardResults:
    """For ``nara demo``: write the synthetic Örebro län data set into ``<data dir>/indikatordata`` unless it is
    there (SYNTETISKA DATA), then compute the dashboard's results once (cached for later starts)."""
    target = dashboard_data_dir(data_dir)
    if not (target / "manifest.json").is_file():
        with progress(t("dashboard.demo.generating", scale=_decimal(scale))) as update:
            write_dataset(DEMO_REGION, scale, seed, target, on_progress=update)
    store = store_for(target)
    if store.is_cached():
        results = store.ensure()
        say(t("dashboard.demo.cached", rows=_thousands(len(results.rows))))
        return results
    with progress(t("dashboard.demo.computing")) as update:
        results = store.ensure(on_progress=update)
    say(t("dashboard.demo.ready", rows=_thousands(len(results.rows)), seconds=_decimal(results.seconds)))
    return results


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _decimal(x: float) -> str:
    return f"{x:.1f}".replace(".", ",")


def iter_rows(results: DashboardResults, indicator: str | None = None) -> Iterator[ResultRow]:
    """Rows to export: all of them, or one indicator's."""
    for r in results.rows:
        if indicator is None or r.indicator == indicator:
            yield r
