"""The rules of measurements: plain Python, no web, no database.

Each kind of measurement has one or two components (blood pressure: systolic and diastolic), each with its unit
as a UCUM code (the Unified Code for Units of Measure, as FHIR Observation.valueQuantity.code writes it), the
number of decimals it is written with, and a plausibility range: what a home measurement can possibly show. A
value outside it is a typing error or a broken device, so it is refused and nothing is stored. A target range is
what the team wants the person's value to stay within; a stored value outside it makes a task for the team.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class Kind(StrEnum):
    BLOOD_PRESSURE = "blood_pressure"
    PULSE = "pulse"
    WEIGHT = "weight"
    BLOOD_GLUCOSE = "blood_glucose"
    OXYGEN_SATURATION = "oxygen_saturation"
    SYMPTOM_SCORE = "symptom_score"


@dataclass(frozen=True, slots=True)
class Component:
    """One number of a measurement. ``low``/``high``: the plausibility range, inclusive."""

    code: str  # "systolic", "value", ...: the name in the API and the form
    ucum: str
    low: float
    high: float
    decimals: int = 0


@dataclass(frozen=True, slots=True)
class KindSpec:
    kind: Kind
    slug: str  # the Swedish word in the page's address
    components: tuple[Component, ...]

    def component(self, code: str) -> Component:
        return next(c for c in self.components if c.code == code)


# Plausibility ranges: wide enough for every real home measurement, narrow enough to catch a typing error
# (systolic 400, a weight of 7000). Written once, here; the messages name them.
SPECS: dict[Kind, KindSpec] = {spec.kind: spec for spec in (
    KindSpec(Kind.BLOOD_PRESSURE, "blodtryck", (Component("systolic", "mm[Hg]", 50, 300),
                                                 Component("diastolic", "mm[Hg]", 20, 200))),
    KindSpec(Kind.PULSE, "puls", (Component("value", "/min", 20, 250),)),
    KindSpec(Kind.WEIGHT, "vikt", (Component("value", "kg", 2, 400, decimals=1),)),
    KindSpec(Kind.BLOOD_GLUCOSE, "blodsocker", (Component("value", "mmol/L", 0.5, 50, decimals=1),)),
    KindSpec(Kind.OXYGEN_SATURATION, "syremattnad", (Component("value", "%", 50, 100),)),
    KindSpec(Kind.SYMPTOM_SCORE, "symtom", (Component("value", "{score}", 0, 10),)),
)}
BY_SLUG: dict[str, Kind] = {spec.slug: kind for kind, spec in SPECS.items()}
UCUM_CODES = frozenset(c.ucum for spec in SPECS.values() for c in spec.components)

_NUMBER = re.compile(r"^[+-]?\d{1,6}([.,]\d{1,3})?$")


class ValueProblem(ValueError):
    """A value the rules refuse: ``component`` names the field, ``key`` the Swedish message, ``params`` its
    parameters (the allowed range, and its unit as a UCUM code: the edge writes it in words)."""

    def __init__(self, component: str, key: str, **params: object) -> None:
        super().__init__(key)
        self.component, self.key, self.params = component, key, params


def parse_number(text: str) -> float | None:
    """A number as people type it: "5,4" or "5.4"; None when it is not one."""
    text = text.strip().replace("\u2212", "-")
    if not _NUMBER.match(text):
        return None
    try:
        return float(Decimal(text.replace(",", ".")))
    except InvalidOperation:  # pragma: no cover - the pattern lets only numbers through
        return None


def format_number(value: float, decimals: int) -> str:
    """A value as Swedes write it: a decimal comma, the kind's number of decimals."""
    return f"{value:.{decimals}f}".replace(".", ",")


def check(kind: Kind, values: dict[str, float]) -> dict[str, float]:
    """The measurement's values, rounded to the kind's decimals, or :class:`ValueProblem` for the first value
    missing, not a number, outside the plausibility range or (blood pressure) a diastolic not below the systolic.
    Every component is required."""
    spec = SPECS[kind]
    checked: dict[str, float] = {}
    for c in spec.components:
        value = values.get(c.code)
        if value is None or isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueProblem(c.code, "measurements.value.required")
        if not c.low <= value <= c.high:
            raise ValueProblem(c.code, "measurements.value.implausible", low=format_number(c.low, c.decimals),
                               high=format_number(c.high, c.decimals), unit=c.ucum)
        rounded = round(float(value), c.decimals)
        if c.decimals == 0 and rounded != value and kind is Kind.SYMPTOM_SCORE:
            raise ValueProblem(c.code, "measurements.value.whole")
        checked[c.code] = rounded
    if kind is Kind.BLOOD_PRESSURE and checked["diastolic"] >= checked["systolic"]:
        raise ValueProblem("diastolic", "measurements.value.diastolic_below")
    return checked


@dataclass(frozen=True, slots=True)
class Band:
    """The target range of one component, inclusive."""

    low: float
    high: float

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True, slots=True)
class Target:
    """Målområde: set by the team for one person and one kind (who set it, when: the store keeps that)."""

    kind: Kind
    bands: dict[str, Band]

    def outside(self, values: dict[str, float]) -> bool:
        """Whether any component of the measurement lies outside its band."""
        return any(code in values and not band.holds(values[code]) for code, band in self.bands.items())


def check_target(kind: Kind, bands: dict[str, tuple[float | None, float | None]]) -> Target:
    """A target range for ``kind``: a low and a high for every component, both within the plausibility range and
    the low below the high; else :class:`ValueProblem` naming the field ("<component>_low" / "_high")."""
    spec = SPECS[kind]
    checked: dict[str, Band] = {}
    for c in spec.components:
        low, high = bands.get(c.code, (None, None))
        for edge, value in (("low", low), ("high", high)):
            if value is None or not math.isfinite(value):
                raise ValueProblem(f"{c.code}_{edge}", "measurements.target.required")
            if not c.low <= value <= c.high:
                raise ValueProblem(f"{c.code}_{edge}", "measurements.value.implausible",
                                   low=format_number(c.low, c.decimals), high=format_number(c.high, c.decimals),
                                   unit=c.ucum)
        assert low is not None and high is not None
        if low >= high:
            raise ValueProblem(f"{c.code}_high", "measurements.target.order")
        checked[c.code] = Band(round(low, c.decimals), round(high, c.decimals))
    return Target(kind, checked)


@dataclass(frozen=True, slots=True)
class Point:
    """One measurement in a series, as a chart draws it."""

    at: datetime
    values: dict[str, float]
    outside: bool = False
