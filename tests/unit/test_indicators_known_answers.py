"""Known answers: every indicator of DOMAIN §7 on a hand-made data set, worked out by hand below.

The data set (tests/unit/indicator_fixtures.py) is six invented persons per replica; Örebro (1880) has 20
replicas, Karlskoga (1883) one. Window 2025-01-01 – 2025-12-31, one period (year). Per replica:
population 6; aged 65+ on 2024-12-31: Anna, Bo, Cia, Gun = 4; listed adults: all but Eva = 5.
Person-years for 2025 = persons × 365 / 365.

The same expected values are checked on DuckDB and on PostgreSQL. Spark is held to DuckDB's results in
test_indicators_equivalence.py (one Spark run keeps the suite fast; Spark starts slowly).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from nara.indicators.service import ResultRow, catalogue, compute
from tests.unit.indicator_backends import backend_kwargs
from tests.unit.indicator_fixtures import write_definition_cases, write_known_answer_data

START, END = date(2025, 1, 1), date(2025, 12, 31)

# (indicator, numerator, denominator, value, age-standardised value) for Örebro (20 replicas).
EXPECTED = [
    # T1: per replica Anna 3 days (in), Dan 4 days (out), Eva never assessed (not counted), Cia 3 days across the
    # new year (in, dated by first contact) → 2/3. ×20 = 40/60.
    ("T1", 40, 60, 66.6667, None),
    # T3: 13 contacts per replica (Anna 4, Dan 6, Eva 2, Cia 1) = 260 / 120 person-years × 1 000 = 2 166.67.
    # Age-standardised (ESP 2013, per 100 000): per-person rates by band — 80–84 Anna 4, 75–79 (Cia 1, Gun 0) 0.5,
    # 70–74 Bo 0, 30–34 Dan 6, 10–14 Eva 2 → 1 000 × (2 500·4 + 4 000·0.5 + 6 500·6 + 5 500·2) / 100 000 = 620.
    ("T3", 260, 120, 2166.67, 620.0),
    ("T3-lakare", 220, 120, 1833.33, None),  # 11 doctor contacts per replica
    ("T3-sjukskoterska", 40, 120, 333.33, None),  # Anna's home visit + Cia's video contact
    ("T3-fysiskt", 180, 120, 1500.0, None),  # Anna 3 + Dan 6
    ("T3-telefon", 40, 120, 333.33, None),  # Eva 2
    ("T3-video", 20, 120, 166.67, None),  # Cia 1
    ("T3-hembesok", 20, 120, 166.67, None),  # Anna 1
    # K1: listed and alive on 2025-12-31: Anna, Cia, Dan, Eva, Gun (Bo died) = 5; named: Anna, Cia, Dan = 3 → 60 %.
    ("K1", 60, 100, 60.0, None),
    # K2: SäBo residents alive: Anna, named → 100 %.
    ("K2", 20, 20, 100.0, None),
    # K3 (doctor contacts at the listed unit, ≥ 3 contacts; Eva has 2 and is excluded):
    #   Anna 2/1: COC = (2² + 1² − 3) / (3·2) = 1/3; UPC = 2/3; SECON: pairs (1,1) (1,2) → 1/2; KPC = 2/3.
    #   Dan 3/2/1: COC = (9 + 4 + 1 − 6) / (6·5) = 8/30 = 0.267; UPC = 3/6 = 0.5 (DOMAIN §7's check);
    #   SECON: order 1,1,2,1,2,4 → 1 same pair of 5 = 0.2; KPC = 3/6 (fast läkare = doctor 1).
    #   Mean COC = (1/3 + 8/30) / 2 = 0.3; ×20: sum 12, persons 40.
    ("K3", 12.0, 40, 0.3, None),
    ("K3-UPC", 23.3333, 40, 0.5833, None),  # 20 × (2/3 + 1/2) = 23.33
    ("K3-SECON", 14.0, 40, 0.35, None),  # 20 × (0.5 + 0.2)
    ("K3-KPC", 23.3333, 40, 0.5833, None),  # 20 × (2/3 + 3/6)
    # K4 (all staff at the listed unit): Anna 2/1/1 (+ the distriktssköterska) N = 4: COC = (4+1+1−4)/(4·3) = 1/6,
    #   UPC = 2/4, SECON order 1,1,2,3 → 1/3; Dan as K3 (8/30, 0.5, 0.2); Eva 2 contacts: excluded.
    ("K4", 8.6667, 40, 0.2167, None),  # 20 × (1/6 + 8/30) = 8.667; mean 13/60
    ("K4-UPC", 20.0, 40, 0.5, None),
    ("K4-SECON", 10.6667, 40, 0.2667, None),  # 20 × (1/3 + 1/5)
    # K5: K3 for SäBo residents: Anna only.
    ("K5", 6.6667, 20, 0.3333, None),
    ("K5-UPC", 13.3333, 20, 0.6667, None),
    # S1: stays after merging only transfers — Bo: A (rows 1+2, a same-day transfer to another ward), B, C (C is
    #   admitted to B's ward on B's discharge day: a same-day readmission, a stay of its own), D (death in hospital:
    #   excluded); Anna: E, F; Cia: I, J. Index discharges 65+ on the discharge day: A, B, C, E, F, I, J = 7.
    #   Readmitted 0–30 days: A (B 15 days later), B (C the same day), I (J 27 days) = 3.
    ("S1", 60, 140, 42.8571, None),
    # S2–S4: processes A (utskrivningsklar 02-07 → discharge 02-10: payment days 02-08, 02-09 = 2; fast vårdkontakt
    #   02-03; SIP need stated, SIP 02-20) and F (0 days; none named; SIP need stated, no SIP). S2 mean over episodes
    #   with ≥ 1 day: 2/1.
    ("S2", 40, 20, 2.0, None),
    # S2 per 1 000 aged 65+: (2 + 0) days per replica / 4 person-years 65+ → 40 / 80 × 1 000 = 500.
    ("S2-per1000", 40, 80, 500.0, None),
    ("S3", 20, 40, 50.0, None),
    ("S4", 20, 40, 50.0, None),
    # P1: unplanned stays with a main diagnosis in the value set: A (I50.9, no procedure), F (J44.1),
    #   Dan's E11.6 and J20.9 with J44.9 secondary = 4. Not: E (planned, and an operation), I (I10 with a cardiac
    #   procedure), J (I20.0 with an operation), B (S72.0), C (J18.9). 80 / 120 × 100 000 = 66 666.67.
    #   Standardised: rates 80–84 1, 70–74 1, 30–34 2 → 100 000 × (2 500 + 5 000 + 6 500·2) / 100 000 = 20 500.
    ("P1", 80, 120, 66666.67, 20500.0),
    # P1 65+: A and F = 40 / 80 × 100 000 = 50 000; standardised over the 65+ bands (weights 5 500 + 5 000 +
    #   4 000 + 2 500 + 1 500 + 1 000 = 19 500): 100 000 × (5 000·1 + 2 500·1) / 19 500 = 38 461.54.
    ("P1-65", 40, 80, 50000.0, 38461.54),
    # P2: fall injuries 65+: B (S72.0 with W01) = 20 / 80 × 100 000 = 25 000; std 100 000 × 5 000 / 19 500.
    ("P2", 20, 80, 25000.0, 25641.03),
    # P3: cohort turning 80 in 2025 without SäBo/hemsjukvård: Cia, Gun; visited: Cia → 50 %.
    ("P3", 20, 40, 50.0, None),
    # P4: FaR to listed adults: Dan 1 per replica / 5 listed adults → 20 / 100 × 1 000 = 200. Standardised over the
    #   bands from 15–19 up (weights sum 84 000): 1 000 × 6 500·1 / 84 000 = 77.38.
    ("P4", 20, 100, 200.0, 77.38),
    # P5: listed adults alive at the end: Anna, Cia, Dan, Gun = 4; documented: Dan, Cia → 50 %.
    ("P5", 40, 80, 50.0, None),
    # P5-rad: with an unhealthy habit: Dan; advised: Dan → 100 %.
    ("P5-rad", 20, 20, 100.0, None),
]


def _row(rows: list[ResultRow], ind: str, grouping: str, group: str | None) -> ResultRow:
    hits = [r for r in rows if r.indicator == ind and r.grouping == grouping and r.group == group]
    assert len(hits) == 1, (ind, grouping, group, hits)
    return hits[0]


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def known_rows(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[ResultRow]:
    data = write_known_answer_data(tmp_path_factory.mktemp("known") / "data")
    kwargs = backend_kwargs(request, request.param, data)
    return compute(data, START, END, by=["region", "kommun", "aldersgrupp"], period="year", **kwargs)


@pytest.mark.parametrize(("ind", "num", "den", "value", "std"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_indicator_matches_the_hand_computed_value(
    known_rows: list[ResultRow], ind: str, num: float, den: float, value: float, std: float | None
) -> None:
    row = _row(known_rows, ind, "kommun", "1880")
    assert not row.suppressed
    assert row.numerator == pytest.approx(num, abs=1e-4)
    assert row.denominator == pytest.approx(den, abs=1e-4)
    assert row.value == pytest.approx(value, abs=1e-4)
    if std is not None:
        assert row.value_age_standardised == pytest.approx(std, abs=0.01)
    assert row.group_label == "Örebro"
    assert (row.period, row.period_start, row.period_end) == ("2025", "2025-01-01", "2025-12-31")


def test_every_catalogue_indicator_with_its_input_present_has_a_known_answer() -> None:
    expected = {e[0] for e in EXPECTED}
    computable = {i.id for i in catalogue() if i.requires is None}
    assert computable - expected == {"T3-ovriga"}  # zero events here: checked as suppressed below


def test_small_cells_are_suppressed_with_every_number_withheld(known_rows: list[ResultRow]) -> None:
    # Karlskoga has one replica: every count is below 20 events, so nothing may be shown.
    karlskoga = [r for r in known_rows if r.grouping == "kommun" and r.group == "1883"]
    assert karlskoga and all(r.suppressed for r in karlskoga)
    assert all(r.numerator is None and r.denominator is None and r.value is None for r in karlskoga)
    assert all(r.value_age_standardised is None for r in karlskoga)
    # A cell with no events at all is suppressed too (T3 for other professions in Örebro: 0 contacts).
    assert _row(known_rows, "T3-ovriga", "kommun", "1880").suppressed


def test_region_rolls_up_municipalities_counts_add_values_stay(known_rows: list[ResultRow]) -> None:
    # The region holds 21 identical replicas: counts × 21, shares and per-person rates unchanged.
    for ind, num, den, value, _std in EXPECTED:
        row = _row(known_rows, ind, "region", "Region Örebro län")
        assert row.numerator == pytest.approx(num * 21 / 20, abs=1e-3), ind
        assert row.denominator == pytest.approx(den * 21 / 20, abs=1e-3), ind
        assert row.value == pytest.approx(value, abs=1e-3), ind


def test_age_groups_split_the_population(known_rows: list[ResultRow]) -> None:
    # K1 by age group over both municipalities (21 replicas): 80+ Anna (named), 65–79 Cia (named) and Gun,
    # 18–64 Dan (named), 0–17 Eva (not named: 0 events, so suppressed).
    assert _row(known_rows, "K1", "aldersgrupp", "80+").value == 100.0
    assert _row(known_rows, "K1", "aldersgrupp", "65–79").value == 50.0  # Cia 21 of 42 (Bo died)
    assert _row(known_rows, "K1", "aldersgrupp", "18–64").value == 100.0
    assert _row(known_rows, "K1", "aldersgrupp", "0–17").suppressed  # 0 named: fewer than 20 events


@pytest.fixture(scope="module")
def known_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_known_answer_data(tmp_path_factory.mktemp("known-monthly") / "data")


def test_monthly_rates_are_per_person_year(known_data: Path) -> None:
    rows = compute(known_data, START, END, by=["kommun"], period="month", indicators=["T3"])
    jan = next(r for r in rows if r.group == "1880" and r.period == "2025-01")
    # January: Anna 01-10 and Dan 01-05 per replica = 40 contacts; 120 persons × 31/365 person-years.
    assert (jan.numerator, jan.denominator) == (40, pytest.approx(10.19, abs=0.01))
    assert jan.value == pytest.approx(40 / (120 * 31 / 365) * 1000, abs=0.01)
    assert len([r for r in rows if r.group == "1880"]) == 12


def test_continuity_uses_the_window_ending_with_each_month(known_data: Path) -> None:
    rows = compute(known_data, START, END, by=["kommun"], period="month", indicators=["K3"])
    by_month = {r.period: r for r in rows if r.group == "1880"}
    # February: Anna and Dan have 2 doctor contacts each since the window began — nobody has 3: suppressed.
    assert by_month["2025-02"].suppressed
    # March: Anna 1, 1, 2 → COC 1/3; Dan 1, 1, 2 → 1/3. Mean 1/3 over 40 persons.
    assert by_month["2025-03"].value == pytest.approx(0.3333, abs=1e-4)
    assert by_month["2025-03"].denominator == 40
    # December: the whole year (the 18-month window is clipped to the window's start): as the yearly K3.
    assert by_month["2025-12"].value == 0.3


def test_rolling_periods_fit_inside_the_window(known_data: Path) -> None:
    rows = compute(known_data, START, END, by=["kommun"], period="rolling12", indicators=["S1"])
    assert {r.period for r in rows} == {"2025-01/2025-12"}
    assert _row(rows, "S1", "kommun", "1880").value == pytest.approx(42.8571, abs=1e-4)
    assert compute(known_data, START, END, by=["kommun"], period="rolling18", indicators=["S1"]) == []


# --- The definitions' rules one by one (DOMAIN §7; indicator_fixtures.write_definition_cases) -------------------

# (indicator, numerator, denominator, value) for Örebro, 20 replicas; worked out in indicator_fixtures.py.
RULES = [
    # S1: Alva's transfer (ward 20 → 21 the same day) is one stay, readmitted the same day to ward 21 (a
    #   readmission, a stay of its own): index discharges Alva 2 + Hugo's stay discharged at 65 = 3 (his stay
    #   discharged at 64 is none); readmitted: Alva's first stay → 1/3.
    ("S1", 20, 60, 33.3333),
    # S2: payment days 2 (ready 03-07, out 03-10), 0 (ready the day before discharge), 5 (ready 03-09, out 03-15):
    #   mean over the episodes with ≥ 1 day (2 + 5) / 2 = 3.5.
    ("S2", 140, 40, 3.5),
    # S2 per 1 000 aged 65+: 7 days per replica (Hugo is 65 when discharged) / 4 persons 65+ at the window's start.
    ("S2-per1000", 140, 80, 1750.0),
    # S3: SIP need stated in Alva's first process (SIP held 03-06, before discharge: counts) and Hugo's (SIP 47 days
    #   after discharge: not in time); Alva's second process stated no need → 1/2.
    ("S3", 20, 40, 50.0),
    # S4: named at exactly the discharge time (no), at 08:00 before a discharge at 12:00 (yes), never (no) → 1/3.
    ("S4", 20, 60, 33.3333),
    # P3: born 1945 without municipal interventions: Cecilia (visited) and Greta; Dora has hemtjänst → 1/2.
    ("P3", 20, 40, 50.0),
]


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def rule_rows(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[ResultRow]:
    data = write_definition_cases(tmp_path_factory.mktemp("rules") / "data")
    kwargs = backend_kwargs(request, request.param, data)
    return compute(data, START, END, by=["kommun"], period="year", indicators=[r[0] for r in RULES], **kwargs)


@pytest.mark.parametrize(("ind", "num", "den", "value"), RULES, ids=[r[0] for r in RULES])
def test_definition_rules_match_the_hand_computed_value(
    rule_rows: list[ResultRow], ind: str, num: float, den: float, value: float
) -> None:
    row = _row(rule_rows, ind, "kommun", "1880")
    assert (row.numerator, row.denominator) == (num, den)
    assert row.value == pytest.approx(value, abs=1e-4)


def test_continuity_is_comparable_only_when_the_18_month_window_is_complete(tmp_path: Path) -> None:
    from tests.unit.indicator_fixtures import D

    contacts = [dict(contact_id=r * 100 + k, person_id=r * 10 + 1, unit_id=1, staff_id=1, profession="lakare",
                     date=D(day), form="fysiskt")
                for r in range(1, 21) for k, day in enumerate(("2024-06-15", "2025-01-10", "2025-11-10"))]
    data = write_definition_cases(tmp_path / "data", contacts=contacts)
    rows = compute(data, date(2024, 6, 1), END, by=["kommun"], period="month", indicators=["K3", "K4"])
    k3 = {r.period: r for r in rows if r.indicator == "K3"}
    # 2025-11: the 18 months 2024-06 … 2025-11 lie inside the window and the data reach back to 2024-06.
    assert (k3["2025-11"].comparable, k3["2025-11"].note) == (True, None)
    assert k3["2025-11"].value == 1.0  # three contacts with one doctor
    # 2025-10: its window would begin 2024-05, before the data: shown, but not against the national reference.
    assert k3["2025-10"].comparable is False
    assert k3["2025-10"].note == "ej jämförbar: 18-månadersfönstret är ofullständigt"
    assert all(r.comparable is None for r in compute(data, START, END, by=["kommun"], period="year",
                                                     indicators=["S1"]))
    # Data that begin later than the window: no month is comparable.
    in_2025 = [c for c in contacts if c["date"].year == 2025]
    late = compute(write_definition_cases(tmp_path / "late", contacts=in_2025), date(2024, 6, 1), END,
                   by=["kommun"], period="month", indicators=["K3"])
    assert not any(r.comparable for r in late)
