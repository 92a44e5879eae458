"""The synthetic region generator: plan, generate in chunks, write Parquet.

SYNTETISKA DATA — inga verkliga personer. Every table carries the Parquet key-value metadata
``nara.synthetic=true``; see docs/data-format.md for the files, columns and the calibration.

Determinism: the population is split into fixed blocks (each municipality into blocks of at most
BLOCK_SIZE persons). Every block draws from its own ``numpy.random.SeedSequence(seed, spawn_key=(…, m, b))``
stream, the reference data (units, staff) from another and the vårdcentraler's same-day answer shares (T2)
from a third, so the same (region, scale, seed, year) gives the same tables whichever way they are consumed.
Identifiers are dense and assigned in block order.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from nara.directory.model import RegionFacts, load_region
from nara.synth import calibration as cal
from nara.synth.arrow import dates, ints, pick, stockholm_times, string_lists
from nara.synth.clinical import CATALOGUE
from nara.synth.contact_requests import contact_requests, unit_same_day_shares
from nara.synth.dataformat import BY_STEM, FORMAT_VERSION
from nara.synth.events import KINDS, YearInfo, admissions, assessments, contacts, interventions
from nara.synth.population import (
    SERIALS_PER_DAY,
    PersonnummerSpaceExhausted,
    days_from_epoch,
    days_in_year,
    make_persons,
    persons_table,
)
from nara.synth.reference import PROFESSIONS, Reference, build_reference

GENERATOR_VERSION = "1.2.0"  # 1.1.0: contact_requests.parquet (T2); 1.2.0: data format 1.2.0 (S3, S4)
BLOCK_SIZE = 50_000  # part of the generator's definition: changing it changes the data (bump the version)
FILE_STEMS = (
    "persons",
    "units",
    "staff",
    "contacts",
    "assessments",
    "admissions",
    "interventions",
    "contact_requests",
)
_STREAM_REFERENCE, _STREAM_COUNTS, _STREAM_BLOCK, _STREAM_UNIT_ANSWERS = 0, 1, 2, 3

# The files' schemas come from the dataset format (dataformat.py, docs/data-format.md).
SCHEMAS: dict[str, pa.Schema] = {stem: BY_STEM[stem].schema for stem in FILE_STEMS}

# Parquet encodings where the defaults are slow: dictionary-encoding dense ids is wasted work. Writing
# contact_requests this way halves its cost on the Sweden run; readers see the same values.
_ENCODINGS: dict[str, dict] = {
    "contact_requests": {
        "use_dictionary": ["unit_id", "channel"],
        "column_encoding": {"request_id": "DELTA_BINARY_PACKED", "person_id": "DELTA_BINARY_PACKED"},
    }
}

README = """SYNTETISKA DATA — inga verkliga personer
==========================================

Svenska: Filerna i denna katalog är syntetiska (påhittade) data skapade av Nära:s generator
(nara.synth). Personnummer har giltig kontrollsiffra men tillhör inga verkliga personer i dessa data;
namn är slumpvisa kombinationer av vanliga svenska för- och efternamn. Vårdcentraler, SäBo,
avdelningar, personal och alla händelser är påhittade. Använd dem aldrig som verkliga uppgifter.
Varje Parquet-fil har metadata nara.synthetic=true. Format: docs/data-format.md.

English: The files in this directory are SYNTHETIC data made by Nära's generator (nara.synth).
Personal identity numbers have valid check digits but no real person is described; names are random
combinations of common Swedish names. Units, staff and all events are invented. Never treat them as
real. Every Parquet file carries the key-value metadata nara.synthetic=true. Format: docs/data-format.md.

