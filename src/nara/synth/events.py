"""Events of one block of persons during the event year (DOMAIN §7 indicators need them):

- primary-care contacts (vårdcentral, municipal hemsjukvård and SäBo health care), with continuity;
- vårdgaranti episodes: first contact and medical assessment (T1);
- inpatient stays (vårdtillfällen) with same-day transfers, unplanned readmissions, in-hospital deaths and
  lag (2017:612) discharge processes: utskrivningsklar date, fast vårdkontakt, SIP (DOMAIN §4);
- interventions: SIP, förebyggande hembesök, FaR, levnadsvanor (P3–P5).

Everything is vectorised over the block; day numbers are 0-based days of the event year (they may run past
its end for follow-up: discharges, readmissions, SIP and assessments of episodes that began in the year).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nara.synth import calibration as cal
from nara.synth.clinical import CATALOGUE, SPEC, DxTable
from nara.synth.population import Persons, weekday
from nara.synth.reference import PROF, MunicipalityRef, Reference

NO_LIMIT = 1 << 19  # a day number beyond any event
FORM = {f: i for i, f in enumerate(cal.FORMS)}
(
    CAT_OTHER,
    CAT_PLANNED,
    CAT_INJURY,
    CAT_FALL,
    CAT_PSYCH,
    CAT_BIRTH,
    CAT_AVOIDABLE,
    CAT_TERMINAL,
    CAT_READMIT,
) = range(9)


@dataclass(frozen=True)
class YearInfo:
    year: int
    start: int  # 1 January as days since 1970-01-01
    n_days: int


def _categorical(rng: np.random.Generator, probs: np.ndarray, n: int) -> np.ndarray:
    cdf = np.cumsum(probs / probs.sum())
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(cdf) - 1)


def _weekday_days(
    rng: np.random.Generator, alive: np.ndarray, yi: YearInfo, keep_weekend: float
) -> np.ndarray:
    """A uniform day before ``alive`` (per row); most weekend days move to the Friday before (or the
    Monday after)."""
    d = (rng.random(len(alive)) * alive).astype(np.int64)
    wd = weekday(yi.start + d)
    move = (wd >= 5) & (rng.random(len(d)) >= keep_weekend)
    back, fwd = d - (wd - 4), d + (7 - wd)
    new = np.where(back >= 0, back, fwd)
    return np.where(move & (new < alive), new, d)


def _usual_offset(person_id: np.ndarray, prof: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Deterministic 'usual professional' index per person and profession (no per-person state needed)."""
    h = (person_id * 2654435761 + prof * 40503 + 12345) % 2147483647
    return h % np.maximum(count, 1)


def _staff_rows(
    rng: np.random.Generator,
    ref: Reference,
    unit: np.ndarray,
    prof: np.ndarray,
    person_id: np.ndarray,
    p_usual: np.ndarray,
) -> np.ndarray:
    start = ref.staff_start[unit, prof]
    count = ref.staff_count[unit, prof]
    any_row = start + (rng.random(len(unit)) * count).astype(np.int64)
    usual = start + _usual_offset(person_id, prof, count)
    return np.where(rng.random(len(unit)) < p_usual, usual, any_row)


# --- Contacts (DOMAIN §7 T3, K3, K4) ------------------------------------------------------------------


def vc_contact_rate(p: Persons) -> np.ndarray:
    n_chronic = np.bitwise_count(p.chronic.astype(np.uint64)).astype(float)
    rate = cal.VC_CONTACTS[p.age] * (1 + cal.VC_CONTACTS_PER_CHRONIC * n_chronic)
    rate = rate * np.where(p.female & (p.age >= 15) & (p.age < 65), cal.VC_CONTACTS_WOMEN_15_64, 1.0)
    rate = rate * np.where(p.glesbygd, cal.VC_CONTACTS_GLESBYGD, 1.0)
    return np.where(p.sabo, cal.VC_CONTACTS_SABO, rate)


