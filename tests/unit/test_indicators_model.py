"""Periods, age bands, standardisation weights and suppression: the engine's rules without a data engine."""

from __future__ import annotations

from datetime import date

import pytest

from nara.indicators.model import (
    AGE_GROUPS,
    BAND_LOWER,
    IndicatorError,
    age_group_label,
    age_on,
    band_of_age,
    build_periods,
    finish,
    standard_weights,
)
from nara.indicators.service import catalogue, standard_population, valueset


def test_calendar_periods_are_clipped_to_the_window() -> None:
    months = build_periods("month", date(2025, 1, 15), date(2025, 3, 10))
    assert [(p.label, p.start, p.end) for p in months] == [
        ("2025-01", date(2025, 1, 15), date(2025, 1, 31)),
        ("2025-02", date(2025, 2, 1), date(2025, 2, 28)),
        ("2025-03", date(2025, 3, 1), date(2025, 3, 10)),
    ]
    quarters = build_periods("quarter", date(2025, 2, 1), date(2025, 12, 31))
    assert [p.label for p in quarters] == ["2025-K1", "2025-K2", "2025-K3", "2025-K4"]
    assert quarters[0].start == date(2025, 2, 1)
    assert [p.label for p in build_periods("year", date(2024, 7, 1), date(2025, 12, 31))] == ["2024", "2025"]


def test_rolling_periods_end_with_each_month_that_has_a_full_span() -> None:
    rolling = build_periods("rolling12", date(2024, 1, 1), date(2025, 3, 31))
    assert [p.label for p in rolling] == ["2024-01/2024-12", "2024-02/2025-01", "2024-03/2025-02", "2024-04/2025-03"]
    assert build_periods("rolling36", date(2023, 1, 1), date(2025, 12, 31))[0].days == 365 + 366 + 365


def test_lookback_windows_end_with_the_period_and_start_no_earlier_than_the_window() -> None:
    p = build_periods("month", date(2024, 1, 1), date(2025, 12, 31))[-1]
    assert p.lookback18 == date(2024, 7, 1)  # 18 months ending December 2025
    assert p.lookback24 == date(2024, 1, 1)  # 24 months: clipped to the window's start
    assert p.year_start == date(2025, 1, 1)


def test_unknown_period_kind_is_refused() -> None:
    with pytest.raises(IndicatorError):
        build_periods("fortnight", date(2025, 1, 1), date(2025, 12, 31))


def test_age_bands_hold_both_the_report_groups_and_the_standard_bands() -> None:
    assert age_on(date(1945, 5, 5), date(2024, 12, 31)) == 79
    assert age_on(date(1945, 12, 31), date(2024, 12, 31)) == 79
    assert [age_group_label(band_of_age(a)) for a in (0, 17, 18, 64, 65, 79, 80, 104)] == [
        "0–17", "0–17", "18–64", "18–64", "65–79", "65–79", "80+", "80+"
    ]
    assert {lo for lo, _ in AGE_GROUPS} <= set(BAND_LOWER)
    assert {b for b, _w in standard_population()["bands"]} <= set(BAND_LOWER)


def test_standard_weights_cover_the_denominators_ages_and_sum_to_one() -> None:
    assert sum(standard_weights(0).values()) == pytest.approx(1.0)
    w65 = standard_weights(65)
    assert min(w65) == 65 and w65[65] == pytest.approx(5500 / 19500)
    assert min(standard_weights(18)) == 15  # the band holding age 18


def test_fewer_than_20_events_withholds_every_number() -> None:
    k1 = next(i for i in catalogue() if i.id == "K1")
    assert finish(k1, 19, 100, None, 20) == (None, None, None, None, True)
    assert finish(k1, 20, 100, None, 20) == (20, 100, 20.0, None, False)
    k3 = next(i for i in catalogue() if i.id == "K3")  # a mean: the persons counted decide
    assert finish(k3, 12.0, 19, None, 20)[4] is True


def test_catalogue_and_value_sets_carry_their_definitions_and_sources() -> None:
    ids = [i.id for i in catalogue()]
    assert len(ids) == len(set(ids))
    for main in ("T1", "T2", "T3", "K1", "K2", "K3", "K4", "K5", "S1", "S2", "S3", "S4", "P1", "P2", "P3", "P4", "P5"):
        assert main in ids
    for ind in catalogue():
        assert ind.name and ind.numerator and ind.denominator and ind.source and ind.unit
        assert ".parquet" not in ind.source and "_" not in ind.source  # said to users: no file names, no codes
    targets = {i.id: i.target for i in catalogue() if i.target is not None}
    assert targets == {"K1": 55, "K2": 80}  # DOMAIN §6
    for name in ("avoidable_chronic", "fall_injury"):
        source = valueset(name)["source"]  # shown to users: plain Swedish, no document or section
        assert valueset(name)["version"] and source and not any(w in source for w in ("DOMAIN", ".md", "§", "verif"))
