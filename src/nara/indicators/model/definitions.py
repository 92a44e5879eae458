"""The indicator definitions of DOMAIN.md §7, written once as Ibis expressions.

The same expressions run on DuckDB (embedded, the default), on Apache Spark (PySpark, local mode or a cluster)
and on PostgreSQL. Each *family* below returns one aggregated table: the grouping columns the caller asked for
(``dims``), the fine age band ``band`` (model.BAND_LOWER), the period index ``pk`` (where the family is
periodic) and additive measures (counts and sums). Everything after that — rolling up to region, länsdel or
age group, person-years, direct age standardisation, suppression — is small arithmetic in service/engine.py, identical
for every backend.

Portability rules kept here: dates become day numbers (days since 1970-01-01) at the edge and all date
arithmetic is on integers; booleans are summed as 0/1 integers; averages are computed as float sums and
counts, never with a backend's AVG of integers (PostgreSQL returns NUMERIC).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir

from nara.indicators.model import BAND_LOWER, band_of_age, valueset

BAND_18 = band_of_age(18)
BAND_65 = band_of_age(65)
_EPOCH = ibis.date(1970, 1, 1)


@dataclass
class Tables:
    """The input tables of docs/data-format.md as Ibis tables on one backend."""

    persons: ir.Table
    contacts: ir.Table
    assessments: ir.Table
    admissions: ir.Table
    interventions: ir.Table
    contact_requests: ir.Table | None = None
    discharge_processes: ir.Table | None = None


@dataclass
class Periods:
    """The reporting periods on the backend. ``table`` has one row per period (pk, p_start, p_end, lb18, lb24,
    ys, jan1, p_year as day numbers / years); the month maps (mk, pk) list the months each period, its
    18-month continuity window, its 24-month lifestyle window and its P3 visit window cover. Events are first
    limited to the analysis window [w0, w1]; then a period join is an equality join on the month key (fast on
    every engine, where a range join is not)."""

    table: ir.Table
    months: ir.Table
    months18: ir.Table  # also lo_mk: the window's first month
    months24: ir.Table
    months_ys: ir.Table
    w0: int
    w1: int


def month_key(col: ir.DateValue) -> ir.IntegerValue:
    return (col.year() * 12 + col.month() - 1).cast("int64")


def ymd(col: ir.DateValue) -> ir.IntegerValue:
    """A date as the integer YYYYMMDD: completed years between two dates are (later − earlier) // 10 000."""
    return (col.year() * 10000 + col.month() * 100 + col.day()).cast("int64")


def day(col: ir.DateValue) -> ir.IntegerValue:
    """Day number (days since 1970-01-01) of a date column; null stays null."""
    return col.delta(_EPOCH, unit="day").cast("int64")


def _i(cond: ir.BooleanValue) -> ir.IntegerValue:
    """0/1 of a condition; null counts as 0."""
    return ibis.ifelse(cond.fill_null(False), 1, 0).cast("int64")


def starts_with_any(col: ir.StringValue, prefixes: Sequence[str]) -> ir.BooleanValue:
    """The code starts with one of the prefixes (value-set matching on ICD-10 / KVÅ codes)."""
    by_len: dict[int, list[str]] = {}
    for p in prefixes:
        by_len.setdefault(len(p), []).append(p)
    parts = [col.substr(0, n).isin(sorted(ps)) for n, ps in sorted(by_len.items())]
    out = parts[0]
    for p in parts[1:]:
        out = out | p
    return out


def list_has_any(col: ir.ArrayValue, prefixes: Sequence[str]) -> ir.BooleanValue:
    return (col.filter(lambda x: starts_with_any(x, prefixes)).length() > 0).fill_null(False)


# --- Persons ----------------------------------------------------------------------------------------------


