"""Use case: compute the indicator catalogue over a data directory (DOMAIN.md §7).

``compute`` registers the input on a backend, runs the Ibis families of model/definitions.py (the heavy work, on
the backend), then rolls the small aggregated cells up to the requested groupings, turns persons into
person-years, standardises by age and suppresses small cells — in plain Python, the same for every backend.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from nara.core.i18n import t
from nara.indicators.model import (
    BAND_LOWER,
    CONTINUITY_INDICATORS,
    GROUPINGS,
    Indicator,
    IndicatorError,
    Period,
    ResultRow,
    age_group_label,
    build_periods,
    day_number,
    finish,
    load_catalogue,
    standard_band,
    standard_weights,
    suppression_threshold,
)
from nara.indicators.model import definitions as d
from nara.indicators.service.inputs import check_input
from nara.indicators.store import open_source

# How each indicator is computed from the families' measures.
#   ("share" | "mean", numerator measure, denominator measure)
#   ("rate", numerator measure, population measure, minimum age): per person-year of that population
SPECS: dict[str, tuple[Any, ...]] = {
    "T1": ("share", "t1_num", "t1_den"),
    "T2": ("share", "t2_num", "t2_den"),
    "T3": ("rate", "t3_all", "pop_all", 0),
    **{f"T3-{f}": ("rate", f"t3_{f}", "pop_all", 0) for f in d.FORMS},
    "T3-lakare": ("rate", "t3_lakare", "pop_all", 0),
    "T3-sjukskoterska": ("rate", "t3_sjukskoterska", "pop_all", 0),
    "T3-ovriga": ("rate", "t3_ovriga", "pop_all", 0),
    "K1": ("share", "k1_num", "k1_den"),
    "K2": ("share", "k2_num", "k2_den"),
    "K3": ("mean", "k3_coc", "k3_n"),
    "K3-UPC": ("mean", "k3_upc", "k3_n"),
    "K3-SECON": ("mean", "k3_secon", "k3_n"),
    "K3-KPC": ("mean", "k3_kpc", "k3kpc_n"),
    "K4": ("mean", "k4_coc", "k4_n"),
    "K4-UPC": ("mean", "k4_upc", "k4_n"),
    "K4-SECON": ("mean", "k4_secon", "k4_n"),
    "K5": ("mean", "k5_coc", "k5_n"),
    "K5-UPC": ("mean", "k5_upc", "k5_n"),
    "S1": ("share", "s1_num", "s1_den"),
    "S2": ("mean", "s2_days", "s2_n"),
    "S2-per1000": ("rate", "s2_days", "pop_all", 65),
    "S3": ("share", "s3_num", "s3_den"),
    "S4": ("share", "s4_num", "s4_den"),
    "P1": ("rate", "p1", "pop_all", 0),
    "P1-65": ("rate", "p1", "pop_all", 65),
    "P2": ("rate", "p2", "pop_all", 65),
    "P3": ("share", "p3_num", "p3_den"),
    "P4": ("rate", "p4", "pop_listed", 18),
    "P5": ("share", "p5_num", "p5_den"),
    "P5-rad": ("share", "p5r_num", "p5r_den"),
}

# Which family (one Ibis query) produces a measure.
FAMILY_OF: dict[str, str] = {
    **{m: "status" for m in ("k1_num", "k1_den", "k2_num", "k2_den", "p5_den")},
    **{m: "t1" for m in ("t1_num", "t1_den")},
    **{m: "t2" for m in ("t2_num", "t2_den")},
    **{m: "t3" for m in ("t3_all", "t3_lakare", "t3_sjukskoterska", "t3_ovriga", *(f"t3_{f}" for f in d.FORMS))},
    **{m: "k_doctors" for m in ("k3_n", "k3_coc", "k3_upc", "k3_secon", "k3kpc_n", "k3_kpc", "k5_n", "k5_coc",
                                "k5_upc")},
    **{m: "k_all" for m in ("k4_n", "k4_coc", "k4_upc", "k4_secon")},
    **{m: "s1" for m in ("s1_num", "s1_den")},
    **{m: "s2_s4" for m in ("s2_n", "s2_days", "s3_den", "s3_num", "s4_den", "s4_num")},
    **{m: "p1_p2" for m in ("p1", "p2")},
    **{m: "p3" for m in ("p3_num", "p3_den")},
    "p4": "p4",
    **{m: "p5" for m in ("p5_num", "p5r_num", "p5r_den")},
}
POPULATION = ("pop_all", "pop_listed")


def _materialise(src: Any, expr: Any) -> Any:
    """Compute ``expr`` once into a temporary table (a cached DataFrame on Spark). PostgreSQL gets statistics
    for it too, or it plans the self-joins on it as nested loops."""
    table = expr.cache()
    if src.backend == "postgres":
        src.con.raw_sql(f'ANALYZE "{table.get_name()}"')
    return table


def _family_queries(
    src_tables: d.Tables,
    pd: Any,
    periods: Any,
    dims: list[str],
    cached: list[Any],
    materialise: Callable[[Any], Any],
) -> dict[str, Callable[[], Any]]:
    t = src_tables
    cache: dict[str, Any] = {}

    def stays() -> Any:
        if "stays" not in cache:
            cache["stays"] = materialise(d.stays(t))
            cached.append(cache["stays"])
        return cache["stays"]

    return {
        "status": lambda: d.status(pd, periods, dims),
        "t1": lambda: d.t1(t, pd, periods, dims),
        "t2": lambda: d.t2(t, pd, periods, dims),
        "t3": lambda: d.t3(t, pd, periods, dims),
        "k_doctors": lambda: d.continuity_doctors(t, pd, periods, dims),
        "k_all": lambda: d.continuity_all_staff(t, pd, periods, dims),
        "s1": lambda: d.s1(stays(), pd, periods, dims),
        "s2_s4": lambda: d.s2_to_s4(t, d.processes(t, stays()), pd, periods, dims),
        "p1_p2": lambda: d.p1_p2(stays(), pd, periods, dims),
        "p3": lambda: d.p3(t, pd, periods, dims),
        "p4": lambda: d.p4(t, pd, periods, dims),
        "p5": lambda: d.p5(t, pd, periods, dims),
    }


# --- Labels of groups -------------------------------------------------------------------------------------------


@dataclass
class Labels:
    """Names for group values: municipalities (name, länsdel, region) from the region files and
    vårdcentraler (HSA-id, name) from units.parquet."""

    kommun: dict[str, tuple[str, str, str]]
    units: dict[int, tuple[str, str]]

    @staticmethod
    def load(data_dir: Path) -> Labels:
        from nara.directory.model import available_regions, load_region

        data_dir = Path(data_dir)
        wanted = None
        manifest = data_dir / "manifest.json"
        if manifest.is_file():
            wanted = json.loads(manifest.read_text(encoding="utf-8")).get("region")
        keys = sorted(available_regions(), key=lambda k: (k != wanted, k))
        kommun: dict[str, tuple[str, str, str]] = {}
        for key in keys:
            facts = load_region(key)
            raw = _region_of_municipality(key)
            for m in facts.municipalities:
                kommun.setdefault(m.kommun_code, (m.name, m.lansdel, raw.get(m.kommun_code, facts.name)))
        units: dict[int, tuple[str, str]] = {}
        path = data_dir / "units.parquet"
        if path.is_file():
            u = pq.read_table(path, columns=["unit_id", "hsa_id", "name"]).to_pydict()
            units = {int(i): (h, n) for i, h, n in zip(u["unit_id"], u["hsa_id"], u["name"], strict=True)}
        return Labels(kommun, units)


def _region_of_municipality(key: str) -> dict[str, str]:
    from importlib import resources

    doc = json.loads(
        (resources.files("nara.directory") / "data" / "regions" / f"{key}.json").read_text(encoding="utf-8")
    )
    return {m["kommun_code"]: m["region"] for m in doc["municipalities"] if "region" in m}


SEX_LABEL = {"F": "Kvinnor", "M": "Män"}
URBANITY_LABEL = {"glesbygd": "Glesbygd", "tatort": "Tätort"}


def _group_key(grouping: str, row: dict[str, Any], labels: Labels) -> tuple[str | None, str]:
    if grouping in ("region", "lansdel", "kommun"):
        code = row["kommun_code"]
        name, lansdel, region = labels.kommun.get(code, (code or "okänd", "okänd", "okänd"))
        if grouping == "kommun":
            return code, name
        return (lansdel, lansdel) if grouping == "lansdel" else (region, region)
    if grouping == "vardcentral":
        uid = row["listed_unit_id"]
        if uid is None:
            return None, "Ej listade"
        hsa, name = labels.units.get(int(uid), (str(uid), f"Enhet {uid}"))
        return hsa, name
    if grouping == "kon":
        return row["sex"], SEX_LABEL.get(row["sex"], str(row["sex"]))
    if grouping == "aldersgrupp":
        label = age_group_label(int(row["band"]))
        return label, label
    if grouping == "glesbygd":
        return row["urbanity"], URBANITY_LABEL.get(row["urbanity"], str(row["urbanity"]))
    if grouping == "utsatt_omrade":
        v = bool(row["vulnerable_area"])
        return ("ja", "Socioekonomiskt utsatt område") if v else ("nej", "Övriga områden")
    raise IndicatorError(f"okänd gruppering: {grouping}")


# --- compute ----------------------------------------------------------------------------------------------------


def _month_map(periods: list[Period], first: Callable[[Period], date]) -> Any:
    """(mk, pk, lo_mk): each month key of each period's span from ``first(p)`` to its end."""
    import ibis

    mk, pk, lo_mk = [], [], []
    for i, p in enumerate(periods):
        lo, hi = first(p), p.end
        for m in range(lo.year * 12 + lo.month - 1, hi.year * 12 + hi.month):
            mk.append(m)
            pk.append(i)
            lo_mk.append(lo.year * 12 + lo.month - 1)
    return ibis.memtable({"mk": mk, "pk": pk, "lo_mk": lo_mk}, schema=dict.fromkeys(("mk", "pk", "lo_mk"), "int64"))


