"""The rules of the Uppföljningsmodell that need no data engine (DOMAIN.md §7): the catalogue, periods, age
bands, groupings, direct age standardisation and suppression. Plain Python; no Ibis, no database. The
definitions themselves, Ibis expressions over the input tables, are :mod:`nara.indicators.model.definitions`
(imported only by whoever runs them, so importing the model stays light).

Everything the numbers depend on that is not arithmetic is data in ``nara/indicators/data/``: the catalogue
(``catalogue.toml``), the value sets (``avoidable_chronic.toml``, ``fall_injury.toml``) and the standard
population (``standard_population.toml``), each with its source and version.
"""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

EPOCH = date(1970, 1, 1)

# Fine age bands: the union of the standard population's 5-year bands and the report's age groups
# (0–17, 18–64, 65–79, 80+), so both roll up from the same cells.
BAND_LOWER: tuple[int, ...] = (0, 5, 10, 15, 18, *range(20, 95, 5))
AGE_GROUPS: tuple[tuple[int, str], ...] = ((0, "0–17"), (18, "18–64"), (65, "65–79"), (80, "80+"))

PERIOD_KINDS = ("month", "quarter", "year", "rolling12", "rolling18", "rolling36", "window")
# Rolling periods: the number of months, ending with each month of the window whose whole span lies inside it.
ROLLING_MONTHS = {"rolling12": 12, "rolling18": 18, "rolling36": 36}
CONTINUITY_MONTHS = 18  # K3–K5: SKR's 18-month window (DOMAIN §7)
CONTINUITY_INDICATORS = ("K3", "K4", "K5")  # and their sub-indicators (K3-UPC, …)
LIFESTYLE_MONTHS = 24  # P5: habits documented in 24 months (DOMAIN §7)
DAYS_PER_YEAR = 365.0  # person-years = persons × days / 365

# Groupings the engine knows (DOMAIN §7): name → the person attribute it is computed from.
GROUPINGS: dict[str, str] = {
    "region": "kommun_code",
    "lansdel": "kommun_code",
    "kommun": "kommun_code",
    "vardcentral": "listed_unit_id",
    "kon": "sex",
    "aldersgrupp": "band",
    "glesbygd": "urbanity",
    "utsatt_omrade": "vulnerable_area",
}


class IndicatorError(ValueError):
    """A request the engine cannot answer (unknown grouping, period kind, backend, missing file …)."""


