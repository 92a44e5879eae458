"""Persons of one block: age, sex, personnummer, names, death, SäBo, hemsjukvård, chronic conditions,
equity strata, listing and fast läkarkontakt (DOMAIN §6, §8, §9). Vectorised over the block."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from nara.synth import calibration as cal
from nara.synth.arrow import dates, ints, pick, string_lists
from nara.synth.names import draw_names
from nara.synth.reference import PROF, MunicipalityRef, Reference

SERIALS_PER_DAY = 499  # per sex: odd serials 001–997 for men, even 002–998 for women (DOMAIN §9)
_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)


def days_from_epoch(y: int, m: int = 1, d: int = 1) -> int:
    return int((np.datetime64(f"{y:04d}-{m:02d}-{d:02d}") - np.datetime64("1970-01-01")).astype(int))


def days_in_year(y: int) -> int:
    return days_from_epoch(y + 1) - days_from_epoch(y)


def weekday(epoch_days: np.ndarray) -> np.ndarray:
    return (epoch_days + _EPOCH_WEEKDAY) % 7


def _slot_multiplier(m: int) -> int:
    """An integer near m/φ that is coprime to m: k → (a·k + c) mod m is then a permutation of the slots."""
    a = int(m * 0.6180339887)
    while math.gcd(a, m) != 1:
        a += 1
    return a


def _mix(*values: int) -> int:
    """A small deterministic integer hash (splitmix64 steps) for per-seed offsets."""
    x = 0x9E3779B97F4A7C15
    for v in values:
        x = (x ^ (v & 0xFFFFFFFFFFFFFFFF)) * 0xBF58476D1CE4E5B9 & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 31
    return x


class PersonnummerSpaceExhausted(ValueError):
    pass


def personnummer_parts(
    birth_year: int, female: bool, k: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Day of year and 3-digit serial for the k-th person (0-based, nation-wide order) of a birth year and
    sex. A permutation of the (day, serial) slots, so two persons never share a personnummer."""
    m = days_in_year(birth_year) * SERIALS_PER_DAY
    if len(k) and int(k.max()) >= m:
        raise PersonnummerSpaceExhausted(f"more than {m} persons born {birth_year}: scale too large")
    slot = (_slot_multiplier(m) * k + _mix(seed, birth_year, int(female)) % m) % m
    doy, j = np.divmod(slot, SERIALS_PER_DAY)
    serial = 2 * j + 1 + int(female)  # 9th digit odd for men, even for women
    return doy, serial


def personnummer_strings(birth_days: np.ndarray, serial: np.ndarray) -> pa.Array:
    """12-digit personnummer YYYYMMDDNNNC with the Luhn check digit over YYMMDDNNN (DOMAIN §9)."""
    d = birth_days.astype("datetime64[D]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    month = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    digits = np.stack(
        [
            year // 1000,
            year // 100 % 10,
            year // 10 % 10,
            year % 10,
            month // 10,
            month % 10,
            day // 10,
            day % 10,
            serial // 100,
            serial // 10 % 10,
            serial % 10,
        ],
        axis=1,
    )
    nine = digits[:, 2:11]
    prod = nine * np.array([2, 1, 2, 1, 2, 1, 2, 1, 2])
    total = np.where(prod > 9, prod - 9, prod).sum(axis=1)
    check = (10 - total % 10) % 10
    chars = (np.concatenate([digits, check[:, None]], axis=1) + 48).astype(np.uint8)
    n = len(serial)
    offsets = np.arange(0, 12 * n + 1, 12, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(chars)))


@dataclass
class Persons:
    """One block's persons; numpy arrays, one entry per person."""

    person_id: np.ndarray
    age: np.ndarray
    female: np.ndarray
    birth_days: np.ndarray  # days since 1970-01-01
    serial: np.ndarray
    alive_days: np.ndarray  # days alive in the event year (death day index, or the year's length)
    dies: np.ndarray
    sabo: np.ndarray
    sabo_unit: np.ndarray  # 0 if none
    hemsjukvard: np.ndarray
    hemtjanst: np.ndarray
    chronic: np.ndarray  # bit mask over calibration.CHRONIC_STEMS
    glesbygd: np.ndarray
    vulnerable: np.ndarray
    listed_unit: np.ndarray
    fast_lakare: np.ndarray  # staff_id, 0 if none
    usual_doctor: np.ndarray  # staff row of the person's usual doctor at the listed unit
    given_name: pa.Array
    family_name: pa.Array

    @property
    def n(self) -> int:
        return len(self.person_id)