def _periods_on_backend(periods: list[Period], start: date, end: date) -> d.Periods:
    import ibis

    cols = {
        "pk": list(range(len(periods))),
        "p_start": [day_number(p.start) for p in periods],
        "p_end": [day_number(p.end) for p in periods],
        "lb18": [day_number(p.lookback18) for p in periods],
        "lb24": [day_number(p.lookback24) for p in periods],
        "ys": [day_number(p.year_start) for p in periods],
        "jan1": [day_number(date(p.end.year, 1, 1)) for p in periods],
        "p_year": [p.end.year for p in periods],
    }
    return d.Periods(
        table=ibis.memtable(cols, schema=dict.fromkeys(cols, "int64")),
        months=_month_map(periods, lambda p: p.start),
        months18=_month_map(periods, lambda p: p.lookback18),
        months24=_month_map(periods, lambda p: p.lookback24),
        months_ys=_month_map(periods, lambda p: p.year_start),
        w0=day_number(start),
        w1=day_number(end),
    )


def _needed(indicators: Sequence[Indicator], present: set[str]) -> tuple[list[Indicator], list[str]]:
    chosen = [i for i in indicators if i.requires is None or i.requires in present]
    families: list[str] = []
    for ind in chosen:
        spec = SPECS[ind.id]
        for m in spec[1:3]:
            fam = FAMILY_OF.get(m, "population")
            if fam not in families:
                families.append(fam)
    return chosen, families