def person_dims(t: Tables, reference_day: date, dims: Sequence[str]) -> ir.Table:
    """One row per person: the requested grouping columns, the fine age band on the reference day and the
    attributes the definitions use. ``band`` = completed years on the day before the analysis window starts
    (populations, person-years and persons counted per period); events replace it by the age on the event's day
    (``at_event``). ``municipal`` = has municipal interventions: SäBo, hemsjukvård or hemtjänst (P3)."""
    p = t.persons
    b = p.birth_date
    before = (b.month() > reference_day.month) | (
        (b.month() == reference_day.month) & (b.day() > reference_day.day)
    )
    age = (ibis.literal(reference_day.year) - b.year() - ibis.ifelse(before, 1, 0)).cast("int64")
    cols = {d: p[d] for d in dims if d != "band"}
    return p.select(
        person_id=p.person_id,
        **cols,
        band=band_expression(age),
        birth_year=b.year().cast("int64"),
        b_ymd=ymd(b),
        listed=_i(p.listed_unit_id.notnull()),
        listed_unit_id_=p.listed_unit_id,
        fast_lakare_id=p.fast_lakare_id,
        named=_i(p.fast_lakare_id.notnull()),
        sabo=_i(p.sabo),
        municipal=_i(p.sabo | p.hemsjukvard | p.hemtjanst),
        death_d=day(p.death_date),
    )


def band_expression(age: ir.IntegerValue) -> ir.IntegerValue:
    """Index into BAND_LOWER (0, 5, 10, 15, 18, 20, 25, …, 90) of the fine band that holds ``age``."""
    assert BAND_LOWER[:6] == (0, 5, 10, 15, 18, 20) and BAND_LOWER[-1] == 90 and len(BAND_LOWER) == 20
    five = (age / 5).floor().cast("int64")
    return ibis.ifelse(
        age < 15, five, ibis.ifelse(age < 18, 3, ibis.ifelse(age < 20, 4, ibis.least(five + 1, 19)))
    ).cast("int64")


def at_event(x: ir.Table, event_ymd: str = "ev") -> ir.Table:
    """``x`` (joined to the persons) with ``band`` = the age band on the event's day (DOMAIN §7: age is age at the
    event), from the event's and the birth's YYYYMMDD."""
    age = ((x[event_ymd] - x.b_ymd) / 10000).floor().cast("int64")
    return x.mutate(band=band_expression(age))


def _keys(dims: Sequence[str]) -> list[str]:
    return [d for d in dims if d != "band"] + ["band"]


def _window(x: ir.Table, periods: Periods, d: str = "d") -> ir.Table:
    return x.filter((x[d] >= periods.w0) & (x[d] <= periods.w1))


# --- Population and status (K1, K2, P5 denominator; person-years) -----------------------------------------


def population(pd: ir.Table, dims: Sequence[str]) -> ir.Table:
    """Persons per cell: the base of every rate's person-years (population on the window's first day)."""
    return pd.group_by(_keys(dims)).aggregate(pop_all=pd.count(), pop_listed=pd.listed.sum())


def status(pd: ir.Table, periods: Periods, dims: Sequence[str]) -> ir.Table:
    """K1, K2 and the P5 denominator: persons alive at the end of each period (DOMAIN §6, §7)."""
    keys = _keys(dims)
    cells = pd.group_by([*keys, "listed", "named", "sabo", "death_d"]).aggregate(n=pd.count())
    x = cells.cross_join(periods.table)
    x = x.filter(x.death_d.isnull() | (x.death_d > x.p_end))
    adult = x.band >= BAND_18
    return x.group_by([*keys, "pk"]).aggregate(
        k1_den=(x.n * x.listed).sum(),
        k1_num=(x.n * x.listed * x.named).sum(),
        k2_den=(x.n * x.sabo).sum(),
        k2_num=(x.n * x.sabo * x.named).sum(),
        p5_den=(x.n * x.listed * _i(adult)).sum(),
    )


def _dated(t: ir.Table, date_col: str, periods: Periods, **cols: ir.Value) -> ir.Table:
    """Rows of ``t`` dated inside the analysis window, with their day number ``d``, month key ``mk`` and date as
    YYYYMMDD ``ev`` (for the age at the event)."""
    x = t.select(d=day(t[date_col]), mk=month_key(t[date_col]), ev=ymd(t[date_col]), **cols)
    return _window(x, periods)


def _per_period(x: ir.Table, pd: ir.Table, periods: Periods) -> ir.Table:
    """Dated rows joined to the person's grouping columns (age band on the event's day) and to the periods that
    hold their month."""
    x = at_event(x.join(pd, "person_id"))
    return x.join(periods.months, "mk")