def contacts(
    rng: np.random.Generator, p: Persons, ref: Reference, muni: MunicipalityRef, yi: YearInfo
) -> dict[str, np.ndarray]:
    frac = p.alive_days / yi.n_days
    k = rng.poisson(vc_contact_rate(p) * frac)
    pi = np.repeat(np.arange(p.n), k)
    m = len(pi)
    day = _weekday_days(rng, p.alive_days[pi], yi, cal.WEEKEND_KEEP)
    listed = p.listed_unit[pi]
    other = muni.vc_units[rng.integers(0, len(muni.vc_units), size=m)]
    unit = np.where(rng.random(m) < cal.VC_CONTACT_AT_LISTED, listed, other)
    names = list(cal.VC_PROFESSION_MIX)
    prof = np.array([PROF[x] for x in names])[
        _categorical(rng, np.array(list(cal.VC_PROFESSION_MIX.values())), m)
    ]

    # Continuity: at the listed unit, a doctor contact is with the usual doctor (the fast läkare when one is
    # named) with a unit-specific probability, otherwise with any doctor there (DOMAIN §7 K3).
    is_doc = prof == PROF["lakare"]
    at_listed = unit == listed
    named = p.fast_lakare[pi] > 0
    p_usual = np.where(
        is_doc, np.where(named, ref.vc_p_named[unit], ref.vc_p_unnamed[unit]), cal.OTHER_STAFF_P_USUAL
    )
    row = _staff_rows(rng, ref, unit, prof, p.person_id[pi], np.where(at_listed, p_usual, 0.0))
    usual_doc = is_doc & at_listed & (rng.random(m) < p_usual)
    row = np.where(usual_doc, p.usual_doctor[pi], row)

    homebound = p.sabo[pi] | p.hemsjukvard[pi]
    nurse = np.isin(prof, [PROF["distriktsskoterska"], PROF["sjukskoterska"], PROF["underskoterska"]])
    group = np.where(homebound & (is_doc | nurse), 3, np.where(is_doc, 0, np.where(nurse, 1, 2)))
    mix = np.cumsum(
        np.array([cal.FORM_MIX_DOCTOR, cal.FORM_MIX_NURSE, cal.FORM_MIX_OTHER, cal.FORM_MIX_HOMEBOUND]),
        axis=1,
    )
    form = np.minimum((rng.random(m)[:, None] > mix[group]).sum(axis=1), len(cal.FORMS) - 1)

    # Municipal health care: hemsjukvård in ordinary housing and nursing in SäBo, as home visits.
    hk = rng.poisson(
        frac * (cal.MUNICIPAL_CONTACTS_HEMSJUKVARD * p.hemsjukvard + cal.MUNICIPAL_CONTACTS_SABO * p.sabo)
    )
    hpi = np.repeat(np.arange(p.n), hk)
    hm = len(hpi)
    hday = _weekday_days(rng, p.alive_days[hpi], yi, 0.5)  # municipal care works weekends too
    hunit = np.where(p.sabo[hpi], p.sabo_unit[hpi], muni.hemsjukvard_unit)
    hprof = np.array([PROF["sjukskoterska"], PROF["arbetsterapeut"], PROF["fysioterapeut"]])[
        _categorical(rng, np.array([0.75, 0.125, 0.125]), hm)
    ]
    hrow = _staff_rows(rng, ref, hunit, hprof, p.person_id[hpi], np.full(hm, cal.OTHER_STAFF_P_USUAL))

    all_pi = np.concatenate([pi, hpi])
    all_day = np.concatenate([day, hday])
    order = np.lexsort((all_day, all_pi))
    return {
        "pi": all_pi[order],
        "day": all_day[order],
        "unit": np.concatenate([unit, hunit])[order],
        "staff_id": np.concatenate([row, hrow])[order] + 1,
        "prof": np.concatenate([prof, hprof])[order],
        "form": np.concatenate([form, np.full(hm, FORM["hembesok"])])[order],
    }


