"""Crude rates computed straight from generated tables, to check the generator's calibration against the
DOMAIN §7 reference values and §8 population facts.

This is *not* the indicator engine (nara.followup owns the indicator definitions, value sets, suppression
and standardisation). It is a deliberately small, independent re-computation used by the tests, the
benchmark and docs/data-format.md's calibration table. The avoidable-hospitalisation value set below is a
copy of DOMAIN §7 for checking only.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

_DAY0 = np.datetime64("1970-01-01")


def read_dataset(directory: Path) -> dict[str, pa.Table]:
    return {p.stem: pq.read_table(p) for p in sorted(Path(directory).glob("*.parquet"))}


def concat_chunks(chunks: list[dict[str, pa.Table]]) -> dict[str, pa.Table]:
    stems = {s for c in chunks for s in c}
    return {s: pa.concat_tables([c[s] for c in chunks if s in c]) for s in stems}


def _days(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """date32 → int days since epoch; null → -1."""
    arr = col.cast(pa.int32()).fill_null(-1)
    return np.asarray(arr.to_numpy(), dtype=np.int64)


def _ints(col: pa.ChunkedArray | pa.Array, null: int = 0) -> np.ndarray:
    return np.asarray(col.fill_null(null).to_numpy(), dtype=np.int64)


def _epoch(d: date) -> int:
    return int((np.datetime64(d.isoformat()) - _DAY0).astype(int))


# Avoidable hospitalisation, chronic conditions (DOMAIN §7 P1) — checking copy.
_AVOIDABLE = [
    (re.compile(r"^(I20|I24\.[089])"), "no_procedure"),
    (re.compile(r"^(J45|J46)"), None),
    (re.compile(r"^(I11\.0|I50|J81|I10|I11\.9)"), "no_cardiac_procedure"),
    (re.compile(r"^(J4[1-4]|J47)"), None),
    (re.compile(r"^J20"), "copd_secondary"),
    (re.compile(r"^E1[0-4]\.[0-8]"), None),
    (re.compile(r"^D50\.[189]"), None),
]
_COPD = re.compile(r"^(J4[1-4]|J47)")


def is_avoidable(main: str, secondary: list[str], procedures: list[str]) -> bool:
    for pattern, rule in _AVOIDABLE:
        if pattern.match(main):
            if rule == "no_procedure":
                return not procedures
            if rule == "no_cardiac_procedure":
                return not any(p.startswith("F") for p in procedures)
            if rule == "copd_secondary":
                return any(_COPD.match(s) for s in secondary)
            return True
    return False


def coc(person: np.ndarray, provider: np.ndarray, min_contacts: int = 3) -> float:
    """Mean Bice–Boxerman COC over persons with ≥ min_contacts contacts (DOMAIN §7 K3)."""
    if len(person) == 0:
        return float("nan")
    pair = np.unique(np.stack([person, provider], axis=1), axis=0, return_counts=True)
    (pp, _prov), n_j = pair[0].T, pair[1]
    _persons, inv = np.unique(pp, return_inverse=True)
    n = np.bincount(inv, weights=n_j)
    sq = np.bincount(inv, weights=n_j.astype(float) ** 2)
    ok = n >= min_contacts
    return float(np.mean((sq[ok] - n[ok]) / (n[ok] * (n[ok] - 1))))


def stays(adm: pa.Table) -> dict[str, np.ndarray]:
    """Continuous stays: same-day transfer chains merged (DOMAIN §7 S1). Arrays per stay."""
    aid = _ints(adm["admission_id"])
    to = _ints(adm["transferred_to"], -1)
    idx = {int(a): i for i, a in enumerate(aid)}
    is_target = np.zeros(len(aid), dtype=bool)
    nxt = np.full(len(aid), -1)
    for i in np.flatnonzero(to >= 0):
        j = idx[int(to[i])]
        is_target[j] = True
        nxt[i] = j
    first = np.flatnonzero(~is_target)
    last = first.copy()
    while True:
        step = nxt[last]
        if (step < 0).all():
            break
        last = np.where(step >= 0, step, last)
    return {
        "first": first,
        "last": last,
        "person": _ints(adm["person_id"])[first],
        "admit": _days(adm["admit_date"])[first],
        "disch": _days(adm["discharge_date"])[last],
        "unplanned": adm["unplanned"].to_numpy(zero_copy_only=False)[first],
        "died": adm["died"].to_numpy(zero_copy_only=False)[last],
    }


def report(t: dict[str, pa.Table], year: int = 2025) -> dict[str, float]:
    """The calibration figures for one generated dataset (all tables of one run)."""
    out: dict[str, float] = {}
    start, end = _epoch(date(year, 1, 1)), _epoch(date(year, 12, 31))
    pop_date = _epoch(date(year - 1, 12, 31))
    persons = t["persons"]
    pid = _ints(persons["person_id"])
    n = len(pid)
    birth = _days(persons["birth_date"])
    bd = birth.astype("datetime64[D]")
    age = np.datetime64(f"{year - 1}-12-31").astype("datetime64[Y]").astype(int) - bd.astype(
        "datetime64[Y]"
    ).astype(int)  # age on 31 Dec = year difference
    assert (birth <= pop_date).all()
    female = np.asarray(persons["sex"].to_numpy(zero_copy_only=False)) == "F"
    sabo = persons["sabo"].to_numpy(zero_copy_only=False)
    hsv = persons["hemsjukvard"].to_numpy(zero_copy_only=False)
    death = _days(persons["death_date"])
    listed = _ints(persons["listed_unit_id"])
    named = _ints(persons["fast_lakare_id"]) > 0
    age_of = np.zeros(int(pid.max()) + 1 if n else 1, dtype=np.int64)
    age_of[pid] = age

    out["population"] = n
    out["share_65_plus"] = float(np.mean(age >= 65))
    out["share_female"] = float(np.mean(female))
    out["share_female_85_plus"] = float(np.mean(female[age >= 85]))
    out["sabo_share"] = float(np.mean(sabo))
    out["sabo_share_80_plus_of_residents"] = float(np.mean(age[sabo] >= 80))
    out["hemsjukvard_share"] = float(np.mean(hsv))
    out["death_rate"] = float(np.mean(death >= 0))
    out["K1_named_fast_lakare"] = float(np.mean(named[listed > 0]))
    out["K2_named_fast_lakare_sabo"] = float(np.mean(named[sabo]))
    out["glesbygd_share"] = float(
        np.mean(np.asarray(persons["urbanity"].to_numpy(zero_copy_only=False)) == "glesbygd")
    )
    out["vulnerable_share"] = float(np.mean(persons["vulnerable_area"].to_numpy(zero_copy_only=False)))

    c = t["contacts"]
    out["T3_contacts_per_person"] = c.num_rows / n
    cp, cu, cs = _ints(c["person_id"]), _ints(c["unit_id"]), _ints(c["staff_id"])
    doc = np.asarray(c["profession"].to_numpy(zero_copy_only=False)) == "lakare"
    listed_of = np.zeros_like(age_of)
    listed_of[pid] = listed
    sel = doc & (cu == listed_of[cp])
    out["K3_coc_doctors"] = coc(cp[sel], cs[sel])
    out["K4_coc_all_staff"] = coc(cp[cu == listed_of[cp]], cs[cu == listed_of[cp]])

    a = t["assessments"]
    first, assess = _days(a["first_contact_date"]), _days(a["assessment_date"])
    done = assess >= 0
    out["T1_assessed_within_3_days"] = float(np.mean((assess[done] - first[done]) <= 3))

    adm = t["admissions"]
    admit = _days(adm["admit_date"])
    out["inpatient_episodes_per_100k"] = float(np.sum((admit >= start) & (admit <= end)) / n * 1e5)
    s = stays(adm)
    s_age = age_of[s["person"]]
    index = (s_age >= 65) & ~s["died"] & (s["disch"] >= start) & (s["disch"] <= end)
    order = np.lexsort((s["admit"], s["person"]))
    readm = np.zeros(len(order), dtype=bool)
    for k in (1, 2):  # any unplanned stay starting 1–30 days after the index discharge
        i, j = order[:-k], order[k:]
        gap = s["admit"][j] - s["disch"][i]
        hit = (s["person"][i] == s["person"][j]) & s["unplanned"][j] & (gap >= 1) & (gap <= 30)
        readm[i] |= hit
    out["S1_readmission_30d_65_plus"] = float(np.mean(readm[index]))
    out["in_hospital_deaths"] = float(np.sum(s["died"]))
    out["same_day_transfers"] = float(np.sum(_ints(adm["transferred_to"], -1) >= 0))
    out["planned_share"] = float(np.mean(~s["unplanned"]))

    main = adm["main_dx"].to_pylist()
    sec = adm["secondary_dx"].to_pylist()
    procs = adm["procedures"].to_pylist()
    in_year = (s["admit"] >= start) & (s["admit"] <= end)
    avoid = np.array([is_avoidable(main[f], sec[f], procs[f]) for f in s["first"]], dtype=bool)
    out["P1_avoidable_per_100k"] = float(np.sum(avoid & s["unplanned"] & in_year) / n * 1e5)
    fall = np.array(
        [
            bool(re.match(r"^[ST]", main[f])) and any(re.match(r"^W(0\d|1\d)", x) for x in sec[f])
            for f in s["first"]
        ],
        dtype=bool,
    )
    out["P2_fall_injuries_65_plus_per_100k"] = float(
        np.sum(fall & in_year & (s_age >= 65)) / np.sum(age >= 65) * 1e5
    )

    ready = _days(adm["ready_for_discharge_date"])
    disch = _days(adm["discharge_date"])
    has_ready = ready >= 0
    days = disch[has_ready] - ready[has_ready]
    out["S2_ready_days_share_0_2"] = float(np.mean(days <= 2))
    out["S2_mean_days_when_1_plus"] = float(np.mean(days[days >= 1])) if (days >= 1).any() else 0.0
    out["S2_days_per_1000_65_plus"] = float(days.sum() / np.sum(age >= 65) * 1000)
    process = adm["discharge_process"].to_numpy(zero_copy_only=False) & ~adm["died"].to_numpy(
        zero_copy_only=False
    )
    fvk = _days(adm["fast_vardkontakt_named_date"])
    out["S4_fvk_named_before_discharge"] = float(
        np.mean((fvk[process] >= 0) & (fvk[process] <= disch[process]))
    )
    out["discharge_process_share_65_plus"] = float(np.mean(process[age_of[_ints(adm["person_id"])] >= 65]))

    iv = t["interventions"]
    kind = np.asarray(iv["kind"].to_numpy(zero_copy_only=False))
    ip, iday = _ints(iv["person_id"]), _days(iv["date"])
    sp, sd = ip[kind == "sip"], iday[kind == "sip"]
    sip_days: dict[int, list[int]] = {}
    for pp, dd in zip(sp.tolist(), sd.tolist(), strict=True):
        sip_days.setdefault(pp, []).append(dd)
    ap = _ints(adm["person_id"])
    got = [
        any(0 <= x - disch[r] <= 30 for x in sip_days.get(int(ap[r]), ())) for r in np.flatnonzero(process)
    ]
    out["S3_sip_within_30d"] = float(np.mean(got)) if got else 0.0
    cohort = (age == 79) & ~sabo & ~hsv
    visited = np.isin(pid[cohort], ip[kind == "forebyggande_hembesok"])
    out["P3_hembesok_cohort_share"] = float(np.mean(visited)) if cohort.any() else 0.0
    adults = np.sum(age >= 18)
    out["P4_far_per_1000_adults"] = float(np.sum(kind == "far") / adults * 1000)
    lv = kind == "levnadsvanor"
    out["P5_levnadsvanor_documented_share"] = float(len(np.unique(ip[lv])) / adults)
    habits = iv["habits"].to_pylist()
    unhealthy = {int(ip[r]) for r in np.flatnonzero(lv) if habits[r]}
    advised = set(ip[kind == "levnadsvanor_rad"].tolist())
    out["P5_advice_share_unhealthy"] = float(len(unhealthy & advised) / len(unhealthy)) if unhealthy else 0.0
    if "contact_requests" in t:  # written from generator 1.1.0 on
        out.update(_contact_requests(t["contact_requests"], n, start, end))
    return out


def _contact_requests(r: pa.Table, population: int, start: int, end: int) -> dict[str, float]:
    """T2 (DOMAIN §7): requests answered the same day / incoming, and the assumptions behind it."""
    requested, answered = _days(r["request_date"]), _days(r["answered_date"])
    in_year = (requested >= start) & (requested <= end)
    requested, answered, unit = requested[in_year], answered[in_year], _ints(r["unit_id"])[in_year]
    digital = np.asarray(r["channel"].to_numpy(zero_copy_only=False))[in_year] == "digital"
    same = answered == requested
    wd = _weekday(requested)
    july = requested.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 == 6
    units, inv = np.unique(unit, return_inverse=True)
    per_unit = np.bincount(inv, weights=same) / np.bincount(inv)

    def share(mask: np.ndarray) -> float:
        return float(np.mean(same[mask])) if mask.any() else 0.0

    return {
        "T2_requests_per_person": float(len(requested) / population),
        "T2_digital_share": float(np.mean(digital)),
        "T2_same_day": share(np.ones(len(same), dtype=bool)),
        "T2_same_day_monday": share(wd == 0),
        "T2_same_day_tuesday_friday": share((wd >= 1) & (wd <= 4)),
        "T2_same_day_july": share(july),
        "T2_same_day_other_months": share(~july),
        "T2_never_answered": float(np.mean(answered < 0)),
        "T2_same_day_unit_min": float(per_unit.min()) if len(units) else 0.0,
        "T2_same_day_unit_max": float(per_unit.max()) if len(units) else 0.0,
    }


def _weekday(epoch_days: np.ndarray) -> np.ndarray:
    """Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday)."""
    return (epoch_days + 3) % 7