# --- Tillgänglighet (T1–T3) ---------------------------------------------------------------------------------


def t1(t: Tables, pd: ir.Table, periods: Periods, dims: Sequence[str]) -> ir.Table:
    """T1: assessed episodes by first-contact date; assessed ≤ 3 calendar days after first contact."""
    a = t.assessments
    a = a.filter(a.assessment_date.notnull())
    a = _dated(a, "first_contact_date", periods, person_id=a.person_id, ad=day(a.assessment_date))
    x = _per_period(a, pd, periods)
    return x.group_by([*_keys(dims), "pk"]).aggregate(t1_den=x.count(), t1_num=_i(x.ad - x.d <= 3).sum())


def t2(t: Tables, pd: ir.Table, periods: Periods, dims: Sequence[str]) -> ir.Table | None:
    """T2: incoming phone/digital contacts answered the same day (optional input contact_requests)."""
    if t.contact_requests is None:
        return None
    r = t.contact_requests
    r = _dated(r, "request_date", periods, person_id=r.person_id, ad=day(r.answered_date))
    x = _per_period(r, pd, periods)
    return x.group_by([*_keys(dims), "pk"]).aggregate(t2_den=x.count(), t2_num=_i(x.ad == x.d).sum())


NURSES = ("distriktsskoterska", "sjukskoterska", "underskoterska")
FORMS = ("fysiskt", "telefon", "video", "hembesok")


def t3(t: Tables, pd: ir.Table, periods: Periods, dims: Sequence[str]) -> ir.Table:
    """T3: primary-care contacts, all and by form and profession (per 1 000 person-years in service/engine.py)."""
    c = t.contacts
    c = _dated(c, "date", periods, person_id=c.person_id, form=c.form, profession=c.profession)
    x = _per_period(c, pd, periods)
    return x.group_by([*_keys(dims), "pk"]).aggregate(
        t3_all=x.count(),
        **{f"t3_{f}": _i(x.form == f).sum() for f in FORMS},
        t3_lakare=_i(x.profession == "lakare").sum(),
        t3_sjukskoterska=_i(x.profession.isin(NURSES)).sum(),
        t3_ovriga=_i(~x.profession.isin((*NURSES, "lakare"))).sum(),
    )


# --- Kontinuitet (K3–K5) ------------------------------------------------------------------------------------


def _continuity_persons(c: ir.Table, periods: Periods, provider: str) -> ir.Table:
    """Per period and person: N contacts in the 18-month window ending with the period, Σ n_j², max n_j,
    same-provider consecutive pairs and contacts with the named fast läkare (DOMAIN §7 formulas)."""
    w = ibis.window(group_by="person_id", order_by=["d", "contact_id"])
    c = c.mutate(prev_provider=c[provider].lag().over(w), prev_mk=c.mk.lag().over(w))
    x = c.join(periods.months18, "mk")
    # A consecutive pair counts when the previous contact lies in the same window: contacts are already limited
    # to the analysis window, so its month decides (lo_mk = the window's first month).
    x = x.mutate(
        same=_i((x.prev_provider == x[provider]) & (x.prev_mk >= x.lo_mk)),
        with_named=_i(x.staff_id == x.fast_lakare_id),
    )
    pp = x.group_by(["pk", "person_id", provider]).aggregate(
        n=x.count(), same=x.same.sum(), with_named=x.with_named.sum()
    )
    person = pp.group_by(["pk", "person_id"]).aggregate(
        n=pp.n.sum(), sq=(pp.n * pp.n).sum(), top=pp.n.max(), same=pp.same.sum(), with_named=pp.with_named.sum()
    )
    person = person.filter(person.n >= 3)  # SKR's convention: persons with at least 3 contacts
    n = person.n.cast("float64")
    return person.mutate(
        coc=(person.sq.cast("float64") - n) / (n * (n - 1.0)),
        upc=person.top.cast("float64") / n,
        secon=person.same.cast("float64") / (n - 1.0),
        kpc=person.with_named.cast("float64") / n,
    )