Parameters / parametrar: region={region} scale={scale} seed={seed} year={year} generator={version}
"""


@dataclass(frozen=True)
class BlockPlan:
    seq: int
    muni: int
    block: int
    person_start: int
    counts: np.ndarray  # [age, sex] persons, sex 0 = F, 1 = M
    k_offset: np.ndarray  # [age, sex] persons of the same birth year and sex in earlier blocks

    @property
    def size(self) -> int:
        return int(self.counts.sum())


def _even_split(total: int, parts: int) -> list[int]:
    base, rest = divmod(total, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]


def plan_blocks(region: RegionFacts, scale: float, seed: int) -> list[BlockPlan]:
    """Fix every block's size and age/sex counts up front, so personnummer can be allotted nation-wide."""
    w = cal.age_weights()
    p_young, p_old = w[:65] / w[:65].sum(), w[65:] / w[65:].sum()
    plans: list[BlockPlan] = []
    running = np.zeros((cal.MAX_AGE + 1, 2), dtype=np.int64)
    start = 0
    for m_i, m in enumerate(region.municipalities):
        n = round(m.population * scale)
        n65 = round(n * m.share_65_plus)  # DOMAIN §8: the municipality's 65+ share, imposed exactly
        sizes = _even_split(n, max(1, -(-n // BLOCK_SIZE)))
        cum = np.cumsum([0, *sizes])
        old_cum = np.round(cum * (n65 / n if n else 0.0)).astype(np.int64)
        for b_i, size in enumerate(sizes):
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_STREAM_COUNTS, m_i, b_i)))
            n_old = int(old_cum[b_i + 1] - old_cum[b_i])
            by_age = np.concatenate([rng.multinomial(size - n_old, p_young), rng.multinomial(n_old, p_old)])
            women = rng.binomial(by_age, cal.FEMALE_SHARE)
            counts = np.stack([women, by_age - women], axis=1)
            plans.append(BlockPlan(len(plans), m_i, b_i, start, counts, running.copy()))
            running += counts
            start += size
    return plans


def _check_capacity(plans: list[BlockPlan], year: int) -> None:
    if not plans:
        return
    total = plans[-1].k_offset + plans[-1].counts
    for age in range(cal.MAX_AGE + 1):
        if total[age].max() > days_in_year(year - 1 - age) * SERIALS_PER_DAY:
            raise PersonnummerSpaceExhausted(
                f"scale too large: more than {days_in_year(year - 1 - age) * SERIALS_PER_DAY} "
                f"persons of one sex born {year - 1 - age}"
            )


def _metadata(region: str, scale: float, seed: int, year: int) -> dict[bytes, bytes]:
    return {
        b"nara.synthetic": b"true",
        b"nara.region": region.encode(),
        b"nara.scale": repr(scale).encode(),
        b"nara.seed": str(seed).encode(),
        b"nara.year": str(year).encode(),
        b"nara.generator_version": GENERATOR_VERSION.encode(),
        b"nara.format_version": FORMAT_VERSION.encode(),
    }


def _table(stem: str, columns: dict[str, pa.Array], meta: dict[bytes, bytes]) -> pa.Table:
    schema = SCHEMAS[stem].with_metadata(meta)
    return pa.Table.from_arrays([columns[f.name] for f in SCHEMAS[stem]], schema=schema)


class _Counters:
    def __init__(self) -> None:
        self.contact = self.episode = self.admission = self.intervention = self.request = 0