# --- Vårdgaranti episodes (DOMAIN §7 T1) ----------------------------------------------------------------


def assessments(
    rng: np.random.Generator, p: Persons, ref: Reference, muni: MunicipalityRef, yi: YearInfo
) -> dict[str, np.ndarray]:
    k = rng.poisson(cal.EPISODES_PER_CONTACT * vc_contact_rate(p) * p.alive_days / yi.n_days)
    pi = np.repeat(np.arange(p.n), k)
    m = len(pi)
    first = _weekday_days(rng, p.alive_days[pi], yi, cal.WEEKEND_KEEP)
    other = muni.vc_units[rng.integers(0, len(muni.vc_units), size=m)]
    unit = np.where(rng.random(m) < 0.95, p.listed_unit[pi], other)
    q3 = ref.vc_q3[unit] + np.where(p.glesbygd[pi], cal.ASSESSED_WITHIN_3_GLESBYGD_DELTA, 0.0)
    within = rng.random(m) < q3
    early = _categorical(rng, np.array(cal.DAYS_0_3_SPLIT), m)
    late = 4 + np.minimum(86, rng.exponential(cal.LATE_DAYS_MEAN, size=m).astype(np.int64))
    assess = first + np.where(within, early, late)
    died_first = p.dies[pi] & (assess >= p.alive_days[pi])
    none = (rng.random(m) < cal.NOT_ASSESSED) | died_first
    names = list(cal.ASSESSMENT_PROFESSIONS)
    prof = np.array([PROF[x] for x in names])[
        _categorical(rng, np.array(list(cal.ASSESSMENT_PROFESSIONS.values())), m)
    ]
    order = np.lexsort((first, pi))
    return {
        "pi": pi[order],
        "unit": unit[order],
        "first": first[order],
        "assess": assess[order],
        "none": none[order],
        "prof": prof[order],
    }


# --- Inpatient stays (DOMAIN §4, §7 S1–S4, P1, P2) -------------------------------------------------------


@dataclass
class _Stays:
    pi: np.ndarray
    admit: np.ndarray
    los: np.ndarray
    cat: np.ndarray
    dx: np.ndarray
    spec: np.ndarray
    proc: np.ndarray
    cause: np.ndarray  # external-cause code index, -1 if none

    @property
    def disch(self) -> np.ndarray:
        return self.admit + self.los

    def take(self, idx: np.ndarray) -> _Stays:
        return _Stays(*(getattr(self, f)[idx] for f in self.__dataclass_fields__))

    @staticmethod
    def concat(parts: list[_Stays]) -> _Stays:
        return _Stays(*(np.concatenate([getattr(s, f) for s in parts]) for f in _Stays.__dataclass_fields__))


def _los(rng: np.random.Generator, mean: np.ndarray) -> np.ndarray:
    return np.minimum(120, np.round(rng.gamma(1.3, np.asarray(mean, dtype=float) / 1.3))).astype(np.int64)


def _draw_stays(
    rng: np.random.Generator,
    p: Persons,
    table: DxTable,
    rate: np.ndarray,
    cat: int,
    yi: YearInfo,
    *,
    weekdays: bool = False,
) -> _Stays:
    k = rng.poisson(rate * p.alive_days / yi.n_days)
    pi = np.repeat(np.arange(p.n), k)
    if weekdays:
        admit = _weekday_days(rng, p.alive_days[pi], yi, 0.02)
    else:
        admit = (rng.random(len(pi)) * p.alive_days[pi]).astype(np.int64)
    e = table.draw(rng, p.age[pi], ~p.female[pi])
    proc = np.where(rng.random(len(pi)) < table.proc_p[e], table.proc[e], -1)
    return _Stays(
        pi,
        admit,
        _los(rng, table.los_mean[e]),
        np.full(len(pi), cat),
        table.dx[e],
        table.spec[e],
        proc,
        np.full(len(pi), -1),
    )