def _contacts_at_listed_unit(t: Tables, pd: ir.Table, periods: Periods) -> ir.Table:
    c = t.contacts
    c = _dated(
        c, "date", periods, contact_id=c.contact_id, person_id=c.person_id, unit_id=c.unit_id,
        staff_id=c.staff_id, profession=c.profession,
    )
    p = pd.select("person_id", "listed_unit_id_", "fast_lakare_id")
    x = c.join(p, "person_id")
    return x.filter(x.unit_id == x.listed_unit_id_)


def continuity_doctors(t: Tables, pd: ir.Table, periods: Periods, dims: Sequence[str]) -> ir.Table:
    """K3 (COC, UPC, SECON, KPC) and K5 (K3 for SäBo residents): doctor contacts at the listed vårdcentral."""
    c = _contacts_at_listed_unit(t, pd, periods)
    c = c.filter(c.profession == "lakare")
    per = _continuity_persons(c, periods, "staff_id")
    x = per.join(pd, "person_id")
    named, sabo = x.named == 1, x.sabo == 1
    return x.group_by([*_keys(dims), "pk"]).aggregate(
        k3_n=x.count(),
        k3_coc=x.coc.sum(),
        k3_upc=x.upc.sum(),
        k3_secon=x.secon.sum(),
        k3kpc_n=_i(named).sum(),
        k3_kpc=ibis.ifelse(named, x.kpc, 0.0).sum(),
        k5_n=_i(sabo).sum(),
        k5_coc=ibis.ifelse(sabo, x.coc, 0.0).sum(),
        k5_upc=ibis.ifelse(sabo, x.upc, 0.0).sum(),
    )


def continuity_all_staff(t: Tables, pd: ir.Table, periods: Periods, dims: Sequence[str]) -> ir.Table:
    """K4: contacts with any profession at the listed vårdcentral; the provider is the individual professional."""
    c = _contacts_at_listed_unit(t, pd, periods)
    per = _continuity_persons(c, periods, "staff_id")
    x = per.join(pd, "person_id")
    return x.group_by([*_keys(dims), "pk"]).aggregate(
        k4_n=x.count(), k4_coc=x.coc.sum(), k4_upc=x.upc.sum(), k4_secon=x.secon.sum()
    )


# --- Continuous stays (S1, S2–S4, P1, P2) -------------------------------------------------------------------