def _block_tables(
    plan: BlockPlan,
    ref: Reference,
    yi: YearInfo,
    seed: int,
    ids: _Counters,
    meta: dict[bytes, bytes],
    same_day_share: np.ndarray,
) -> dict[str, pa.Table]:
    muni = ref.municipalities[plan.muni]
    # The first five streams are those of generator 1.0.0 (spawn(n) extends, it does not reshuffle).
    streams = np.random.SeedSequence(seed, spawn_key=(_STREAM_BLOCK, plan.muni, plan.block)).spawn(6)
    rng_p, rng_c, rng_a, rng_h, rng_i, rng_r = (np.random.default_rng(s) for s in streams)
    p = make_persons(rng_p, ref, muni, plan.counts, plan.k_offset, plan.person_start, yi.year, seed)
    people = persons_table(p, muni, yi.year)
    out = {"persons": _table("persons", {c: people[c] for c in SCHEMAS["persons"].names}, meta)}

    c = contacts(rng_c, p, ref, muni, yi)
    n = len(c["pi"])
    out["contacts"] = _table(
        "contacts",
        {
            "contact_id": ints(ids.contact + 1 + np.arange(n)),
            "person_id": ints(p.person_id[c["pi"]]),
            "unit_id": ints(c["unit"]),
            "staff_id": ints(c["staff_id"]),
            "profession": pick(PROFESSIONS, c["prof"]),
            "date": dates(yi.start + c["day"]),
            "form": pick(cal.FORMS, c["form"]),
        },
        meta,
    )
    ids.contact += n

    a = assessments(rng_a, p, ref, muni, yi)
    n = len(a["pi"])
    out["assessments"] = _table(
        "assessments",
        {
            "episode_id": ints(ids.episode + 1 + np.arange(n)),
            "person_id": ints(p.person_id[a["pi"]]),
            "unit_id": ints(a["unit"]),
            "first_contact_date": dates(yi.start + a["first"]),
            "assessment_date": dates(yi.start + a["assess"], a["none"]),
            "profession": pick(PROFESSIONS, a["prof"], a["none"]),
        },
        meta,
    )
    ids.episode += n

    h, sips = admissions(rng_h, p, ref, muni, yi)
    out["admissions"] = _admissions_table(h, p.person_id, yi, ids.admission, meta)
    ids.admission += len(h["pi"])

    iv = interventions(rng_i, p, ref, muni, yi, sips)
    n = len(iv["pi"])
    out["interventions"] = _table(
        "interventions",
        {
            "intervention_id": ints(ids.intervention + 1 + np.arange(n)),
            "person_id": ints(p.person_id[iv["pi"]]),
            "date": dates(yi.start + iv["day"]),
            "kind": pick(KINDS, iv["kind"]),
            "unit_id": ints(iv["unit"]),
            "habits": string_lists(cal.HABITS, iv["habit_row"], iv["habit"], n, ~iv["has_habits"]),
        },
        meta,
    )
    ids.intervention += n

    r = contact_requests(rng_r, p, yi, same_day_share)
    n = len(r["pi"])
    out["contact_requests"] = _table(
        "contact_requests",
        {
            "request_id": ints(ids.request + 1 + np.arange(n)),
            "person_id": ints(p.person_id[r["pi"]]),
            "unit_id": ints(r["unit"]),
            "channel": pick(cal.CONTACT_REQUEST_CHANNELS, r["channel"]),
            "request_date": dates(yi.start + r["day"]),
            "answered_date": dates(yi.start + r["answered"], r["none"]),
        },
        meta,
    )
    ids.request += n
    return out


def _admissions_table(
    h: dict[str, np.ndarray], person_id: np.ndarray, yi: YearInfo, offset: int, meta: dict[bytes, bytes]
) -> pa.Table:
    n = len(h["pi"])
    # Secondary diagnoses: the external cause first (injuries), then up to four of the person's chronic
    # conditions, except the one the main diagnosis already names.
    bits = h["chronic"] & ~CATALOGUE.dx_clear_bit[h["dx"]]
    c_row, c_bit = np.nonzero((bits[:, None] >> np.arange(len(cal.CHRONIC_STEMS))) & 1)
    first = np.searchsorted(c_row, c_row)
    keep = (np.arange(len(c_row)) - first) < 4
    c_row, c_bit = c_row[keep], c_bit[keep]
    x_row = np.flatnonzero(h["cause"] >= 0)
    rows = np.concatenate([x_row, c_row])
    codes = np.concatenate([h["cause"][x_row], CATALOGUE.chronic_dx[c_bit]])
    order = np.lexsort((np.concatenate([np.zeros(len(x_row)), 1 + c_bit]), rows))
    p_row = np.flatnonzero(h["proc"] >= 0)
    return _table(
        "admissions",
        {
            "admission_id": ints(offset + 1 + np.arange(n)),
            "person_id": ints(person_id[h["pi"]]),
            "unit_id": ints(h["unit"]),
            "admit_date": dates(yi.start + h["admit"]),
            "discharge_date": dates(yi.start + h["disch"]),
            "unplanned": pa.array(h["unplanned"], pa.bool_()),
            "main_dx": pick(CATALOGUE.dx_codes, h["dx"]),
            "secondary_dx": string_lists(CATALOGUE.dx_codes, rows[order], codes[order], n),
            "procedures": string_lists(CATALOGUE.proc_codes, p_row, h["proc"][p_row], n),
            "transferred_to": ints(offset + 1 + h["transferred_to"], h["transferred_to"] < 0),
            "died": pa.array(h["died"], pa.bool_()),
            "ready_for_discharge_date": dates(yi.start + h["ready"], h["ready"] < 0),
            "discharge_process": pa.array(h["process"], pa.bool_()),
            "fast_vardkontakt_named_date": dates(yi.start + h["fvk"], h["fvk"] < 0),
            "discharged_at": stockholm_times(yi.start + h["disch"], h["disch_min"]),
            "sip_needed": pa.array(h["sip_needed"], pa.bool_()),
            "fast_vardkontakt_named_at": stockholm_times(
                yi.start + np.maximum(h["fvk"], 0), h["fvk_min"], h["fvk"] < 0
            ),
        },
        meta,
    )