def compute(
    data_dir: Path | str,
    start: date,
    end: date,
    *,
    by: Iterable[str] = ("region",),
    period: str = "month",
    backend: str = "duckdb",
    indicators: Iterable[str] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    postgres_url: str | None = None,
    postgres_schema: str = "nara_indicators",
    threads: int | None = None,
    timings: dict[str, float] | None = None,
    check: bool = True,
) -> list[ResultRow]:
    """Compute the catalogue (or the ``indicators`` given by id) for each grouping in ``by`` and each period
    of kind ``period`` in [start, end], on ``backend`` ("duckdb", "pyspark" or "postgres").

    Returns one ResultRow per indicator, grouping, group and period (docs/indicators.md). Cells with fewer
    than 20 events are suppressed: numerator, denominator and values are None and ``suppressed`` is true.
    The input files are checked against the data format first (``check``; inputs.check_input), except on
    PostgreSQL, whose tables were loaded (and checked) by load_postgres."""
    import time

    by = list(by)
    for g in by:
        if g not in GROUPINGS:
            raise IndicatorError(f"okänd gruppering: {g} (välj bland {', '.join(GROUPINGS)})")
    periods = build_periods(period, start, end)
    catalogue = load_catalogue()
    if indicators is not None:
        wanted = set(indicators)
        unknown = wanted - {i.id for i in catalogue}
        if unknown:
            raise IndicatorError(f"okända indikatorer: {', '.join(sorted(unknown))}")
        catalogue = tuple(i for i in catalogue if i.id in wanted)
    dims = [*sorted({GROUPINGS[g] for g in by} - {"band"}), "band"]
    data_dir = Path(data_dir)
    if check and backend != "postgres":
        check_input(data_dir)
    labels = Labels.load(data_dir)

    cells: dict[str, list[dict[str, Any]]] = {}
    with open_source(
        data_dir, backend, postgres_url=postgres_url, postgres_schema=postgres_schema, threads=threads
    ) as src:
        present = {n for n in ("contact_requests", "discharge_processes") if getattr(src.tables, n) is not None}
        chosen, families = _needed(catalogue, present)
        ptable = _periods_on_backend(periods, start, end)
        # Persons with their grouping columns and age band are used by every family: materialise them once
        # (a temporary table on DuckDB and PostgreSQL, a cached DataFrame on Spark); likewise the stays.
        t0 = time.perf_counter()
        pd = _materialise(src, d.person_dims(src.tables, start - timedelta(days=1), dims))
        cached = [pd]
        if timings is not None:
            timings["persons"] = time.perf_counter() - t0
        queries = _family_queries(src.tables, pd, ptable, dims, cached, lambda e: _materialise(src, e))
        queries["population"] = lambda: d.population(pd, dims)
        data_start = None
        if any(ind.id.split("-")[0] in CONTINUITY_INDICATORS for ind in chosen):
            data_start = src.con.to_pyarrow(src.tables.contacts.date.min()).as_py()
        total = len(families)
        try:
            for i, fam in enumerate(families):
                t0 = time.perf_counter()
                expr = queries[fam]()
                cells[fam] = src.con.to_pyarrow(expr).to_pylist() if expr is not None else []
                if timings is not None:
                    timings[fam] = time.perf_counter() - t0
                if on_progress:
                    on_progress(i + 1, total)
        finally:
            for table in cached:
                table.release()
    complete = [p.continuity_complete(start, data_start) for p in periods]
    return _assemble(chosen, cells, by, periods, labels, complete)