def stays(t: Tables) -> ir.Table:
    """Continuous inpatient stays (vårdtillfällen). Only *transfers* are merged (DOMAIN §7 S1): a row admitted on
    the day the person's previous row was discharged, at another unit, continues that stay; a row admitted the same
    day to the same unit is a new stay — a readmission. (Overlapping rows, which the format does not allow, are
    merged too.) Diagnoses come from the stay's first row; procedures from any row; death, the discharge process,
    utskrivningsklar, SIP need, fast vårdkontakt and the discharge time from any row (they sit on the last).
    ``ad_ymd``/``dd_ymd``: admission and discharge dates as YYYYMMDD, for the age at the event."""
    a = t.admissions
    av = valueset("avoidable_chronic")
    fall = valueset("fall_injury")
    main, sec, procs = a.main_dx, a.secondary_dx, a.procedures
    plain, if_no_proc, if_no_cardiac = [], [], []
    for rule in av["rule"]:
        hit = starts_with_any(main, rule["codes"]).fill_null(False)
        if rule.get("position") == "any":
            hit = hit | list_has_any(sec, rule["codes"])
        if rule.get("require_secondary"):
            hit = hit & list_has_any(sec, rule["require_secondary"])
        {"any_procedure": if_no_proc, "cardiac_procedure": if_no_cardiac}.get(
            rule.get("exclude_if", ""), plain
        ).append(hit)

    def any_of(conds: list[ir.BooleanValue]) -> ir.BooleanValue:
        out: ir.BooleanValue = ibis.literal(False)
        for cond in conds:
            out = out | cond
        return out

    rows = a.select(
        admission_id=a.admission_id,
        person_id=a.person_id,
        unit_id=a.unit_id,
        ad=day(a.admit_date),
        dd=day(a.discharge_date),
        ad_ymd=ymd(a.admit_date),
        dd_ymd=ymd(a.discharge_date),
        amk=month_key(a.admit_date),
        dmk=month_key(a.discharge_date),
        unplanned=_i(a.unplanned),
        av_plain=_i(any_of(plain)),
        av_no_proc=_i(any_of(if_no_proc)),
        av_no_cardiac=_i(any_of(if_no_cardiac)),
        fall=_i(starts_with_any(main, fall["injury_codes"]) & list_has_any(sec, fall["external_cause_codes"])),
        has_proc=_i(procs.length() > 0),
        has_cardiac=_i(list_has_any(procs, av["cardiac_procedure_prefixes"])),
        died=_i(a.died),
        process=_i(a.discharge_process),
        sip_needed=_i(a.sip_needed),
        rd=day(a.ready_for_discharge_date),
        dis_at=a.discharged_at,
        fvk_at=a.fast_vardkontakt_named_at,
    )
    order = ["ad", "dd", "admission_id"]
    before = ibis.window(group_by="person_id", order_by=order, rows=(None, -1))
    w = ibis.window(group_by="person_id", order_by=order)
    rows = rows.mutate(
        latest_dd=rows.dd.max().over(before), prev_dd=rows.dd.lag().over(w), prev_unit=rows.unit_id.lag().over(w)
    )
    transfer = (rows.ad == rows.prev_dd) & (rows.unit_id != rows.prev_unit)
    continues = (rows.ad < rows.latest_dd) | transfer.fill_null(False)
    rows = rows.mutate(new=ibis.ifelse(continues.fill_null(False), 0, 1))
    rows = rows.mutate(stay_no=rows.new.sum().over(ibis.cumulative_window(group_by="person_id", order_by=order)))
    rows = rows.mutate(
        first=_i(ibis.row_number().over(ibis.window(group_by=["person_id", "stay_no"], order_by=order)) == 0)
    )
    f = rows.first
    s = rows.group_by(["person_id", "stay_no"]).aggregate(
        ad=rows.ad.min(),
        dd=rows.dd.max(),
        ad_ymd=rows.ad_ymd.min(),
        dd_ymd=rows.dd_ymd.max(),
        amk=rows.amk.min(),
        dmk=rows.dmk.max(),
        unplanned=(rows.unplanned * f).max(),
        av_plain=(rows.av_plain * f).max(),
        av_no_proc=(rows.av_no_proc * f).max(),
        av_no_cardiac=(rows.av_no_cardiac * f).max(),
        fall=(rows.fall * f).max(),
        has_proc=rows.has_proc.max(),
        has_cardiac=rows.has_cardiac.max(),
        died=rows.died.max(),
        process=rows.process.max(),
        sip_needed=rows.sip_needed.max(),
        rd=rows.rd.max(),
        dis_at=rows.dis_at.max(),
        fvk_at=rows.fvk_at.max(),
    )
    avoidable = (s.unplanned == 1) & (
        (s.av_plain == 1) | ((s.av_no_proc == 1) & (s.has_proc == 0)) | ((s.av_no_cardiac == 1) & (s.has_cardiac == 0))
    )
    return s.mutate(avoidable=_i(avoidable))


def _flag_exists(
    left: ir.Table, keys: list[str], right: ir.Table, on: tuple[str, str], condition: Any, name: str
) -> ir.Table:
    """``left`` with a 0/1 column ``name``: whether some row of ``right`` with the same person
    (``on`` = (left column, right column)) meets ``condition(joined)``. Written as an equality join, a filter
    and a distinct — a semi-join with a range condition is planned as a nested loop by some engines."""
    j = left.join(right, left[on[0]] == right[on[1]])
    hits = j.filter(condition(j)).select(*keys).distinct().mutate(**{name: ibis.literal(1)})
    out = left.left_join(hits, keys)
    return out.select(*left.columns, **{name: out[name].fill_null(0).cast("int64")})