def _chunks(
    region: str, scale: float, seed: int, year: int
) -> Iterator[tuple[dict[str, pa.Table], int, int]]:
    if not scale > 0:
        raise ValueError("scale must be positive")
    if seed < 0:
        raise ValueError("seed must be a non-negative integer")
    facts = load_region(region)
    meta = _metadata(region, scale, seed, year)
    ref = build_reference(
        facts, scale, np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_STREAM_REFERENCE,)))
    )
    same_day_share = unit_same_day_shares(
        ref, np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_STREAM_UNIT_ANSWERS,)))
    )
    plans = plan_blocks(facts, scale, seed)
    _check_capacity(plans, year)
    total = sum(pl.size for pl in plans)
    yi = YearInfo(year, days_from_epoch(year), days_in_year(year))
    ids = _Counters()
    done = 0
    reference = {
        "units": ref.units.replace_schema_metadata(meta),
        "staff": ref.staff.replace_schema_metadata(meta),
    }
    if not plans:
        yield reference, 0, 0
    for i, pl in enumerate(plans):
        chunk = _block_tables(pl, ref, yi, seed, ids, meta, same_day_share)
        if i == 0:
            chunk = {**reference, **chunk}
        done += pl.size
        yield chunk, done, total


def generate(region: str, scale: float, seed: int, *, year: int = 2025) -> Iterator[dict[str, pa.Table]]:
    """Yield chunks; each maps a file stem ('persons', 'units', …) to a pyarrow Table. Units and staff come
    in the first chunk only. Identifiers are unique across chunks."""
    for chunk, _done, _total in _chunks(region, scale, seed, year):
        yield chunk


def write_dataset(
    region: str,
    scale: float,
    seed: int,
    out_dir: Path,
    *,
    year: int = 2025,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write the Parquet files to out_dir; return row counts per file name. on_progress(done_persons,
    total_persons) after each block."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = _metadata(region, scale, seed, year)
    writers = {
        stem: pq.ParquetWriter(
            out_dir / f"{stem}.parquet",
            SCHEMAS[stem].with_metadata(meta),
            compression="zstd",
            **_ENCODINGS.get(stem, {}),
        )
        for stem in FILE_STEMS
    }
    buffers: dict[str, list[pa.Table]] = {stem: [] for stem in FILE_STEMS}
    buffered = dict.fromkeys(FILE_STEMS, 0)
    rows = dict.fromkeys(FILE_STEMS, 0)

    def flush(stem: str) -> None:
        if buffers[stem]:
            writers[stem].write_table(
                pa.concat_tables(buffers[stem]).combine_chunks(), row_group_size=1 << 20
            )
        buffers[stem].clear()
        buffered[stem] = 0

    try:
        for chunk, done, total in _chunks(region, scale, seed, year):
            for stem, table in chunk.items():
                buffers[stem].append(table.cast(SCHEMAS[stem].with_metadata(meta)))
                buffered[stem] += table.num_rows
                rows[stem] += table.num_rows
                if buffered[stem] >= 250_000:  # row groups of useful size, memory bounded
                    flush(stem)
            if on_progress is not None:
                on_progress(done, total)
        for stem in FILE_STEMS:
            flush(stem)
    finally:
        for w in writers.values():
            w.close()

    counts = {f"{stem}.parquet": n for stem, n in rows.items()}
    (out_dir / "README.txt").write_text(
        README.format(region=region, scale=scale, seed=seed, year=year, version=GENERATOR_VERSION),
        encoding="utf-8",
    )
    manifest = {
        "synthetic": True,
        "note": "SYNTETISKA DATA — inga verkliga personer / synthetic data, no real persons",
        "generator": "nara.synth",
        "generator_version": GENERATOR_VERSION,
        "format_version": FORMAT_VERSION,
        "region": region,
        "scale": scale,
        "seed": seed,
        "year": year,
        "population_date": f"{year - 1}-12-31",
        "files": counts,
        "parquet_metadata": {k.decode(): v.decode() for k, v in meta.items()},
    }
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return counts