def _assemble(
    chosen: list[Indicator],
    cells: dict[str, list[dict[str, Any]]],
    by: list[str],
    periods: list[Period],
    labels: Labels,
    complete: list[bool],
) -> list[ResultRow]:
    threshold = suppression_threshold()
    # acc[grouping][(group, pk)][band][measure]; pop[grouping][group][band][measure]
    acc: dict[str, dict[tuple[Any, int], dict[int, dict[str, float]]]] = {}
    pop: dict[str, dict[Any, dict[int, dict[str, float]]]] = {}
    names: dict[str, dict[Any, str]] = {}
    for g in by:
        acc[g] = defaultdict(lambda: defaultdict(lambda: defaultdict(float)))
        pop[g] = defaultdict(lambda: defaultdict(lambda: defaultdict(float)))
        names[g] = {}
        for fam, rows in cells.items():
            for row in rows:
                key, label = _group_key(g, row, labels)
                names[g][key] = label
                band = int(row["band"])
                if fam == "population":
                    target = pop[g][key][band]
                else:
                    target = acc[g][(key, int(row["pk"]))][band]
                for m, v in row.items():
                    if m in FAMILY_OF or m in POPULATION:
                        target[m] += float(v or 0)

    out: list[ResultRow] = []
    for g in by:
        groups = sorted(names[g], key=lambda k: (k is None, str(k)))
        for ind in chosen:
            spec = SPECS[ind.id]
            for key in groups:
                for pk, per in enumerate(periods):
                    bands = acc[g].get((key, pk), {})
                    if spec[0] == "rate":
                        _, num_m, pop_m, min_age = spec
                        popb = pop[g].get(key, {})
                        by_std: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
                        for b in set(bands) | set(popb):
                            if BAND_LOWER[b] < min_age:
                                continue
                            sb = by_std[standard_band(b)]
                            sb[0] += bands.get(b, {}).get(num_m, 0.0)
                            sb[1] += popb.get(b, {}).get(pop_m, 0.0) * per.person_year_factor
                        num = sum(v[0] for v in by_std.values())
                        den = sum(v[1] for v in by_std.values())
                        weights = standard_weights(min_age)
                        parts = [(w, by_std[b][0], by_std[b][1]) for b, w in weights.items() if b in by_std]
                    else:
                        _, num_m, den_m = spec
                        num = sum(v.get(num_m, 0.0) for v in bands.values())
                        den = sum(v.get(den_m, 0.0) for v in bands.values())
                        parts = None
                    n, dn, val, std, sup = finish(ind, num, den, parts, threshold)
                    comparable = None
                    if ind.id.split("-")[0] in CONTINUITY_INDICATORS:
                        comparable = complete[pk]
                    out.append(
                        ResultRow(
                            indicator=ind.id,
                            grouping=g,
                            group=None if key is None else str(key),
                            group_label=names[g][key],
                            period_kind=per.kind,
                            period=per.label,
                            period_start=per.start.isoformat(),
                            period_end=per.end.isoformat(),
                            numerator=n,
                            denominator=dn,
                            value=val,
                            value_age_standardised=std,
                            unit=ind.unit,
                            suppressed=sup,
                            comparable=comparable,
                            note=None if comparable in (None, True) else t("indicators.continuity.not_comparable"),
                        )
                    )
    return out
