"""The indicator engine's public face (DOMAIN.md §7), for the `nara indicators` command and the leaders'
dashboard:

    from nara.indicators.service import catalogue, compute, write_report
    for ind in catalogue():                 # every indicator: id, Swedish name, numerator, denominator,
        print(ind.id, ind.name, ind.target) # source, unit, target line (K1 ≥ 55 %, K2 ≥ 80 %)
    rows = compute("data/", date(2025, 1, 1), date(2025, 12, 31), by=["kommun"], period="month")
    write_report(rows, "out.html", fmt="html")  # json | csv | xlsx | html

Definitions are Ibis expressions (nara.indicators.model.definitions) run on DuckDB (default), PySpark or
PostgreSQL (``backend=``); value sets and the standard population are versioned data files in ``data/``.
Input and output formats: docs/indicators.md.
"""

import hashlib
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from nara.indicators.model import (
    GROUPINGS,
    PERIOD_KINDS,
    Indicator,
    IndicatorError,
    ResultRow,
    catalogue,
    catalogue_document,
    standard_population,
    suppression_threshold,
    valueset,
)
from nara.indicators.service.engine import compute
from nara.indicators.service.inputs import InputFormatError, check_input
from nara.indicators.service.report import COLUMNS, CSV_HEADERS, FORMATS, ReportMeta, write_report
from nara.indicators.store import BACKENDS, find_java_home, load_postgres, spark_session
from nara.indicators.store import REQUIRED as REQUIRED_INPUTS

__all__ = [
    "BACKENDS",
    "COLUMNS",
    "CSV_HEADERS",
    "FORMATS",
    "GROUPINGS",
    "PERIOD_KINDS",
    "REQUIRED_INPUTS",
    "Indicator",
    "IndicatorError",
    "InputFormatError",
    "ReportMeta",
    "ResultRow",
    "catalogue",
    "catalogue_document",
    "check_input",
    "compute",
    "engine_fingerprint",
    "find_java_home",
    "load_postgres",
    "spark_session",
    "standard_population",
    "suppression_threshold",
    "valueset",
    "write_report",
]


@cache
def engine_fingerprint() -> str:
    """A hash of the engine's code and data files (catalogue, value sets, standard population): whoever caches
    results recomputes when it changes."""
    root = resources.files("nara.indicators")
    entries: list[tuple[str, Traversable]] = []
    folders: list[tuple[str, Traversable]] = [("", root)]
    while folders:
        prefix, folder = folders.pop()
        for entry in folder.iterdir():
            name = prefix + entry.name
            if entry.is_dir() and entry.name != "__pycache__":
                folders.append((name + "/", entry))
            elif entry.name.endswith((".py", ".toml")):
                entries.append((name, entry))
    digest = hashlib.sha256()
    for name, entry in sorted(entries, key=lambda e: e[0]):
        digest.update(name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()[:16]
