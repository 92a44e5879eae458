"""The definitions are written once and run unchanged on DuckDB and on Spark: identical results on a small
generated region (SYNTETISKA DATA), for every indicator, for the county and each municipality."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from nara.indicators.service import ResultRow, compute
from nara.synth.service import write_dataset
from tests.unit.indicator_backends import backend_kwargs


@pytest.fixture(scope="module")
def small_region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "orebro"
    write_dataset("orebro", 0.05, 7, out)  # about 15 000 persons, one year of events
    return out


def _key(r: ResultRow) -> tuple:
    return (r.indicator, r.grouping, r.group, r.period)


def assert_same_rows(a: list[ResultRow], b: list[ResultRow]) -> None:
    """Counts equal exactly; float sums (continuity indices) equal to 1e-9, rounded values exactly."""
    assert len(a) == len(b)
    right = {_key(r): r for r in b}
    assert len(right) == len(b)
    for ra in a:
        rb = right[_key(ra)]
        assert (ra.suppressed, ra.value, ra.value_age_standardised) == (rb.suppressed, rb.value,
                                                                         rb.value_age_standardised), _key(ra)
        for x, y in ((ra.numerator, rb.numerator), (ra.denominator, rb.denominator)):
            assert (x is None) == (y is None), _key(ra)
            if x is not None:
                assert x == pytest.approx(y, rel=1e-9, abs=1e-9), _key(ra)


@pytest.mark.slow
def test_duckdb_and_spark_give_identical_results(request: pytest.FixtureRequest, small_region: Path) -> None:
    args = dict(by=["region", "kommun"], period="year")
    duck = compute(small_region, date(2025, 1, 1), date(2025, 12, 31), **args)
    spark = compute(small_region, date(2025, 1, 1), date(2025, 12, 31), **args,
                    **backend_kwargs(request, "pyspark", small_region))
    assert_same_rows(duck, spark)
    # the comparison covers real numbers, not only suppressed cells: at county level every indicator is shown
    county = {r.indicator for r in duck if r.grouping == "region" and not r.suppressed}
    assert county == {r.indicator for r in duck}