def s1(st: ir.Table, pd: ir.Table, periods: Periods, dims: Sequence[str]) -> ir.Table:
    """S1: index discharges (alive) of persons 65+ on the discharge day, followed by an unplanned stay admitted
    0–30 days after discharge. Day 0 counts only for a stay of its own — a same-day readmission to the same unit;
    a same-day admission elsewhere is a transfer and already part of the index stay (``stays``)."""
    index = st.filter((st.died == 0) & (st.dd >= periods.w0) & (st.dd <= periods.w1))
    index = index.select("person_id", "stay_no", "dd", mk=index.dmk, ev=index.dd_ymd)
    nxt = st.filter(st.unplanned == 1).select(person_id2=st.person_id, stay_no2=st.stay_no, ad2=st.ad)
    index = _flag_exists(
        index, ["person_id", "stay_no"], nxt, ("person_id", "person_id2"),
        lambda j: (j.stay_no2 > j.stay_no) & (j.ad2 - j.dd >= 0) & (j.ad2 - j.dd <= 30), "readmitted",
    )
    x = at_event(index.join(pd, "person_id"))
    x = x.filter(x.band >= BAND_65)
    x = x.join(periods.months, "mk")
    return x.group_by([*_keys(dims), "pk"]).aggregate(s1_den=x.count(), s1_num=x.readmitted.sum())


def processes(t: Tables, st: ir.Table) -> ir.Table:
    """Discharges with a lag (2017:612) process: (person_id, proc_id, ad, dd, dmk, ev, rd, days, sip_needed, dis_at,
    fvk_at). From the optional input discharge_processes (the platform's own processes) when given — ``days`` is
    then its ``days_ready``, counted by the payment days' own function under the process's agreement — else from
    the continuous stays of admissions, ``days`` = ``ready_days`` (the law's default counting, DOMAIN §4)."""
    if t.discharge_processes is not None:
        p = t.discharge_processes
        return p.select(
            person_id=p.person_id,
            proc_id=p.process_id,
            ad=day(p.admit_date),
            dd=day(p.discharge_date),
            dmk=month_key(p.discharge_date),
            ev=ymd(p.discharge_date),
            rd=day(p.ready_for_discharge_date),
            days=p.days_ready.fill_null(0).cast("int64"),
            sip_needed=_i(p.sip_needed),
            dis_at=p.discharged_at,
            fvk_at=p.fast_vardkontakt_named_at,
        )
    p = st.filter((st.process == 1) & (st.died == 0))
    return p.select(
        "person_id", proc_id=p.stay_no, ad=p.ad, dd=p.dd, dmk=p.dmk, ev=p.dd_ymd, rd=p.rd,
        days=ready_days(p.rd, p.dd), sip_needed=p.sip_needed, dis_at=p.dis_at, fvk_at=p.fvk_at,
    )


def ready_days(rd: ir.IntegerValue, dd: ir.IntegerValue) -> ir.IntegerValue:
    """Days as utskrivningsklar, counted as the payment days of lag (2017:612) count them (DOMAIN §4,
    nara.discharge.payment): Swedish calendar days after the utskrivningsklar day (day 0) on which the patient was
    still in hospital at 24:00 — so neither the notice's day nor the day of discharge counts. 0 without a notice."""
    return ibis.ifelse(rd.notnull() & (dd - rd - 1 > 0), dd - rd - 1, 0).cast("int64")


def s2_to_s4(t: Tables, proc: ir.Table, pd: ir.Table, periods: Periods, dims: Sequence[str]) -> ir.Table:
    """S2 days as utskrivningsklar (``days``, see ``processes``); S3 of the processes where a SIP need was stated,
    those with a SIP held during the process or within 30 days after discharge; S4 fast vårdkontakt named strictly
    before the discharge time. Age band on the discharge day."""
    iv = t.interventions
    sip = iv.filter(iv.kind == "sip").select(person_id2=iv.person_id, sd=day(iv.date))
    proc = proc.filter((proc.dd >= periods.w0) & (proc.dd <= periods.w1))
    proc = _flag_exists(
        proc, ["person_id", "proc_id"], sip, ("person_id", "person_id2"),
        lambda j: (j.sd >= j.ad) & (j.sd - j.dd <= 30), "sip",
    )
    x = at_event(proc.join(pd, "person_id"))
    x = x.join(periods.months, x.dmk == periods.months.mk)
    days = x.days
    needed = x.sip_needed == 1
    return x.group_by([*_keys(dims), "pk"]).aggregate(
        s2_n=_i(days >= 1).sum(),
        s2_days=days.sum(),
        s3_den=_i(needed).sum(),
        s3_num=_i(needed & (x.sip == 1)).sum(),
        s4_den=x.count(),
        s4_num=_i(x.fvk_at.notnull() & (x.fvk_at < x.dis_at)).sum(),
    )