# --- The catalogue ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One indicator of DOMAIN §7 with the definition shown next to its numbers."""

    id: str
    dimension: str
    name: str
    kind: str  # share | rate | mean
    unit: str
    events: str  # numerator | denominator: the count that decides suppression
    numerator: str
    denominator: str
    source: str
    parent: str | None = None
    per: int | None = None
    age_standardised: bool = False
    target: float | None = None
    reference: str | None = None
    valueset: str | None = None
    requires: str | None = None
    better: str | None = None  # "higher" or "lower": which way is an improvement; None when neither is

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _data(name: str) -> dict[str, Any]:
    text = (resources.files("nara.indicators") / "data" / name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def catalogue_document() -> dict[str, Any]:
    return _data("catalogue.toml")


@cache
def load_catalogue() -> tuple[Indicator, ...]:
    return tuple(Indicator(**row) for row in catalogue_document()["indicator"])


def catalogue() -> tuple[Indicator, ...]:
    """Every indicator of the catalogue, in report order, with its definition (data/catalogue.toml)."""
    return load_catalogue()


def suppression_threshold() -> int:
    return int(catalogue_document()["suppression_threshold"])


@cache
def valueset(name: str) -> dict[str, Any]:
    """A versioned value set from ``data/<name>.toml`` (its source and version are inside it)."""
    return _data(f"{name}.toml")


@cache
def standard_population() -> dict[str, Any]:
    return _data("standard_population.toml")


# --- Ages --------------------------------------------------------------------------------------------------


def band_of_age(age: int) -> int:
    """Index into BAND_LOWER of the fine age band that holds ``age``."""
    idx = 0
    for i, lower in enumerate(BAND_LOWER):
        if age >= lower:
            idx = i
    return idx


def age_group_label(band: int) -> str:
    lower = BAND_LOWER[band]
    label = AGE_GROUPS[0][1]
    for low, text in AGE_GROUPS:
        if lower >= low:
            label = text
    return label


def standard_band(band: int) -> int:
    """The lower age of the standard-population band that holds fine band ``band``."""
    lower = BAND_LOWER[band]
    return max(b for b, _w in standard_population()["bands"] if b <= lower)


def standard_weights(min_age: int) -> dict[int, float]:
    """ESP weights of the bands that hold ages ≥ ``min_age`` (the band containing ``min_age`` included, e.g.
    15–19 for 18+), rescaled to sum to one."""
    lowers = [b for b, _w in standard_population()["bands"]]
    first = max(b for b in lowers if b <= min_age)
    bands = {b: float(w) for b, w in standard_population()["bands"] if b >= first}
    total = sum(bands.values())
    return {b: w / total for b, w in bands.items()}


def age_on(birth: date, day: date) -> int:
    """Completed years on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# --- Periods -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """One reporting period, clipped to the analysis window [window_start, window_end].

    ``lookback18`` / ``lookback24`` open the continuity (K3–K5) and lifestyle (P5) windows that end with the
    period; ``year_start`` opens the P3 cohort's calendar year. All are clipped to the window's start."""

    kind: str
    label: str
    start: date
    end: date
    lookback18: date
    lookback24: date
    year_start: date

    def continuity_complete(self, window_start: date, data_start: date | None) -> bool:
        """Whether the 18-month continuity window ending with this period is whole (K3–K5): not clipped to the
        analysis window's start, and the data reach back to its first month. Only then is the value comparable
        with the national reference (DOMAIN §7)."""
        first = _month_start(self.end, CONTINUITY_MONTHS - 1)
        return first >= window_start and (data_start is None or _month_start(data_start) <= first)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def person_year_factor(self) -> float:
        return self.days / DAYS_PER_YEAR


def _month_start(d: date, back: int = 0) -> date:
    index = d.year * 12 + d.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def _period(kind: str, label: str, start: date, end: date, w0: date, w1: date) -> Period:
    s, e = max(start, w0), min(end, w1)
    return Period(
        kind,
        label,
        s,
        e,
        max(w0, _month_start(e, CONTINUITY_MONTHS - 1)),
        max(w0, _month_start(e, LIFESTYLE_MONTHS - 1)),
        max(w0, date(e.year, 1, 1)),
    )


def build_periods(kind: str, window_start: date, window_end: date) -> list[Period]:
    """The periods of one kind inside the window (DOMAIN §7: month, quarter, year, rolling 12 and 18 months,
    3-year rolling for small municipalities, or the whole window). Calendar periods at the window's edges are
    clipped to it; rolling periods are only those that fit entirely inside it."""
    if kind not in PERIOD_KINDS:
        raise IndicatorError(f"okänd periodtyp: {kind} (välj bland {', '.join(PERIOD_KINDS)})")
    if window_end < window_start:
        raise IndicatorError("periodens slut ligger före dess början")
    out: list[Period] = []
    if kind == "window":
        return [_period(kind, f"{window_start.isoformat()}/{window_end.isoformat()}", window_start, window_end,
                        window_start, window_end)]
    first = cursor = _month_start(window_start)
    while cursor <= window_end:
        m_end = _month_end(cursor)
        if kind == "month":
            out.append(_period(kind, f"{cursor:%Y-%m}", cursor, m_end, window_start, window_end))
        elif kind == "quarter" and (cursor.month % 3 == 1 or cursor == first):
            q_start = date(cursor.year, (cursor.month - 1) // 3 * 3 + 1, 1)
            q_end = _month_end(date(cursor.year, q_start.month + 2, 1))
            out.append(_period(kind, f"{cursor.year}-K{(cursor.month - 1) // 3 + 1}", q_start, q_end,
                               window_start, window_end))
        elif kind == "year" and (cursor.month == 1 or cursor == first):
            out.append(_period(kind, f"{cursor.year}", date(cursor.year, 1, 1), date(cursor.year, 12, 31),
                               window_start, window_end))
        elif kind in ROLLING_MONTHS:
            start = _month_start(cursor, ROLLING_MONTHS[kind] - 1)
            if start >= window_start and m_end <= window_end:
                out.append(_period(kind, f"{start:%Y-%m}/{cursor:%Y-%m}", start, m_end, window_start, window_end))
        cursor = m_end + timedelta(days=1)
    return out


def day_number(d: date) -> int:
    return (d - EPOCH).days


# --- Results -----------------------------------------------------------------------------------------------


@dataclass
class ResultRow:
    """One number of the report: an indicator for one group and one period (docs/indicators.md)."""

    indicator: str
    grouping: str
    group: str | None
    group_label: str
    period_kind: str
    period: str
    period_start: str
    period_end: str
    numerator: float | None
    denominator: float | None
    value: float | None
    value_age_standardised: float | None
    unit: str
    suppressed: bool
    comparable: bool | None = None  # K3–K5: whether the value may be set against the national reference
    note: str | None = None  # why not (Swedish)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "extra"}
        return out


def _clean(x: float, digits: int) -> float | int:
    r = round(float(x), digits)
    return int(r) if r == int(r) and abs(r) < 2**53 else r


def finish(
    ind: Indicator,
    num: float,
    den: float,
    std_parts: list[tuple[float, float, float]] | None,
    threshold: int,
) -> tuple[float | None, float | None, float | None, float | None, bool]:
    """(numerator, denominator, value, age-standardised value, suppressed) for one cell.

    ``std_parts`` are (weight, numerator, denominator) per standard-population band. A cell with fewer than
    ``threshold`` events is suppressed: every number is withheld (DOMAIN §7)."""
    events = num if ind.events == "numerator" else den
    if events < threshold or den <= 0:
        return None, None, None, None, True
    if ind.kind == "share":
        value = 100.0 * num / den
    elif ind.kind == "rate":
        value = float(ind.per or 1) * num / den
    else:
        value = num / den
    std = None
    if ind.kind == "rate" and ind.age_standardised and std_parts is not None:
        std = float(ind.per or 1) * sum(w * (n / d) for w, n, d in std_parts if d > 0)
    digits = 2 if ind.kind == "rate" else 4
    return (
        _clean(num, 4),
        _clean(den, 2),
        _clean(value, digits),
        None if std is None else _clean(std, digits),
        False,
    )
