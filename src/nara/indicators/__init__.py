"""The Uppföljningsmodell's indicator engine (DOMAIN.md §7): T1–T3, K1–K5, S1–S4, P1–P5.

Public API, for the `nara indicators` command and the leaders' dashboard:

    from nara.indicators import catalogue, compute, write_report
    for ind in catalogue():                 # every indicator: id, Swedish name, numerator, denominator,
        print(ind.id, ind.name, ind.target) # source, unit, target line (K1 ≥ 55 %, K2 ≥ 80 %)
    rows = compute("data/", date(2025, 1, 1), date(2025, 12, 31), by=["kommun"], period="month")
    write_report(rows, "out.html", fmt="html")  # json | csv | xlsx | html

Definitions are Ibis expressions (definitions.py) run on DuckDB (default), PySpark or PostgreSQL
(``backend=``); value sets and the standard population are versioned data files in ``data/``.
Input and output formats: docs/indicators.md.
"""

from nara.indicators.engine import compute
from nara.indicators.model import (
    GROUPINGS,
    PERIOD_KINDS,
    Indicator,
    IndicatorError,
    ResultRow,
    load_catalogue,
    standard_population,
    suppression_threshold,
    valueset,
)
from nara.indicators.report import FORMATS, write_report


def catalogue() -> tuple[Indicator, ...]:
    """Every indicator of the catalogue, in report order, with its definition (data/catalogue.toml)."""
    return load_catalogue()


__all__ = [
    "FORMATS",
    "GROUPINGS",
    "PERIOD_KINDS",
    "Indicator",
    "IndicatorError",
    "ResultRow",
    "catalogue",
    "compute",
    "standard_population",
    "suppression_threshold",
    "valueset",
    "write_report",
]