def p1_p2(st: ir.Table, pd: ir.Table, periods: Periods, dims: Sequence[str]) -> ir.Table:
    """P1 avoidable hospitalisation (unplanned stays, value set) and P2 fall-injury stays, by admission date and
    the age on that day."""
    x = st.filter(((st.avoidable == 1) | (st.fall == 1)) & (st.ad >= periods.w0) & (st.ad <= periods.w1))
    x = at_event(x.join(pd, "person_id"), "ad_ymd")
    x = x.join(periods.months, x.amk == periods.months.mk)
    return x.group_by([*_keys(dims), "pk"]).aggregate(p1=x.avoidable.sum(), p2=x.fall.sum())


# --- Proaktivitet (P3–P5) -----------------------------------------------------------------------------------


def p3(t: Tables, pd: ir.Table, periods: Periods, dims: Sequence[str]) -> ir.Table:
    """P3: the cohort turning 80 in the period's calendar year who have no municipal interventions (SäBo,
    hemsjukvård or hemtjänst, DOMAIN §7b) and are alive on 1 January, visited from the start of that year (or of
    the window) to the period's end."""
    cohort = pd.filter(pd.municipal == 0).cross_join(periods.table)
    cohort = cohort.filter(
        (cohort.birth_year == cohort.p_year - 80) & (cohort.death_d.isnull() | (cohort.death_d >= cohort.jan1))
    )
    iv = t.interventions
    visits = iv.filter(iv.kind == "forebyggande_hembesok").select(person_id2=iv.person_id, vd=day(iv.date))
    cohort = _flag_exists(
        cohort, ["person_id", "pk"], visits, ("person_id", "person_id2"),
        lambda j: (j.vd >= j.ys) & (j.vd <= j.p_end), "visited",
    )
    return cohort.group_by([*_keys(dims), "pk"]).aggregate(p3_den=cohort.count(), p3_num=cohort.visited.sum())


def p4(t: Tables, pd: ir.Table, periods: Periods, dims: Sequence[str]) -> ir.Table:
    """P4: FaR prescriptions to listed adults (the engine keeps bands 18+ and divides by their person-years)."""
    iv = t.interventions
    far = iv.filter(iv.kind == "far")
    far = _dated(far, "date", periods, person_id=far.person_id)
    x = _per_period(far, pd, periods)
    x = x.filter(x.listed == 1)
    return x.group_by([*_keys(dims), "pk"]).aggregate(p4=x.count())


def p5(t: Tables, pd: ir.Table, periods: Periods, dims: Sequence[str]) -> ir.Table:
    """P5: listed adults alive at the period's end with habits documented in the 24 months ending with the
    period; of those with an unhealthy habit, the share who got advice in the same 24 months."""
    iv = t.interventions
    lv = iv.filter(iv.kind.isin(("levnadsvanor", "levnadsvanor_rad")))
    lv = _dated(
        lv,
        "date",
        periods,
        person_id=lv.person_id,
        documented=_i(lv.kind == "levnadsvanor"),
        unhealthy=_i((lv.kind == "levnadsvanor") & (lv.habits.length() > 0)),
        advised=_i(lv.kind == "levnadsvanor_rad"),
    )
    x = lv.join(periods.months24, "mk")
    x = x.join(periods.table.select("pk", "p_end"), "pk")
    per = x.group_by(["pk", "person_id", "p_end"]).aggregate(
        documented=x.documented.max(), unhealthy=x.unhealthy.max(), advised=x.advised.max()
    )
    y = per.join(pd, "person_id")
    y = y.filter((y.listed == 1) & (y.band >= BAND_18) & (y.death_d.isnull() | (y.death_d > y.p_end)))
    return y.group_by([*_keys(dims), "pk"]).aggregate(
        p5_num=y.documented.sum(),
        p5r_den=y.unhealthy.sum(),
        p5r_num=(y.unhealthy * y.advised).sum(),
    )