def _non_overlapping(s: _Stays) -> np.ndarray:
    """Keep-mask: a stay is dropped if it starts on or before the discharge of any earlier stay of the
    person."""
    order = np.lexsort((s.disch, s.admit, s.pi))
    key = s.pi[order] * NO_LIMIT * 2 + s.disch[order]
    prev = np.concatenate([[-1], np.maximum.accumulate(key)[:-1]]) - s.pi[order] * NO_LIMIT * 2
    keep = np.zeros(len(s.pi), dtype=bool)
    keep[order] = s.admit[order] > prev
    return keep


def admissions(
    rng: np.random.Generator, p: Persons, ref: Reference, muni: MunicipalityRef, yi: YearInfo
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Inpatient rows and the SIPs that follow discharges."""
    cat_tables = CATALOGUE.tables
    n_chronic = np.bitwise_count(p.chronic.astype(np.uint64)).astype(float)
    base_f = np.where(p.sabo, cal.SABO_ADMISSION_FACTOR, 1.0) * np.where(
        p.vulnerable, cal.VULNERABLE_ADMISSION_FACTOR, 1.0
    )
    bit = {s: 1 << i for i, s in enumerate(cal.CHRONIC_STEMS)}
    has = {s: (p.chronic & b) > 0 for s, b in bit.items()}

    fall_rate = cal.FALL_INJURY[p.age] * np.where(has["M81"], cal.FALL_FACTORS["M81"], 1.0)
    fall_rate *= np.where(has["F03"], cal.FALL_FACTORS["F03"], 1.0) * np.where(
        p.sabo, cal.FALL_FACTORS["sabo"], 1.0
    )
    fall_rate *= np.where(p.female, cal.FALL_FACTORS["female"], 1.0)
    fall_rate = np.where(p.age < 65, cal.FALL_UNDER_65, fall_rate)

    parts = [
        _draw_stays(
            rng,
            p,
            cat_tables["other"],
            cal.OTHER_UNPLANNED[p.age] * base_f * (1 + 0.1 * n_chronic),
            CAT_OTHER,
            yi,
        ),
        _draw_stays(
            rng, p, cat_tables["planned"], cal.PLANNED[p.age] * base_f, CAT_PLANNED, yi, weekdays=True
        ),
        _draw_stays(rng, p, cat_tables["injury"], cal.INJURY_NON_FALL[p.age], CAT_INJURY, yi),
        _draw_stays(rng, p, cat_tables["fall"], fall_rate, CAT_FALL, yi),
        _draw_stays(rng, p, cat_tables["psychiatry"], cal.PSYCHIATRY[p.age], CAT_PSYCH, yi),
        _draw_stays(rng, p, cat_tables["birth"], cal.BIRTHS_PER_WOMAN[p.age] * p.female, CAT_BIRTH, yi),
    ]
    eq = np.where(p.vulnerable, cal.AVOIDABLE_VULNERABLE_FACTOR, 1.0) * np.where(
        p.glesbygd, cal.AVOIDABLE_GLESBYGD_FACTOR, 1.0
    )
    for stem, rate in cal.AVOIDABLE_RATE.items():
        parts.append(_draw_stays(rng, p, CATALOGUE.avoidable[stem], has[stem] * rate * eq, CAT_AVOIDABLE, yi))
    stays = _Stays.concat(parts)
    # External causes: falls W00–W19 (DOMAIN §7 P2); other injuries mostly other causes.
    fall = stays.cat == CAT_FALL
    stays.cause[fall] = CATALOGUE.fall_cause[_categorical(rng, CATALOGUE.fall_cause_p, int(fall.sum()))]
    inj = np.flatnonzero(stays.cat == CAT_INJURY)
    young_fall = (p.age[stays.pi[inj]] < 65) & (rng.random(len(inj)) < 0.3)
    stays.cause[inj] = np.where(
        young_fall,
        CATALOGUE.fall_cause[_categorical(rng, CATALOGUE.fall_cause_p, len(inj))],
        CATALOGUE.other_cause[_categorical(rng, CATALOGUE.other_cause_p, len(inj))],
    )

    # In-hospital deaths: a terminal stay ending on the day of death.
    in_hosp = p.dies & (rng.random(p.n) < np.where(p.sabo, cal.DIES_IN_HOSPITAL_SABO, cal.DIES_IN_HOSPITAL))
    tpi = np.flatnonzero(in_hosp)
    te = cat_tables["terminal"].draw(rng, p.age[tpi], ~p.female[tpi])
    t_los = _los(rng, cat_tables["terminal"].los_mean[te])
    t_admit = np.maximum(0, p.alive_days[tpi] - t_los)
    terminal = _Stays(
        tpi,
        t_admit,
        p.alive_days[tpi] - t_admit,
        np.full(len(tpi), CAT_TERMINAL),
        cat_tables["terminal"].dx[te],
        cat_tables["terminal"].spec[te],
        np.full(len(tpi), -1),
        np.full(len(tpi), -1),
    )
    limit = np.where(p.dies, p.alive_days, NO_LIMIT)
    limit[tpi] = t_admit
    stays = stays.take(np.flatnonzero(stays.disch < limit[stays.pi]))
    stays = stays.take(np.flatnonzero(_non_overlapping(stays)))

    # Unplanned readmissions 1–30 days after a discharge (DOMAIN §7 S1), on top of chance recurrences.
    src = stays.take(np.flatnonzero(stays.cat != CAT_BIRTH))
    p_r = np.where(p.age[src.pi] >= 65, cal.READMISSION_P_65, cal.READMISSION_P_UNDER_65)
    src = src.take(np.flatnonzero(rng.random(len(src.pi)) < p_r))
    gap = 1 + np.minimum(29, rng.exponential(cal.READMISSION_GAP_MEAN, size=len(src.pi)).astype(np.int64))
    fresh = cat_tables["other"].draw(rng, p.age[src.pi], ~p.female[src.pi])
    same = (rng.random(len(src.pi)) < cal.READMISSION_SAME_CONDITION) & np.isin(
        src.cat, [CAT_OTHER, CAT_AVOIDABLE, CAT_PSYCH]
    )
    post_op = src.cat == CAT_PLANNED
    dx = np.where(post_op, CATALOGUE.post_op_dx, np.where(same, src.dx, cat_tables["other"].dx[fresh]))
    spec = np.where(post_op | same, src.spec, cat_tables["other"].spec[fresh])
    readmit = _Stays(
        src.pi,
        src.disch + gap,
        _los(rng, np.full(len(src.pi), 5.0)),
        np.full(len(src.pi), CAT_READMIT),
        dx,
        spec,
        np.full(len(src.pi), -1),
        np.full(len(src.pi), -1),
    )
    readmit = readmit.take(np.flatnonzero(readmit.disch < limit[readmit.pi]))
    stays = _Stays.concat([stays, readmit])
    stays = stays.take(np.flatnonzero(_non_overlapping(stays)))
    stays = _Stays.concat([stays, terminal])
    stays = stays.take(np.lexsort((stays.admit, stays.pi)))
    n_stays = len(stays.pi)

    # Ward: children to the children's ward, some of the oldest medical patients to geriatrics.
    age = p.age[stays.pi]
    child = (age < 15) & np.isin(
        stays.spec, [SPEC["medicin"], SPEC["infektion"], SPEC["kardiologi"], SPEC["geriatrik"]]
    )
    spec = np.where(child, SPEC["barn"], stays.spec)
    spec = np.where(
        (age >= 80) & (spec == SPEC["medicin"]) & (rng.random(n_stays) < 0.35), SPEC["geriatrik"], spec
    )
    unit = muni.ward[spec]

    # Same-day transfers: split a stay in two rows on the transfer day.
    p_tr = np.where(stays.cat == CAT_FALL, cal.TRANSFER_P_FALL, cal.TRANSFER_P)
    tr = (stays.los >= 1) & ~np.isin(stays.cat, [CAT_BIRTH, CAT_TERMINAL]) & (rng.random(n_stays) < p_tr)
    ti = np.flatnonzero(tr)
    h = ref.unit_hospital[unit[ti]]
    s = ref.unit_spec[unit[ti]]
    to_main = ~ref.hospital_is_main[h] & (rng.random(len(ti)) < 0.5)
    target = np.where(
        to_main,
        ref.main_ward[h, s],
        np.where(s != SPEC["geriatrik"], ref.ward_at[h, SPEC["geriatrik"]], ref.ward_at[h, SPEC["medicin"]]),
    )
    split = stays.admit[ti] + (rng.random(len(ti)) * stays.los[ti]).astype(np.int64)

    # Lag (2017:612) process on the stay, recorded on its last row (DOMAIN §4).
    died = stays.cat == CAT_TERMINAL
    homecare = p.sabo[stays.pi] | p.hemsjukvard[stays.pi]
    pp = np.where(homecare, cal.DISCHARGE_PROCESS_HOMECARE, cal.DISCHARGE_PROCESS_P[age])
    pp = pp * np.where(stays.cat == CAT_FALL, cal.DISCHARGE_PROCESS_FALL_FACTOR, 1.0)
    pp = pp * np.where(stays.cat == CAT_PLANNED, cal.DISCHARGE_PROCESS_PLANNED_FACTOR, 1.0)
    pp = np.where(stays.cat == CAT_PSYCH, 0.15, np.where(stays.cat == CAT_BIRTH, 0.0, pp))
    process = ~died & (rng.random(n_stays) < np.minimum(pp, 0.95))
    disch = stays.disch
    ready_days = rng.exponential(cal.READY_DAYS_MEAN * muni.ready_factor, size=n_stays).astype(np.int64)
    ready_days += np.where(rng.random(n_stays) < cal.READY_LONG_P, rng.integers(5, 26, size=n_stays), 0)
    ready = disch - np.minimum(ready_days, stays.los)
    has_ready = process & (rng.random(n_stays) < cal.READY_NOTICE_P)
    u = rng.random(n_stays)
    fvk = np.where(
        u < cal.FVK_BEFORE_DISCHARGE,
        stays.admit + np.minimum(stays.los, rng.exponential(1.5, size=n_stays).astype(np.int64)),
        disch + 1 + rng.integers(0, 14, size=n_stays),
    )
    has_fvk = process & (u < cal.FVK_BEFORE_DISCHARGE + cal.FVK_AFTER_DISCHARGE)

    # SIP after discharge when both principals are needed (DOMAIN §3, §7 S3).
    both = process & (rng.random(n_stays) < cal.SIP_NEEDS_BOTH)
    u2 = rng.random(n_stays)
    sip_day = disch + np.where(
        u2 < cal.SIP_WITHIN_30, rng.integers(0, 31, size=n_stays), rng.integers(31, 61, size=n_stays)
    )
    sip = both & (u2 < cal.SIP_WITHIN_30 + cal.SIP_LATE) & (sip_day < limit[stays.pi])
    si = np.flatnonzero(sip)
    sip_unit = np.where(rng.random(len(si)) < 0.6, p.listed_unit[stays.pi[si]], muni.hemsjukvard_unit)

    # Rows: every stay's first part, then the second parts of transferred stays.
    r_pi = np.concatenate([stays.pi, stays.pi[ti]])
    r_admit = np.concatenate([stays.admit, split])
    r_disch = np.concatenate([np.where(tr, 0, disch), disch[ti]])
    r_disch[ti] = split
    r_unit = np.concatenate([unit, target])
    part = np.concatenate([np.zeros(n_stays, dtype=np.int64), np.ones(len(ti), dtype=np.int64)])
    last = np.concatenate([~tr, np.ones(len(ti), dtype=bool)])
    stay_of = np.concatenate([np.arange(n_stays), ti])
    order = np.lexsort((part, r_admit, r_pi))
    pos = np.empty_like(order)
    pos[order] = np.arange(len(order))
    transferred_to = np.full(len(order), -1, dtype=np.int64)
    transferred_to[pos[ti]] = pos[n_stays + np.arange(len(ti))]

    st = stay_of[order]
    is_last = last[order]
    # Drawn after everything above, so the rows of generator 1.1.0 stay as they were:
    # SIPs held before discharge, during the process (DOMAIN §7 S3: they count) …
    before = rng.random(len(si)) < cal.SIP_BEFORE_DISCHARGE
    start = np.where(has_ready[si], np.maximum(ready[si], stays.admit[si]), stays.admit[si])
    held = start + (rng.random(len(si)) * (disch[si] - start + 1)).astype(np.int64)
    sip_day = sip_day.copy()
    sip_day[si] = np.where(before & (u2[si] < cal.SIP_WITHIN_30), np.minimum(held, disch[si]), sip_day[si])
    # … and the local times (minutes after midnight, Europe/Stockholm) of leaving each ward and of naming the
    # fast vårdkontakt (DOMAIN §7 S4: named strictly before the discharge time).
    n_rows = len(order)
    disch_min = rng.integers(cal.DISCHARGE_MINUTES[0], cal.DISCHARGE_MINUTES[1], size=n_rows)
    fvk_min = rng.integers(cal.FVK_MINUTES[0], cal.FVK_MINUTES[1], size=n_rows)
    rows = {
        "pi": r_pi[order],
        "unit": r_unit[order],
        "admit": r_admit[order],
        "disch": r_disch[order],
        "unplanned": (stays.cat != CAT_PLANNED)[st],
        "dx": stays.dx[st],
        "cause": stays.cause[st],
        "proc": np.where(part[order] == 0, stays.proc[st], -1),
        "transferred_to": transferred_to,
        "died": died[st] & is_last,
        "process": process[st] & is_last,
        # utskrivningsklar on the last ward of the stay (after a transfer, not before arriving there)
        "ready": np.where(has_ready[st] & is_last, np.maximum(ready[st], r_admit[order]), -1),
        "fvk": np.where(has_fvk[st] & is_last, fvk[st], -1),
        "disch_min": disch_min,
        "fvk_min": fvk_min,
        # the SIP need stated in the process: both principals' interventions needed (DOMAIN §3, §7 S3)
        "sip_needed": both[st] & is_last,
        "chronic": p.chronic[r_pi[order]],
    }
    sips = {"pi": stays.pi[si], "day": sip_day[si], "unit": sip_unit}
    return rows, sips


# --- Interventions (DOMAIN §7 S3, P3–P5) --------------------------------------------------------------

KINDS = ("sip", "forebyggande_hembesok", "far", "levnadsvanor", "levnadsvanor_rad")


def interventions(
    rng: np.random.Generator,
    p: Persons,
    ref: Reference,
    muni: MunicipalityRef,
    yi: YearInfo,
    sips: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    parts_pi, parts_day, parts_kind, parts_unit = (
        [sips["pi"]],
        [sips["day"]],
        [np.zeros(len(sips["pi"]), dtype=np.int64)],
        [sips["unit"]],
    )
    habits_rows: list[np.ndarray] = []  # (part-local row, habit) pairs for levnadsvanor rows

    def add(pi: np.ndarray, day: np.ndarray, kind: int, unit: np.ndarray) -> None:
        parts_pi.append(pi)
        parts_day.append(day)
        parts_kind.append(np.full(len(pi), kind, dtype=np.int64))
        parts_unit.append(unit)

    # SIPs not linked to a discharge: homecare patients.
    homecare = p.sabo | p.hemsjukvard
    k = rng.poisson(cal.SIP_BACKGROUND_HOMECARE * homecare * p.alive_days / yi.n_days)
    bpi = np.repeat(np.arange(p.n), k)
    add(
        bpi,
        _weekday_days(rng, p.alive_days[bpi], yi, 0.0),
        0,
        np.where(rng.random(len(bpi)) < 0.6, p.listed_unit[bpi], muni.hemsjukvard_unit),
    )

    # Förebyggande hembesök: the cohort turning 80 this year without municipal interventions (P3).
    cohort = (p.age == cal.HEMBESOK_AGE - 1) & ~homecare & ~p.hemtjanst
    visited = np.flatnonzero(cohort & (rng.random(p.n) < muni.hembesok_p))
    birthday = np.minimum(
        (
            p.birth_days[visited].astype("datetime64[D]")
            - p.birth_days[visited].astype("datetime64[D]").astype("datetime64[Y]")
        ).astype(np.int64),
        yi.n_days - 1,
    )
    hday = birthday + (rng.random(len(visited)) * (yi.n_days - birthday)).astype(np.int64)
    ok = hday < p.alive_days[visited]
    add(visited[ok], hday[ok], 1, np.full(int(ok.sum()), muni.socialtjanst_unit))

    adult = p.age >= 18
    has = lambda stem: (p.chronic & (1 << cal.CHRONIC_STEMS.index(stem))) > 0  # noqa: E731
    metabolic = has("E11") | has("I10") | has("I25") | has("J44")
    far_p = cal.FAR_RATE_ADULT * np.where((p.age >= 45) & (p.age < 75), cal.FAR_FACTORS["45_74"], 1.0)
    far_p = far_p * np.where(metabolic, cal.FAR_FACTORS["metabolic"], 1.0) * (p.alive_days / yi.n_days)
    fpi = np.flatnonzero(adult & ~p.sabo & (rng.random(p.n) < far_p))
    add(fpi, _weekday_days(rng, p.alive_days[fpi], yi, 0.0), 2, p.listed_unit[fpi])

    lv_p = cal.LEVNADSVANOR_P * np.where(p.chronic > 0, cal.LEVNADSVANOR_CHRONIC_FACTOR, 1.0)
    lpi = np.flatnonzero(adult & ~p.sabo & (rng.random(p.n) < lv_p * p.alive_days / yi.n_days))
    lday = _weekday_days(rng, p.alive_days[lpi], yi, 0.0)
    habit_p = np.array(cal.HABIT_P)[None, :] * np.where(
        p.vulnerable[lpi, None], np.array(cal.HABIT_VULNERABLE_FACTOR)[None, :], 1.0
    )
    found = rng.random((len(lpi), len(cal.HABITS))) < habit_p
    base = sum(len(x) for x in parts_pi)
    add(lpi, lday, 3, p.listed_unit[lpi])
    r, hb = np.nonzero(found)
    habits_rows.append(np.stack([base + r, hb], axis=1))
    advised = np.flatnonzero(found.any(axis=1) & (rng.random(len(lpi)) < cal.ADVICE_P))
    aday = lday[advised] + rng.integers(0, 15, size=len(advised))
    ok = aday < p.alive_days[lpi[advised]]
    advised = advised[ok]
    base = sum(len(x) for x in parts_pi)
    add(lpi[advised], aday[ok], 4, p.listed_unit[lpi[advised]])
    r2, hb2 = np.nonzero(found[advised])
    habits_rows.append(np.stack([base + r2, hb2], axis=1))

    pi = np.concatenate(parts_pi)
    day = np.concatenate(parts_day)
    kind = np.concatenate(parts_kind)
    unit = np.concatenate(parts_unit)
    order = np.lexsort((kind, day, pi))
    pos = np.empty_like(order)
    pos[order] = np.arange(len(order))
    hr = np.concatenate(habits_rows)
    hr = hr[np.lexsort((hr[:, 1], pos[hr[:, 0]]))]
    return {
        "pi": pi[order],
        "day": day[order],
        "kind": kind[order],
        "unit": unit[order],
        "habit_row": pos[hr[:, 0]],
        "habit": hr[:, 1],
        "has_habits": kind[order] >= 3,
    }