def make_persons(
    rng: np.random.Generator,
    ref: Reference,
    muni: MunicipalityRef,
    counts: np.ndarray,
    k_offset: np.ndarray,
    person_start: int,
    year: int,
    seed: int,
) -> Persons:
    """``counts[age, sex]`` persons (sex 0 = F, 1 = M); ``k_offset[age, sex]`` = persons of that birth year
    and sex in earlier blocks (nation-wide order), which makes personnummer unique across blocks."""
    ref_year = year - 1  # population as of 31 Dec the year before (DOMAIN §8)
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    n = len(cell)
    age, sex = np.divmod(cell, 2)
    female = sex == 0
    cell_start = np.concatenate([[0], np.cumsum(counts.ravel())[:-1]])
    k = k_offset.ravel()[cell] + (np.arange(n) - cell_start[cell])
    birth_days = np.zeros(n, dtype=np.int64)
    serial = np.zeros(n, dtype=np.int64)
    for c in np.flatnonzero(counts.ravel()):
        rows = slice(cell_start[c], cell_start[c] + counts.ravel()[c])
        a, s = divmod(int(c), 2)
        doy, ser = personnummer_parts(ref_year - a, s == 0, k[rows], seed)
        birth_days[rows] = days_from_epoch(ref_year - a) + doy
        serial[rows] = ser

    order = rng.permutation(n)  # person ids do not follow age
    age, female, birth_days, serial = age[order], female[order], birth_days[order], serial[order]
    n_days = days_in_year(year)

    sabo = rng.random(n) < cal.SABO_P[age]
    sabo_unit = np.where(sabo, muni.sabo_units[rng.integers(0, len(muni.sabo_units), size=n)], 0)

    chronic = np.zeros(n, dtype=np.int64)
    glesbygd = rng.random(n) < muni.glesbygd_share
    v_p = muni.vulnerable_share / max(1e-9, 1 - muni.glesbygd_share)
    vulnerable = ~glesbygd & (rng.random(n) < v_p * np.where(age >= 65, cal.VULNERABLE_AGE_FACTOR_65, 1.0))
    for bit, stem in enumerate(cal.CHRONIC_STEMS):
        p = cal.by_age(*cal.CHRONIC[stem])[age]
        if stem in cal.CHRONIC_VULNERABLE_FACTOR:
            p = p * np.where(vulnerable, cal.CHRONIC_VULNERABLE_FACTOR[stem], 1.0)
        if stem in cal.CHRONIC_SABO_FACTOR:
            p = p * np.where(sabo, cal.CHRONIC_SABO_FACTOR[stem], 1.0)
        if stem == "M81":
            p = p * np.where(female, cal.CHRONIC_M81_FEMALE_FACTOR, 0.4)
        chronic |= (rng.random(n) < np.minimum(p, 0.95)).astype(np.int64) << bit
    hemsjukvard = ~sabo & (rng.random(n) < cal.HEMSJUKVARD_P[age])

    q = cal.DEATH_LEVEL * cal.DEATH_Q[age] * np.where(female, cal.DEATH_FEMALE_FACTOR, cal.DEATH_MALE_FACTOR)
    q = np.minimum(q * np.where(sabo, cal.DEATH_SABO_FACTOR, 1.0), cal.DEATH_Q_MAX)
    dies = rng.random(n) < q
    alive_days = np.where(dies, rng.integers(0, n_days, size=n), n_days)

    cdf = np.cumsum(muni.vc_listing_p)
    listed = muni.vc_units[np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(cdf) - 1)]
    if sabo.any():  # SäBo residents are listed where the SäBo's doctors work (läkarmedverkan)
        pos = np.searchsorted(muni.sabo_units, sabo_unit[sabo])
        listed[sabo] = muni.sabo_vc[pos]
    p_named = np.where(
        sabo,
        cal.FAST_LAKARE_P_SABO,
        cal.FAST_LAKARE_P[age] + np.where(vulnerable, cal.FAST_LAKARE_VULNERABLE_DELTA, 0.0),
    )
    named = rng.random(n) < p_named
    d_start = ref.staff_start[listed, PROF["lakare"]]
    d_count = ref.staff_count[listed, PROF["lakare"]]
    usual_doctor = d_start + (rng.random(n) * d_count).astype(np.int64)
    fast_lakare = np.where(named & (d_count > 0), usual_doctor + 1, 0)

    given, family = draw_names(rng, ref_year - age, female)
    # Hemtjänst in ordinary housing, drawn last so the columns of generator 1.1.0 stay as they were.
    hemtjanst = ~sabo & (rng.random(n) < np.where(hemsjukvard, cal.HEMTJANST_WITH_HEMSJUKVARD, cal.HEMTJANST_P[age]))
    return Persons(
        person_id=person_start + 1 + np.arange(n, dtype=np.int64),
        age=age,
        female=female,
        birth_days=birth_days,
        serial=serial,
        alive_days=alive_days,
        dies=dies,
        sabo=sabo,
        sabo_unit=sabo_unit,
        hemsjukvard=hemsjukvard,
        hemtjanst=hemtjanst,
        chronic=chronic,
        glesbygd=glesbygd,
        vulnerable=vulnerable,
        listed_unit=listed,
        fast_lakare=fast_lakare,
        usual_doctor=usual_doctor,
        given_name=given,
        family_name=family,
    )


def persons_table(p: Persons, muni: MunicipalityRef, year: int) -> pa.Table:
    start = days_from_epoch(year)
    rows, bits = np.nonzero((p.chronic[:, None] >> np.arange(len(cal.CHRONIC_STEMS))) & 1)
    return pa.table(
        {
            "person_id": pa.array(p.person_id),
            "personnummer": personnummer_strings(p.birth_days, p.serial),
            "sex": pick(("M", "F"), p.female.astype(np.int64)),
            "birth_date": dates(p.birth_days),
            "kommun_code": pick((muni.facts.kommun_code,), np.zeros(p.n, dtype=np.int64)),
            "listed_unit_id": ints(p.listed_unit),
            "fast_lakare_id": ints(p.fast_lakare, p.fast_lakare == 0),
            "sabo": pa.array(p.sabo),
            "sabo_unit_id": ints(p.sabo_unit, p.sabo_unit == 0),
            "hemsjukvard": pa.array(p.hemsjukvard),
            "hemtjanst": pa.array(p.hemtjanst),
            "death_date": dates(start + p.alive_days, ~p.dies),
            "given_name": p.given_name,
            "family_name": p.family_name,
            "chronic": string_lists(cal.CHRONIC_STEMS, rows, bits, p.n),
            "urbanity": pick(("tatort", "glesbygd"), p.glesbygd.astype(np.int64)),
            "vulnerable_area": pa.array(p.vulnerable),
        }
    )
